"""Wallet pages, the printable copy and the public verification page."""

import re

import pytest
from django.utils import timezone

from tests.ledger.conftest import settled
from tests.licences.conftest import client_for, make_citizen
from tongban.ledger.services import seal_pending_events
from tongban.licences import views
from tongban.licences.models import PresentationUse

pytestmark = pytest.mark.django_db


def test_wallet_lists_the_holders_licences(senior_card, retiree):
    response = client_for(retiree).get("/licences/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "老年人优待证" in response.content.decode()


def test_the_detail_page_masks_the_id_number(senior_card, retiree):
    page = client_for(retiree).get(f"/licences/{senior_card.pk}/").content.decode()
    id_number = retiree.person.id_number
    assert id_number not in page
    assert f"{id_number[:6]}********{id_number[-4:]}" in page
    assert senior_card.identifier in page


@pytest.mark.django_db(transaction=True)  # on PostgreSQL only committed events are sealed
def test_the_detail_page_links_the_ledger_record_once_sealed(senior_card, retiree):
    page = client_for(retiree).get(f"/licences/{senior_card.pk}/").content.decode()
    assert "存证中" in page and "Receipt(" not in page
    settled()  # PostgreSQL: until no older transaction is open
    seal_pending_events()
    index = senior_card.ledger_receipt.index
    page = client_for(retiree).get(f"/licences/{senior_card.pk}/").content.decode()
    assert "Receipt(" not in page
    link = re.search(r'<a href="/ledger/verify/(\d+)/">([^<]+)</a>', page)
    assert link and int(link.group(1)) == index
    assert f"账本记录第 {index} 号" in link.group(2)
    assert client_for(None).get(f"/ledger/verify/{index}/").status_code == 200


def test_presenting_shows_a_qr_code_of_the_chosen_claims(senior_card, retiree):
    response = client_for(retiree).post(
        f"/licences/{senior_card.pk}/present/",
        {"reveal": ["holder_name", "age_equal_or_over.60"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    payload = re.search(r'<textarea[^>]*id="presentation-text"[^>]*>([^<]+)</textarea>', page)
    assert payload and payload.group(1).count("~") == 3  # two disclosures and a KB-JWT


def test_presenting_nothing_is_refused(senior_card, retiree):
    response = client_for(retiree).post(f"/licences/{senior_card.pk}/present/", {})
    assert response.status_code == 400
    response = client_for(retiree).post(
        f"/licences/{senior_card.pk}/present/", {"reveal": ["salary"]}
    )
    assert response.status_code == 400


def test_the_printable_copy(senior_card, retiree):
    response = client_for(retiree).get(f"/licences/{senior_card.pk}/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "tb-certificate" in page and 'src="data:image/svg+xml' in page
    assert retiree.person.id_number not in page


def test_verify_page_by_identifier_in_the_query(senior_card):
    response = client_for(None).get("/licences/verify/", {"identifier": senior_card.identifier})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-reason="genuine"' in page and "示范市民政局" in page
    assert "no-store" in response["Cache-Control"]


def test_verify_page_by_presentation_and_replay(senior_card, retiree):
    page = (
        client_for(retiree)
        .post(f"/licences/{senior_card.pk}/present/", {"reveal": ["holder_name"]})
        .content.decode()
    )
    payload = re.search(r'id="presentation-text"[^>]*>([^<]+)<', page).group(1)
    verifier = client_for(None)
    first = verifier.post("/licences/verify/", {"code": payload}).content.decode()
    assert 'data-reason="genuine"' in first and "王秀英" in first
    assert "1959" not in first
    second = verifier.post("/licences/verify/", {"code": payload}).content.decode()
    assert 'data-reason="replayed"' in second and "王秀英" not in second
    assert PresentationUse.objects.count() == 1
    wallet = client_for(retiree).get(f"/licences/{senior_card.pk}/").content.decode()
    shown_at = timezone.localtime(PresentationUse.objects.get().verified_at)
    assert shown_at.strftime("%Y-%m-%d %H:%M") in wallet


def test_the_qr_code_opens_the_verify_page_with_the_presentation_in_the_fragment(
    senior_card, retiree, monkeypatch
):
    encoded = []
    monkeypatch.setattr(views, "_qr", lambda text: encoded.append(text) or "data:,")
    page = (
        client_for(retiree)
        .post(f"/licences/{senior_card.pk}/present/", {"reveal": ["holder_name"]})
        .content.decode()
    )
    payload = re.search(r'id="presentation-text"[^>]*>([^<]+)<', page).group(1)
    assert encoded == [f"http://testserver/licences/verify/#p={payload}"]
    # the page a phone opens: the server sees no fragment; the script posts it to the form
    verify = client_for(None).get("/licences/verify/").content.decode()
    assert re.search(r'<script src="/static/licences/verify\.js[^"]*" defer>', verify)
    assert 'id="verify-form"' in verify and 'id="code"' in verify and "<noscript>" in verify
    # without JavaScript, pasting what a QR app read (the URL) is checked the same way
    verdict = client_for(None).post("/licences/verify/", {"code": encoded[0]}).content.decode()
    assert 'data-reason="genuine"' in verdict and "王秀英" in verdict


@pytest.mark.parametrize(
    "code", ["", "garbage", "1.2.156.3005.2.x", "~" * 10, "a" * 17000, "<b>~x</b>"]
)
def test_verify_page_never_fails(code, city):
    response = client_for(None).post("/licences/verify/", {"code": code})
    assert response.status_code in (200, 400)


def test_signed_in_citizen_without_licences(city):
    account = make_citizen("sunli")
    page = client_for(account).get("/licences/").content.decode()
    assert "老年人优待证" not in page


def test_wallet_needs_sign_in(city):
    assert client_for(None).get("/licences/").status_code == 302
