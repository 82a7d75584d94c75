"""The demo's applications: every state, a life event in parallel review, an overdue case."""

import pytest

from tongban.intake.models import Application, Message, Status
from tongban.workflow.models import Task


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_has_applications_in_every_state(media, demo):
    from tongban.demo.seed import SeedReport

    statuses = set(Application.objects.filter(parent__isnull=True).values_list("status", flat=True))
    assert set(Status.values) <= statuses | {Status.IN_REVIEW}, statuses
    newborn = Application.objects.get(life_event__code="newborn", parent__isnull=True)
    children = list(newborn.children.all())
    assert len(children) == 4 and all(c.status == Status.ACCEPTED for c in children)
    parallel = Task.objects.filter(
        instance__subject_id__in=[str(c.pk) for c in children],
        status="open",
        element_id__in=("lead_review", "co_review"),
    )
    assert parallel.values("department").distinct().count() >= 2
    overdue = Application.objects.filter(escalated_on__isnull=False)
    assert overdue.exists()
    assert Message.objects.filter(kind="escalated").exists()
    before = Application.objects.count()
    from tongban.demo import applications

    report = SeedReport()
    applications.seed(report)
    assert Application.objects.count() == before and report.changed == 0
