"""The outbox: an event commits with the change that caused it, or not at all."""

import pytest
from django.db import transaction

from tongban.core import services
from tongban.core.events import OutsideTransaction, record_event
from tongban.core.models import Event, Region

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def test_a_rolled_back_service_leaves_no_event_and_no_change():
    before = Event.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        services.save_region(code="110000", name="北京市", parent=None, actor="user:1")
        raise Boom
    assert Event.objects.count() == before
    assert not Region.objects.filter(code="110000").exists()


def test_a_committed_service_leaves_exactly_its_event():
    before = Event.objects.count()
    _region, status = services.save_region(
        code="110000", name="北京市", parent=None, actor="user:1"
    )
    assert status == "created"
    event = Event.objects.get(id__gt=0, kind="core.region.created", subject_id="110000")
    assert Event.objects.count() == before + 1
    assert event.subject_type == "core.region"
    assert event.actor == "user:1"
    assert event.payload == {"fields": ["level", "name", "parent"]}


def test_an_invalid_write_changes_nothing_and_records_nothing():
    from django.core.exceptions import ValidationError

    before = Event.objects.count()
    with pytest.raises(ValidationError):
        services.save_region(code="012345", name="bad", parent=None, actor="user:1")
    assert Event.objects.count() == before
    assert not Region.objects.filter(code="012345").exists()


def test_saving_the_same_values_again_records_nothing():
    services.save_region(code="110000", name="北京市", parent=None, actor="user:1")
    before = Event.objects.count()
    _region, status = services.save_region(
        code="110000", name="北京市", parent=None, actor="user:1"
    )
    assert status == "unchanged"
    assert Event.objects.count() == before


def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(OutsideTransaction):
        record_event("x.happened", subject=("x", "1"), actor="user:1")
    assert not Event.objects.filter(kind="x.happened").exists()


def test_an_event_records_who_acted_and_for_whom():
    with transaction.atomic():
        event = record_event(
            "x.happened",
            subject=("x", "1"),
            actor="user:7",
            on_behalf_of="party:9",
            payload={"n": 1},
        )
    event.refresh_from_db()
    assert (event.actor, event.on_behalf_of, event.payload) == ("user:7", "party:9", {"n": 1})
