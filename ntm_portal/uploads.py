"""Reading uploaded workbooks safely, and listing their errors by sheet and cell.

Shared by every Excel import (the figures in ``criteria.excel_import``, the registries
in ``communes.registry_import``). Files are hostile until proven otherwise: size cap, a
real .xlsx by content (a zip with ``[Content_Types].xml`` and ``xl/workbook.xml``),
caps on entries and on the uncompressed size against zip bombs, formulas never
evaluated (the workbook is opened with formulas as written).
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .formats import format_number

MAX_ENTRIES = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_bytes():
    return getattr(settings, "API_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)


def request_too_large(request):
    """A refusal message if the request body is announced larger than an upload may be.

    Checked before ``request.FILES`` is touched, so that a huge body is not spooled to disk.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes() + 64 * 1024:  # room for the form's other fields and boundaries
        return _("The file is larger than %(mb)s MB.") % {
            "mb": format_number(Decimal(max_bytes()) / (1024 * 1024))}
    return None


@dataclass
class CellError:
    sheet: str
    cell: str
    message: str


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    saved: int = 0
    warnings: list = field(default_factory=list)

    def error(self, sheet, cell, message):
        self.errors.append(CellError(sheet, cell, str(message)))

    def summary(self):
        return _("Nothing was saved: %(n)s problem(s) in the file.") % {"n": len(self.errors)}


class FileRefused(Exception):
    """The upload is not a workbook we read (size, type, zip bomb, unreadable)."""


def open_workbook(upload):
    """Check the upload and open it read-only, formulas as written; raise ``FileRefused``."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRefused(_("The file is larger than %(mb)s MB.") % {"mb": format_number(
            Decimal(limit) / (1024 * 1024))})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(_("The file is larger than %(mb)s MB.") % {"mb": format_number(
            Decimal(limit) / (1024 * 1024))})
    not_xlsx = _("This is not an Excel workbook (.xlsx): download the template and fill it in.")
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            entries = archive.infolist()
            names = {info.filename for info in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise FileRefused(not_xlsx)
            if len(entries) > MAX_ENTRIES or sum(i.file_size for i in entries) > MAX_UNCOMPRESSED:
                raise FileRefused(_("The workbook is too large once unpacked."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(not_xlsx) from None
    buffer.seek(0)
    try:
        return load_workbook(buffer, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a malformed file: all mean "unreadable"
        raise FileRefused(_("The workbook could not be read; save it again as .xlsx.")) from None


