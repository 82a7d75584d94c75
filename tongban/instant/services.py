"""Every write of instant approval (秒批): attach and activate a decision, decide a case, ask for
human review of an automatic refusal, issue the result, simulate a decision over a sample.

`decide` is the one entry point for intake and for the simulation: it gathers the inputs
(outside any transaction: the exchange gateway commits its access-log lines first), evaluates
the table with SpiffWorkflow's DMN engine through the restricted evaluator, and records the
`Evaluation` with its `instant.evaluated` event in one short transaction. It never raises
because data is missing or late: those cases are referred to an official."""

import json
import random
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tongban.catalog.models import MatterVersion
from tongban.core.api import Conflict
from tongban.core.events import record_event
from tongban.core.permissions import require
from tongban.exchange.models import Record, Registry
from tongban.identity.models import Person
from tongban.instant import inputs as gathering
from tongban.instant.bindings import OUTCOMES, REQUIRED_OUTPUTS, Binding, read_bindings
from tongban.instant.models import Evaluation, InstantDecision, Outcome, SimulationRun
from tongban.licences.models import LicenceType
from tongban.licences.services import issue_licence
from tongban.workflow import dmn
from tongban.workflow.decisions import DecisionFault, MissingInput
from tongban.workflow.models import Source
from tongban.workflow.services import upload_decision
from tongban.workflow.xml import InvalidModel, Problem

SYSTEM_ACTOR = "system:instant"
MAX_SAMPLE = 500
REGISTRY_KINDS = {
    "integer": {"integer", "number"},
    "number": {"number"},
    "boolean": {"boolean"},
    "string": {"string", "date"},
}


class NotInstant(Conflict):
    """The matter version has no active decision: the case takes the normal workflow."""

    def __init__(self):
        super().__init__(
            "not_instant", _("This matter version has no active instant-approval decision.")
        )


def _bilingual(message: str, **params) -> tuple[str, str]:
    """A message in zh-Hans and en (both are stored: the record is read in either)."""
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.append(_(message) % params if params else _(message))
    return texts[0], texts[1]


# Attaching a decision -------------------------------------------------------------------------


def _output_problems(table: dmn.CheckedDecision) -> list[Problem]:
    problems = []
    names = [column.label for column in table.outputs]
    for required in REQUIRED_OUTPUTS:
        if required not in names:
            problems.append(
                Problem(
                    "decisionTable",
                    _("the table needs an output column named %(name)s") % {"name": required},
                )
            )
    if problems:
        return problems
    for rule in table.engine.decision_table.rules:
        for index, entry in enumerate(rule.outputEntries):
            name = names[index]
            if name not in REQUIRED_OUTPUTS:
                continue
            where = _("rule %(row)d, output column %(n)d (%(label)s)") % {
                "row": rule.row_number,
                "n": index + 1,
                "label": name,
            }
            text = (entry.text or "").strip()
            try:
                value = json.loads(text) if text else None
            except ValueError:
                value = None
            if name == "outcome" and value not in OUTCOMES:
                problems.append(
                    Problem(
                        where,
                        _("the outcome must be one of %(outcomes)s, written in quotes")
                        % {"outcomes": ", ".join(f'"{o}"' for o in OUTCOMES)},
                    )
                )
            elif name != "outcome" and not (isinstance(value, str) and value.strip()):
                problems.append(Problem(where, _("write the reason as a quoted text")))
    return problems


def _registry_kind(registry: Registry, name: str) -> set[str]:
    spec = registry.properties.get(name, {})
    kind = spec.get("type", "string")
    if kind == "string" and spec.get("format") == "date":
        return {"date", "string"}
    return {kind} | ({"number"} if kind == "integer" else set())


