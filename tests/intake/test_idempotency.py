"""Submissions are idempotent: the same key returns the same application, a different body
with the same key is refused (409) — also when duplicates arrive at the same moment."""

import threading

import pytest
from django.db import connection

from tests.intake.conftest import ANSWERS, draft
from tongban.intake import services
from tongban.intake.models import Application, SubmissionKey
from tongban.intake.services import IdempotencyConflict
from tongban.workflow.models import ProcessInstance


def test_same_key_same_application(citizen, single_version):
    app = draft(citizen, single_version)
    first = services.submit_application(actor=citizen, application=app, idempotency_key="k")
    again = services.submit_application(actor=citizen, application=app, idempotency_key="k")
    assert first.created and not again.created
    assert again.application.pk == first.application.pk
    assert again.application.number == first.application.number
    assert ProcessInstance.objects.filter(subject_id=str(app.pk)).count() == 1


def test_same_key_other_body_is_refused(citizen, single_version):
    single_version.materials.update(necessity="optional")
    services.apply(actor=citizen, version=single_version, form_data=ANSWERS, idempotency_key="k")
    count = Application.objects.count()
    with pytest.raises(IdempotencyConflict) as caught:
        services.apply(
            actor=citizen,
            version=single_version,
            form_data={**ANSWERS, "note": "changed"},
            idempotency_key="k",
        )
    assert caught.value.code == "idempotency_key_reused"
    assert Application.objects.count() == count


def test_keys_belong_to_their_account(citizen, other_citizen, single_version):
    from tests.intake.conftest import draft as make

    mine = services.submit_application(
        actor=citizen, application=make(citizen, single_version), idempotency_key="same"
    )
    theirs = services.submit_application(
        actor=other_citizen, application=make(other_citizen, single_version), idempotency_key="same"
    )
    assert mine.application.pk != theirs.application.pk


def test_a_bad_key_is_refused(citizen, single_version):
    from django.core.exceptions import ValidationError

    app = draft(citizen, single_version)
    for key in ("", " ", "x" * 101, "a\nb"):
        with pytest.raises(ValidationError):
            services.submit_application(actor=citizen, application=app, idempotency_key=key)


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_application(demo_accounts, health):
    """Eight requests with one key at the same moment: one application, one process, and
    every request answers with it (PostgreSQL in CI: the unique key serializes them)."""
    from tests.intake.conftest import make_version, person_account

    citizen = person_account("zhangwei")
    version = make_version(health, limit=0)
    barrier, results, errors = threading.Barrier(8), [], []

    def submit():
        try:
            barrier.wait(5)
            results.append(
                services.apply(
                    actor=citizen, version=version, form_data=ANSWERS, idempotency_key="dup"
                ).application.pk
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    # The version needs no material for this test.
    version.materials.filter(code="birth_record").update(necessity="optional")
    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 8
    assert Application.objects.filter(version=version).count() == 1
    assert SubmissionKey.objects.filter(key="dup").count() == 1
    assert ProcessInstance.objects.filter(subject_id=str(results[0])).count() == 1
