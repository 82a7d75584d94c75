"""在线办理: the catalogue's service guide and life-event page link to the application form
through a template slot (tongban.core.extensions) the intake fills; the catalogue itself
knows nothing of the intake (tests/test_layers.py)."""

import pytest
from django.test import Client

from tests.intake.conftest import make_version
from tongban.catalog.models import LifeEvent, LifeEventMatter, MatterVersion
from tongban.core import extensions


@pytest.fixture
def version(health):
    return make_version(health, name="出生医学证明签发（测试）")


def test_the_guide_links_to_the_application_form(version):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/services/{version.matter.service_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/apply/{version.pk}/"' in html and "Apply online" in html


def test_a_withdrawn_guide_has_no_link(version):
    version.status = MatterVersion.Status.WITHDRAWN
    version.save()
    page = Client().get(f"/services/{version.matter.service_id}/?version={version.number}")
    assert page.status_code == 200
    assert "/apply/" not in page.content.decode()


def test_the_life_event_page_links_to_the_combined_form(version):
    event = LifeEvent.objects.create(
        code="newborn-link", name="新生儿出生一件事", audience="person"
    )
    LifeEventMatter.objects.create(life_event=event, matter=version.matter, order=1)
    html = Client().get("/life-events/newborn-link/").content.decode()
    assert 'href="/apply/life-event/newborn-link/"' in html


def test_an_empty_slot_renders_nothing(version, monkeypatch):
    monkeypatch.setattr(extensions, "_slots", {})
    page = Client().get(f"/services/{version.matter.service_id}/")
    assert page.status_code == 200 and "/apply/" not in page.content.decode()
