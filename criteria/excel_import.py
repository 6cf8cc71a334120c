"""Excel templates and imports of quarterly figures: one commune, or a whole district.

Commune workbook (``commune_template``): a first sheet ("Số liệu") with a row per entered indicator
(column A the code, hidden; B name; C unit; D previous quarter; E this quarter, the
input; F comment, input; only E and F unlocked) and a hidden sheet "meta" holding the
submission's id and version. An upload (``import_commune``) is checked cell by cell
with the form's rules (``criteria.validation``) and saved through
``criteria.entry.save_figures``: all or nothing, version checked, in the history.

District workbook (``district_template``): a first sheet ("Số liệu") with a row per commune (column
A its slug, hidden; B its name; C its status) and a column per indicator from D on
(row 4 the codes, hidden; row 5 names and units); the hidden "meta" sheet holds the
period and each commune's submission version. Staff import writes into submissions
that are drafts or returned, creating drafts where missing; a row of a submitted or
approved commune refuses the file, with the reason. Rows left blank are skipped.

Files are hostile until proven otherwise: size cap, a real .xlsx by content (a zip
with ``[Content_Types].xml`` and ``xl/workbook.xml``), caps on entries and on the
uncompressed size against zip bombs, formulas refused and never evaluated.
"""

import io
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from communes import workflow
from communes.choices import SubmissionStatus
from communes.models import Submission
from communes.scoping import is_district_staff
from ntm_portal.uploads import (  # noqa: F401  (re-exported: the import views use them)
    MAX_ENTRIES,
    MAX_UNCOMPRESSED,
    XLSX,
    CellError,
    FileRefused,
    ImportResult,
    max_bytes,
    open_workbook,
    request_too_large,
)
from ntm_portal.workbook import put_text, put_value

from . import entry
from .aggregates import entered_values
from .limits import too_large
from .models import IndicatorValue
from .validation import check_number

MAX_ROWS = 1000
MAX_COLUMNS = 300
META = "meta"
FIRST_ROW = 5  # commune template: first indicator row
HEADER_ROW = 4
DISTRICT_FIRST_ROW = 6
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def data_title():
    """The data sheet's title, in the user's language (the import takes the first sheet)."""
    return str(_("Figures"))[:31]


def _data_sheet(workbook):
    """The first sheet that is not the hidden metadata, or None."""
    names = [name for name in workbook.sheetnames if name != META]
    return workbook[names[0]] if names else None


def _is_formula(cell):
    return getattr(cell, "data_type", None) == "f"


def _as_raw(value):
    """A cell's value as the text the form would receive."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel stores doubles: the shortest repr, with the Vietnamese decimal comma so that
        # 4.054 entered as a number is not read as four thousand and fifty-four.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value).strip()


def _read_meta(workbook):
    if META not in workbook.sheetnames:
        return {}
    meta = {}
    for row in workbook[META].iter_rows(min_row=1, max_row=200, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = row[1] if len(row) > 1 else None
    return meta


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_value(result, sheet, indicator, cell, where):
    """Parse one input cell with the form's rules; errors go to ``result``."""
    if _is_formula(cell):
        result.error(sheet, where, _("Formulas are not accepted: type the number."))
        return None
    raw = _as_raw(cell.value)
    large = too_large(raw)
    if large:
        result.error(sheet, where, large)
        return None
    _value, errors = check_number(indicator, raw)
    for message in errors:
        result.error(sheet, where, message)
    return raw


# ---------------------------------------------------------------- one commune

