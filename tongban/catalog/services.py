"""Writes to the catalogue. Each runs in one transaction, checks permission with the rules in
`policies.py`, validates everything before writing anything and records a domain event.

Version lifecycle (draft -> in review -> published -> withdrawn, review -> draft) lives here:
a published version is never changed; `start_revision` copies it into a new draft."""

import uuid
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog import catalogue_format as fmt
from tongban.catalog.models import (
    CatalogueRevision,
    LifeEvent,
    LifeEventMatter,
    Material,
    Matter,
    MatterVersion,
    ReviewNote,
    Theme,
)
from tongban.core.api import Conflict
from tongban.core.events import Ref, record_event, reference
from tongban.core.permissions import require
from tongban.core.services import save_record

Status = MatterVersion.Status
# The namespace of service ids derived from implementation codes: the same catalogue file
# gives the same GovStack service ids on every installation.
SERVICE_ID_NAMESPACE = uuid.UUID("5b0f2d4e-3c1a-5d7e-9f60-7a8b9c0d1e2f")


class IllegalTransition(Conflict):
    """The version is not in a state that allows this step (mapped to 409)."""

    def __init__(self, version: MatterVersion, step: str):
        super().__init__(
            "illegal_transition",
            _("Version %(number)s is %(status)s; it cannot be %(step)s.")
            % {"number": version.number, "status": version.get_status_display(), "step": step},
        )


class CatalogueInvalid(ValidationError):
    """A document or a version's content has problems; `problems` lists every one of them
    as (path, localized message). Nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(dict.fromkeys(problems))
        by_path: dict[str, list[str]] = {}
        for path, message in self.problems:
            by_path.setdefault(path or "__all__", []).append(message)
        super().__init__(by_path)


def service_id_for(implementation_code: str) -> uuid.UUID:
    return uuid.uuid5(SERVICE_ID_NAMESPACE, implementation_code)


def bump_revision() -> None:
    """Tell every process's search index that the public catalogue changed."""
    stamp = uuid.uuid4()
    if not CatalogueRevision.objects.filter(id=1).update(stamp=stamp):
        CatalogueRevision.objects.create(id=1, stamp=stamp)


def check_content(content: Any, refs: fmt.References, *, publishing: bool) -> dict:
    """Validate a version's content (structure, references, and for review or publication
    completeness); raise `CatalogueInvalid` with every problem."""
    problems = fmt.content_structure_problems(content)
    if not problems:
        problems = fmt.content_problems(content, refs)
        if publishing:
            problems += fmt.publication_problems(content)
    if problems:
        raise CatalogueInvalid(problems)
    return fmt.normalized_content(content)


def write_content(version: MatterVersion, content: dict, refs: fmt.References) -> None:
    """Store normalized, validated content on an unsaved or draft version."""
    new = version.pk is None
    for key in fmt.CONTENT_PROPERTIES:
        if key not in ("audiences", "themes", "involved_departments", "materials"):
            setattr(version, key, content[key])
    version.for_persons = "person" in content["audiences"]
    version.for_businesses = "business" in content["audiences"]
    version.save()
    themes = list(Theme.objects.filter(code__in=content["themes"])) if content["themes"] else []
    involved = [refs.departments[code] for code in content["involved_departments"]]
    if new:  # nothing to replace: skip the reads and deletes of `set`
        if themes:
            version.themes.add(*themes)
        if involved:
            version.involved_departments.add(*involved)
    else:
        version.themes.set(themes)
        version.involved_departments.set(involved)
        version.materials.all().delete()
    Material.objects.bulk_create(
        Material(
            version=version,
            order=index,
            **{
                **material,
                "source_department": refs.departments.get(material["source_department"] or ""),
            },
        )
        for index, material in enumerate(content["materials"])
    )


def locked(version: MatterVersion) -> MatterVersion:
    return MatterVersion.objects.select_for_update().select_related("matter").get(pk=version.pk)


