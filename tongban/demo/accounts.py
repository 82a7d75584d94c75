"""Demo accounts for 示范市: a citizen account for every demo person, the child under
guardianship, the two businesses with their agents, and officials for every department.

Everything is fictional. All demo accounts share one documented password; officials get
fixed TOTP secrets and recovery codes derived from their login, so what `tongban seed-demo`
prints stays valid across runs. Never use any of this outside the demo."""

import base64
import datetime
import hashlib
from functools import cache

from django.contrib.auth.hashers import make_password

from tongban.core.models import Department
from tongban.demo import city, people
from tongban.identity import services
from tongban.identity.models import AgentScope, Person, Role

ACTOR = "system:seed-demo"
DEMO_PASSWORD = "tongban-demo-2026"  # noqa: S105  # nosec B105  # documented in README.md; demo only
AGENTS_UNTIL = datetime.date(2030, 12, 31)
RECOVERY_CODES = 5
# Who verified each demo citizen in person at a counter (L3); the others were checked by an
# operator (L2) until the population registry answers online.
VERIFIED_AT_COUNTER = {"wangxiuying", "ligang", "heping", "chenjing"}
# Registered online and not verified yet (L1): can try the population-registry check (L2) in
# the personal centre, or be verified at a counter.
SELF_REGISTERED = {"huangjun"}
DEPARTMENT_LOGINS = {
    "公安局": "gaj",
    "民政局": "mzj",
    "卫生健康委员会": "wjw",
    "人力资源和社会保障局": "rsj",
    "医疗保障局": "ybj",
    "市场监督管理局": "scj",
    "税务局": "swj",
    "住房公积金管理中心": "gjj",
    "教育局": "jyj",
    "残疾人联合会": "cjr",
    "自然资源和规划局": "zrj",
    "政务服务和数据管理局": "sjj",
}
DEPARTMENT_ROLES = [
    ("clerk", "窗口人员", Role.COUNTER_CLERK),
    ("approver", "审批人员", Role.APPROVER),
    ("head", "部门负责人", Role.DEPARTMENT_HEAD),
    ("data", "数据管理员", Role.DATA_ADMIN),
]
PLATFORM_ROLES = [
    ("operator", "平台运营", Role.OPERATOR),
    ("auditor", "审计员", Role.AUDITOR),
]


@cache
def demo_password_hash() -> str:
    """One argon2 hash for every demo account: seeding stays fast and idempotent."""
    return make_password(DEMO_PASSWORD)


def totp_key(login: str) -> str:
    """A fixed 20-byte TOTP secret (hex, as django-otp stores it) for a demo official."""
    return hashlib.sha256(f"tongban-demo-totp:{login}".encode()).hexdigest()[:40]


def totp_secret(login: str) -> str:
    """The same secret in base32, as authenticator apps take it."""
    return base64.b32encode(bytes.fromhex(totp_key(login))).decode()


def recovery_codes(login: str) -> list[str]:
    return [
        base64.b32encode(hashlib.sha256(f"tongban-demo-recovery:{login}:{i}".encode()).digest())
        .decode()
        .lower()[:10]
        for i in range(RECOVERY_CODES)
    ]


def seed(report) -> None:
    by_key = {}
    for demo in people.PEOPLE:
        level, method = (
            (Person.Assurance.L3, "counter")
            if demo.key in VERIFIED_AT_COUNTER
            else (Person.Assurance.L1, "")
            if demo.key in SELF_REGISTERED
            else (Person.Assurance.L2, "operator")
        )
        person, status = services.save_citizen(
            actor=ACTOR,
            real_name=demo.name,
            id_number=demo.id_number,
            phone=demo.phone,
            email=demo.email,
            assurance=level,
            assurance_method=method,
            password_hash=demo_password_hash(),
        )
        by_key[demo.key] = person
        report.count("citizen account", status)
        report.accounts.append(
            {
                "who": demo.name,
                "login": demo.phone,
                "password": DEMO_PASSWORD,
                "level": f"L{person.assurance}",
            }
        )
    for child in people.CHILDREN:
        ward, status = services.save_person_without_account(
            actor=ACTOR, real_name=child.name, id_number=child.id_number
        )
        report.count("person without account", status)
        guardian = by_key[people.GUARDIANS[child.key]]
        _guardianship, status = services.record_guardianship(
            actor=ACTOR, guardian=guardian, ward=ward, basis="户口簿"
        )
        report.count("guardianship", status)
    for demo in people.BUSINESSES:
        business, status = services.save_business(
            actor=ACTOR,
            credit_code=demo.credit_code,
            name=demo.name,
            legal_representative=by_key[demo.legal_representative],
        )
        report.count("business", status)
        for agent_key in demo.agents:
            _authorization, status = services.authorize_agent(
                actor=ACTOR,
                business=business,
                agent=by_key[agent_key],
                scopes=list(AgentScope.values),
                expires_on=AGENTS_UNTIL,
            )
            report.count("agent authorization", status)
    for short, *_rest in city.DEPARTMENTS:
        department = Department.objects.get(credit_code=city.department_code(short))
        platform = department.kind == Department.Kind.PLATFORM
        for suffix, title, role in PLATFORM_ROLES if platform else DEPARTMENT_ROLES:
            _seed_official(report, department, f"{DEPARTMENT_LOGINS[short]}.{suffix}", title, role)


def _seed_official(report, department, login, title, role) -> None:
    official, status = services.save_official(
        actor=ACTOR,
        login=login,
        display_name=f"{department.short_name}{title}",
        department=department,
        roles=[role],
        password_hash=demo_password_hash(),
    )
    report.count("official", status)
    status = services.set_demo_totp(
        account=official.account, key_hex=totp_key(login), recovery_codes=recovery_codes(login)
    )
    report.count("official second factor", status)
    report.accounts.append(
        {
            "who": official.account.display_name,
            "login": login,
            "password": DEMO_PASSWORD,
            "totp_secret": totp_secret(login),
            "recovery_codes": ",".join(recovery_codes(login)),
        }
    )