def _styled_header(ws, row, titles):
    for col, title in enumerate(titles, start=1):
        cell = put_text(ws.cell(row=row, column=col), title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def commune_template(submission):
    """The workbook of a submission's figures, as bytes."""
    indicators = entry.entered_indicators(submission.commune.district_id)
    saved = {v.indicator_id: v for v in IndicatorValue.objects.filter(submission_id=submission.pk)}
    totals = entered_values(submission.period, communes=[submission.commune_id], statuses=None)
    wb = Workbook()
    ws = wb.active
    ws.title = data_title()
    put_text(ws["A1"], _("%(commune)s: results of %(period)s") % {
        "commune": submission.commune.name, "period": submission.period.label})
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("Type the figures in the yellow cells (column E) and comments in column F, "
                 "as on the form: 4.054 or 12,5. Other cells are locked. Formulas are not "
                 "accepted. Then upload the file on the submission page.")
    _styled_header(ws, HEADER_ROW, [_("Code"), _("Indicator"), _("Unit"), _("Previous quarter"),
                                    _("This quarter"), _("Comment")])
    for n, indicator in enumerate(indicators):
        row = FIRST_ROW + n
        figure = totals.get((None, indicator.pk))
        value = saved.get(indicator.pk)
        put_text(ws.cell(row=row, column=1), indicator.code)
        put_text(ws.cell(row=row, column=2), indicator.name)
        put_text(ws.cell(row=row, column=3), indicator.unit)
        put_value(ws.cell(row=row, column=4), figure.previous if figure else None)
        for col, content in ((5, value.value if value else None),
                             (6, value.comment if value else None)):
            cell = put_value(ws.cell(row=row, column=col), content)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
    ws.column_dimensions["A"].hidden = True
    for letter, width in zip("BCDEF", (60, 14, 16, 16, 40)):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
    meta = wb.create_sheet(META)
    for key, value in (("submission", submission.pk), ("version", submission.version),
                       ("commune", submission.commune.slug),
                       ("period", f"{submission.period.year}-Q{submission.period.quarter}")):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_commune(submission, user, upload, first_save=False):
    """Check and save an uploaded commune workbook; nothing is saved if anything is wrong.

    ``first_save``: the draft was created just now by this upload (inside the caller's
    transaction), from a template of the report before anything was saved (it names no
    submission, version 0).

    Raises ``WorkflowError`` (not allowed now) and ``StaleEdit`` (template or data stale).
    """
    workflow.check_can_edit(submission, user)
    result = ImportResult()
    try:
        wb = open_workbook(upload)
    except FileRefused as refused:
        result.error("", "", str(refused))
        return result
    try:
        meta = _read_meta(wb)
        ws = _data_sheet(wb)
        period = f"{submission.period.year}-Q{submission.period.quarter}"
        if first_save and (meta.get("commune"), meta.get("period")) != (submission.commune.slug,
                                                                        period):
            ws = None  # an unsaved report's template names no submission: check what it names
        if ws is None or _int(meta.get("submission")) != (None if first_save else submission.pk):
            result.error(META, "", _("This file is not the template of this submission: "
                                     "download the template of %(commune)s, %(period)s.")
                         % {"commune": submission.commune.name, "period": submission.period.label})
            return result
        version = _int(meta.get("version"))
        if first_save and version == 0:
            version = submission.version
        if version != submission.version:
            raise workflow.StaleEdit(_("The template was downloaded before the last change to "
                                       "this submission; nothing was saved. Download the "
                                       "template again and enter your figures in it."))
        indicators = entry.entered_indicators(submission.commune.district_id)
        by_code = {i.code: i for i in indicators}
        inputs, seen = {}, set()
        sheet = ws.title
        for n, row in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=6)):
            row_no = FIRST_ROW + n
            if n >= MAX_ROWS:
                result.error(sheet, f"A{row_no}", _("Too many rows."))
                break
            cells = list(row) + [None] * (6 - len(row))
            code_cell, value_cell, comment_cell = cells[0], cells[4], cells[5]
            code = _as_raw(getattr(code_cell, "value", None))
            if not code:
                if any(getattr(c, "value", None) not in (None, "") for c in cells):
                    result.error(sheet, f"A{row_no}", _("A row without an indicator code."))
                continue
            indicator = by_code.get(code)
            if indicator is None:
                result.error(sheet, f"A{row_no}", _("Unknown indicator “%(code)s”.")
                             % {"code": code[:60]})
                continue
            if code in seen:
                result.error(sheet, f"A{row_no}", _("This indicator is listed twice."))
                continue
            seen.add(code)
            raw = (_check_value(result, sheet, indicator, value_cell, f"E{row_no}")
                   if value_cell is not None else "")
            comment = ""
            if comment_cell is not None:
                if _is_formula(comment_cell):
                    result.error(sheet, f"F{row_no}", _("Formulas are not accepted: type the "
                                                       "number."))
                comment = _as_raw(comment_cell.value)
                if len(comment) > 500:
                    result.error(sheet, f"F{row_no}", _("A comment has at most 500 characters."))
            inputs[indicator.pk] = (raw or "", comment)
        for indicator in indicators:
            if indicator.code not in seen:
                result.error(sheet, "", _("The row of “%(name)s” (%(code)s) is missing.")
                             % {"name": indicator.name, "code": indicator.code})
    finally:
        wb.close()
    if result.errors:
        return result
    checked = entry.save_figures(submission, user, indicators, inputs, version)
    rows = {i.pk: FIRST_ROW + n for n, i in enumerate(indicators)}
    for indicator in indicators:
        for message in checked[indicator.pk].errors:  # same rules: only if data changed meanwhile
            result.error(sheet, f"E{rows[indicator.pk]}", message)
        result.warnings += [str(w) for w in checked[indicator.pk].warnings]
    if not result.errors:
        result.saved = len(indicators)
    return result


