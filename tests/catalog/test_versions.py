"""Version lifecycle: draft -> in review -> published -> withdrawn; published versions never
change; editing starts a new draft; every refusal changes nothing."""

import pytest

from tests.catalog.conftest import content
from tongban.catalog import services
from tongban.catalog.catalogue_format import version_content
from tongban.catalog.models import CatalogueRevision, Material, Matter, MatterVersion
from tongban.core.api import Conflict
from tongban.core.models import Department, Event

pytestmark = pytest.mark.django_db
Status = MatterVersion.Status


@pytest.fixture
def people(departments, make_official):
    return {
        "editor": make_official("民政局", "data_admin"),
        "reviewer": make_official("政务服务和数据管理局", "operator"),
    }


@pytest.fixture
def draft(people):
    return services.create_matter(
        actor=people["editor"],
        department=Department.objects.get(short_name="民政局"),
        implementation_code="TEST-0001",
        content=content(),
    )


def state():
    """Everything a refused write must leave as it was."""
    return (
        list(MatterVersion.objects.order_by("pk").values()),
        list(Material.objects.order_by("pk").values()),
        Matter.objects.count(),
        Event.objects.count(),
    )


def test_a_new_matter_starts_as_draft_version_1_with_an_event(draft):
    assert (draft.number, draft.status) == (1, Status.DRAFT)
    assert draft.matter.service_id  # the GovStack service id
    event = Event.objects.get(kind="catalog.matter.created", subject_id=str(draft.matter.pk))
    assert "测试" not in str(event.payload)  # ids, not content, in the ledger payload


def test_the_whole_lifecycle(people, draft):
    before = CatalogueRevision.objects.filter(id=1).values_list("stamp", flat=True).first()
    services.update_draft(actor=people["editor"], version=draft, content=content(name="改名事项"))
    services.submit_version(actor=people["editor"], version=draft)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW and draft.submitted_at
    services.publish_version(actor=people["reviewer"], version=draft)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.name == "改名事项"
    assert CatalogueRevision.objects.get(id=1).stamp != before  # search indexes rebuild

    second = services.start_revision(actor=people["editor"], matter=draft.matter)
    assert (second.number, second.status) == (2, Status.DRAFT)
    assert version_content(second) == version_content(draft)  # a copy to edit
    services.update_draft(
        actor=people["editor"], version=second, content=content(committed_time_limit=3)
    )
    services.submit_version(actor=people["editor"], version=second)
    services.publish_version(actor=people["reviewer"], version=second)
    draft.refresh_from_db()
    second.refresh_from_db()
    assert draft.status == Status.WITHDRAWN and draft.withdrawn_at  # superseded
    assert second.status == Status.PUBLISHED
    assert draft.committed_time_limit == 5  # the old version is as it was published

    services.withdraw_version(actor=people["editor"], version=second)
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN
    kinds = list(
        Event.objects.filter(
            subject_type="catalog.matterversion",
            subject_id__in=[str(draft.pk), str(second.pk)],
        ).values_list("kind", flat=True)
    )
    assert kinds == [
        "catalog.version.updated",
        "catalog.version.submitted",
        "catalog.version.published",
        "catalog.version.started",
        "catalog.version.updated",
        "catalog.version.submitted",
        "catalog.version.published",
        "catalog.version.withdrawn",
    ]


