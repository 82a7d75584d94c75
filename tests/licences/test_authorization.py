"""Who may do what with a licence: role × department × owner × verb, through the API."""

import pytest

from tests.licences.conftest import client_for, make_citizen, make_official
from tongban.identity.models import Role
from tongban.licences import services
from tongban.licences.models import Licence

pytestmark = pytest.mark.django_db

ACTORS = {
    "holder": lambda: make_citizen("wangxiuying"),
    "other_citizen": lambda: make_citizen("sunli"),
    "approver_same_dept": lambda: make_official("a1", "民政局", Role.APPROVER),
    "head_same_dept": lambda: make_official("h1", "民政局", Role.DEPARTMENT_HEAD),
    "clerk_same_dept": lambda: make_official("c1", "民政局", Role.COUNTER_CLERK),
    "data_admin_same_dept": lambda: make_official("d1", "民政局", Role.DATA_ADMIN),
    "approver_other_dept": lambda: make_official("a2", "公安局", Role.APPROVER),
    "head_other_dept": lambda: make_official("h2", "公安局", Role.DEPARTMENT_HEAD),
    "operator": lambda: make_official("op", "政务服务和数据管理局", Role.OPERATOR),
    "anonymous": lambda: None,
}
MAY_CHANGE_STATUS = {"approver_same_dept", "head_same_dept"}
MAY_USE_WALLET = {"holder"}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_who_may_change_status(senior_card, who, action):
    actor = ACTORS[who]()
    response = client_for(actor).post(
        f"/api/v1/licences/{senior_card.pk}/{action}",
        {"reason": "核查"},
        content_type="application/json",
    )
    allowed = who in MAY_CHANGE_STATUS
    expected = 200 if allowed else (401 if actor is None else 403)
    assert response.status_code == expected, response.content
    status = Licence.objects.get(pk=senior_card.pk).status
    assert (status != "valid") is allowed


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_present_and_export(senior_card, who):
    actor = ACTORS[who]()
    client = client_for(actor)
    present = client.post(
        f"/api/v1/licences/{senior_card.pk}/presentations",
        {"reveal": ["holder_name"]},
        content_type="application/json",
    )
    page = client.get(f"/licences/{senior_card.pk}/")
    allowed = who in MAY_USE_WALLET
    if allowed:
        assert (present.status_code, page.status_code) == (201, 200)
    else:
        assert present.status_code == (401 if actor is None else 404)
        assert page.status_code == (302 if actor is None else 404)


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_issue(retiree, who):
    actor = ACTORS[who]()
    allowed = who in MAY_CHANGE_STATUS  # approvers and heads of the issuing department
    from tests.licences.conftest import SENIOR_FIELDS, department
    from tongban.core.permissions import NotPermitted

    def issue():
        return services.issue_licence(
            licence_type="senior_card",
            issuer=department("民政局"),
            holder=retiree.person,
            fields=SENIOR_FIELDS,
            source_case="M-1",
            actor=actor,
        )

    if allowed:
        assert issue().source_case == "M-1"
    else:
        with pytest.raises(NotPermitted):
            issue()
        assert not Licence.objects.filter(source_case="M-1").exists()


def test_a_department_that_stops_issuing_a_type_cannot_change_its_licences(
    senior_card, civil_affairs_approver
):
    senior_card.licence_type.issuing_departments.clear()
    response = client_for(civil_affairs_approver).post(
        f"/api/v1/licences/{senior_card.pk}/revoke",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_legal_representative_holds_the_business_licence(business_licence):
    owner = make_citizen("ligang")
    agent = make_citizen("maxiaohong")
    assert client_for(owner).get(f"/licences/{business_licence.pk}/").status_code == 200
    assert client_for(agent).get(f"/licences/{business_licence.pk}/").status_code == 404