# ---------------------------------------------------------------- a whole district

def check_staff_can_import(submission, user):
    """District staff write drafts and returned submissions; others are refused, with why.

    The communes come from ``Commune.objects.restrict(user, CHANGE)`` (see the view), so
    scope needs no query per submission here.
    """
    check_district_importer(user)
    if submission.status not in EDITABLE:
        raise workflow.WorkflowError(
            _("%(commune)s: the submission is “%(status)s”; only drafts and submissions "
              "returned for correction can be imported. Return or reopen it first.")
            % {"commune": submission.commune.name, "status": submission.get_status_display()})


def district_template(period, district, communes):
    """The district workbook for ``period``: a row per commune, a column per indicator the
    district uses."""
    indicators = entry.entered_indicators(district)
    submissions = {s.commune_id: s for s in Submission.objects.filter(period=period,
                                                                      commune__in=communes)}
    values = {(v.submission.commune_id, v.indicator_id): v.value for v in
              IndicatorValue.objects.filter(submission__period=period,
                                            submission__commune__in=communes)
              .select_related("submission")}
    wb = Workbook()
    ws = wb.active
    ws.title = data_title()
    ws["A1"] = _("Quarterly figures of the communes, %(period)s") % {"period": period.label}
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("One row per commune, one column per indicator (yellow cells), typed as on the "
                 "form. Rows left blank are skipped. Submitted or approved communes cannot be "
                 "imported. Formulas are not accepted.")
    put_text(ws.cell(row=HEADER_ROW, column=1), _("Code"))
    put_text(ws.cell(row=HEADER_ROW + 1, column=2), _("Commune"))
    put_text(ws.cell(row=HEADER_ROW + 1, column=3), _("Status"))
    for n, indicator in enumerate(indicators):
        col = 4 + n
        put_text(ws.cell(row=HEADER_ROW, column=col), indicator.code)
        title = put_text(ws.cell(row=HEADER_ROW + 1, column=col),
                         f"{indicator.name} ({indicator.unit})")
        title.font = Font(bold=True)
        title.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 18
    meta = wb.create_sheet(META)
    meta.append(["period", f"{period.year}-Q{period.quarter}"])
    for n, commune in enumerate(communes):
        row = DISTRICT_FIRST_ROW + n
        submission = submissions.get(commune.pk)
        put_text(ws.cell(row=row, column=1), commune.slug)
        put_text(ws.cell(row=row, column=2), commune.name)
        put_text(ws.cell(row=row, column=3), submission.get_status_display() if submission
                 else _("Not started"))
        editable = submission is None or submission.status in EDITABLE
        for i, indicator in enumerate(indicators):
            cell = put_value(ws.cell(row=row, column=4 + i), values.get((commune.pk, indicator.pk)))
            if editable:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
        meta.append([f"version:{commune.slug}", submission.version if submission else 0])
    ws.row_dimensions[HEADER_ROW].hidden = True
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 22
    ws.freeze_panes = ws.cell(row=DISTRICT_FIRST_ROW, column=4)
    ws.protection.sheet = True
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check_district_importer(user):
    """Raise ``WorkflowError`` unless ``user`` may import a whole district (staff)."""
    if not is_district_staff(user):
        raise workflow.WorkflowError(_("Only district staff import a whole district."))


