"""The one text guard for every workbook the portal writes.

Text that a user typed (a comment, a commune's or an indicator's name...) may start with a
character that a spreadsheet reads as the start of a formula. Written through ``put_text`` it is
stored as a string cell with Excel's quote prefix, so it shows as typed, is never evaluated, and
reads back as the same text (an officer's unchanged template uploads again).

Files uploaded are hostile until proven otherwise: ``open_workbook`` is the one way in (size
cap, a real .xlsx by content, caps on entries and on the uncompressed size against zip bombs,
read-only, formulas as written and never evaluated). Every import (figures, units, users)
opens its upload through it.
"""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import TYPE_STRING

from .formats import format_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ENTRIES = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text):
    """Whether a spreadsheet would read ``text`` as the start of a formula (the guard's rule,
    also applied by the streamed meeting report, which writes through xlsxwriter)."""
    return text.startswith(FORMULA_PREFIXES)


def put_text(cell, value):
    """Write ``value`` as text (an openpyxl cell): never a formula, whatever it starts with."""
    text = "" if value is None else str(value)
    cell.value = text
    if looks_like_formula(text):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = True
    return cell


def put_value(cell, value):
    """Numbers and dates as they are, anything textual through ``put_text``; None leaves the
    cell empty."""
    if isinstance(value, str):
        return put_text(cell, value)
    if value is not None and not isinstance(value, (int, float)) and not hasattr(value, "as_tuple") \
            and not hasattr(value, "isoformat"):
        return put_text(cell, value)  # a lazy translation or any other object: its text
    cell.value = value
    return cell


# ---------------------------------------------------------------- reading safely

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
