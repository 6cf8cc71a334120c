"""The one text guard for every workbook the portal writes.

Text that a user typed (a comment, a commune's or an indicator's name...) may start with a
character that a spreadsheet reads as the start of a formula. Written through ``put_text`` it is
stored as a string cell with Excel's quote prefix, so it shows as typed, is never evaluated, and
reads back as the same text (an officer's unchanged template uploads again).
"""

from openpyxl.cell.cell import TYPE_STRING

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


def header_template(sheet_title, columns, example, widths):
    """An input workbook to download: one sheet, its bold header row, one example row,
    column widths (``widths``: one per column); bytes of the .xlsx. Text cells go through
    ``put_text``, so an example never reads as a formula."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for column, (title, width) in enumerate(zip(columns, widths, strict=True), start=1):
        put_text(sheet.cell(row=1, column=column), title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column, value in enumerate(example, start=1):
        put_text(sheet.cell(row=2, column=column), value)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
