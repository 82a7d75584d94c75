"""Material files: the type is decided by the content, never by the name or the browser's
Content-Type; the size is bounded; the SHA-256 is computed while reading."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/ofd": ".ofd",
}


def sniff(head: bytes, file) -> str | None:
    """The content type of an allowed kind of file, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):  # OFD (GB/T 33190) is a ZIP with OFD.xml at its root
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = {name.lower() for name in archive.namelist()}
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        return "application/ofd" if "ofd.xml" in names else None
    return None


def checked_file(file) -> tuple[str, int, str]:
    """(content type, size, sha256 hex) of an uploaded file, or a localized ValidationError."""
    limit = settings.TONGBAN_INTAKE_MAX_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})
    digest, total = hashlib.sha256(), 0
    file.seek(0)
    head = b""
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        if not head:
            head = chunk[:16]
        total += len(chunk)
        if total > limit:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})
        digest.update(chunk)
    if total == 0:
        raise ValidationError(_("The file is empty."))
    content_type = sniff(head, file)
    file.seek(0)
    if content_type is None:
        raise ValidationError(_("Only PDF, JPEG, PNG and OFD files are accepted."))
    return content_type, total, digest.hexdigest()
