"""The registry workbook: villages, model residential areas and model gardens in one file.

Three sheets, in this order (their titles are only for people; the order decides):
villages (commune, village, code), model areas (commune, village, the record's dates,
decision, note) and model gardens (commune, village, household, level, dates,
decision, note). A commune is named by its slug, its official code or its name; dates
are dd/mm/yyyy or Excel dates. Every cell is checked before anything is written, the
errors are listed by sheet and cell, and the whole file is saved through
``communes.registry.save_many`` in one transaction, or nothing is. Running the same
file again updates what it names and never duplicates: a village is matched by
commune and code (else name), a model area by village and registration date, a garden
by village and household. A commune outside the user's unit reads as unknown: no
name of another unit is ever confirmed. Why dated records:
docs/DOMAIN.md#model-residential-areas-and-model-gardens.
"""

import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ntm_portal.forms import DATE_INPUT_FORMATS, SHORT_TEXT_MAX, text_errors
from ntm_portal.uploads import FileRefused, ImportResult, open_workbook
from ntm_portal.workbook import put_text

from . import registry
from .choices import GardenLevel
from .models import ModelArea, ModelGarden, Village, check_registry_dates
from .scoping import is_district_staff

MAX_ROWS = 5000  # per sheet; a district's registries are a few thousand rows
LISTS = "lists"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _sheets():
    """(title, [(field, header, width)]) of the three sheets, in the user's language."""
    commune = ("commune", _("Commune (code, slug or name)"), 24)
    village = ("village", _("Village"), 22)
    dates = {
        "registered_on": _("Registered on (dd/mm/yyyy)"),
        "building_since": _("Being built since (dd/mm/yyyy)"),
        "recognised_on": _("Recognised on (dd/mm/yyyy)"),
        "lapsed_on": _("Recognition lapsed on (dd/mm/yyyy)"),
    }
    return [
        (_("Villages"), [commune, ("name", _("Village"), 22), ("code", _("Village code"), 14)]),
        (_("Model areas"), [commune, village] + [(f, dates[f], 16) for f in (
            "registered_on", "building_since", "recognised_on")] + [
            ("decision_number", _("Decision number"), 18), ("lapsed_on", dates["lapsed_on"], 16),
            ("note", _("Note"), 24)]),
        (_("Model gardens"), [commune, village, ("household", _("Household"), 22),
                              ("level", _("Level"), 14)] + [(f, dates[f], 16) for f in (
            "registered_on", "recognised_on")] + [
            ("decision_number", _("Decision number"), 18), ("lapsed_on", dates["lapsed_on"], 16),
            ("note", _("Note"), 24)]),
    ]


# ---------------------------------------------------------------- the template

def template(communes):
    """The empty workbook: headers, widths, a list of the unit's communes to pick from."""
    wb = Workbook()
    wb.remove(wb.active)
    names = [c.name for c in communes]
    lists = None
    if names:
        lists = wb.create_sheet(LISTS)
        for row, commune in enumerate(communes, start=1):
            put_text(lists.cell(row, 1), commune.name)
            put_text(lists.cell(row, 2), commune.slug)
            put_text(lists.cell(row, 3), commune.code)
        lists.sheet_state = "hidden"
    for index, (title, columns) in enumerate(_sheets()):
        ws = wb.create_sheet(str(title)[:31], index)
        for column, (_field, header, width) in enumerate(columns, start=1):
            cell = ws.cell(1, column)
            put_text(cell, str(header))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.row_dimensions[1].height = 45
        ws.freeze_panes = "A2"
        if lists is not None:
            rule = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                                  formula1=f"{quote_sheetname(LISTS)}!$A$1:$A${len(names)}")
            ws.add_data_validation(rule)
            rule.add(f"A2:A{MAX_ROWS + 1}")
        if any(f == "level" for f, _h, _w in columns):
            labels = ",".join(str(label) for label in GardenLevel.labels)
            rule = DataValidation(type="list", allow_blank=True, formula1=f'"{labels}"')
            ws.add_data_validation(rule)
            column = get_column_letter([f for f, _h, _w in columns].index("level") + 1)
            rule.add(f"{column}2:{column}{MAX_ROWS + 1}")
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading cells

