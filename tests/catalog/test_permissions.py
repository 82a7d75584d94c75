"""Who may do what with the catalogue, as a matrix: role × department × verb. Editing is
limited to the official's own department; publishing is the platform operator's review."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.catalog.conftest import content
from tongban.catalog import services
from tongban.catalog.models import MatterVersion
from tongban.core.models import Department, Event
from tongban.core.permissions import NotPermitted, allowed

pytestmark = pytest.mark.django_db

OWN, OTHER = "民政局", "公安局"
# (who, their department, roles) -> the verbs they may use on a matter of 民政局
MATRIX = [
    ("data admin, own department", OWN, ["data_admin"], {"create", "edit", "withdraw", "view"}),
    ("data admin, other department", OTHER, ["data_admin"], set()),
    (
        "operator, own department",
        OWN,
        ["operator"],
        {"create", "edit", "review", "withdraw", "view"},
    ),
    ("operator, platform", "政务服务和数据管理局", ["operator"], {"review", "withdraw", "view"}),
    ("approver, own department", OWN, ["approver"], set()),
    ("counter clerk, own department", OWN, ["counter_clerk"], set()),
    ("department head, own department", OWN, ["department_head"], set()),
    ("auditor", "政务服务和数据管理局", ["auditor"], set()),
    ("official without roles", OWN, [], set()),
]
VERBS = {
    "create": "catalog.create_matter",
    "edit": "catalog.edit_matter",
    "review": "catalog.review_version",
    "withdraw": "catalog.withdraw_version",
    "view": "catalog.view_drafts",
}


@pytest.fixture
def draft(departments, make_official):
    return services.create_matter(
        actor=make_official(OWN, "data_admin"),
        department=Department.objects.get(short_name=OWN),
        implementation_code="PERM-0001",
        content=content(),
    )


@pytest.mark.parametrize(("who", "department", "roles", "may"), MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("verb", sorted(VERBS))
def test_authorization_matrix(draft, make_official, who, department, roles, may, verb):
    account = make_official(department, *roles)
    target = draft.matter.department if verb == "create" else draft
    assert allowed(account, VERBS[verb], target) is (verb in may)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_citizens_and_anonymous_may_not_edit(draft, citizen, verb):
    assert not allowed(citizen, VERBS[verb], draft)
    assert not allowed(AnonymousUser(), VERBS[verb], draft)


def snapshot():
    return list(MatterVersion.objects.values()), Event.objects.count()


def test_another_department_cannot_edit_and_nothing_changes(draft, make_official):
    intruder = make_official(OTHER, "data_admin")
    before = snapshot()
    with pytest.raises(NotPermitted):
        services.update_draft(actor=intruder, version=draft, content=content(name="篡改"))
    with pytest.raises(NotPermitted):
        services.submit_version(actor=intruder, version=draft)
    with pytest.raises(NotPermitted):
        services.create_matter(
            actor=intruder,
            department=Department.objects.get(short_name=OWN),
            implementation_code="PERM-0002",
            content=content(),
        )
    assert snapshot() == before


def test_a_department_cannot_publish_its_own_submission(draft, make_official):
    editor = make_official(OWN, "data_admin")
    services.submit_version(actor=editor, version=draft)
    before = snapshot()
    with pytest.raises(NotPermitted):
        services.publish_version(actor=editor, version=draft)
    assert snapshot() == before
