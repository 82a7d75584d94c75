"""GovStack Digital Registries API (data API and database API, spec 1.3.0) at
/govstack/registries/, answering both the YAML's camelCase paths and the kebab-case ones the
GovStack conformance tests call (../shared/specs/README.md).

- registryName is the registry code, versionNumber its schema version ("2" or "2.0");
- the `Information-Mediator-Client` header names the calling system (INSTANCE/CLASS/MEMBER/
  SUBSYSTEM); callers authenticate with a system client's bearer token, or come from a trusted
  information mediator (TONGBAN_TRUSTED_MEDIATORS);
- registry metadata (/databases, /database/{id}) is readable by every registered client;
  records only under grants, through the gateway, which logs every read: reads state their
  purpose and case in the `Purpose` and `Case-Reference` headers (percent-encoded UTF-8);
- writes (create, update, update-entries, update-or-create, delete) belong to the registry's
  own department's systems."""

from typing import Any
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from tongban.core.api import error, errors, install_error_handlers
from tongban.core.identifiers import clean_credit_code, clean_id_number
from tongban.exchange import gateway, selectors, services
from tongban.exchange.callers import Caller, identify
from tongban.exchange.models import Record, Registry, SubjectKind, subject_index

MAX_PAGE_SIZE = 100


class MediatorOrBearer(HttpBearer):
    """A system client's bearer token, or a trusted mediator's Information-Mediator-Client."""

    def __call__(self, request) -> Caller:
        return identify(request, channel="govstack")

    def authenticate(self, request, token):  # not used: __call__ identifies the caller
        return identify(request, channel="govstack")


registries_api = NinjaAPI(
    title="Tongban — GovStack Digital Registries",
    version="1.3.0",
    description=__doc__,
    urls_namespace="govstack_registries",
    auth=MediatorOrBearer(),
)
install_error_handlers(registries_api)


# -- schemas ------------------------------------------------------------------------------


class ContentIn(Schema):
    content: dict[str, Any]


class QueryBody(Schema):
    query: ContentIn


class WriteBody(Schema):
    write: ContentIn


class QueryWriteBody(Schema):
    query: ContentIn | None = None
    write: ContentIn


class ContentOut(Schema):
    content: dict[str, Any]


