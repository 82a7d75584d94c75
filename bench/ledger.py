"""The ledger: sealing rate against a plain batched INSERT of the same rows; inclusion and
consistency proof times at 1,000,000 entries against a single indexed row read; checkpoint
signing time per crypto suite. SQLite always, PostgreSQL when a server answers.

Each database is measured in a child process (`python -m bench.ledger --measure URL`), so
Django is configured for that database alone. Goals (issue 7): sealing ≥ 0.5× the plain
INSERT; proofs p99 < 2 ms and ≤ 5× the row read.

A smaller run for a quick before/after (the goals are stated at the defaults):
`TONGBAN_BENCH_LEDGER_SIZE=100000 TONGBAN_BENCH_LEDGER_SEAL=10000 python -m bench ledger`."""

import json
import os
import random
import subprocess
import sys
import time

from bench.common import ROOT, Figures, child_env, database, databases, ratio, timed

SEAL_EVENTS = int(os.environ.get("TONGBAN_BENCH_LEDGER_SEAL", 20_000))
SEAL_BATCH = 1_000
ROUND = 2_000
LOG_SIZE = int(os.environ.get("TONGBAN_BENCH_LEDGER_SIZE", 1_000_000))
BUILD_BATCH = 5_000
PROOFS = 2_000
SIGNATURES = 200