def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value):
    """(date or None, error message or None) from a cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = str(value).strip()
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date(), None
        except ValueError:
            continue
    return None, _("“%(text)s” is not a date: type it as dd/mm/yyyy.") % {"text": text[:40]}


class _Reader:
    """Rows of one sheet as {field: value}, and the cell address of each field."""

    def __init__(self, result, ws, columns):
        self.result, self.ws, self.title = result, ws, ws.title
        self.fields = [f for f, _h, _w in columns]

    def rows(self):
        width = len(self.fields)
        for number, row in enumerate(self.ws.iter_rows(min_row=2, max_col=width), start=2):
            if number > MAX_ROWS + 1:
                self.result.error(self.title, f"A{number}", _(
                    "The sheet has more than %(n)s rows: split the file.") % {"n": MAX_ROWS})
                return
            cells = list(row) + [None] * (width - len(row))
            values = {}
            formula = False
            for name, cell in zip(self.fields, cells):
                if getattr(cell, "data_type", None) == "f":
                    self.error(number, name, _("Formulas are not accepted: type the value."))
                    formula = True
                values[name] = getattr(cell, "value", None)
            if formula:
                continue
            if all(_text(v) == "" for v in values.values()):
                continue  # a blank row
            yield number, values

    def where(self, number, name):
        return f"{get_column_letter(self.fields.index(name) + 1)}{number}"

    def error(self, number, name, message):
        self.result.error(self.title, self.where(number, name), message)

    def text(self, number, values, name, max_length, required=False):
        text = _text(values.get(name))
        if not text:
            if required:
                self.error(number, name, _("This cell is required."))
            return None if required else ""
        problems = text_errors(text, max_length)
        if problems:
            for message in problems:
                self.error(number, name, message)
            return None
        return text


# ---------------------------------------------------------------- the import

class _Communes:
    """The unit's communes by slug, official code and name (case-insensitive)."""

    def __init__(self, communes):
        self.by_key = {}
        for commune in communes:
            for key in (commune.slug, commune.code, commune.name):
                if key:
                    self.by_key.setdefault(key.casefold(), commune)

    def get(self, text):
        return self.by_key.get(text.casefold())


def _unknown_commune(text):
    return _("“%(text)s” is not a commune of your unit: pick one from the list.") % {
        "text": text[:60]}


def import_registries(user, communes, upload):
    """Check the workbook and save it all, or nothing: an ``ImportResult``."""
    if not is_district_staff(user):
        raise PermissionDenied(_("Only district staff load registries from a workbook."))
    result = ImportResult()
    try:
        wb = open_workbook(upload)
    except FileRefused as refused:
        result.error("", "", str(refused))
        return result
    sheets = [name for name in wb.sheetnames if name != LISTS]
    layout = _sheets()
    if len(sheets) < len(layout):
        result.error("", "", _("The workbook needs the template's three sheets (villages, model "
                               "areas, model gardens): download the template."))
        return result
    known = _Communes(communes)
    ids = [c.pk for c in communes]
    villages = {}  # (commune_id, name casefold) -> Village
    by_code = {}  # (commune_id, code casefold) -> Village
    for village in Village.objects.filter(commune_id__in=ids):
        villages[(village.commune_id, village.name.casefold())] = village
        if village.code:
            by_code[(village.commune_id, village.code.casefold())] = village
    touched = {}
    readers = [_Reader(result, wb[name], columns)
               for name, (_title, columns) in zip(sheets, layout)]
    _read_villages(readers[0], known, villages, by_code, touched)
    areas = _read_areas(readers[1], known, villages, ids)
    gardens = _read_gardens(readers[2], known, villages, ids)
    if result.errors:
        return result
    try:
        created, updated = registry.save_many(user, touched.values(), areas + gardens)
    except ValidationError as error:
        for message in error.messages:
            result.error("", "", message)
        return result
    result.saved = created + updated
    result.created, result.updated = created, updated
    return result


def _commune(reader, number, values, known):
    text = reader.text(number, values, "commune", 100, required=True)
    if text is None:
        return None
    commune = known.get(text)
    if commune is None:
        reader.error(number, "commune", _unknown_commune(text))
    return commune


def _read_villages(reader, known, villages, by_code, touched):
    seen = {}
    for number, values in reader.rows():
        commune = _commune(reader, number, values, known)
        name = reader.text(number, values, "name", Village._meta.get_field("name").max_length,
                           required=True)
        code = reader.text(number, values, "code", Village._meta.get_field("code").max_length)
        if commune is None or name is None or code is None:
            continue
        key = (commune.pk, name.casefold())
        if key in seen:
            reader.error(number, "name", _("This village is already on row %(row)s.") % {
                "row": seen[key]})
            continue
        seen[key] = number
        village = by_code.get((commune.pk, code.casefold())) if code else None
        if village is None:
            village = villages.get(key)
        if village is None:
            village = Village(commune=commune, name=name, code=code)
        elif (village.name, village.code) == (name, code or village.code):
            villages[key] = village
            continue  # unchanged
        else:
            other = villages.get(key)
            if other is not None and other.pk != village.pk:
                reader.error(number, "name", _("The commune already has another village of "
                                               "this name."))
                continue
            villages.pop((commune.pk, village.name.casefold()), None)
            village.name, village.code = name, code or village.code
        villages[key] = village
        if code:
            by_code[(commune.pk, code.casefold())] = village
        touched[id(village)] = village


def _village(reader, number, values, known, villages):
    commune = _commune(reader, number, values, known)
    name = reader.text(number, values, "village", 100, required=True)
    if commune is None or name is None:
        return None
    village = villages.get((commune.pk, name.casefold()))
    if village is None:
        reader.error(number, "village", _("%(commune)s has no village “%(village)s”: add it on "
                                          "the villages sheet.") % {
            "commune": commune.name, "village": name[:60]})
    return village