class ListOut(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[dict[str, Any]]


class Answer(Schema):
    status: bool
    message: str


class ExistsOut(Schema):
    answer: Answer


class NotFoundOut(Schema):
    detail: str
    code: str = "no_record"


class ValueOut(Schema):
    value: Any


class UpdatedOut(Schema):
    updated: int


class Reference(Schema):
    ReferenceID: str


class UsageOut(Schema):
    id: str
    readerId: str
    readerInitials: str
    readerInstitutionId: str
    readerInstitutionName: str
    readerApplicationName: str
    searchDateTime: str
    refrences: list[Reference]  # sic: the spec's spelling
    purpose: str
    database: str
    fields: list[str]


class DatabaseInfo(Schema):
    id: int
    version: str
    name: str
    description: str
    institution: str
    numberFormat: str
    schema_: dict[str, Any] = Field(alias="schema")
    isDraft: bool
    isDisabled: bool
    isArchived: bool
    modifiedAt: str
    genericServices: list[dict[str, Any]]


class DatabasesOut(Schema):
    id: int
    name: str
    code: str
    databases: list[DatabaseInfo]
    groupId: int
    order: int
    dataIndexIncrement: int


class ModifyIn(Schema):
    groupName: str = ""
    catalogName: str = ""
    code: str = Field(max_length=50)
    schema_: dict[str, Any] = Field(alias="schema")


# -- helpers ------------------------------------------------------------------------------


def _caller(request) -> Caller:
    return request.auth


def _header(request, name: str) -> str:
    return unquote(request.headers.get(name, ""))[:300]


def _refused(refusal: gateway.AccessRefused):
    return Status(refusal.status, error(refusal.code, str(refusal.message)))


def _writer(request):
    """The calling system for a write, or an error answer."""
    caller = _caller(request)
    if caller.client is None:
        return None, Status(401, error(caller.problem, str(gateway.REFUSALS[caller.problem][1])))
    if not caller.mediator_client:
        return None, (
            400,
            error("missing_mediator_header", str(gateway.REFUSALS["missing_mediator_header"][1])),
        )
    return caller.client, None


def _writer_and_registry(request, registryName: str, versionNumber: str):
    """The calling system and the registry it writes to, or an error answer."""
    client, problem = _writer(request)
    if problem:
        return None, None, problem
    registry = _registry(registryName, versionNumber)
    if registry is None:
        return None, None, _no_registry()
    return client, registry, None


def _registry(registryName: str, versionNumber: str) -> Registry | None:
    registry = selectors.registry_by_code(registryName)
    if registry is None or registry.is_archived:
        return None
    if versionNumber not in (str(registry.schema_version), f"{registry.schema_version}.0"):
        return None
    return registry


def _matching(registry: Registry, query: dict) -> QuerySet[Record]:
    """The registry's records matching `query` exactly, for its own department's writes."""
    records = Record.objects.filter(registry=registry)
    for name, value in query.items():
        if name not in registry.field_names:
            raise ValidationError({name: [_("This registry has no such field.")]})
        if name == registry.subject_field:
            try:
                clean = (
                    clean_id_number
                    if registry.subject_kind == SubjectKind.PERSON
                    else clean_credit_code
                )
                identifier = clean(str(value))
            except ValidationError as problem:
                raise ValidationError({name: problem.messages}) from None
            records = records.filter(subject_index=subject_index(registry.subject_kind, identifier))
        elif name in registry.sensitive_fields:
            raise ValidationError({name: [_("Records cannot be searched by an encrypted field.")]})
        else:
            records = records.filter(**{f"clear__{name}": value})
    return records


def _no_registry():
    return Status(404, error("unknown_registry", str(gateway.REFUSALS["unknown_registry"][1])))


# -- MyPersonalDataUsage (registered before /data/{registryName}/{versionNumber}) ----------


@registries_api.get(
    "/data/myPersonalDataUsage",
    response={200: list[UsageOut], **errors(401, 403)},
    operation_id="DPU",
    tags=["MyPersonalDataUsage API"],
)
@registries_api.get(
    "/data/MyPersonalDataUsage/1.0",
    response={200: list[UsageOut], **errors(401, 403)},
    operation_id="DPU_versioned",
    tags=["MyPersonalDataUsage API"],
)
@registries_api.get(
    "/data/my-personal-data-usage",
    response={200: list[UsageOut], **errors(401, 403)},
    operation_id="DPU_kebab",
    tags=["MyPersonalDataUsage API"],
)
def personal_data_usage(request, userId: str = Query(...), databaseId: str = Query(...)):
    """Who has read a person's data: the same lines as the citizen's 数据使用记录 page
    (delayed-disclosure lines only after their release date). `databaseId` is a registry
    code, or `*` for all. Only systems allowed to act for citizens (the portal) may ask."""
    caller = _caller(request)
    if caller.client is None:
        return Status(401, error(caller.problem, str(gateway.REFUSALS[caller.problem][1])))
    if not caller.client.may_read_data_usage:
        return Status(403, error("forbidden", _("This system may not read data-usage records.")))
    try:
        identifier = clean_id_number(userId)
    except ValidationError:
        return Status(
            400, error("malformed_subject", str(gateway.REFUSALS["malformed_subject"][1]))
        )
    lines = selectors.data_usage(
        subject_index(SubjectKind.PERSON, identifier),
        registry_code=None if databaseId == "*" else databaseId,
    )
    return Status(
        200,
        [
            {
                "id": str(line.pk),
                "readerId": line.client.mediator_id if line.client else "",
                "readerInitials": line.department.short_name if line.department else "",
                "readerInstitutionId": line.department.credit_code if line.department else "",
                "readerInstitutionName": line.department.name if line.department else "",
                "readerApplicationName": line.client.name if line.client else "",
                "searchDateTime": line.at.isoformat().replace("+00:00", "Z"),
                "refrences": [{"ReferenceID": line.case_reference}],
                "purpose": line.purpose,
                "database": line.registry.code if line.registry else "",
                "fields": line.fields_returned,
            }
            for line in lines[:500]
        ],
    )


# -- data API -----------------------------------------------------------------------------


@registries_api.get(
    "/data/{registryName}/{versionNumber}",
    response={200: ListOut, **errors(400, 401, 403, 404, 429)},
    operation_id="list",
    tags=["Registry data query API"],
)
def list_records(
    request,
    registryName: str,
    versionNumber: str,
    search: str | None = None,
    filter: str | None = None,
    ordering: str | None = None,
    page: int = 1,
    pageSize: int = 10,
):
    """Records matching `filter`=`search` and any `query.<field>` parameters (exact match;
    encrypted fields cannot be searched), granted fields only, one log line per record."""
    query = {
        key.removeprefix("query."): value
        for key, value in request.GET.items()
        if key.startswith("query.")
    }
    if filter and search is not None:
        query[filter] = search
    page, page_size = max(page, 1), min(max(pageSize, 1), MAX_PAGE_SIZE)
    try:
        disclosures, total = gateway.search(
            caller=_caller(request),
            registry_code=registryName,
            version=versionNumber,
            query=query,
            purpose=_header(request, "Purpose"),
            case_reference=_header(request, "Case-Reference"),
            limit=page_size,
            offset=(page - 1) * page_size,
            descending=ordering == "descending",
        )
    except gateway.AccessRefused as refusal:
        return _refused(refusal)
    base = request.build_absolute_uri(request.path)
    more = page * page_size < total
    return Status(
        200,
        {
            "count": total,
            "next": f"{base}?page={page + 1}&pageSize={page_size}" if more else None,
            "previous": f"{base}?page={page - 1}&pageSize={page_size}" if page > 1 else None,
            "results": [d.values for d in disclosures if d.found],
        },
    )


@registries_api.post(
    "/data/{registryName}/{versionNumber}/create",
    response={200: ContentOut, **errors(400, 401, 403, 404, 409)},
    operation_id="create",
    tags=["Registry data query API"],
)
def create(request, registryName: str, versionNumber: str, body: WriteBody):
    """Add a record (the registry's own department's systems only)."""
    client, registry, problem = _writer_and_registry(request, registryName, versionNumber)
    if problem:
        return problem
    record = services.create_record(actor=client, registry=registry, content=body.write.content)
    return Status(200, {"content": record.content()})


def _read(request, registryName, versionNumber, body: QueryBody):
    return gateway.search(
        caller=_caller(request),
        registry_code=registryName,
        version=versionNumber,
        query=body.query.content,
        purpose=_header(request, "Purpose"),
        case_reference=_header(request, "Case-Reference"),
    )


@registries_api.post(
    "/data/{registryName}/{versionNumber}/exists",
    response={200: ExistsOut, **errors(400, 401, 403, 404, 429)},
    operation_id="exists",
    tags=["Registry data query API"],
)
def exists(request, registryName: str, versionNumber: str, body: QueryBody):
    """Whether a record matches (a read of existence, so under a grant and logged)."""
    try:
        disclosures, _total = _read(request, registryName, versionNumber, body)
    except gateway.AccessRefused as refusal:
        return _refused(refusal)
    found = disclosures[0].found
    message = _("Object found from database") if found else _("No object found")
    return Status(200, {"answer": {"status": found, "message": message}})


@registries_api.post(
    "/data/{registryName}/{versionNumber}/read",
    response={**errors(400, 401, 403, 429), 200: ContentOut, 404: NotFoundOut},
    operation_id="read",
    tags=["Registry data query API"],
)
def read(request, registryName: str, versionNumber: str, body: QueryBody):
    """The first matching record's granted fields."""
    try:
        disclosures, _total = _read(request, registryName, versionNumber, body)
    except gateway.AccessRefused as refusal:
        if refusal.status == 404:
            return Status(404, {"detail": str(refusal.message), "code": refusal.code})
        return _refused(refusal)
    if not disclosures[0].found:
        return Status(404, {"detail": "no record found"})
    return Status(200, {"content": disclosures[0].values})


def _update(request, registryName, versionNumber, body: QueryWriteBody, *, many: bool):
    client, registry, problem = _writer_and_registry(request, registryName, versionNumber)
    if problem:
        return problem
    query = (
        body.query.content
        if body.query
        else {registry.subject_field: body.write.content.get(registry.subject_field)}
    )
    records = list(_matching(registry, query).order_by("id"))
    if not many:
        records = records[:1]
    if not records:
        return Status(404, error("no_record", _("No record matches the query.")))
    for record in records:
        services.update_record(actor=client, record=record, changes=body.write.content)
    return Status(200, {"updated": len(records)})


@registries_api.put(
    "/data/{registryName}/{versionNumber}/update",
    response={200: UpdatedOut, **errors(400, 401, 403, 404)},
    operation_id="update",
    tags=["Registry data query API"],
)
def update(request, registryName: str, versionNumber: str, body: QueryWriteBody):
    """Change the first record matching the query (or the write's subject)."""
    return _update(request, registryName, versionNumber, body, many=False)


@registries_api.put(
    "/data/{registryName}/{versionNumber}/updateEntries",
    response={200: UpdatedOut, **errors(400, 401, 403, 404)},
    operation_id="updateEntries",
    tags=["Registry data query API"],
)
@registries_api.put(
    "/data/{registryName}/{versionNumber}/update-entries",
    response={200: UpdatedOut, **errors(400, 401, 403, 404)},
    operation_id="update_entries_kebab",
    tags=["Registry data query API"],
)
def update_entries(request, registryName: str, versionNumber: str, body: QueryWriteBody):
    """Change every record matching the query."""
    return _update(request, registryName, versionNumber, body, many=True)


@registries_api.post(
    "/data/{registryName}/{versionNumber}/updateOrCreate",
    response={200: ContentOut, **errors(400, 401, 403, 404, 409)},
    operation_id="updateOrCreate",
    tags=["Registry data query API"],
)
@registries_api.post(
    "/data/{registryName}/{versionNumber}/update-or-create",
    response={200: ContentOut, **errors(400, 401, 403, 404, 409)},
    operation_id="update_or_create_kebab",
    tags=["Registry data query API"],
)
def update_or_create(request, registryName: str, versionNumber: str, body: QueryWriteBody):
    """Change the matching record, or add one made of the write content."""
    client, registry, problem = _writer_and_registry(request, registryName, versionNumber)
    if problem:
        return problem
    record = _matching(registry, body.query.content).first() if body.query else None
    if record is None:
        record, _status = services.save_record(
            actor=client, registry=registry, content=body.write.content
        )
    else:
        record, _status = services.update_record(
            actor=client, record=record, changes=body.write.content
        )
    return Status(200, {"content": record.content()})


@registries_api.delete(
    "/data/{registryName}/{versionNumber}/{ID}/delete",
    response={204: None, **errors(400, 401, 403, 404)},
    operation_id="delete",
    tags=["Registry data query API"],
)
def delete(request, registryName: str, versionNumber: str, ID: str):
    """Remove a record by its record id; its history stays."""
    client, registry, problem = _writer_and_registry(request, registryName, versionNumber)
    if problem:
        return problem
    record = Record.objects.filter(registry=registry, uid=_uuid_or_none(ID)).first()
    if record is None:
        return Status(404, error("no_record", _("No record has this id.")))
    services.delete_record(actor=client, record=record)
    return Status(204, None)


def _uuid_or_none(text: str):
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@registries_api.get(
    "/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}",
    response={200: ValueOut, **errors(400, 401, 403, 404, 429)},
    operation_id="readValue",
    tags=["Registry data query API"],
)
@registries_api.get(
    "/data/{registryName}/{versionNumber}/{uuid}/read-value/{field}.{ext}",
    response={200: ValueOut, **errors(400, 401, 403, 404, 429)},
    operation_id="read_value_kebab",
    tags=["Registry data query API"],
)
def read_value(request, registryName: str, versionNumber: str, uuid: str, field: str, ext: str):
    """One granted field of one record, by record id; only the `json` format is served."""
    if ext != "json":
        return Status(422, error("invalid", _("Only the json format is served.")))
    try:
        disclosure = gateway.fetch_by_record_id(
            caller=_caller(request),
            registry_code=registryName,
            version=versionNumber,
            record_uid=uuid,
            field_name=field,
            purpose=_header(request, "Purpose"),
            case_reference=_header(request, "Case-Reference"),
        )
    except gateway.AccessRefused as refusal:
        return _refused(refusal)
    if not disclosure.found:
        return Status(404, error("no_record", _("No record has this id.")))
    return Status(200, {"value": disclosure.values[field]})


# -- database API -------------------------------------------------------------------------

SERVICES = [
    "list",
    "create",
    "exists",
    "read",
    "update",
    "update-entries",
    "update-or-create",
    "delete",
    "read-value",
]


def _database_info(registry: Registry) -> dict:
    return {
        "id": registry.pk,
        "version": str(registry.schema_version),
        "name": registry.code,
        "description": registry.description or registry.name,
        "institution": registry.department.name,
        "numberFormat": "{uuid}",
        "schema": registry.schema,
        "isDraft": False,
        "isDisabled": False,
        "isArchived": registry.is_archived,
        "modifiedAt": registry.modified_at.isoformat().replace("+00:00", "Z"),
        "genericServices": [
            {"serviceId": n, "name": f"data-{name}", "isVisible": True, "usedCount": 0}
            for n, name in enumerate(SERVICES, start=1)
        ],
    }


def _metadata_reader(request):
    caller = _caller(request)
    if caller.client is None:
        return Status(401, error(caller.problem, str(gateway.REFUSALS[caller.problem][1])))
    return None


@registries_api.get(
    "/databases", response={200: DatabasesOut, **errors(401)}, tags=["Databases"], by_alias=True
)
def databases(request):
    """Every registry in service with its schema (any registered system may read this)."""
    if refusal := _metadata_reader(request):
        return refusal
    registries = Registry.objects.select_related("department").filter(is_archived=False)
    return Status(
        200,
        {
            "id": 1,
            "name": _("Government information resources"),
            "code": "TONGBAN",
            "databases": [_database_info(r) for r in registries],
            "groupId": 1,
            "order": 1,
            "dataIndexIncrement": 0,
        },
    )


@registries_api.get(
    "/database/{int:id}",
    response={200: DatabaseInfo, **errors(401, 404)},
    tags=["Database API"],
    by_alias=True,
)
def database(request, id: int):
    """One registry's metadata and schema."""
    if refusal := _metadata_reader(request):
        return refusal
    registry = Registry.objects.select_related("department").filter(pk=id).first()
    if registry is None:
        return _no_registry()
    return Status(200, _database_info(registry))


@registries_api.post(
    "/database/modify",
    response={200: dict[str, Any], **errors(400, 401, 403, 409)},
    tags=["Database API"],
)
def modify_database(request, body: ModifyIn):
    """Create a registry (owned by the calling system's department) or evolve its schema.
    The schema names its subject field in `x-subject-field` and its kind (`id_number` or
    `credit_code`) in `x-subject-kind`."""
    client, problem = _writer(request)
    if problem:
        return problem
    schema = body.schema_
    registry = selectors.registry_by_code(body.code)
    if registry is None:
        registry = services.create_registry(
            actor=client,
            department=client.department,
            code=body.code,
            name=str(schema.get("title") or body.catalogName or body.code)[:100],
            description=str(schema.get("description", "")),
            subject_kind=str(schema.get("x-subject-kind", "")),
            subject_field=str(schema.get("x-subject-field", "")),
            schema=schema,
        )
    else:
        registry, _status = services.evolve_schema(actor=client, registry=registry, schema=schema)
    return Status(200, registry.schema)


@registries_api.delete(
    "/database/{int:id}", response={200: str, **errors(401, 403, 404)}, tags=["Database API"]
)
def delete_database(request, id: int):
    """Archive a registry (its records and history are kept)."""
    client, problem = _writer(request)
    if problem:
        return problem
    registry = Registry.objects.filter(pk=id).first()
    if registry is None:
        return _no_registry()
    services.archive_registry(actor=client, registry=registry)
    return Status(200, "Success")