@transaction.atomic
def create_matter(
    *, actor, department, implementation_code: str, content: dict[str, Any]
) -> MatterVersion:
    """A new matter of `department`, with its content as draft version 1."""
    require(actor, "catalog.create_matter", department)
    refs = fmt.References.current()
    problems = []
    if not fmt.IMPLEMENTATION_CODE.fullmatch(implementation_code):
        problems.append(("implementation_code", _("Use 1 to 36 letters, digits, dots, dashes.")))
    elif Matter.objects.filter(implementation_code=implementation_code).exists():
        problems.append(("implementation_code", _("This implementation code is already used.")))
    try:
        normalized = check_content(content, refs, publishing=False)
    except CatalogueInvalid as invalid:
        problems += invalid.problems
    if problems:
        raise CatalogueInvalid(problems)
    matter = Matter.objects.create(
        implementation_code=implementation_code,
        department=department,
        service_id=service_id_for(implementation_code),
    )
    version = MatterVersion(matter=matter, number=1, author=reference(actor))
    write_content(version, normalized, refs)
    record_event(
        "catalog.matter.created",
        subject=matter,
        payload={"implementation_code": implementation_code, "version": version.pk},
        actor=actor,
    )
    return version


@transaction.atomic
def update_draft(*, actor, version: MatterVersion, content: dict[str, Any]) -> MatterVersion:
    """Replace a draft's content. Published versions are immutable: revise them instead."""
    version = locked(version)
    require(actor, "catalog.edit_matter", version)
    if version.status != Status.DRAFT:
        raise IllegalTransition(version, _("edited"))
    refs = fmt.References.current()
    normalized = check_content(content, refs, publishing=False)
    before = fmt.version_content(version)
    if before == normalized:
        return version
    version.author = reference(actor)
    write_content(version, normalized, refs)
    changed = sorted(key for key in normalized if normalized[key] != before.get(key))
    record_event(
        "catalog.version.updated",
        subject=version,
        payload={"matter": version.matter_id, "number": version.number, "fields": changed},
        actor=actor,
    )
    return version


@transaction.atomic
def submit_version(*, actor, version: MatterVersion) -> MatterVersion:
    """Send a complete draft to the platform's review (送审)."""
    version = locked(version)
    require(actor, "catalog.edit_matter", version)
    if version.status != Status.DRAFT:
        raise IllegalTransition(version, _("submitted for review"))
    check_content(fmt.version_content(version), fmt.References.current(), publishing=True)
    version.status, version.submitted_at = Status.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event("catalog.version.submitted", subject=version, payload=_ids(version), actor=actor)
    return version


MAX_REASON = 2000


def _reason(reason: str) -> str:
    """A review note's text: trimmed, at most MAX_REASON characters, no NUL."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise CatalogueInvalid(
            [("reason", _("Write at most %(n)s characters.") % {"n": MAX_REASON})]
        )
    return reason


def _note(version: MatterVersion, step: str, reason: str, actor) -> None:
    if reason:
        ReviewNote.objects.create(
            version=version, step=step, reason=reason, author=reference(actor)
        )


@transaction.atomic
def return_version(*, actor, version: MatterVersion, reason: str = "") -> MatterVersion:
    """Send a version in review back to its department as a draft (退回修改), with the
    reviewer's reason (the pages require one; the API may omit it)."""
    reason = _reason(reason)
    version = locked(version)
    require(actor, "catalog.review_version", version)
    if version.status != Status.IN_REVIEW:
        raise IllegalTransition(version, _("returned"))
    version.status = Status.DRAFT
    version.save(update_fields=["status", "updated_at"])
    _note(version, ReviewNote.Step.RETURNED, reason, actor)
    record_event(
        "catalog.version.returned",
        subject=version,
        payload={**_ids(version), "reason_length": len(reason)},
        actor=actor,
    )
    return version