def _fill(reader, number, values, record, dates, texts):
    """Put the row's dates and texts on ``record``; False when a cell is wrong."""
    ok, wrong = True, set()
    for name in dates:
        day, message = _date(values.get(name))
        if message:
            reader.error(number, name, message)
            ok = False
            wrong.add(name)
        setattr(record, name, day)
    for name in texts:
        max_length = min(type(record)._meta.get_field(name).max_length, SHORT_TEXT_MAX)
        text = reader.text(number, values, name, max_length)
        if text is None:
            ok = False
        else:
            setattr(record, name, text)
    if record.registered_on is None and "registered_on" not in wrong:
        reader.error(number, "registered_on", _("This cell is required."))
        ok = False
    if ok:
        try:
            check_registry_dates(record)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    reader.error(number, name if name in reader.fields else "registered_on",
                                 message)
            ok = False
    return ok


def _same(record, fields, before):
    return all(getattr(record, name) == before[name] for name in fields)


def _read_areas(reader, known, villages, commune_ids):
    existing = {}
    open_by_village = {}
    for area in ModelArea.objects.filter(village__commune_id__in=commune_ids):
        existing[(area.village_id, area.registered_on)] = area
        if area.lapsed_on is None:
            open_by_village[area.village_id] = area
    dates = ["registered_on", "building_since", "recognised_on", "lapsed_on"]
    texts = ["decision_number", "note"]
    rows, seen = [], {}
    for number, values in reader.rows():
        village = _village(reader, number, values, known, villages)
        draft = ModelArea()
        if not _fill(reader, number, values, draft, dates, texts) or village is None:
            continue
        key = (village.pk or id(village), draft.registered_on)
        if key in seen:
            reader.error(number, "registered_on", _("This village's record of this date is "
                                                    "already on row %(row)s.") % {
                "row": seen[key]})
            continue
        seen[key] = number
        record = existing.get((village.pk, draft.registered_on)) if village.pk else None
        if record is None:
            record = ModelArea(village=village)
        before = {name: getattr(record, name) for name in dates + texts}
        for name in dates + texts:
            setattr(record, name, getattr(draft, name))
        record.village = village
        rows.append((number, record, record.pk is None or not _same(record, dates + texts,
                                                                    before)))
    # One open record per village, once the whole sheet is read: a row may lapse the open
    # record that another row, above or below it, follows.
    in_file = {record.pk for _n, record, _c in rows if record.pk is not None}
    open_rows = {}
    for village_id, current in open_by_village.items():
        if current.pk not in in_file:
            open_rows[village_id] = None  # open in the registry, not named in the file
    records = []
    for number, record, changed in rows:
        if record.lapsed_on is None:
            village_key = record.village.pk or id(record.village)
            if village_key in open_rows:
                reader.error(number, "village", registry.open_area_message(record.village))
                continue
            open_rows[village_key] = number
        if changed:
            records.append(record)
    # Lapsing records first: a new open record of the same village follows its lapse.
    records.sort(key=lambda r: (r.pk is None, r.lapsed_on is None))
    return records


def _level(reader, number, values):
    text = _text(values.get("level"))
    if not text:
        return GardenLevel.DISTRICT
    for value, label in GardenLevel.choices:
        if text.casefold() in (value.casefold(), str(label).casefold()):
            return value
    reader.error(number, "level", _("The level is “%(district)s” or “%(province)s”.") % {
        "district": GardenLevel.DISTRICT.label, "province": GardenLevel.PROVINCE.label})
    return None


def _read_gardens(reader, known, villages, commune_ids):
    existing = {}
    for garden in ModelGarden.objects.filter(village__commune_id__in=commune_ids).order_by("pk"):
        existing.setdefault((garden.village_id, garden.household.casefold()), garden)
    dates = ["registered_on", "recognised_on", "lapsed_on"]
    texts = ["household", "decision_number", "note"]
    records, seen = [], {}
    for number, values in reader.rows():
        village = _village(reader, number, values, known, villages)
        level = _level(reader, number, values)
        draft = ModelGarden()
        if reader.text(number, values, "household", 150, required=True) is None:
            _fill(reader, number, values, draft, dates, ["decision_number", "note"])
            continue
        if not _fill(reader, number, values, draft, dates, texts) or village is None \
                or level is None:
            continue
        key = (village.pk or id(village), draft.household.casefold())
        if key in seen:
            reader.error(number, "household", _("This household's garden is already on row "
                                                "%(row)s.") % {"row": seen[key]})
            continue
        seen[key] = number
        record = existing.get((village.pk, key[1])) if village.pk else None
        if record is None:
            record = ModelGarden(village=village)
        fields = dates + texts + ["level"]
        before = {name: getattr(record, name) for name in fields}
        for name in dates + texts:
            setattr(record, name, getattr(draft, name))
        record.level = level
        record.village = village
        if record.pk is None or not _same(record, fields, before):
            records.append(record)
    return records
