"""Where a decision's inputs come from, declared in the DMN file itself (输入数据来源).

A decision table for instant approval names each input's source in the decision's
`extensionElements`, so one uploaded file says both the rules and the data they are applied
to, and the explanation can say where every value came from:

    <decision id="senior_card" name="老年人优待证资格">
      <extensionElements>
        <tb:input name="age" type="integer" source="applicant" field="age"
                  label="年龄" label-en="Age" />
        <tb:input name="resident" type="boolean" source="registry-record"
                  registry="population" field="district"
                  label="本市户籍" label-en="Registered resident of the city" />
        <tb:licence field="birth_date" input="birth_date" />
      </extensionElements>
      <decisionTable hitPolicy="UNIQUE"> ... outputs: outcome, reason_zh, reason_en ...
    </decision>

with `xmlns:tb="urn:tongban:instant:1"`. Sources:

- `applicant` (`field`: `age`, `birth_date`, `gender`): derived from the applicant's ID number;
- `registry` (`registry`, `field`, optional `absent`, a JSON literal): the field, fetched
  through the exchange gateway; `absent` is the value when the subject has no record
  (otherwise the input is missing and the case is referred);
- `registry-record` (`registry`, `field` asked for): `True` when the subject has a record;
- `contribution-months` (`registry`, `field` of months, `status-field`, `active` statuses
  separated by `|`): the months while the status is active, else 0;
- `licence` (`licence-type`): `True` when the applicant holds a valid licence of that type,
  read like a registry through the gateway (the licence type's registry `licence-<type>`,
  `licences.sharing`), so the read is granted, logged and shown to the applicant;
- `form` (`field`): the applicant's answer.

`<tb:licence field=... input=... [format="region"]>` fills a field of the resulting licence
from an input (a region code can be written as its name)."""

import json
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from lxml import etree

from tongban.licences.sharing import IDENTIFIER, registry_code
from tongban.workflow.bpmn import max_model_bytes
from tongban.workflow.dmn import KINDS
from tongban.workflow.xml import InvalidModel, Problem, local_name, parse_untrusted_xml

NAMESPACE = "urn:tongban:instant:1"
SOURCES = {
    "applicant": ("field",),
    "registry": ("registry", "field"),
    "registry-record": ("registry", "field"),
    "contribution-months": ("registry", "field", "status-field", "active"),
    "licence": ("licence-type",),
    "form": ("field",),
}
APPLICANT_FIELDS = {"age": "integer", "birth_date": "date", "gender": "string"}
FIXED_KINDS = {
    "registry-record": "boolean",
    "licence": "boolean",
    "contribution-months": "integer",
}
OUTCOMES = ("approve", "refer", "reject")
REQUIRED_OUTPUTS = ("outcome", "reason_zh", "reason_en")
FETCHING = ("registry", "registry-record", "contribution-months", "licence")


@dataclass(frozen=True)
class Binding:
    """One input of a decision and where its value comes from."""

    name: str
    type: str
    source: str
    label: str
    label_en: str
    registry: str = ""
    field: str = ""
    status_field: str = ""
    active: tuple[str, ...] = ()
    licence_type: str = ""
    absent: object = None
    has_absent: bool = False

    def __post_init__(self):
        if self.source == "licence":  # the licence type's registry, asked for the identifier
            object.__setattr__(self, "registry", registry_code(self.licence_type))
            object.__setattr__(self, "field", IDENTIFIER)

    @property
    def fetches(self) -> bool:
        return self.source in FETCHING

    @property
    def registry_fields(self) -> list[str]:
        return [f for f in (self.field, self.status_field) if f] if self.fetches else []

    def as_json(self) -> dict:
        data = asdict(self)
        data["active"] = list(self.active)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Binding":
        return cls(**{**data, "active": tuple(data.get("active", ()))})


def _literal(where: str, text: str, problems: list[Problem]):
    try:
        return json.loads(text)
    except ValueError:
        problems.append(
            Problem(
                where,
                _('absent must be a JSON literal (false, 0, "text"): %(text)s') % {"text": text},
            )
        )
        return None


def read_bindings(content: bytes) -> tuple[list[Binding], dict[str, dict]]:
    """The inputs' sources and the licence-field mapping declared in a DMN file.
    `InvalidModel` names every malformed declaration."""
    root = parse_untrusted_xml(content, max_bytes=max_model_bytes())
    problems: list[Problem] = []
    bindings: list[Binding] = []
    licence_fields: dict[str, dict] = {}
    for element in root.iter(etree.Element):
        if etree.QName(element).namespace != NAMESPACE:
            continue
        kind = local_name(element)
        attrs = dict(element.attrib)
        if kind == "licence":
            where = _("licence field %(name)s") % {"name": attrs.get("field", "?")}
            if not attrs.get("field") or not attrs.get("input"):
                problems.append(Problem(where, _("name the licence field and the input")))
                continue
            licence_fields[attrs["field"]] = {
                "input": attrs["input"],
                "format": attrs.get("format", ""),
            }
            continue
        if kind != "input":
            problems.append(Problem(kind, _("unknown declaration %(name)s") % {"name": kind}))
            continue
        name = attrs.get("name", "")
        where = _("input %(name)s") % {"name": name or "?"}
        if not name.isidentifier() or name.startswith("_"):
            problems.append(Problem(where, _("an input needs a name that is a variable name")))
            continue
        if any(b.name == name for b in bindings):
            problems.append(Problem(where, _("declared twice")))
            continue
        source = attrs.get("source", "")
        if source not in SOURCES:
            problems.append(
                Problem(
                    where,
                    _("unknown source %(source)s; use one of: %(sources)s")
                    % {"source": source, "sources": ", ".join(SOURCES)},
                )
            )
            continue
        missing = [a for a in SOURCES[source] if not attrs.get(a)]
        if missing:
            problems.append(
                Problem(where, _("missing attribute: %(names)s") % {"names": ", ".join(missing)})
            )
            continue
        kind_of = attrs.get("type", "")
        expected = FIXED_KINDS.get(source) or (
            APPLICANT_FIELDS.get(attrs["field"]) if source == "applicant" else None
        )
        if source == "applicant" and attrs["field"] not in APPLICANT_FIELDS:
            problems.append(
                Problem(
                    where,
                    _("the applicant's %(field)s is not known; use one of: %(fields)s")
                    % {"field": attrs["field"], "fields": ", ".join(APPLICANT_FIELDS)},
                )
            )
            continue
        if kind_of not in KINDS:
            problems.append(
                Problem(
                    where,
                    _("declare the type as one of: %(kinds)s")
                    % {"kinds": ", ".join(sorted(KINDS))},
                )
            )
            continue
        if expected and kind_of != expected:
            problems.append(
                Problem(
                    where,
                    _("type mismatch: this source gives a %(expected)s, not a %(kind)s")
                    % {"expected": expected, "kind": kind_of},
                )
            )
            continue
        absent, has_absent = None, "absent" in attrs
        if has_absent:
            absent = _literal(where, attrs["absent"], problems)
        bindings.append(
            Binding(
                name=name,
                type=kind_of,
                source=source,
                label=attrs.get("label") or name,
                label_en=attrs.get("label-en") or attrs.get("label") or name,
                registry=attrs.get("registry", ""),
                field=attrs.get("field", ""),
                status_field=attrs.get("status-field", ""),
                active=tuple(s for s in attrs.get("active", "").split("|") if s),
                licence_type=attrs.get("licence-type", ""),
                absent=absent,
                has_absent=has_absent,
            )
        )
    if problems:
        raise InvalidModel(problems)
    return bindings, licence_fields