@transaction.atomic
def publish_version(*, actor, version: MatterVersion) -> MatterVersion:
    """Publish a reviewed version; the version published before it is withdrawn. From now
    on the version never changes."""
    version = locked(version)
    require(actor, "catalog.review_version", version)
    if version.status != Status.IN_REVIEW:
        raise IllegalTransition(version, _("published"))
    check_content(fmt.version_content(version), fmt.References.current(), publishing=True)
    now = timezone.now()
    previous = list(
        MatterVersion.objects.select_for_update().filter(
            matter_id=version.matter_id, status=Status.PUBLISHED
        )
    )
    for old in previous:
        old.status, old.withdrawn_at = Status.WITHDRAWN, now
        old.save(update_fields=["status", "withdrawn_at", "updated_at"])
    version.status, version.published_at = Status.PUBLISHED, now
    version.save(update_fields=["status", "published_at", "updated_at"])
    bump_revision()
    record_event(
        "catalog.version.published",
        subject=version,
        payload={**_ids(version), "superseded": [old.number for old in previous]},
        actor=actor,
    )
    return version


@transaction.atomic
def withdraw_version(*, actor, version: MatterVersion, reason: str = "") -> MatterVersion:
    """Take a published version off the public catalogue (the matter is no longer offered),
    with the reason (the pages require one; the API may omit it)."""
    reason = _reason(reason)
    version = locked(version)
    require(actor, "catalog.withdraw_version", version)
    if version.status != Status.PUBLISHED:
        raise IllegalTransition(version, _("withdrawn"))
    version.status, version.withdrawn_at = Status.WITHDRAWN, timezone.now()
    version.save(update_fields=["status", "withdrawn_at", "updated_at"])
    bump_revision()
    _note(version, ReviewNote.Step.WITHDRAWN, reason, actor)
    record_event(
        "catalog.version.withdrawn",
        subject=version,
        payload={**_ids(version), "reason_length": len(reason)},
        actor=actor,
    )
    return version