def _binding_problems(
    bindings: list[Binding], version: MatterVersion, licence_fields: dict
) -> list[Problem]:
    problems = []
    form_fields = set((version.form_schema or {}).get("properties", {}))
    for binding in bindings:
        where = _("input %(name)s") % {"name": binding.name}
        if (
            binding.source == "licence"
            and not LicenceType.objects.filter(code=binding.licence_type).exists()
        ):
            problems.append(
                Problem(
                    where,
                    _("unknown licence type %(code)s") % {"code": binding.licence_type},
                )
            )
            continue
        if binding.fetches:
            registry = Registry.objects.filter(code=binding.registry, is_archived=False).first()
            if registry is None:
                problems.append(
                    Problem(where, _("unknown registry %(code)s") % {"code": binding.registry})
                )
                continue
            for name in binding.registry_fields:
                if name not in registry.field_names:
                    problems.append(
                        Problem(
                            where,
                            _("the registry %(code)s has no field %(field)s")
                            % {"code": binding.registry, "field": name},
                        )
                    )
            if (
                binding.source == "registry"
                and binding.field in registry.field_names
                and not (
                    REGISTRY_KINDS.get(binding.type, set())
                    & _registry_kind(registry, binding.field)
                )
            ):
                problems.append(
                    Problem(
                        where,
                        _("type mismatch: %(code)s.%(field)s is not a %(kind)s")
                        % {"code": binding.registry, "field": binding.field, "kind": binding.type},
                    )
                )
        elif binding.source == "form" and binding.field not in form_fields:
            problems.append(
                Problem(
                    where,
                    _("the application form has no field %(field)s") % {"field": binding.field},
                )
            )
    names = {b.name for b in bindings}
    for target, spec in licence_fields.items():
        if spec["input"] not in names:
            problems.append(
                Problem(
                    _("licence field %(name)s") % {"name": target},
                    _("unknown input: %(names)s") % {"names": spec["input"]},
                )
            )
    if version.result_licence_type:
        licence_type = LicenceType.objects.filter(code=version.result_licence_type).first()
        if licence_type is None:
            problems.append(
                Problem(
                    "licence",
                    _("unknown licence type %(code)s") % {"code": version.result_licence_type},
                )
            )
        else:
            for required in licence_type.field_schema.get("required", []):
                if required not in licence_fields:
                    problems.append(
                        Problem(
                            _("licence field %(name)s") % {"name": required},
                            _("the licence needs this field: map it from an input"),
                        )
                    )
    return problems


def check_instant_decision(
    content: bytes, *, version: MatterVersion
) -> tuple[list[Binding], dict, dmn.CheckedDecision]:
    """Every check of an instant-approval DMN file, before anything is stored. `InvalidModel`
    names each problem with its rule and column (or input): an input without a source or a
    source nobody declared, a type that does not fit the column or the registry field, an
    expression outside the restricted language, overlapping rules under UNIQUE, outcomes and
    reasons that are not approve/refer/reject and texts, registries, fields, licence types
    and form fields that do not exist."""
    if not version.instant_approval:
        raise InvalidModel(
            [Problem("", _("This matter version is not marked for instant approval."))]
        )
    bindings, licence_fields = read_bindings(content)
    table = dmn.check_decision(content, inputs={b.name: b.type for b in bindings})
    problems = _output_problems(table) + _binding_problems(bindings, version, licence_fields)
    if problems:
        raise InvalidModel(problems)
    return bindings, licence_fields, table


@transaction.atomic
def attach_decision(
    *,
    version: MatterVersion,
    content: bytes,
    actor,
    allow_reject: bool = False,
    key: str | None = None,
) -> InstantDecision:
    """Check a DMN file, store it as the next version of the matter's decision and attach it
    to `version` as a draft (simulate it, then `activate_decision`)."""
    require(actor, "instant.manage_decision")
    bindings, licence_fields, _table = check_instant_decision(content, version=version)
    key = key or version.decision_reference or f"matter-{version.matter_id}"
    definition = upload_decision(
        key=key[:64],
        content=content,
        inputs={b.name: b.type for b in bindings},
        actor=actor,
        source=Source.OPERATOR if not str(actor).startswith("system:") else Source.SHIPPED,
    )
    attached = InstantDecision.objects.create(
        version=version,
        decision=definition,
        bindings=[b.as_json() for b in bindings],
        licence_fields=licence_fields,
        allow_reject=allow_reject,
        attached_by=str(getattr(actor, "pk", actor)),
    )
    record_event(
        "instant.decision_attached",
        subject=attached,
        payload={
            "version": version.pk,
            "decision": definition.key,
            "decision_version": definition.version,
            "sha256": definition.sha256,
            "allow_reject": allow_reject,
        },
        actor=actor,
    )
    return attached


