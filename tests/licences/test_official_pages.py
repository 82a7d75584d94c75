"""The issuing department's page for suspending, reinstating and revoking; key rotation."""

import pytest

from tests.licences.conftest import client_for, department, make_official
from tongban.core.models import Event
from tongban.identity.models import Role
from tongban.licences import verification
from tongban.licences.models import DepartmentKey, Licence

pytestmark = pytest.mark.django_db


def test_an_approver_finds_and_suspends_then_revokes(senior_card, civil_affairs_approver):
    client = client_for(civil_affairs_approver)
    page = client.get("/licences/issued/", {"identifier": senior_card.identifier})
    assert page.status_code == 200 and "老年人优待证" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    url = f"/licences/issued/{senior_card.pk}/status/"
    response = client.post(url, {"action": "suspend", "reason": "核查户籍"}, follow=True)
    assert response.status_code == 200
    assert Licence.objects.get(pk=senior_card.pk).status == "suspended"
    client.post(url, {"action": "revoke", "reason": "户籍不符"})
    assert Licence.objects.get(pk=senior_card.pk).status == "revoked"
    assert verification.verify_identifier(senior_card.identifier).status == "revoked"


@pytest.mark.parametrize(
    "form", [{"action": "suspend", "reason": ""}, {"action": "destroy", "reason": "x"}, {}]
)
def test_bad_forms_change_nothing(senior_card, civil_affairs_approver, form):
    approver = client_for(civil_affairs_approver)  # signing in records its own event
    before = Event.objects.count()
    response = approver.post(f"/licences/issued/{senior_card.pk}/status/", form, follow=True)
    assert response.status_code == 200
    assert Licence.objects.get(pk=senior_card.pk).status == "valid"
    assert Event.objects.count() == before


def test_other_departments_and_citizens_cannot(senior_card, police_approver, retiree):
    police = client_for(police_approver)
    page = police.get("/licences/issued/", {"identifier": senior_card.identifier})
    assert "老年人优待证" not in page.content.decode()
    response = police.post(
        f"/licences/issued/{senior_card.pk}/status/", {"action": "revoke", "reason": "x"}
    )
    assert response.status_code == 404
    clerk = make_official("mz-clerk", "民政局", Role.COUNTER_CLERK)
    client_for(clerk).post(
        f"/licences/issued/{senior_card.pk}/status/", {"action": "revoke", "reason": "x"}
    )
    assert client_for(retiree).get("/licences/issued/").status_code == 403
    assert Licence.objects.get(pk=senior_card.pk).status == "valid"


def test_rotate_command_keeps_old_licences_verifiable(senior_card):
    from django.core.management import call_command

    old = senior_card.signing_key
    call_command("rotate-licence-key", department("民政局").credit_code)
    old.refresh_from_db()
    assert old.retired_at is not None
    assert DepartmentKey.objects.filter(department=old.department, retired_at=None).count() == 1
    assert verification.verify_identifier(senior_card.identifier).genuine


def test_rotate_command_refuses_an_unknown_department(city):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("rotate-licence-key", "000000000000000000")