def main() -> None:
    for kind in databases():
        with database(kind, seed=False) as url:
            env = {**child_env(url), "DJANGO_SETTINGS_MODULE": "tongban.config.settings"}
            result = subprocess.run(
                [sys.executable, "-m", "bench.ledger", "--measure", kind],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                raise RuntimeError(f"bench/ledger on {kind} failed:\n{result.stderr[-3000:]}")
            print(result.stdout, end="", flush=True)


# -- in the child process ------------------------------------------------------------------


def add_events(count: int) -> None:
    """Commit `count` outbox events the fast way (raw batched INSERT), as many apps would."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    payload = json.dumps({"decision": "approved", "matter": "m-1042", "fields": ["a", "b"]})
    sql = (
        "INSERT INTO core_event (kind, subject_type, subject_id, payload, actor, on_behalf_of,"
        " request_id, occurred_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    for start in range(0, count, 10_000):
        rows = [
            (
                "intake.application.decided",
                "intake.application",
                str(start + i),
                payload,
                f"identity.account:{(start + i) % 5000}",
                "",
                "",
                now,
            )
            for i in range(min(10_000, count - start))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def seal_everything(expected: int, batch_size: int) -> float:
    """Seal until `expected` entries exist; returns the seconds it took."""
    from tongban.ledger import services
    from tongban.ledger.models import Entry

    started = time.perf_counter()
    while Entry.objects.count() < expected:
        if not services.seal_pending_events(batch_size=batch_size).sealed:
            time.sleep(0.05)  # PostgreSQL: another session's open transaction holds sealing back
    return time.perf_counter() - started


def create_plain_table() -> None:
    """A table of the same shape as ledger_entry (keys, unique event, foreign key)."""
    from django.db import connection

    binary = "bytea" if connection.vendor == "postgresql" else "blob"
    stamp = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain_entry (idx bigint PRIMARY KEY, event_id bigint NOT NULL"
            " UNIQUE REFERENCES core_event (id), leaf text NOT NULL,"
            f" leaf_hash {binary} NOT NULL, sealed_at {stamp} NOT NULL)"
        )


def plain_insert_seconds(rows: list[tuple]) -> float:
    """The same rows through a plain batched INSERT (executemany, a transaction per batch)."""
    from django.db import connection, transaction

    sql = "INSERT INTO bench_plain_entry VALUES (%s, %s, %s, %s, %s)"
    started = time.perf_counter()
    for start in range(0, len(rows), SEAL_BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[start : start + SEAL_BATCH])
    return time.perf_counter() - started


def sealed_rows(first: int) -> list[tuple]:
    """The entry rows sealed from index `first` on, as a plain INSERT would write them."""
    from django.db import connection

    from tongban.ledger.models import Entry

    adapt = connection.ops.adapt_datetimefield_value
    return [
        (index, event_id, leaf, bytes(leaf_hash), adapt(sealed_at))
        for index, event_id, leaf, leaf_hash, sealed_at in Entry.objects.filter(index__gte=first)
        .order_by("index")
        .values_list("index", "event_id", "leaf", "leaf_hash", "sealed_at")
    ]


def compare_sealing(kind: str) -> None:
    """Rounds of: commit events, seal them (timed), INSERT the same rows plainly (timed).
    Interleaved, so that a busy moment on a shared machine hits both sides alike."""
    from tongban.core.models import Event

    create_plain_table()
    # Migrating records events of its own (the shipped processes' uploads): seal them first.
    seal_everything(Event.objects.count(), SEAL_BATCH)
    rounds = SEAL_EVENTS // ROUND
    seal_seconds = plain_seconds = 0.0
    for _round in range(rounds):
        done = Event.objects.count()
        add_events(ROUND)
        seal_seconds += seal_everything(done + ROUND, SEAL_BATCH)
        plain_seconds += plain_insert_seconds(sealed_rows(done))
    seal_rate, plain_rate = SEAL_EVENTS / seal_seconds, SEAL_EVENTS / plain_seconds
    print(
        f"[{kind}] sealing {SEAL_EVENTS} events ({rounds} rounds, batches of {SEAL_BATCH}): "
        f"{seal_rate:8.0f} entries/s   plain batched INSERT of the same rows: "
        f"{plain_rate:8.0f} rows/s   ratio {ratio(seal_rate, plain_rate)} (goal ≥ 0.5x)",
        flush=True,
    )


def measure(kind: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from tongban.ledger import keys, selectors
    from tongban.ledger.models import Entry, Log
    from tongban.ledger.notes import TreeHead, sign_note

    # 1. Sealing against a plain batched INSERT of the same rows.
    compare_sealing(kind)

    # 2. Proofs at LOG_SIZE entries against a single indexed row read.
    added = LOG_SIZE - Entry.objects.count()
    add_events(added)
    build_seconds = seal_everything(LOG_SIZE, BUILD_BATCH)
    print(
        f"[{kind}] built a log of {LOG_SIZE} entries "
        f"({added / build_seconds:.0f} entries/s in batches of {BUILD_BATCH})",
        flush=True,
    )
    picks = random.Random(7)
    indexes = [picks.randrange(LOG_SIZE) for _ in range(PROOFS)]
    firsts = iter([picks.randrange(1, LOG_SIZE) for _ in range(PROOFS)])
    positions = iter(indexes)
    row = timed(
        f"[{kind}] one indexed row read (ORM get)",
        lambda: Entry.objects.get(index=next(positions)),
        repeat=PROOFS,
    )
    positions = iter(indexes)
    inclusion = timed(
        f"[{kind}] inclusion proof at {LOG_SIZE}",
        lambda: selectors.inclusion_proof(index=next(positions), tree_size=LOG_SIZE),
        repeat=PROOFS,
    )
    consistency = timed(
        f"[{kind}] consistency proof to {LOG_SIZE}",
        lambda: selectors.consistency_proof(first=next(firsts), second=LOG_SIZE),
        repeat=PROOFS,
    )
    for figures in (row, inclusion, consistency):
        print(figures.line())
    for figures in (inclusion, consistency):
        print(
            f"[{kind}] {figures.label.split('] ')[1]}: p99 {figures.percentile(99):.2f} ms "
            f"(goal < 2 ms), {ratio(figures.percentile(50), row.percentile(50))} the row read "
            f"at p50, {ratio(figures.percentile(99), row.percentile(99))} at p99 (goal ≤ 5x)",
            flush=True,
        )

    # 3. Checkpoint signing per suite.
    log = Log.objects.get()
    head = TreeHead(log.origin, LOG_SIZE, os.urandom(32))
    for suite in ("intl", "gm"):
        settings.TONGBAN_CRYPTO_SUITE = suite
        keys.reset_key_cache()
        signers = keys.signing_signers(log.origin)
        names = " + ".join(signer.key.algorithm for signer in signers)
        signing: Figures = timed(
            f"[{kind}] sign a checkpoint, {suite} ({names})",
            lambda signers=signers: sign_note(head.text, signers),
            repeat=SIGNATURES,
        )
        print(signing.line())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        main()