@transaction.atomic
def activate_decision(*, attached: InstantDecision, actor) -> InstantDecision:
    """Make a draft the version's active decision; the one active before it retires."""
    require(actor, "instant.manage_decision")
    attached = InstantDecision.objects.select_for_update().get(pk=attached.pk)
    if attached.status != InstantDecision.Status.DRAFT:
        raise Conflict("not_a_draft", _("Only a draft decision can be activated."))
    InstantDecision.objects.filter(
        version=attached.version, status=InstantDecision.Status.ACTIVE
    ).update(status=InstantDecision.Status.RETIRED)
    attached.status = InstantDecision.Status.ACTIVE
    attached.activated_at = timezone.now()
    attached.save(update_fields=["status", "activated_at"])
    record_event(
        "instant.decision_activated",
        subject=attached,
        payload={"version": attached.version_id, "decision": attached.decision_id},
        actor=actor,
    )
    return attached


def active_decision(version: MatterVersion) -> InstantDecision | None:
    return (
        InstantDecision.objects.select_related("decision", "version__matter__department")
        .filter(version=version, status=InstantDecision.Status.ACTIVE)
        .first()
    )


# Deciding -------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the rules (or the lack of data) concluded, before it is recorded."""

    outcome: str
    cause: str
    reason_zh: str
    reason_en: str
    rule_outcome: str = ""
    fired: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    evaluate_ms: float = 0.0


def _labels(attached: InstantDecision, names) -> tuple[str, str]:
    bindings = [attached.binding(name) or {"label": name, "label_en": name} for name in names]
    return "、".join(b["label"] for b in bindings), ", ".join(b["label_en"] for b in bindings)


def judge(attached: InstantDecision, resolution: gathering.Resolution) -> Verdict:
    """Evaluate the table on the gathered inputs. Late or refused data, missing inputs, a
    value the rules cannot use, or no rule applying: referral. An automatic refusal only
    where the matter allows it."""
    if resolution.problem == "timeout":
        zh, en = _bilingual(
            gettext_noop(
                "The registry %(registry)s did not answer in time; an official will review the "
                "application."
            ),
            registry=resolution.problem_registry,
        )
        return Verdict(Outcome.REFER, Evaluation.Cause.TIMEOUT, zh, en)
    if resolution.problem == "refused":
        zh, en = _bilingual(
            gettext_noop(
                "The registry %(registry)s could not be read for this case; an official will "
                "review the application."
            ),
            registry=resolution.problem_registry,
        )
        return Verdict(Outcome.REFER, Evaluation.Cause.REFUSED, zh, en)
    table = dmn.load_decision(attached.decision)
    missing = sorted(name for name in table.input_names if resolution.values.get(name) is None)
    if missing:
        label_zh, label_en = _labels(attached, missing)
        with translation.override("zh-hans"):
            zh = _(
                "Data needed for the decision is missing: %(names)s. An official will review "
                "the application."
            ) % {"names": label_zh}
        with translation.override("en"):
            en = _(
                "Data needed for the decision is missing: %(names)s. An official will review "
                "the application."
            ) % {"names": label_en}
        return Verdict(Outcome.REFER, Evaluation.Cause.MISSING_INPUT, zh, en, missing=missing)
    started = time.perf_counter()
    try:
        evaluation = dmn.evaluate(table, resolution.values, attached.decision.inputs)
    except (MissingInput, DecisionFault):
        zh, en = _bilingual(
            gettext_noop(
                "The data found does not fit the rules; an official will review the application."
            )
        )
        return Verdict(Outcome.REFER, Evaluation.Cause.FAULT, zh, en)
    elapsed = (time.perf_counter() - started) * 1000
    fired = [
        {
            "row": rule.row,
            "rule_id": rule.rule_id,
            "description": rule.description,
            "outcome": rule.outputs.get("outcome", ""),
            "reason_zh": rule.outputs.get("reason_zh", ""),
            "reason_en": rule.outputs.get("reason_en", ""),
        }
        for rule in evaluation.fired
    ]
    if not fired:
        zh, en = _bilingual(
            gettext_noop("No rule applies to this application; an official will review it.")
        )
        return Verdict(Outcome.REFER, Evaluation.Cause.NO_RULE, zh, en, evaluate_ms=elapsed)
    outcomes = {rule["outcome"] for rule in fired}
    rule_outcome = next(
        o for o in (Outcome.REJECT, Outcome.REFER, Outcome.APPROVE) if o in outcomes
    )
    deciding = [rule for rule in fired if rule["outcome"] == rule_outcome]
    zh = "；".join(rule["reason_zh"] for rule in deciding)
    en = " ".join(rule["reason_en"] for rule in deciding)
    outcome = rule_outcome
    if rule_outcome == Outcome.REJECT and not attached.allow_reject:
        outcome = Outcome.REFER
        extra_zh, extra_en = _bilingual(
            gettext_noop(
                "This matter is never refused automatically: an official will review the "
                "application."
            )
        )
        zh, en = f"{zh.rstrip('。')}。{extra_zh}", f"{en} {extra_en}"
    return Verdict(
        outcome, Evaluation.Cause.RULES, zh, en, rule_outcome, fired, evaluate_ms=elapsed
    )