def import_district(period, user, district, communes, upload):
    """Check and save a district workbook: every commune's figures, or none."""
    check_district_importer(user)
    result = ImportResult()
    try:
        wb = open_workbook(upload)
    except FileRefused as refused:
        result.error("", "", str(refused))
        return result
    indicators = entry.entered_indicators(district)
    by_code = {i.code: i for i in indicators}
    by_slug = {c.slug: c for c in communes}
    rows = {}  # commune slug → (row number, {indicator_id: raw})
    try:
        meta = _read_meta(wb)
        ws = _data_sheet(wb)
        if ws is None or meta.get("period") != f"{period.year}-Q{period.quarter}":
            result.error(META, "", _("This file is not the district template of %(period)s: "
                                     "download it again.") % {"period": period.label})
            return result
        sheet = ws.title
        header = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=MAX_COLUMNS,
                                   values_only=True), ())
        columns = {}
        for n, code in enumerate(header[3:]):
            if code in (None, ""):
                continue
            letter = get_column_letter(4 + n)
            indicator = by_code.get(str(code))
            if indicator is None:
                result.error(sheet, f"{letter}{HEADER_ROW}", _("Unknown indicator “%(code)s”.")
                             % {"code": str(code)[:60]})
            elif indicator.pk in columns.values():
                result.error(sheet, f"{letter}{HEADER_ROW}", _("This indicator is listed twice."))
            else:
                columns[4 + n] = indicator.pk
        for indicator in indicators:
            if indicator.pk not in columns.values():
                result.error(sheet, "", _("The column of “%(name)s” (%(code)s) is missing.")
                             % {"name": indicator.name, "code": indicator.code})
        by_id = {i.pk: i for i in indicators}
        width = max(columns, default=3)
        for n, row in enumerate(ws.iter_rows(min_row=DISTRICT_FIRST_ROW, max_col=width)):
            row_no = DISTRICT_FIRST_ROW + n
            if n >= MAX_ROWS:
                result.error(sheet, f"A{row_no}", _("Too many rows."))
                break
            cells = {getattr(c, "column", None): c for c in row}
            slug = _as_raw(getattr(cells.get(1), "value", None))
            inputs = {}
            for col, indicator_id in columns.items():
                cell = cells.get(col)
                if cell is None:
                    continue
                raw = _check_value(result, sheet, by_id[indicator_id], cell,
                                   f"{get_column_letter(col)}{row_no}")
                if raw:
                    inputs[indicator_id] = raw
            if not slug:
                if inputs:
                    result.error(sheet, f"A{row_no}", _("A row without a commune code."))
                continue
            if slug not in by_slug:
                result.error(sheet, f"A{row_no}", _("Unknown commune “%(slug)s”.")
                             % {"slug": slug[:60]})
            elif slug in rows:
                result.error(sheet, f"A{row_no}", _("This commune is listed twice."))
            elif inputs:
                rows[slug] = (row_no, inputs)
    finally:
        wb.close()
    if result.errors:
        return result
    versions = {key.split(":", 1)[1]: _int(value) for key, value in meta.items()
                if key.startswith("version:")}
    _save_district(period, user, by_slug, rows, versions, indicators, result, sheet)
    return result


def _save_district(period, user, by_slug, rows, versions, indicators, result, sheet):
    """Write every commune's figures in one transaction; refuse them all on any problem.

    A fixed number of queries whatever the number of communes: the submissions are
    locked and missing drafts created in bulk, and ``entry.save_figures_many`` saves
    the whole batch.
    """
    with transaction.atomic():
        communes = [by_slug[slug] for slug in rows]
        existing = {s.commune_id: s for s in Submission.objects.select_for_update()
                    .filter(period=period, commune__in=communes)
                    .select_related("commune", "period")}
        comments = {(v.submission_id, v.indicator_id): v.comment for v in
                    IndicatorValue.objects.filter(submission__in=list(existing.values()))}
        for slug, (row_no, _typed) in rows.items():
            refusal = None if by_slug[slug].pk in existing else workflow.closed_refusal(
                by_slug[slug], period)
            if refusal:
                result.error(sheet, f"A{row_no}", refusal)
        if result.errors:
            transaction.set_rollback(True)
            return
        created = workflow.create_drafts([c for c in communes if c.pk not in existing], period, user)
        batch, row_of = [], {}
        for slug, (row_no, typed) in rows.items():
            commune = by_slug[slug]
            submission = existing.get(commune.pk) or created[commune.pk]
            expected = versions.get(slug)
            if commune.pk in created:
                expected = submission.version if expected == 0 else expected
            elif expected == 0 and submission.version == 1:
                expected = 1  # opened by its officer since, still untouched
            try:
                check_staff_can_import(submission, user)
            except workflow.WorkflowError as refused:
                result.error(sheet, f"A{row_no}", str(refused))
                continue
            if expected != submission.version:
                result.error(sheet, f"A{row_no}", _(
                    "%(commune)s changed after the template was downloaded; download it again.")
                    % {"commune": commune.name})
                continue
            inputs = {i.pk: (typed.get(i.pk, ""), comments.get((submission.pk, i.pk), ""))
                      for i in indicators}
            batch.append((submission, inputs, expected))
            row_of[submission.pk] = row_no
        if result.errors or not batch:
            transaction.set_rollback(True)
            return
        try:
            checked = entry.save_figures_many(batch, user, indicators,
                                              check_edit=check_staff_can_import)
        except workflow.StaleEdit:
            result.error(sheet, "", _("A commune changed while the file was being saved; "
                                      "download the template again."))
            transaction.set_rollback(True)
            return
        for submission_id, figures in checked.items():
            for indicator in indicators:
                for message in figures[indicator.pk].errors:
                    result.error(sheet, f"A{row_of[submission_id]}", f"{indicator.code}: {message}")
        if result.errors:
            transaction.set_rollback(True)
        else:
            result.saved = len(batch)
