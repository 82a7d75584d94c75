"""L2 real-name verification (实名核验) against the population registry, through the gateway:
a match raises the citizen to L2 `population_registry`; a mismatch, a missing record or an
unreachable registry changes nothing and says why; every check is an access-log line the
citizen sees under "who used my data"; only the citizen themselves may ask."""

import pytest

from tests.conftest import force_sign_in
from tests.exchange.conftest import LI, WANG, ZHANG
from tongban.core.models import Event
from tongban.exchange import real_name
from tongban.exchange.models import AccessLog
from tongban.identity.models import IdentityVerification, Person

pytestmark = pytest.mark.django_db

PAGE = "/me/verify-real-name/"


@pytest.fixture
def population(make_registry, departments):
    """The population registry of 公安局 (code from settings) with 张伟 and 李娜."""
    from tongban.exchange import services

    registry = make_registry(code="population")
    for number, name in ((ZHANG, "张伟"), (LI, "李娜")):
        services.create_record(
            actor="system:test",
            registry=registry,
            content={"id_number": number, "name": name, "marital_status": "已婚"},
        )
    return registry


@pytest.fixture
def platform(make_client, population, grant_for):
    """The platform department's system client, granted the `name` field."""
    client = make_client("政务服务和数据管理局", "platform")
    grant_for(client, population, ["name"])
    return client


def level(account) -> tuple[int, str]:
    person = Person.objects.get(account=account)
    return person.assurance, person.assurance_method


def ask(client, **headers):
    return client.post(PAGE, HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_a_matching_name_raises_the_citizen_to_l2_and_the_access_is_shown(
    client, platform, population, make_citizen
):
    account = make_citizen(ZHANG, "张伟")
    force_sign_in(client, account)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert ZHANG not in page.content.decode()

    response = ask(client)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert level(account) == (2, "population_registry")
    profile = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "match the population registry: level L2" in profile
    assert "Against the population registry" in profile and PAGE not in profile

    line = AccessLog.objects.get()
    assert line.client == platform and line.registry == population
    assert line.result == AccessLog.ALLOWED and line.fields_returned == ["name"]
    assert line.purpose == real_name.PURPOSE and line.case_reference.startswith("SMHY-")
    assert line.subject_index == account.person.id_number_index
    verification = IdentityVerification.objects.get()
    assert verification.evidence == f"exchange.accesslog:{line.pk}"
    assert verification.verified_by == account and verification.department is None
    event = Event.objects.get(kind="identity.person.verified")
    assert event.actor == f"identity.account:{account.pk}"
    assert event.payload["method"] == "population_registry" and event.payload["level"] == 2

    usage = client.get("/me/data-usage/").content.decode()
    assert line.case_reference in usage and real_name.PURPOSE in usage
    assert "示范市政务服务和数据管理局" in usage


def test_a_different_name_changes_nothing_and_says_so(client, platform, make_citizen):
    account = make_citizen(ZHANG, "张卫")
    force_sign_in(client, account)
    response = ask(client)
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert level(account) == (1, "")
    assert not IdentityVerification.objects.exists()
    assert not Event.objects.filter(kind="identity.person.verified").exists()
    # the registry was read all the same: the citizen sees it
    line = AccessLog.objects.get()
    assert line.result == AccessLog.ALLOWED
    assert line.case_reference in client.get("/me/data-usage/").content.decode()


def test_a_person_missing_from_the_registry_is_sent_to_a_counter(client, platform, make_citizen):
    account = make_citizen(WANG, "王秀英")
    force_sign_in(client, account)
    response = ask(client)
    assert response.status_code == 400
    assert "no record" in response.content.decode()
    assert level(account) == (1, "")
    assert AccessLog.objects.get().result == AccessLog.NOT_FOUND


def test_without_a_grant_the_registry_is_unavailable_and_nothing_changes(
    client, make_client, population, make_citizen
):
    make_client("政务服务和数据管理局", "platform")
    account = make_citizen(ZHANG, "张伟")
    force_sign_in(client, account)
    response = ask(client)
    assert response.status_code == 503
    assert "cannot answer" in response.content.decode()
    assert level(account) == (1, "")
    assert AccessLog.objects.get().result == "no_grant"  # the refused call is logged too
    for _attempt in range(real_name.ATTEMPTS_PER_DAY):  # refused calls read nothing: no limit
        assert ask(client).status_code == 503


def test_without_a_platform_system_the_registry_is_unavailable(client, population, make_citizen):
    account = make_citizen(ZHANG, "张伟")
    force_sign_in(client, account)
    assert ask(client).status_code == 503
    assert level(account) == (1, "")
    assert not AccessLog.objects.exists()


def test_three_checks_a_day_at_most(client, platform, make_citizen):
    account = make_citizen(ZHANG, "张卫")
    force_sign_in(client, account)
    for _attempt in range(real_name.ATTEMPTS_PER_DAY):
        assert ask(client).status_code == 400
    response = ask(client)
    assert response.status_code == 400 and "3 times today" in response.content.decode()
    assert AccessLog.objects.count() == real_name.ATTEMPTS_PER_DAY


def test_an_already_verified_citizen_is_not_checked_again(client, platform, make_citizen):
    account = make_citizen(ZHANG, "张伟")
    Person.objects.filter(account=account).update(assurance=3, assurance_method="counter")
    force_sign_in(client, account)
    assert "already verified" in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ask(client).status_code == 400
    assert level(account) == (3, "counter")
    assert not AccessLog.objects.exists()


ACTORS = [
    "anonymous",
    "citizen_self",
    "other_citizen",
    "clerk",
    "approver",
    "operator",
    "auditor",
]


@pytest.mark.parametrize("who", ACTORS)
def test_only_the_citizen_themselves_is_verified_against_the_registry(
    who, client, platform, make_citizen, make_official
):
    target = make_citizen(ZHANG, "张伟")
    actors = {
        "anonymous": None,
        "citizen_self": target,
        "other_citizen": make_citizen(LI, "李娜"),
        "clerk": make_official("公安局", "counter_clerk"),
        "approver": make_official("公安局", "approver"),
        "operator": make_official("政务服务和数据管理局", "operator"),
        "auditor": make_official("政务服务和数据管理局", "auditor"),
    }
    actor = actors[who]
    if actor is not None:
        force_sign_in(client, actor)
    response = ask(client)
    assert level(target) == ((2, "population_registry") if who == "citizen_self" else (1, ""))
    if who == "anonymous":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    elif who in ("citizen_self", "other_citizen"):
        assert response.status_code == 302  # each may verify themselves, and no one else
        assert level(actor) == (2, "population_registry")
    else:
        assert response.status_code == 403
    lines = AccessLog.objects.filter(subject_index=target.person.id_number_index)
    assert lines.count() == (1 if who == "citizen_self" else 0)


@pytest.mark.parametrize(
    "registered, on_record, same",
    [
        ("张伟", "张伟", True),
        (" 张 伟 ", "张伟", True),
        ("阿依古丽·买买提", "阿依古丽•买买提", True),
        ("阿依古丽・买买提", "阿依古丽·买买提", True),
        ("ＺＨＡＮＧ", "ZHANG", True),
        ("张伟", "张卫", False),
        ("", "", False),
        ("张伟", None, False),
    ],
)
def test_names_are_compared_as_written_not_as_typed(registered, on_record, same):
    assert real_name.same_name(registered, on_record) is same