def test_a_reviewer_can_return_a_version_to_its_department(people, draft):
    services.submit_version(actor=people["editor"], version=draft)
    services.return_version(actor=people["reviewer"], version=draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.fixture
def published(people, draft):
    services.submit_version(actor=people["editor"], version=draft)
    return services.publish_version(actor=people["reviewer"], version=draft)


def test_a_published_version_is_immutable(people, published):
    before = state()
    with pytest.raises(Conflict):
        services.update_draft(actor=people["editor"], version=published, content=content(name="x"))
    assert state() == before


@pytest.mark.parametrize(
    ("step", "who"),
    [
        (services.submit_version, "editor"),
        (services.return_version, "reviewer"),
        (services.publish_version, "reviewer"),
    ],
)
def test_steps_out_of_order_are_refused(people, published, step, who):
    before = state()
    with pytest.raises(Conflict):
        step(actor=people[who], version=published)
    assert state() == before


def test_a_draft_cannot_be_withdrawn_or_published_directly(people, draft):
    before = state()
    with pytest.raises(Conflict):
        services.withdraw_version(actor=people["editor"], version=draft)
    with pytest.raises(Conflict):
        services.publish_version(actor=people["reviewer"], version=draft)
    assert state() == before


def test_only_one_open_draft_at_a_time(people, draft):
    before = state()
    with pytest.raises(Conflict):
        services.start_revision(actor=people["editor"], matter=draft.matter)
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"matter_type": ""}, "matter_type"),
        ({"legal_time_limit": None}, "legal_time_limit"),
        ({"committed_time_limit": None}, "committed_time_limit"),
        ({"materials": []}, "materials"),
        ({"audiences": []}, "audiences"),
        ({"legal_basis": ""}, "legal_basis"),
    ],
)
def test_an_incomplete_draft_cannot_be_submitted(people, overrides, path):
    version = services.create_matter(
        actor=people["editor"],
        department=Department.objects.get(short_name="民政局"),
        implementation_code="TEST-0002",
        content=content(**overrides),
    )
    before = state()
    with pytest.raises(services.CatalogueInvalid) as refused:
        services.submit_version(actor=people["editor"], version=version)
    assert path in dict(refused.value.problems)
    assert state() == before


def test_an_explicit_no_materials_may_be_published(people):
    version = services.create_matter(
        actor=people["editor"],
        department=Department.objects.get(short_name="民政局"),
        implementation_code="TEST-0003",
        content=content(materials=[], no_materials=True),
    )
    services.submit_version(actor=people["editor"], version=version)
    services.publish_version(actor=people["reviewer"], version=version)
    assert version.materials.count() == 0


def test_committed_time_limit_may_not_exceed_the_legal_one(people, draft):
    before = state()
    with pytest.raises(services.CatalogueInvalid) as refused:
        services.update_draft(
            actor=people["editor"],
            version=draft,
            content=content(legal_time_limit=5, committed_time_limit=6),
        )
    [(path, message)] = refused.value.problems
    assert path == "committed_time_limit" and "5" in message
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"legal_time_limit": "ten"}, "legal_time_limit"),
        ({"unknown": 1}, "unknown"),
        ({"themes": ["no-such-theme"]}, "themes[0]"),
        ({"process_key": "parallel_review"}, "involved_departments"),
        (
            {
                "materials": [
                    {
                        "code": "x",
                        "name": "户口簿",
                        "kind": "electronic",
                        "necessity": "required",
                        "source": "registry",
                    }
                ]
            },
            "materials[0].registry_code",
        ),
        ({"form_schema": {"type": "object", "properties": {"a": {"type": "nope"}}}}, None),
        (
            {
                "situations": [
                    {
                        "code": "q",
                        "question": "?",
                        "options": [
                            {"code": "a", "label": "A", "add_materials": ["missing"]},
                            {"code": "b", "label": "B"},
                        ],
                    }
                ]
            },
            "situations[0].options[0].add_materials[0]",
        ),
    ],
)
def test_bad_content_is_refused_with_its_path(people, draft, overrides, path):
    before = state()
    with pytest.raises(services.CatalogueInvalid) as refused:
        services.update_draft(actor=people["editor"], version=draft, content=content(**overrides))
    paths = [p for p, _message in refused.value.problems]
    assert paths
    if path:
        assert path in paths
    assert state() == before


def test_an_implementation_code_is_unique(people, draft):
    before = state()
    with pytest.raises(services.CatalogueInvalid) as refused:
        services.create_matter(
            actor=people["editor"],
            department=Department.objects.get(short_name="民政局"),
            implementation_code="TEST-0001",
            content=content(),
        )
    assert "implementation_code" in dict(refused.value.problems)
    assert state() == before


def test_saving_the_same_draft_again_records_nothing(people, draft):
    before = state()
    services.update_draft(actor=people["editor"], version=draft, content=content())
    assert state() == before
