"""Gathering a decision's inputs (数据多跑路): registries through the exchange gateway, the
applicant's licences, form answers, and values derived from the ID number.

Every registry read goes through `exchange.gateway.fetch_for_case` with the matter as purpose
and the case reference, so the applicant sees it in "who used my data"; each input keeps the
access-log line it came from. Reads happen outside any write transaction (the gateway commits
its log line first). Registries are asked in parallel with one deadline for all
(`TONGBAN_INSTANT_FETCH_TIMEOUT`, seconds): a registry that is down or slow makes the case a
referral within that time, never an error page. A read still running at the deadline finishes
in the background and is logged as usual."""

import contextvars
import datetime
import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from tongban.core.identifiers import birth_date
from tongban.core.models import Region
from tongban.exchange import gateway, selectors
from tongban.exchange.models import Registry
from tongban.instant.bindings import Binding

DEFAULT_TIMEOUT = 2.0
_pool: ThreadPoolExecutor | None = None


def fetch_timeout() -> float:
    return float(getattr(settings, "TONGBAN_INSTANT_FETCH_TIMEOUT", DEFAULT_TIMEOUT))


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        workers = int(getattr(settings, "TONGBAN_INSTANT_FETCH_THREADS", 8))
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="instant-fetch")
    return _pool


@dataclass
class Resolution:
    """The inputs' values, where each came from, and what went wrong fetching them."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, dict] = field(default_factory=dict)
    problem: str = ""  # "", "timeout" or "refused"
    problem_registry: str = ""
    fetch_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)  # registry values kept for the licence


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def applicant_value(id_number: str, what: str, today: datetime.date | None = None):
    """Values derived from a valid ID number: age (whole years), birth date, gender."""
    born = birth_date(id_number)
    if what == "age":
        return age_on(born, today or timezone.localdate())
    if what == "birth_date":
        return born.isoformat()
    if what == "gender":
        return "男" if int(id_number[16]) % 2 else "女"
    raise KeyError(what)


def _fetch(client, registry_code, subject_id, fields, purpose, case_reference):
    """One gateway read, in a pool thread: its own database connection, dropped when broken."""
    try:
        return gateway.fetch_for_case(
            client=client,
            registry_code=registry_code,
            subject_id=subject_id,
            fields=fields,
            purpose=purpose,
            case_reference=case_reference,
        )
    except DatabaseError:
        connection.close()
        raise


def _plan(bindings: list[Binding]) -> dict[str, list[str]]:
    """Registry code -> the fields to ask for (one call per registry)."""
    plan: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.fetches:
            wanted = plan.setdefault(binding.registry, [])
            wanted += [f for f in binding.registry_fields if f not in wanted]
    return plan


def fetch_registries(
    *,
    plan: dict[str, list[str]],
    client,
    subject_id: str,
    purpose: str,
    case_reference: str,
    timeout: float,
) -> tuple[dict[str, Any], str, str]:
    """Ask every registry of the plan; returns (registry -> Disclosure or AccessRefused,
    problem, problem registry). Parallel with one deadline outside a transaction; in a
    transaction (tests, or a caller that forgot) one after the other, checked against the
    same deadline after each read."""
    results: dict[str, Any] = {}
    if not plan:
        return results, "", ""
    calls = {
        code: (client, code, subject_id, fields, purpose, case_reference)
        for code, fields in plan.items()
    }
    started = time.monotonic()
    if connection.in_atomic_block:
        for code, args in calls.items():
            try:
                results[code] = _fetch(*args)
            except gateway.AccessRefused as refused:
                return {**results, code: refused}, "refused", code
            if time.monotonic() - started > timeout:
                return results, "timeout", code
        return results, "", ""
    pool = _executor()
    futures = {
        pool.submit(contextvars.copy_context().run, _fetch, *args): code
        for code, args in calls.items()
    }
    done, pending = wait(futures, timeout=timeout, return_when=FIRST_EXCEPTION)
    for future in done:
        code = futures[future]
        error = future.exception()
        if isinstance(error, gateway.AccessRefused):
            results[code] = error
            return results, "refused", code
        if error is not None:
            return results, "timeout", code  # the registry failed: as good as no answer
        results[code] = future.result()
    if pending:
        return results, "timeout", sorted(futures[f] for f in pending)[0]
    return results, "", ""


def _region_name(code: str) -> str:
    region = Region.objects.select_related("parent").filter(code=str(code)).first()
    if region is None:
        return str(code)
    if region.parent and region.level == Region.Level.COUNTY:
        return f"{region.parent.name}{region.name}"
    return region.name


def licence_value(value: Any, fmt: str) -> str:
    if fmt == "region" and value:
        return _region_name(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def resolve(
    *,
    bindings: list[Binding],
    client,
    id_number: str,
    answers: Mapping[str, Any],
    purpose: str,
    case_reference: str,
    timeout: float | None = None,
    today: datetime.date | None = None,
) -> Resolution:
    """Every input's value and provenance. An input whose data is absent gets None (the
    decision then refers the case), unless its binding says what absence means."""
    resolution = Resolution()
    timeout = fetch_timeout() if timeout is None else timeout
    started = time.perf_counter()
    results, resolution.problem, resolution.problem_registry = fetch_registries(
        plan=_plan(bindings),
        client=client,
        subject_id=id_number,
        purpose=purpose,
        case_reference=case_reference,
        timeout=timeout,
    )
    resolution.fetch_ms = (time.perf_counter() - started) * 1000
    registries = {
        code: Registry.objects.select_related("department").filter(code=code).first()
        for code in {b.registry for b in bindings if b.fetches}
    }
    for binding in bindings:
        value, origin = (
            None,
            {
                "name": binding.name,
                "label": binding.label,
                "label_en": binding.label_en,
                "source": binding.source,
                "type": binding.type,
            },
        )
        if binding.fetches:
            registry = registries.get(binding.registry)
            origin |= {
                "registry": binding.registry,
                "registry_name": registry.name if registry else binding.registry,
                "department": registry.department.name if registry else "",
                "field": binding.field,
            }
            disclosure = results.get(binding.registry)
            if isinstance(disclosure, gateway.AccessRefused):
                origin |= {"access_id": disclosure.access_id, "refused": disclosure.code}
            elif disclosure is not None:
                origin |= {"access_id": disclosure.access_id, "found": disclosure.found}
                value = _from_disclosure(binding, disclosure, origin)
                if disclosure.found:
                    resolution.extra[binding.registry] = disclosure.values
        elif binding.source == "applicant":
            value = applicant_value(id_number, binding.field, today)
            origin["field"] = binding.field
        elif binding.source == "form":
            value = answers.get(binding.field)
            origin["field"] = binding.field
        resolution.values[binding.name] = value
        resolution.provenance[binding.name] = origin
    return resolution


def _from_disclosure(binding: Binding, disclosure, origin: dict):
    if binding.source in ("registry-record", "licence"):
        return disclosure.found
    if not disclosure.found:
        if binding.has_absent:
            origin["absent_rule"] = True
            return binding.absent
        return None
    if binding.source == "contribution-months":
        status = disclosure.values.get(binding.status_field)
        months = disclosure.values.get(binding.field)
        origin["status"] = status
        if months is None:
            return None
        return int(months) if status in binding.active else 0
    return disclosure.values.get(binding.field)


def department_client(version):
    """The system the matter's department fetches through."""
    return selectors.department_client(version.lead_department)


# Hashes of the inputs, for the ledger --------------------------------------------------------


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def input_hashes(values: Mapping[str, Any], salt: bytes) -> tuple[dict[str, str], str]:
    """A salted SHA-256 per input (a commitment: low-entropy values such as an age cannot be
    guessed from the ledger) and one hash over all of them."""
    hashes = {
        name: hashlib.sha256(salt + canonical([name, value])).hexdigest()
        for name, value in sorted(values.items())
    }
    return hashes, hashlib.sha256(canonical(hashes)).hexdigest()


def new_salt() -> bytes:
    return secrets.token_bytes(16)
