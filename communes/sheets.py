"""The set-up workbooks: the accounts sheet (template, reading) and the one-time passwords
sheet given back once. Files are opened through ``ntm_portal.uploads.open_workbook``."""

from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ntm_portal.formats import vn_slugify
from ntm_portal.uploads import CellError, FileRefused, open_workbook
from ntm_portal.workbook import put_text

from .accounts import AccountRow

MAX_ACCOUNT_ROWS = 2000
# Column key → the header written in the template (English keys are accepted as well).
ACCOUNT_COLUMNS = {
    "username": "Tên đăng nhập (username)",
    "full_name": "Họ và tên (full name)",
    "role": "Vai trò (role)",
    "commune": "Xã: mã hoặc slug (commune)",
    "email": "Email",
    "phone": "Điện thoại (phone)",
    "unit": "Đơn vị BCĐ: mã hoặc slug (unit)",
}
_ALIASES = {
    "username": ("username", "ten-dang-nhap"),
    "full_name": ("full-name", "ho-va-ten", "ho-ten"),
    "role": ("role", "vai-tro"),
    "commune": ("commune", "xa"),
    "email": ("email", "e-mail"),
    "phone": ("phone", "dien-thoai", "so-dien-thoai"),
    "unit": ("unit", "don-vi", "don-vi-bcd"),
}


def _column_key(header):
    text = vn_slugify(str(header or ""))
    for key, aliases in _ALIASES.items():
        if text in aliases or any(text.endswith(f"-{alias}") for alias in aliases) \
                or text == vn_slugify(ACCOUNT_COLUMNS[key]):
            return key
    return None


def _save(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def accounts_template(communes):
    """The accounts sheet: the header, one example row per commune (its officer, to fill in),
    and a second sheet listing the communes the uploader may use."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Accounts")[:31]
    for column, title in enumerate(ACCOUNT_COLUMNS.values(), start=1):
        put_text(sheet.cell(row=1, column=column), title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 24
    listing = workbook.create_sheet(_("Communes")[:31])
    for column, title in enumerate((_("Code"), _("Slug"), _("Name")), start=1):
        put_text(listing.cell(row=1, column=column), title).font = Font(bold=True)
    for row, commune in enumerate(communes, start=2):
        put_text(listing.cell(row=row, column=1), commune.code)
        put_text(listing.cell(row=row, column=2), commune.slug)
        put_text(listing.cell(row=row, column=3), commune.name)
    return _save(workbook)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class AccountsSheet:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    title: str = ""
    letters: dict = field(default_factory=dict)  # column key → its letter

    def cell_errors(self, service_errors):
        """The service's (row, column, message) as errors by sheet and cell."""
        return [CellError(self.title, f"{self.letters.get(column, '')}{where}", str(message))
                for where, column, message in service_errors]


def read_accounts(upload):
    """``AccountsSheet``: the ``AccountRow``s of the first sheet; the header names the columns
    (Vietnamese or English, in any order)."""
    try:
        workbook = open_workbook(upload)
    except FileRefused as refusal:
        return AccountsSheet(errors=[CellError("", "", str(refusal))])
    sheet = workbook.worksheets[0]
    title = sheet.title
    iterator = sheet.iter_rows(values_only=True)
    positions = {}
    for index, header in enumerate(next(iterator, None) or ()):
        key = _column_key(header)
        if key and key not in positions:
            positions[key] = index
    missing = [ACCOUNT_COLUMNS[k] for k in ("username", "full_name", "role") if k not in positions]
    if missing:
        workbook.close()
        return AccountsSheet(title=title, errors=[CellError(
            title, "1", _("The header row lacks the column(s): %(names)s.")
            % {"names": ", ".join(missing)})])
    rows, errors = [], []
    for number, values in enumerate(iterator, start=2):
        if number > MAX_ACCOUNT_ROWS + 1:
            errors.append(CellError(title, str(number), _("The file has more than %(n)s rows.")
                                    % {"n": MAX_ACCOUNT_ROWS}))
            break
        cells = {key: _text(values[index] if index < len(values) else None)
                 for key, index in positions.items()}
        if not any(cells.values()):
            continue
        rows.append(AccountRow(where=str(number), **cells))
    workbook.close()
    if not rows and not errors:
        errors.append(CellError(title, "2", _("The file lists no account.")))
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    return AccountsSheet(rows, errors, title, letters)


def passwords_workbook(created):
    """The new accounts and their one-time passwords (built in memory for the one response
    that shows them; never stored)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Passwords")[:31]
    headers = (_("Username"), _("Full name"), _("Role"), _("One-time password"))
    for column, title in enumerate(headers, start=1):
        put_text(sheet.cell(row=1, column=column), title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 22
    for row, (user, password) in enumerate(created, start=2):
        for column, value in enumerate((user.username, user.get_full_name(),
                                        user.get_role_display(), password), start=1):
            put_text(sheet.cell(row=row, column=column), value)
    return _save(workbook)
