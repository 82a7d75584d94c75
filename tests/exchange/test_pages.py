"""The citizen's data-usage page and the data administrators' pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import force_sign_in
from tests.exchange.conftest import LI, ZHANG
from tongban.exchange import gateway, selectors
from tongban.exchange.models import AccessLog, CorrectionRequest, Grant, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil(make_client):
    return make_client("民政局", "marriage")


def read(client_system, number, fields=("name",), case="MZ-1"):
    return gateway.fetch_for_case(
        client=client_system,
        registry_code="people",
        subject_id=number,
        fields=list(fields),
        purpose="结婚登记",
        case_reference=case,
    )


def test_the_citizen_sees_every_access_to_their_data_and_no_one_elses(
    client, people, civil, grant_for, make_citizen
):
    grant_for(civil, people, ["name", "marital_status"])
    read(civil, ZHANG, ["name", "marital_status"], case="MZ-ZHANG")
    read(civil, LI, case="MZ-LI")
    with pytest.raises(gateway.AccessRefused):
        read(civil, ZHANG, ["children"])  # refused: nothing was read
    force_sign_in(client, make_citizen(ZHANG, "张伟"))
    response = client.get("/me/data-usage/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "MZ-ZHANG" in page and "MZ-LI" not in page
    assert "示范市民政局" in page and "结婚登记" in page and "marital_status" in page
    assert ZHANG not in page
    assert page.count("MZ-ZHANG") == 1


def test_each_access_shows_its_ledger_record_once_sealed(
    client, people, civil, grant_for, make_citizen
):
    """ "账本记录第 N 号 · 查验" links to the public page that proves the access is in the
    tamper-evident ledger; "存证中" until the worker has sealed it. One ledger query per page."""
    from tests.ledger.conftest import seal
    from tongban.core.models import Event
    from tongban.ledger.models import Entry

    grant_for(civil, people, ["name"])
    for case in ("MZ-1", "MZ-2", "MZ-3"):
        read(civil, ZHANG, case=case)
    force_sign_in(client, make_citizen(ZHANG, "张伟"))
    page = client.get("/me/data-usage/").content.decode()
    assert page.count("存证中") == 3 and "/ledger/verify/" not in page

    seal()  # as the worker would (on PostgreSQL, once no older transaction is open)
    page = client.get("/me/data-usage/").content.decode()
    assert "存证中" not in page
    for line in AccessLog.objects.filter(case_reference__startswith="MZ-"):
        event = Event.objects.get(kind="exchange.access", subject_id=str(line.pk))
        index = Entry.objects.get(event=event).index
        assert f'<a href="/ledger/verify/{index}/">账本记录第 {index} 号 · 查验</a>' in page
    page = client.get("/me/data-usage/", headers={"accept-language": "en"}).content.decode()
    assert "Ledger record" in page

    with CaptureQueriesContext(connection) as one_line:
        selectors.with_ledger_receipts(selectors.data_usage(line.subject_index)[:1])
    with CaptureQueriesContext(connection) as three_lines:
        selectors.with_ledger_receipts(selectors.data_usage(line.subject_index))
    assert len(one_line) == len(three_lines) == 2  # the lines, then their receipts


def test_delayed_disclosure_hides_an_access_until_its_release_date(
    client, people, make_client, grant_for, make_citizen
):
    police = make_client("税务局", "investigation")
    grant_for(police, people, ["name"], disclosure_delay_days=60, disclosure_delay_basis="侦查需要")
    read(police, ZHANG, case="INV-7")
    force_sign_in(client, make_citizen(ZHANG, "张伟"))
    assert "INV-7" not in client.get("/me/data-usage/").content.decode()
    line = AccessLog.objects.get(case_reference="INV-7")
    assert line.disclose_after > timezone.now()

    assert list(selectors.data_usage(line.subject_index)) == []
    released = timezone.now() + datetime.timedelta(days=61)
    assert list(selectors.data_usage(line.subject_index, now=released)) == [line]


def test_officials_and_anonymous_visitors_have_no_data_usage_page(client, make_official):
    assert client.get("/me/data-usage/").status_code == 302
    force_sign_in(client, make_official("公安局", "data_admin"))
    assert client.get("/me/data-usage/").status_code == 403


def test_the_citizen_disputes_a_value_from_the_page(client, people, civil, grant_for, make_citizen):
    grant_for(civil, people, ["name", "marital_status"])
    disclosure = read(civil, ZHANG, ["marital_status"])
    force_sign_in(client, make_citizen(ZHANG, "张伟"))
    url = f"/me/data-usage/{disclosure.access_id}/dispute/"
    form = client.get(url)
    assert form.status_code == 200
    key = form.context["form"]["idempotency_key"].value()
    bad = client.post(url, {"field": "marital_status", "reason": "", "idempotency_key": key})
    assert bad.status_code == 200 and not CorrectionRequest.objects.exists()
    done = client.post(
        url,
        {
            "field": "marital_status",
            "claimed_value": "离异",
            "reason": "已离婚",
            "idempotency_key": key,
        },
    )
    assert done.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert (correction.field, correction.claimed_value, correction.case_reference) == (
        "marital_status",
        "离异",
        "MZ-1",
    )
    # another citizen cannot dispute it
    force_sign_in(client, make_citizen(LI, "李娜"))
    assert client.get(url).status_code == 404


def test_officials_browse_the_catalogue_and_request_a_grant(client, people, civil, make_official):
    force_sign_in(client, make_official("民政局", "data_admin"))
    listing = client.get("/exchange/catalogue/")
    assert listing.status_code == 200 and "people resource" in listing.content.decode()
    detail = client.get("/exchange/catalogue/R/people/")
    assert detail.status_code == 200
    key = detail.context["form"]["idempotency_key"].value()
    expires = (timezone.localdate() + datetime.timedelta(days=100)).isoformat()
    body = {
        "consumer": civil.pk,
        "field_names": ["name", "marital_status"],
        "purpose": "结婚登记",
        "legal_basis": "《婚姻登记条例》",
        "expires_on": expires,
        "idempotency_key": key,
    }
    response = client.post("/exchange/catalogue/R/people/", body)
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert grant.fields == ["name", "marital_status"]
    assert client.post("/exchange/catalogue/R/people/", body).status_code == 302
    assert Grant.objects.count() == 1  # the retried form changed nothing


def test_the_authority_and_the_provider_decide_on_their_pages(client, people, civil, make_official):
    from tongban.exchange import services

    grant = services.request_grant(
        actor=make_official("民政局", "data_admin"),
        consumer=civil,
        resource=Resource.objects.get(registry=people),
        fields=["name"],
        purpose="结婚登记",
        legal_basis="《婚姻登记条例》",
        expires_on=timezone.localdate() + datetime.timedelta(days=100),
        idempotency_key="page-000001",
    )
    url = f"/exchange/grants/{grant.pk}/"
    provider = make_official("公安局", "data_admin")
    force_sign_in(client, provider)
    assert client.post(url, {"action": "answer", "approve": "yes"}).status_code == 403
    authority = make_official("政务服务和数据管理局", "data_admin")
    force_sign_in(client, authority)
    assert grant.pk in [
        g.pk for g in client.get("/exchange/grants/").context["awaiting_compliance"]
    ]
    refused = client.post(url, {"action": "check", "approve": "no", "note": ""})
    assert refused.status_code == 422
    assert (
        client.post(url, {"action": "check", "approve": "yes", "note": "合规"}).status_code == 302
    )
    force_sign_in(client, provider)
    assert client.post(url, {"action": "answer", "approve": "yes"}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == Grant.Status.ACTIVE
    force_sign_in(client, make_official("税务局", "data_admin"))
    assert client.get(url).status_code == 403


def test_quality_and_corrections_pages_for_the_owning_department(client, people, make_official):
    force_sign_in(client, make_official("公安局", "data_admin"))
    assert client.get("/exchange/quality/").status_code == 200
    assert client.post("/exchange/quality/people/run/").status_code == 302
    issues = client.get("/exchange/quality/people/")
    assert issues.status_code == 200 and issues.context["run"].score == 100.0
    assert client.get("/exchange/corrections/").status_code == 200
    force_sign_in(client, make_official("税务局", "data_admin"))
    assert client.get("/exchange/quality/people/").status_code == 403
    assert client.post("/exchange/quality/people/run/").status_code == 403
    force_sign_in(client, make_official("公安局", "counter_clerk"))
    assert client.get("/exchange/quality/").status_code == 403
    assert client.get("/exchange/corrections/").status_code == 403