@transaction.atomic
def start_revision(*, actor, matter: Matter) -> MatterVersion:
    """A new draft copied from the matter's latest version: the way to change a published
    guide. Refused while a draft or a version in review exists."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    require(actor, "catalog.edit_matter", matter)
    versions = MatterVersion.objects.filter(matter=matter).prefetch_related(
        "themes", "involved_departments", "materials__source_department"
    )
    latest = versions.order_by("-number").first()
    if versions.filter(status__in=fmt.OPEN).exists():
        raise Conflict("open_version_exists", _("Finish or return the open draft first."))
    draft = MatterVersion(matter=matter, number=latest.number + 1, author=reference(actor))
    write_content(draft, fmt.version_content(latest), fmt.References.current())
    record_event(
        "catalog.version.started",
        subject=draft,
        payload={**_ids(draft), "from": latest.number},
        actor=actor,
    )
    return draft


def _ids(version: MatterVersion) -> dict[str, int]:
    return {"matter": version.matter_id, "number": version.number}


# --- life events ------------------------------------------------------------------------


def save_life_event(document: dict, matter_ids: list[int], *, actor: Ref) -> str:
    """Create or update a life event (一件事) from its catalogue-format document, bundling
    the matters `matter_ids` in this order; "created", "updated" or "unchanged"."""
    event, status = save_record(
        LifeEvent,
        lookup={"code": document["code"]},
        values={
            "name": document["name"],
            "name_en": document.get("name_en", ""),
            "summary": document.get("summary", ""),
            "audience": document["audience"],
            "order": document.get("order", 0),
            "answers": document.get("answers", {}),
        },
        actor=actor,
    )
    if _set_steps(event, matter_ids) and status == "unchanged":
        status = "updated"
        record_event(
            "catalog.lifeevent.updated", subject=event, payload={"fields": ["matters"]}, actor=actor
        )
    return status


def _set_steps(event: LifeEvent, matter_ids: list[int]) -> bool:
    if list(event.steps.order_by("order").values_list("matter_id", flat=True)) == matter_ids:
        return False
    event.steps.all().delete()
    LifeEventMatter.objects.bulk_create(
        LifeEventMatter(life_event=event, matter_id=pk, order=i) for i, pk in enumerate(matter_ids)
    )
    return True


# --- import -----------------------------------------------------------------------------

ALLOWED_STATUS_CHANGES = {
    (Status.DRAFT, Status.IN_REVIEW),
    (Status.DRAFT, Status.PUBLISHED),
    (Status.DRAFT, Status.WITHDRAWN),
    (Status.IN_REVIEW, Status.DRAFT),
    (Status.IN_REVIEW, Status.PUBLISHED),
    (Status.PUBLISHED, Status.WITHDRAWN),
}


def _duplicates(items: list[dict], key: str, path: str) -> list[tuple[str, str]]:
    seen: set = set()
    problems = []
    for index, item in enumerate(items):
        value = item.get(key)
        if value is not None and value in seen:
            problems.append(
                (f"{path}[{index}].{key}", _("%(value)s appears twice.") % {"value": value})
            )
        seen.add(value)
    return problems


def import_problems(document: Any) -> list[tuple[str, str]]:
    """Every problem that importing `document` into the current catalogue would meet, with
    its path; empty when the import can be written. A matter whose shape is wrong gets its
    shape problems; every other part is still checked in full."""
    problems = fmt.structure_problems(document)
    if any(not path.startswith("matters[") for path, _message in problems):
        return problems  # the outline itself is broken: nothing more can be read safely
    broken = {path.split("]", 1)[0] + "]" for path, _message in problems}
    themes = document.get("themes", [])
    matters = document.get("matters", [])
    events = document.get("life_events", [])
    readable = [
        (index, matter) for index, matter in enumerate(matters) if f"matters[{index}]" not in broken
    ]
    refs = fmt.References.current(extra_themes=[t["code"] for t in themes])
    problems += _duplicates(themes, "code", "themes")
    problems += _duplicates([m for _i, m in readable], "implementation_code", "matters")
    problems += _duplicates([m for _i, m in readable], "id", "matters")
    problems += _duplicates(events, "code", "life_events")
    existing = _existing_matters([m["implementation_code"] for _i, m in readable])
    owners = dict(
        Matter.objects.filter(
            service_id__in=[m["id"] for _i, m in readable if "id" in m]
        ).values_list("service_id", "implementation_code")
    )
    for index, matter in readable:
        problems += _matter_problems(matter, f"matters[{index}]", refs, existing, owners)
    named = {m.get("implementation_code") for m in matters if isinstance(m, dict)}
    known = named | set(
        Matter.objects.filter(
            implementation_code__in=[c for e in events for c in e["matters"]]
        ).values_list("implementation_code", flat=True)
    )
    questions = _questions([m for _i, m in readable], [c for e in events for c in e["matters"]])
    for index, event in enumerate(events):
        for position, code in enumerate(event["matters"]):
            if code not in known:
                problems.append(
                    (
                        f"life_events[{index}].matters[{position}]",
                        _("There is no matter %(code)s.") % {"code": code},
                    )
                )
        asked = {
            situation["code"]: {option["code"] for option in situation["options"]}
            for code in event["matters"]
            for situation in questions.get(code, [])
        }
        for question, option in event.get("answers", {}).items():
            if option not in asked.get(question, ()):
                problems.append(
                    (
                        f"life_events[{index}].answers.{question}",
                        _("No bundled matter asks %(question)s with the option %(option)s.")
                        % {"question": question, "option": option},
                    )
                )
    return problems


def _questions(matters: list[dict], codes: list[str]) -> dict[str, list[dict]]:
    """The situations of each matter a life event may preset: the newest version in the
    file, else the published one in the catalogue."""
    found = {
        m["implementation_code"]: max(m["versions"], key=lambda v: v["number"]).get(
            "situations", []
        )
        for m in matters
    }
    stored = MatterVersion.objects.filter(
        status=Status.PUBLISHED, matter__implementation_code__in=set(codes) - set(found)
    ).values_list("matter__implementation_code", "situations")
    return {**dict(stored), **found}


def _existing_matters(codes: list[str]) -> dict[str, Matter]:
    return {
        matter.implementation_code: matter
        for matter in Matter.objects.filter(implementation_code__in=codes).prefetch_related(
            "versions__themes",
            "versions__involved_departments",
            "versions__materials__source_department",
        )
    }


def _matter_problems(matter, path, refs, existing, owners) -> list[tuple[str, str]]:
    problems = []
    code = matter["implementation_code"]
    if matter["department"] not in refs.departments:
        problems.append(
            (
                f"{path}.department",
                fmt.unknown_department(matter["department"]),
            )
        )
    if "id" in matter and owners.get(uuid.UUID(matter["id"]), code) != code:
        problems.append((f"{path}.id", _("This id belongs to another matter.")))
    current = existing.get(code)
    if current and "id" in matter and str(current.service_id) != matter["id"]:
        problems.append((f"{path}.id", _("This matter already has another id.")))
    stored = {v.number: v for v in current.versions.all()} if current else {}
    problems += _duplicates(matter["versions"], "number", f"{path}.versions")
    final = {number: v.status for number, v in stored.items()}
    for index, version in enumerate(matter["versions"]):
        where = f"{path}.versions[{index}]"
        problems += fmt.content_problems(version, refs, where)
        if version["status"] in fmt.LIVE:
            problems += fmt.publication_problems(version, where)
        old = stored.get(version["number"])
        if old is not None and old.status != Status.DRAFT:
            if fmt.version_content(old) != fmt.normalized_content(version):
                problems.append(
                    (
                        where,
                        _("Version %(number)s is %(status)s and cannot change; add a new version.")
                        % {"number": old.number, "status": old.get_status_display()},
                    )
                )
            if old.status != version["status"] and (
                (old.status, version["status"]) not in ALLOWED_STATUS_CHANGES
            ):
                problems.append(
                    (
                        f"{where}.status",
                        _("Version %(number)s cannot go from %(old)s to %(new)s.")
                        % {"number": old.number, "old": old.status, "new": version["status"]},
                    )
                )
        final[version["number"]] = version["status"]
    if any(v["status"] == Status.PUBLISHED for v in matter["versions"]):
        published_in_file = {
            v["number"] for v in matter["versions"] if v["status"] == Status.PUBLISHED
        }
        for number in final:
            if final[number] == Status.PUBLISHED and number not in published_in_file:
                final[number] = Status.WITHDRAWN  # superseded, as publishing does
    if sum(status == Status.PUBLISHED for status in final.values()) > 1:
        problems.append((f"{path}.versions", _("At most one version can be published.")))
    if sum(status in fmt.OPEN for status in final.values()) > 1:
        problems.append((f"{path}.versions", _("At most one version can be a draft or in review.")))
    return problems


def import_catalogue(*, document: Any, actor: Ref) -> Counter:
    """Import a catalogue document (docs/catalog-format.md). Everything is checked first:
    with any problem, `CatalogueInvalid` lists them all and nothing is written. Importing
    never deletes; a version that is published or in review must match the file exactly.
    Returns counts of (what, "created" / "updated" / "unchanged")."""
    with transaction.atomic():
        problems = import_problems(document)
        if problems:
            raise CatalogueInvalid(problems)
        counts: Counter = Counter()
        for theme in document.get("themes", []):
            _theme, status = save_record(
                Theme,
                lookup={"code": theme["code"]},
                values={
                    "name": theme["name"],
                    "name_en": theme.get("name_en", ""),
                    "audience": theme["audience"],
                    "order": theme.get("order", 0),
                },
                actor=actor,
            )
            counts[("theme", status)] += 1
        refs = fmt.References.current()
        existing = _existing_matters(
            [m["implementation_code"] for m in document.get("matters", [])]
        )
        for matter in document.get("matters", []):
            for what, status in _import_matter(matter, existing, refs, actor):
                counts[(what, status)] += 1
        codes = {
            m.implementation_code: m
            for m in Matter.objects.filter(
                implementation_code__in={
                    c for e in document.get("life_events", []) for c in e["matters"]
                }
            )
        }
        for event in document.get("life_events", []):
            status = save_life_event(event, [codes[c].pk for c in event["matters"]], actor=actor)
            counts[("life event", status)] += 1
        if any(status != "unchanged" for _what, status in counts):
            bump_revision()
        return counts


def _import_matter(document: dict, existing: dict, refs: fmt.References, actor: Ref):
    code = document["implementation_code"]
    department = refs.departments[document["department"]]
    matter = existing.get(code)
    if matter is None:
        matter = Matter.objects.create(
            implementation_code=code,
            department=department,
            service_id=uuid.UUID(document["id"]) if "id" in document else service_id_for(code),
        )
        stored = {}
        record_event(
            "catalog.matter.created",
            subject=matter,
            payload={"implementation_code": code, "imported": True},
            actor=actor,
        )
        yield "matter", "created"
    else:
        stored = {v.number: v for v in matter.versions.all()}
        if matter.department_id != department.pk:
            matter.department = department
            matter.save(update_fields=["department"])
            record_event(
                "catalog.matter.updated",
                subject=matter,
                payload={"fields": ["department"]},
                actor=actor,
            )
            yield "matter", "updated"
        else:
            yield "matter", "unchanged"
    now = timezone.now()
    published = {v["number"] for v in document["versions"] if v["status"] == Status.PUBLISHED}
    if published:
        for number, old in stored.items():
            if old.status == Status.PUBLISHED and number not in published:
                old.status, old.withdrawn_at = Status.WITHDRAWN, now
                old.save(update_fields=["status", "withdrawn_at", "updated_at"])
                record_event(
                    "catalog.version.withdrawn", subject=old, payload=_ids(old), actor=actor
                )
    # Versions leaving the live states first, so the one-published/one-open rules hold.
    ordered = sorted(
        document["versions"], key=lambda v: v["status"] in (*fmt.OPEN, Status.PUBLISHED)
    )
    for version_document in ordered:
        yield (
            "matter version",
            _import_version(
                matter, stored.get(version_document["number"]), version_document, refs, actor, now
            ),
        )


def _import_version(matter, version, document, refs, actor, now) -> str:
    content = fmt.normalized_content(document)
    status = document["status"]
    stamps = {
        key: fmt.parse_timestamp(document.get(key))
        for key in ("submitted_at", "published_at", "withdrawn_at")
    }
    if status == Status.PUBLISHED:
        stamps["published_at"] = stamps["published_at"] or now
    if status == Status.WITHDRAWN:
        stamps["withdrawn_at"] = stamps["withdrawn_at"] or now
    if version is None:
        version = MatterVersion(matter=matter, number=document["number"], status=status, **stamps)
        write_content(version, content, refs)
        record_event(
            "catalog.version.created",
            subject=version,
            payload={**_ids(version), "status": status, "imported": True},
            actor=actor,
        )
        return "created"
    same_content = fmt.version_content(version) == content
    if same_content and version.status == status:
        return "unchanged"
    if version.status != status:
        version.status = status
        for key, value in stamps.items():
            if value and not getattr(version, key):
                setattr(version, key, value)
    if same_content:
        version.save()
    else:
        write_content(version, content, refs)
    record_event(
        "catalog.version.updated",
        subject=version,
        payload={**_ids(version), "status": status, "imported": True},
        actor=actor,
    )
    return "updated"
