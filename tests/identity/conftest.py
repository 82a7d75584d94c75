"""Fixtures for identity tests: citizens, officials with an authenticator, codes."""

import datetime
import itertools

import pytest
from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core.models import Department, Region
from tongban.demo.codes import credit_code, id_number
from tongban.identity import services
from tongban.identity.models import Business, Person

PASSWORD = "correct horse battery"
_sequence = itertools.count()
# The sequence code has three digits: after 450 numbers per birth date and district, the next
# district (all valid GB/T 2260 codes of 北京市) takes over, so a long run never overflows.
DISTRICTS = ("110105", "110101", "110102", "110106", "110107", "110108", "110109", "110111")


def new_id_number(born=datetime.date(1990, 1, 1)) -> str:
    district, sequence = divmod(next(_sequence), 450)
    return id_number(DISTRICTS[district % len(DISTRICTS)], born, 101 + 2 * sequence)


@pytest.fixture(scope="session")
def password_hash(django_db_setup):
    return make_password(PASSWORD)


@pytest.fixture
def make_citizen(db, password_hash):
    counter = itertools.count(1)

    def make(name="测试甲", *, born=datetime.date(1990, 1, 1), level=Person.Assurance.L2):
        n = next(counter)
        person, _status = services.save_citizen(
            actor="system:test",
            real_name=name,
            id_number=new_id_number(born),
            phone=f"1370000{n:04d}",
            email=f"person{n}@example.cn",
            assurance=level,
            assurance_method="" if level == Person.Assurance.L1 else "operator",
            password_hash=password_hash,
        )
        return person.account

    return make


@pytest.fixture
def departments(db):
    region = Region.objects.create(code="110000", name="测试省", level="province")
    return [
        Department.objects.create(
            name=f"测试局{i}",
            short_name=f"测试局{i}",
            credit_code=credit_code("11", "110000", 20000000 + i),
            region=region,
            kind="government",
        )
        for i in range(2)
    ]


@pytest.fixture
def make_official(db, departments, password_hash):
    counter = itertools.count(1)

    def make(*roles, department=None):
        login = f"official{next(counter)}"
        official, _status = services.save_official(
            actor="system:test",
            login=login,
            display_name=f"官员{login}",
            department=department or departments[0],
            roles=list(roles),
            password_hash=password_hash,
        )
        TOTPDevice.objects.create(user=official.account, name="app", confirmed=True)
        return official.account

    return make


@pytest.fixture
def business(db, make_citizen):
    representative = make_citizen("法人甲")
    return Business.objects.create(
        name="测试公司",
        credit_code=credit_code("91", "110000", 30000099),
        legal_representative=representative.person,
    )


def current_code(account, drift=0) -> str:
    device = TOTPDevice.objects.get(user=account, confirmed=True)
    return f"{totp(device.bin_key, drift=drift):06d}"


@pytest.fixture
def signed_in(client):
    """Sign `account` in through the real pages (password, then a TOTP code if needed)."""

    def sign_in(account, *, login=None):
        login = login or (account.person.phone if hasattr(account, "person") else account.login)
        response = client.post("/account/login/", {"username": login, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        if response["Location"].endswith("/verify/"):
            response = client.post("/account/login/verify/", {"code": current_code(account)})
            assert response.status_code == 302
        return client

    return sign_in


@pytest.fixture
def client_as(db):
    """A client signed in as `account` (officials with a verified second factor), without
    going through the password hasher; None gives an anonymous client."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    def make(account):
        client = Client()
        if account is None:
            return client
        client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
        device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make
