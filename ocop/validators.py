"""Upload checks for product photos: size and real file type, read from the content."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Magic numbers: a file's first bytes say what it is, whatever its name claims.
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_photo(upload):
    """Refuse photos over 2 MB and files that are not JPEG or PNG by content."""
    if getattr(upload, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 2 MB."), code="photo_size")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES):
        raise ValidationError(_("The photo must be a JPEG or PNG image."), code="photo_type")
