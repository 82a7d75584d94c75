"""Suspension, revocation and reinstatement by the issuing department, and the status list."""

import pytest
from django.core.exceptions import ValidationError

from tests.licences.conftest import client_for, department
from tongban.core.api import Conflict
from tongban.core.models import Event
from tongban.licences import services, statuslist
from tongban.licences.models import Licence

pytestmark = pytest.mark.django_db


def test_lifecycle_with_reasons_and_events(senior_card, civil_affairs_approver):
    licence = services.suspend_licence(
        licence=senior_card, reason="核查户籍信息", actor=civil_affairs_approver
    )
    assert (licence.status, licence.status_reason) == ("suspended", "核查户籍信息")
    licence = services.reinstate_licence(
        licence=licence, reason="核查无误", actor=civil_affairs_approver
    )
    assert licence.status == "valid"
    licence = services.revoke_licence(
        licence=licence, reason="持证人申请注销", actor=civil_affairs_approver
    )
    assert licence.status == "revoked"
    kinds = list(
        Event.objects.filter(subject_id=str(licence.pk), kind__startswith="licence.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["licence.issued", "licence.suspended", "licence.reinstated", "licence.revoked"]
    revoked = Event.objects.get(kind="licence.revoked")
    assert "持证人" not in str(revoked.payload) and revoked.payload["reason_hash"]


@pytest.mark.parametrize(
    "first, then",
    [("revoke", "revoke"), ("revoke", "suspend"), ("revoke", "reinstate"), (None, "reinstate")],
)
def test_illegal_transitions_change_nothing(senior_card, civil_affairs_approver, first, then):
    if first:
        services.change_status(
            licence=senior_card, action=first, reason="r", actor=civil_affairs_approver
        )
    before = (Licence.objects.get(pk=senior_card.pk).status, Event.objects.count())
    with pytest.raises(Conflict):
        services.change_status(
            licence=senior_card, action=then, reason="r", actor=civil_affairs_approver
        )
    assert (Licence.objects.get(pk=senior_card.pk).status, Event.objects.count()) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_reason_is_required(senior_card, civil_affairs_approver, reason):
    before = Event.objects.count()
    with pytest.raises(ValidationError):
        services.suspend_licence(licence=senior_card, reason=reason, actor=civil_affairs_approver)
    assert Licence.objects.get(pk=senior_card.pk).status == "valid"
    assert Event.objects.count() == before


def test_the_status_list_reflects_changes_and_is_cacheable(senior_card, civil_affairs_approver):
    url = f"/api/v1/licences/status-lists/{department('民政局').credit_code}"
    client = client_for(None)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=300"
    body = first.json()
    assert body["bits"] == 2
    assert statuslist.status_at(body["lst"], senior_card.status_index) == statuslist.VALID
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    services.suspend_licence(licence=senior_card, reason="核查", actor=civil_affairs_approver)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert statuslist.status_at(second.json()["lst"], senior_card.status_index) == 2
    services.revoke_licence(licence=senior_card, reason="注销", actor=civil_affairs_approver)
    third = client.get(url).json()
    assert statuslist.status_at(third["lst"], senior_card.status_index) == statuslist.INVALID


def test_the_status_list_agrees_with_an_independent_decoder(senior_card, civil_affairs_approver):
    """openvc-core's Token Status List reader decodes our list and verifies its token."""
    from openvc.status import token_status_list

    services.suspend_licence(licence=senior_card, reason="核查", actor=civil_affairs_approver)
    url = f"/api/v1/licences/status-lists/{department('民政局').credit_code}"
    body = client_for(None).get(url).json()
    data = token_status_list.decode_status_list(body["lst"])
    assert token_status_list.get_status(data, senior_card.status_index, bits=2) == 2
    others = Licence.objects.filter(issuer=senior_card.issuer).exclude(pk=senior_card.pk)
    for other in others:
        assert token_status_list.get_status(data, other.status_index, bits=2) == 0
    from tongban.licences import sdjwt

    token = sdjwt.parse_jwt(body["token"], "malformed")
    assert token.header["typ"] == "statuslist+jwt"
    key = senior_card.signing_key
    assert token.verify(key.algorithm, key.public_bytes)
    assert token.payload["status_list"]["lst"] == body["lst"]
    assert token.payload["sub"] == body["uri"]


def test_unknown_department_status_list_is_404(city):
    response = client_for(None).get("/api/v1/licences/status-lists/000000000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "statuses",
    [{}, {0: 1}, {3: 2, 4: 1, 9: 0}, {i: i % 3 for i in range(1000)}],
)
def test_status_list_encoding_round_trips(statuses):
    lst = statuslist.encode(statuses)
    for index in range(max(statuses, default=0) + 5):
        assert statuslist.status_at(lst, index) == statuses.get(index, 0)


def test_a_department_that_issued_nothing_has_no_list_and_gets_no_key(city):
    from tongban.licences.models import DepartmentKey

    before = (DepartmentKey.objects.count(), Event.objects.count())
    url = f"/api/v1/licences/status-lists/{department('教育局').credit_code}"
    assert client_for(None).get(url).status_code == 404
    assert (DepartmentKey.objects.count(), Event.objects.count()) == before