def _purpose(version: MatterVersion) -> str:
    return version.name


def _record(
    *,
    attached: InstantDecision,
    applicant: Person,
    case_reference: str,
    resolution: gathering.Resolution,
    verdict: Verdict,
    actor,
) -> Evaluation:
    salt = gathering.new_salt()
    hashes, inputs_hash = gathering.input_hashes(resolution.values, salt)
    inputs = [
        {**resolution.provenance[name], "hash": hashes[name]} for name in resolution.provenance
    ]
    evaluation = Evaluation.objects.create(
        case_reference=case_reference,
        version=attached.version,
        instant_decision=attached,
        applicant=applicant,
        outcome=verdict.outcome,
        rule_outcome=verdict.rule_outcome,
        cause=verdict.cause,
        reason_zh=verdict.reason_zh,
        reason_en=verdict.reason_en,
        fired=verdict.fired,
        inputs=inputs,
        values=json.dumps(
            {"salt": salt.hex(), "values": resolution.values, "extra": resolution.extra},
            ensure_ascii=False,
            default=str,
        ),
        inputs_hash=inputs_hash,
        fetch_ms=round(resolution.fetch_ms, 3),
        evaluate_ms=round(verdict.evaluate_ms, 3),
    )
    event = record_event(
        "instant.evaluated",
        subject=evaluation,
        payload={
            "evaluation": str(evaluation.public_id),
            "case": case_reference,
            "version": attached.version_id,
            "decision": attached.decision.key,
            "decision_version": attached.decision.version,
            "decision_sha256": attached.decision.sha256,
            "outcome": verdict.outcome,
            "rule_outcome": verdict.rule_outcome,
            "cause": verdict.cause,
            "rules": [rule["row"] for rule in verdict.fired],
            "inputs": [
                {
                    "name": item["name"],
                    "source": item["source"],
                    "registry": item.get("registry", ""),
                    "access": item.get("access_id"),
                    "hash": item["hash"],
                }
                for item in inputs
            ],
            "inputs_hash": inputs_hash,
        },
        actor=actor,
        on_behalf_of=applicant,
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(event_id=event.pk)
    evaluation.event_id = event.pk
    return evaluation


def decide(
    *,
    version: MatterVersion,
    applicant: Person,
    answers: dict | None,
    case_reference: str,
    actor=SYSTEM_ACTOR,
    timeout: float | None = None,
    within=None,
    attached: InstantDecision | None = None,
) -> Evaluation:
    """Decide an application of `applicant` under `version` with its form `answers`.

    `within(evaluation)`, when given, runs in the transaction that records the evaluation
    (intake acts on the outcome there: one write transaction instead of two).

    Call it outside a write transaction (the registry reads commit their access-log lines
    first). Raises `NotInstant` when the version has no active decision and `NotPermitted`
    for an actor who may not decide this case; otherwise always returns an `Evaluation`
    whose `outcome` is approve, refer or reject (reject only where the matter allows it).
    `attached`: the version's active decision, where the caller has looked it up already.

    Everything that only reads — the registries, the rules, the resulting licence's type and
    fields — is done before the write transaction opens (on SQLite it holds the one write
    lock from its first statement)."""
    require(actor, "instant.decide", (version, applicant))
    case_reference = (case_reference or "").strip()
    if not case_reference or len(case_reference) > 100:
        raise ValidationError({"case_reference": _("Name the case (at most 100 characters).")})
    if attached is None or attached.version_id != version.pk:
        attached = active_decision(version)
    if attached is None:
        raise NotInstant()
    resolution = gathering.resolve(
        bindings=[Binding.from_json(b) for b in attached.bindings],
        client=gathering.department_client(attached.version),
        id_number=applicant.id_number,
        answers=answers or {},
        purpose=_purpose(version),
        case_reference=case_reference,
        timeout=timeout,
    )
    verdict = judge(attached, resolution)
    prepared = (
        _prepare_result(attached, resolution.values)
        if verdict.outcome == Outcome.APPROVE and within is not None
        else None
    )
    with transaction.atomic():
        evaluation = _record(
            attached=attached,
            applicant=applicant,
            case_reference=case_reference,
            resolution=resolution,
            verdict=verdict,
            actor=actor,
        )
        evaluation.prepared_result = prepared
        if within is not None:
            within(evaluation)
        return evaluation


# Who acts on a review request for a case that belongs to a higher layer: intake registers
# itself when it starts (instant never imports intake, ADR 0090).
_review_handlers: list = []


def register_review_handler(handler) -> None:
    """`handler(evaluation=..., actor=...)` reopens the case an evaluation decided for human
    review (recording the request with `record_review_request` in its own transaction) and
    returns True, or returns False when the case is not one of its own."""
    if handler not in _review_handlers:
        _review_handlers.append(handler)


def request_review(*, evaluation: Evaluation, actor) -> Evaluation:
    """The applicant (or their guardian) puts an automatic refusal before an official
    (申请人工复核), once. Where the case is an intake application, intake reopens it for the
    normal review in the same transaction as the request (its registered handler); otherwise
    only the request is recorded."""
    for handler in _review_handlers:
        if handler(evaluation=evaluation, actor=actor):
            return Evaluation.objects.get(pk=evaluation.pk)
    with transaction.atomic():
        return record_review_request(evaluation=evaluation, actor=actor)


def record_review_request(*, evaluation: Evaluation, actor, on_behalf_of=None) -> Evaluation:
    """Record the review request on the evaluation with its `instant.review_requested`
    event, in the caller's transaction. Refused (`Conflict`, nothing changed) unless the
    evaluation is an automatic refusal not yet put before an official."""
    require(actor, "instant.request_review", evaluation)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.may_request_review:
        raise Conflict(
            "review_not_possible",
            _("Human review can be asked for once, and only for an automatic refusal."),
        )
    evaluation.review_requested_at = timezone.now()
    evaluation.save(update_fields=["review_requested_at"])
    record_event(
        "instant.review_requested",
        subject=evaluation,
        payload={"evaluation": str(evaluation.public_id), "case": evaluation.case_reference},
        actor=actor,
        on_behalf_of=on_behalf_of,
    )
    return evaluation


def _licence_fields(attached: InstantDecision, values: dict) -> dict[str, str]:
    return {
        target: gathering.licence_value(values.get(spec["input"]), spec.get("format", ""))
        for target, spec in attached.licence_fields.items()
    }


def licence_fields(evaluation: Evaluation) -> dict[str, str]:
    """The resulting licence's fields, from the evaluation's inputs (as the table mapped them)."""
    stored = json.loads(evaluation.values)
    return _licence_fields(evaluation.instant_decision, stored["values"])


@dataclass
class PreparedResult:
    """The resulting licence's type and fields, read before the write transaction."""

    licence_type: LicenceType
    fields: dict[str, str]


def _prepare_result(attached: InstantDecision, values: dict) -> PreparedResult | None:
    code = attached.version.result_licence_type
    licence_type = LicenceType.objects.filter(code=code).first() if code else None
    if licence_type is None:
        return None
    return PreparedResult(licence_type, _licence_fields(attached, values))


def issue_result(*, evaluation: Evaluation, actor=SYSTEM_ACTOR):
    """Issue the licence an approved evaluation leads to, in the caller's transaction (intake
    calls it with its approval). Returns the licence, or None when the matter's result is
    not a licence. Safe to retry: the licence is unique per (type, case)."""
    if evaluation.outcome != Outcome.APPROVE:
        raise Conflict("not_approved", _("Only an approved evaluation leads to a licence."))
    version = evaluation.version
    if not version.result_licence_type:
        return None
    prepared = getattr(evaluation, "prepared_result", None)
    return issue_licence(
        licence_type=prepared.licence_type if prepared else version.result_licence_type,
        issuer=version.lead_department,
        holder=evaluation.applicant,
        fields=prepared.fields if prepared else licence_fields(evaluation),
        source_case=evaluation.case_reference,
        actor=actor,
    )


# Simulation ----------------------------------------------------------------------------------


def _sample_registry(attached: InstantDecision) -> str:
    fetching = [  # people are sampled from a registry of records, not of licences
        b["registry"] for b in attached.bindings if b.get("registry") and b["source"] != "licence"
    ]
    return fetching[0] if fetching else "population"


def sample_subjects(registry: Registry, size: int, *, seed: int | None = None) -> list[str]:
    """Up to `size` subject identifiers of a registry, drawn at random (to drive the gateway
    reads of a simulation; the identifiers are not kept)."""
    ids = list(Record.objects.filter(registry=registry).values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311  # nosec B311  # a reproducible simulation sample, not a secret
    records = Record.objects.filter(pk__in=chosen).order_by("pk")
    return [record.content()[registry.subject_field] for record in records]


def simulate(
    *,
    attached: InstantDecision,
    actor,
    sample_size: int = 50,
    registry_code: str | None = None,
    answers: dict | None = None,
    seed: int | None = None,
    timeout: float | None = None,
) -> SimulationRun:
    """Run a decision (draft or active) over a sample of a registry's subjects before it goes
    live: how many would be approved, referred, rejected, which rules fired, which data was
    missing. Each subject's data is read through the gateway like a real case (purpose
    "规则模拟", case `SIM-<run>`), so it appears in the subject's data-usage record; only
    counts are kept."""
    require(actor, "instant.manage_decision")
    sample_size = max(1, min(int(sample_size), MAX_SAMPLE))
    code = registry_code or _sample_registry(attached)
    registry = Registry.objects.filter(code=code, is_archived=False).first()
    if registry is None or registry.subject_kind != "id_number":
        raise ValidationError({"registry": _("Choose a registry of people to sample from.")})
    run = SimulationRun(
        instant_decision=attached,
        sample_registry=code,
        sample_size=sample_size,
        run_by=str(getattr(actor, "pk", actor)),
    )
    case = f"SIM-{run.public_id.hex[:12]}"
    bindings = [Binding.from_json(b) for b in attached.bindings]
    client = gathering.department_client(attached.version)
    outcomes: dict[str, int] = {}
    rules: dict[str, int] = {}
    causes: dict[str, int] = {}
    missing: dict[str, int] = {}
    started = time.perf_counter()
    subjects = sample_subjects(registry, sample_size, seed=seed)
    matter = attached.version.name
    purpose, _english = _bilingual(gettext_noop("Rule simulation: %(matter)s"), matter=matter)
    for id_number in subjects:
        resolution = gathering.resolve(
            bindings=bindings,
            client=client,
            id_number=id_number,
            answers=answers or {},
            purpose=purpose,
            case_reference=case,
            timeout=timeout,
        )
        verdict = judge(attached, resolution)
        outcomes[verdict.outcome] = outcomes.get(verdict.outcome, 0) + 1
        causes[verdict.cause] = causes.get(verdict.cause, 0) + 1
        for rule in verdict.fired:
            key = str(rule["row"])
            rules[key] = rules.get(key, 0) + 1
        for name in verdict.missing:
            missing[name] = missing.get(name, 0) + 1
    table = dmn.load_decision(attached.decision)
    run.report = {
        "total": len(subjects),
        "outcomes": {o: outcomes.get(o, 0) for o in OUTCOMES},
        "causes": causes,
        "rules": [
            {
                "row": info.row,
                "description": info.description,
                "count": rules.get(str(info.row), 0),
            }
            for info in table.rules
        ],
        "missing": missing,
        "seconds": round(time.perf_counter() - started, 3),
    }
    with transaction.atomic():
        run.save()
        record_event(
            "instant.simulated",
            subject=run,
            payload={
                "decision": attached.pk,
                "registry": code,
                "total": run.report["total"],
                "outcomes": run.report["outcomes"],
            },
            actor=actor,
        )
    return run
