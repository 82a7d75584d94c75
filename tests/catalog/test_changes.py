"""The element diff a reviewer reads (changes.element_changes) and the problems listed before
a submission, in words (changes.submission_problems)."""

import pytest
from django.utils import translation

from tests.catalog.conftest import content
from tongban.catalog import services
from tongban.catalog.changes import element_changes, place, submission_problems
from tongban.catalog.models import MatterVersion, ReviewNote
from tongban.core.models import Department, Event


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_an_unchanged_version_has_no_changes():
    assert element_changes(content(), content()) == []


def test_changed_elements_show_before_and_after_in_words():
    after = content(
        committed_time_limit=3, matter_type="licensing", audiences=["person", "business"]
    )
    found = {c.label: (c.before, c.after) for c in element_changes(content(), after)}
    assert found["committed time limit (working days)"] == ("5", "3")
    assert found["matter type"] == ("Administrative confirmation", "Administrative licensing")
    assert found["audience"] == ("Individuals", "Individuals、Businesses")


def test_rows_are_matched_by_code():
    before = content()
    after = content(
        materials=[
            {**before["materials"][0], "necessity": "optional"},
            {
                "code": "photo",
                "name": "照片",
                "kind": "original",
                "necessity": "required",
                "source": "applicant",
            },
        ]
    )
    changes = element_changes(before, after)
    changed = [c for c in changes if "necessity" in c.label]
    assert [(c.before, c.after) for c in changed] == [("Required", "Optional")]
    added = [c for c in changes if c.added]
    assert len(added) == 1 and "照片" in added[0].after
    removed = element_changes(after, before)
    assert [c for c in removed if c.removed and "照片" in c.before]


def test_a_new_matter_shows_everything_it_says():
    labels = {c.label for c in element_changes(None, content())}
    assert {"name", "matter type", "legal time limit (working days)"} <= labels


def test_places_are_words():
    assert place("committed_time_limit") == "committed time limit (working days)"
    assert place("materials[2].source_department") == "materials, row 3：source department"
    assert place("fees[0].basis") == "fees, row 1：basis"


@pytest.mark.django_db
def test_submission_problems_are_the_publication_problems_in_words(departments):
    problems = dict(submission_problems(content(legal_basis="", committed_time_limit=30)))
    assert problems["legal basis"] == "Give the legal basis."
    assert "may not exceed" in problems["committed time limit (working days)"]
    assert submission_problems(content()) == []


@pytest.mark.django_db
def test_a_return_keeps_its_reason_out_of_the_event(departments, make_official):
    editor, reviewer = make_official("民政局", "data_admin"), make_official("民政局", "operator")
    version = services.create_matter(
        actor=editor,
        department=Department.objects.get(short_name="民政局"),
        implementation_code="CHG-0001",
        content=content(),
    )
    services.submit_version(actor=editor, version=version)
    with pytest.raises(services.CatalogueInvalid):
        services.return_version(actor=reviewer, version=version, reason="x" * 2001)
    assert MatterVersion.objects.get(pk=version.pk).status == "in_review"
    services.return_version(actor=reviewer, version=version, reason=" 请补充收费依据 ")
    note = ReviewNote.objects.get(version=version)
    assert (note.step, note.reason) == ("returned", "请补充收费依据")
    event = Event.objects.get(kind="catalog.version.returned")
    assert event.payload == {"matter": version.matter_id, "number": 1, "reason_length": 7}
