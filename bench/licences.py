"""E-licences per suite: issue + sign (the whole `issue_licence` transaction: counters, canonical
content, department signature, SD-JWT VC, wallet key, encryption, event), verify by identifier
(signature check) and verify a wallet presentation (SD-JWT + key binding + replay guard), in a
throwaway migrated and seeded database; then the ratio of `gm` to `intl`.

Runs in-process (the web server adds the same cost to both suites); `bench/http_baseline.py`
measures the HTTP floor."""

import os
import subprocess
import sys

from bench.common import ROOT, child_env, database, databases, ratio

ISSUES = 150
VERIFIES = 300
SUITES = ("intl", "gm")

WORKER = r"""
import json, sys, time
import django
django.setup()
from tongban.core.models import Department
from tongban.demo.city import department_code
from tongban.demo.licences import person_record
from tongban.licences import services, verification

class Report:
    def count(self, *args): pass

issues, verifies = int(sys.argv[1]), int(sys.argv[2])
issuer = Department.objects.get(credit_code=department_code("民政局"))
holder = person_record("wangxiuying", Report())
fields = {"gender": "女", "birth_date": "1959-03-08", "household_district": "示范市通江区"}
suite = sys.argv[3]

def timed(label, call, n):
    started = time.perf_counter()
    results = [call(i) for i in range(n)]
    elapsed = time.perf_counter() - started
    print(json.dumps({"label": label, "rate": n / elapsed, "ms": elapsed / n * 1000}))
    return results

services.issue_licence(licence_type="senior_card", issuer=issuer, holder=holder, fields=fields,
                       source_case=f"warm-{suite}", actor="system:bench")
licences = timed("issue+sign", lambda i: services.issue_licence(
    licence_type="senior_card", issuer=issuer, holder=holder, fields=fields,
    source_case=f"bench-{suite}-{i}", actor="system:bench"), issues)
ids = [licence.identifier for licence in licences]
verdicts = timed("verify identifier",
                 lambda i: verification.verify_identifier(ids[i % len(ids)]), verifies)
assert all(v.genuine for v in verdicts)
"""


def run_suite(url: str, suite: str) -> dict[str, dict]:
    env = child_env(
        url, TONGBAN_CRYPTO_SUITE=suite, DJANGO_SETTINGS_MODULE="tongban.config.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", WORKER + PRESENT, str(ISSUES), str(VERIFIES), suite],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    import json

    return {row["label"]: row for row in map(json.loads, result.stdout.splitlines())}


# A wallet presentation verified by the platform: issuer signature, disclosures, key binding
# (made by the holder's wallet key) and the replay guard's insert.
PRESENT = r"""
from tongban.licences import sdjwt
import secrets
wallets = [services.wallet_key(licence) for licence in licences]
audience = services.verifier_audience()
def make(i):
    licence, wallet = licences[i % len(licences)], wallets[i % len(licences)]
    return sdjwt.present(licence.credential, reveal={"holder_name", "age_equal_or_over.60"},
                         holder_key=wallet, audience=audience,
                         nonce=secrets.token_urlsafe(16), issued_at=int(time.time()))
texts = [make(i) for i in range(verifies)]
verdicts = timed("verify presentation",
                 lambda i: verification.verify_presentation(texts[i], audience=audience), verifies)
assert all(v.accepted for v in verdicts), {v.reason for v in verdicts}
"""


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings")
    for kind in databases():
        figures = {}
        for suite in SUITES:
            with database(kind) as url:
                figures[suite] = run_suite(url, suite)
            for label, row in figures[suite].items():
                print(
                    f"[{kind}] {suite:<4} {label:<22} {row['rate']:9.1f}/s"
                    f"  {row['ms']:7.2f} ms each"
                )
        for label in figures["intl"]:
            gm, intl = figures["gm"][label]["rate"], figures["intl"][label]["rate"]
            print(f"[{kind}] gm/intl {label:<22} throughput ratio {ratio(gm, intl)}")
