"""Material files: type by content, size limit, SHA-256, Django storage."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.intake.conftest import PDF, PNG, pdf
from tongban.intake import services


@pytest.fixture
def app(citizen, single_version):
    return services.save_draft(actor=citizen, version=single_version, form_data={})


def ofd() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [(PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg")],
)
def test_accepted_kinds(content, expected, citizen, app):
    upload = services.add_material(
        actor=citizen,
        application=app,
        material_code="photo",
        file=SimpleUploadedFile("x.bin", content, content_type="text/plain"),
    )
    assert upload.content_type == expected
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(upload.file.name) as stored:
        assert stored.read() == content
    assert "x.bin" not in upload.file.name  # stored under a random name


def test_ofd(citizen, app):
    upload = services.add_material(
        actor=citizen,
        application=app,
        material_code="photo",
        file=SimpleUploadedFile("x.ofd", ofd()),
    )
    assert upload.content_type == "application/ofd" and upload.file.name.endswith(".ofd")


@pytest.mark.parametrize(
    "name, content",
    [
        ("evil.pdf", b"MZ\x90\x00 not a pdf"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.ofd", b"PK\x03\x04 broken zip"),
        ("empty.pdf", b""),
    ],
)
def test_wrong_types_are_refused(name, content, citizen, app):
    with pytest.raises(ValidationError) as caught:
        services.add_material(
            actor=citizen,
            application=app,
            material_code="photo",
            file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    assert "file" in caught.value.message_dict
    assert app.uploads.count() == 0


def test_zip_without_ofd_is_refused(citizen, app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "x")
    with pytest.raises(ValidationError):
        services.add_material(
            actor=citizen,
            application=app,
            material_code="photo",
            file=SimpleUploadedFile("x.ofd", buffer.getvalue()),
        )


def test_oversized_files_are_refused(citizen, app, settings):
    settings.TONGBAN_INTAKE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        services.add_material(
            actor=citizen, application=app, material_code="photo", file=pdf(content=PDF * 100)
        )
    assert "MB" in str(caught.value)
    assert app.uploads.count() == 0


def test_unknown_material_is_refused(citizen, app):
    with pytest.raises(ValidationError):
        services.add_material(actor=citizen, application=app, material_code="passport", file=pdf())


def test_removing_a_draft_file(citizen, app, django_capture_on_commit_callbacks):
    upload = services.add_material(
        actor=citizen, application=app, material_code="photo", file=pdf()
    )
    name = upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_material(actor=citizen, upload=upload)
    assert not default_storage.exists(name) and app.uploads.count() == 0


def _stored():
    try:
        return set(default_storage.listdir("intake")[1])
    except FileNotFoundError:
        return set()


def test_a_rolled_back_upload_leaves_no_file_behind(citizen, app):
    """The file is written before its row; when the enclosing transaction rolls back, the
    sweep removes it once it is old enough — and never a file a row refers to."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    kept = services.add_material(actor=citizen, application=app, material_code="photo", file=pdf())
    before = _stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_material(actor=citizen, application=app, material_code="photo", file=pdf())
        raise RuntimeError("the request failed after the upload")
    assert len(_stored() - before) == 1
    # Young files may belong to an upload still in its transaction: left alone.
    assert services.sweep_files() == {"checked": 2, "removed": 0}
    later = timezone.now() + datetime.timedelta(hours=7)
    assert services.sweep_files(now=later) == {"checked": 2, "removed": 1}
    assert _stored() == before == {kept.file.name.split("/")[-1]}
    assert default_storage.exists(kept.file.name)


def test_a_failing_service_removes_its_file_at_once(citizen, app, monkeypatch):
    from tongban.intake.models import Upload

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Upload.objects, "create", broken)
    before = _stored()
    with pytest.raises(RuntimeError):
        services.add_material(actor=citizen, application=app, material_code="photo", file=pdf())
    assert _stored() == before


def test_the_sweep_is_a_periodic_job():
    from tongban.core.periodic import registered_jobs

    assert "intake.sweep_files" in registered_jobs()
