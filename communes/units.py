"""Administrative units with their official codes: the one door that loads them.

The rows come from the maintained package ``vietnamadminunits`` (the General Statistics
Office's codes: the 63-province list of former districts and communes before the reform of
1 July 2025, and the 34 provinces with their new communes after it) or from the GSO's Excel
file (columns Mã tỉnh, Tỉnh, Mã huyện, Huyện, Mã xã, Xã, Cấp). ``load_units`` matches every
row by its official code (an existing unit without a code is matched once by its name, and
gets the code), creates what is missing, updates names and kinds, and never duplicates.
All or nothing; a dry run does everything inside a transaction rolled back at the end, so
that it shows exactly what a real run would change.

Scope: an administrator (and the ``load_units`` command) loads any province; a province's
staff only their province; a district's staff only the communes of their district (rows of
other units are skipped and counted). After the reform there are no districts: the new
communes of a province hang under one steering record of the province (``reform_district``),
valid from 1 July 2025.
"""

import json
import sqlite3
from dataclasses import dataclass, field
from importlib import util

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ntm_portal.formats import vn_slugify
from ntm_portal.forms import SHORT_TEXT_MAX, text_errors
from ntm_portal.uploads import CellError, FileRefused, open_workbook
from ntm_portal.workbook import header_template

from .choices import CommuneKind, Role
from .models import REFORM_DATE, Commune, District, Province
from .scoping import sees_everything

BEFORE, AFTER = "before", "after"
ERAS = {
    BEFORE: gettext_lazy("Former districts and communes (before 1 July 2025)"),
    AFTER: gettext_lazy("New communes (from 1 July 2025)"),
}
PACKAGE = "vietnamadminunits"

# The GSO file's columns, in its order (the template's header row).
GSO_COLUMNS = ("Mã tỉnh", "Tỉnh", "Mã huyện", "Huyện", "Mã xã", "Xã", "Cấp")
MAX_ROWS = 12000  # the whole country before the reform had 10,040 communes
_KINDS = {"xa": CommuneKind.COMMUNE, "dac khu": CommuneKind.COMMUNE,
          "thi tran": CommuneKind.TOWN, "phuong": CommuneKind.WARD}
_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "huyện", "quận", "phường", "tỉnh", "xã")
# A district keeps "Thị xã", "Thành phố": Kỳ Anh (huyện) and Thị xã Kỳ Anh are two districts.
_DISTRICT_PREFIXES = ("huyện",)


def district_name(name):
    return short_name(name, _DISTRICT_PREFIXES)


@dataclass(frozen=True)
class UnitRow:
    """One commune of the official list, with its province and (before the reform) district."""

    province_code: str
    province_name: str
    district_code: str
    district_name: str
    commune_code: str
    commune_name: str
    kind: str
    where: str = ""  # the row of the uploaded file, for messages


@dataclass
class Change:
    level: str  # "province", "district", "commune"
    action: str  # "create", "update"
    code: str
    name: str
    detail: str = ""


@dataclass
class LoadResult:
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False

    def count(self, level, action):
        return sum(1 for c in self.changes if c.level == level and c.action == action)

    @property
    def created(self):
        return sum(1 for c in self.changes if c.action == "create")

    @property
    def updated(self):
        return sum(1 for c in self.changes if c.action == "update")


def short_name(name, prefixes=_PREFIXES):
    """'Xã Kỳ Bắc' → 'Kỳ Bắc', 'Tỉnh Hà Tĩnh' → 'Hà Tĩnh' (the portal names communes and
    provinces without their level, a commune's kind is a field)."""
    text = " ".join(str(name or "").split())
    lowered = text.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix + " ") and len(text) > len(prefix) + 1:
            return text[len(prefix) + 1:]
    return text


def kind_of(level):
    """The commune kind for the GSO's 'Cấp' (Xã, Phường, Thị trấn, Đặc khu); None if unknown."""
    return _KINDS.get(vn_slugify(str(level or "")).replace("-", " "))


# ---------------------------------------------------------------- the package's lists

def _package_file(name):
    spec = util.find_spec(PACKAGE)  # found without importing it (it imports shapely)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(PACKAGE)
    return f"{list(spec.submodule_search_locations)[0]}/data/{name}"


def _dataset():
    return sqlite3.connect(f"file:{_package_file('dataset.db')}?mode=ro", uri=True)


def converter_2025():
    """The package's table of the 2025 arrangement: each new commune with the former
    communes it was formed from (read by ``communes.mergers`` and the demo's reform)."""
    with open(_package_file("converter_2025.json"), encoding="utf-8") as handle:
        return json.load(handle)


def package_provinces(era=BEFORE):
    """[(code, name)] of the provinces in the package's list of ``era``, by name."""
    table = "admin_units_legacy" if era == BEFORE else "admin_units"
    with _dataset() as db:
        rows = db.execute(
            f"SELECT DISTINCT provinceCode, provinceShort FROM {table}").fetchall()  # noqa: S608
    return sorted(((code, name) for code, name in rows), key=lambda r: vn_slugify(r[1]))


def find_province(text, era=BEFORE):
    """The package's (code, name) of a province typed by name or code, or None."""
    wanted = vn_slugify(short_name(text))
    for code, name in package_provinces(era):
        if text.strip() == code or vn_slugify(name) == wanted:
            return code, name
    return None


def package_rows(province_code, era=BEFORE):
    """The official list of one province (its former districts and communes, or its new
    communes), as ``UnitRow``s ordered by code."""
    with _dataset() as db:
        if era == BEFORE:
            rows = db.execute(
                "SELECT provinceCode, provinceShort, districtCode, district, wardCode, ward, "
                "wardType FROM admin_units_legacy WHERE provinceCode = ? ORDER BY wardCode",
                [province_code]).fetchall()
        else:
            rows = db.execute(
                "SELECT provinceCode, provinceShort, '', '', wardCode, ward, wardType "
                "FROM admin_units WHERE provinceCode = ? ORDER BY wardCode",
                [province_code]).fetchall()
    return [UnitRow(p_code, p_name, d_code or "", district_name(d_name), w_code, short_name(w_name),
                    kind_of(w_type) or CommuneKind.COMMUNE)
            for p_code, p_name, d_code, d_name, w_code, w_name, w_type in rows if w_code]


# ---------------------------------------------------------------- the GSO's Excel file

def gso_template():
    """An empty workbook with the GSO's columns and one example row (bytes)."""
    return header_template("DanhMuc", GSO_COLUMNS, (
        "42", "Tỉnh Hà Tĩnh", "442", "Huyện Nghi Xuân", "18355", "Xã Xuân Hội", "Xã"),
        widths=[18] * len(GSO_COLUMNS))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_gso_workbook(upload):
    """(rows, errors) from the GSO's file: the first sheet, a header row naming the seven
    columns (in any order), one commune per row. Errors name the sheet and cell."""
    try:
        workbook = open_workbook(upload)
    except FileRefused as refusal:
        return [], [CellError("", "", str(refusal))]
    sheet = workbook.worksheets[0]
    title = sheet.title
    rows, errors = [], []
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None) or ()
    wanted = {vn_slugify(name): name for name in GSO_COLUMNS}
    positions = {}
    for index, value in enumerate(header):
        key = vn_slugify(_cell_text(value))
        if key in wanted and key not in positions:
            positions[key] = index
    missing = [name for key, name in wanted.items() if key not in positions]
    if missing:
        workbook.close()
        return [], [CellError(title, "1", _("The header row lacks the column(s): %(names)s.")
                              % {"names": ", ".join(missing)})]
    letters = {key: _letter(index) for key, index in positions.items()}
    keys = [vn_slugify(name) for name in GSO_COLUMNS]
    for number, values in enumerate(iterator, start=2):
        if number > MAX_ROWS + 1:
            errors.append(CellError(title, str(number), _("The file has more than %(n)s rows.")
                                    % {"n": MAX_ROWS}))
            break
        cells = {key: _cell_text(values[positions[key]] if positions[key] < len(values) else None)
                 for key in keys}
        if not any(cells.values()):
            continue
        row_errors = []
        for key in keys:
            where = f"{letters[key]}{number}"
            text = cells[key]
            for message in text_errors(text, SHORT_TEXT_MAX):
                row_errors.append(CellError(title, where, message))
            if key.startswith("ma-") and text and not (text.isdigit() and len(text) <= 10):
                row_errors.append(CellError(title, where, _("An official code is digits only.")))
        for key in (keys[0], keys[1], keys[4], keys[5], keys[6]):
            if not cells[key]:
                row_errors.append(CellError(title, f"{letters[key]}{number}",
                                            _("This cell is required.")))
        if bool(cells[keys[2]]) != bool(cells[keys[3]]):
            key = keys[2] if not cells[keys[2]] else keys[3]
            row_errors.append(CellError(title, f"{letters[key]}{number}",
                                        _("A district needs both its code and its name.")))
        kind = kind_of(cells[keys[6]])
        if cells[keys[6]] and kind is None:
            row_errors.append(CellError(title, f"{letters[keys[6]]}{number}",
                                        _("The level is Xã, Phường, Thị trấn or Đặc khu.")))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(UnitRow(cells[keys[0]], short_name(cells[keys[1]]), cells[keys[2]],
                            district_name(cells[keys[3]]), cells[keys[4]], short_name(cells[keys[5]]),
                            kind, where=f"{title}!{number}"))
    workbook.close()
    seen = {}
    for row in rows:
        if row.commune_code in seen:
            errors.append(CellError(title, f"{letters[keys[4]]}{row.where.rsplit('!', 1)[1]}",
                                    _("The code %(code)s is also on row %(row)s.") % {
                                        "code": row.commune_code, "row": seen[row.commune_code]}))
        seen.setdefault(row.commune_code, row.where.rsplit("!", 1)[1])
    if not rows and not errors:
        errors.append(CellError(title, "2", _("The file lists no commune.")))
    return rows, errors


def _letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# ---------------------------------------------------------------- loading

def check_loader(user):
    """Administrators and staff load units; nobody else (the command runs as an administrator)."""
    if user is None or sees_everything(user):
        return
    if not (user.is_authenticated and user.is_active and user.role == Role.STAFF and user.unit):
        raise PermissionDenied(_("Only staff of a steering unit load its administrative units."))


def reform_district(province, actor=None):
    """The record the new communes of ``province`` hang under after the reform (there are no
    districts since 1 July 2025; the province's steering unit runs the programme)."""
    district = District.objects.filter(province=province, slug=f"{province.slug}-2025").first()
    if district is None:
        district = District(province=province, slug=f"{province.slug}-2025",
                            name=_("%(name)s (from 1 July 2025)") % {"name": province.name},
                            valid_from=REFORM_DATE)
        _save(district, actor)
    return district


def _save(obj, actor):
    if actor is not None:
        obj._history_user = actor
    obj.save()


def _free_slug(model, wanted, *fallbacks):
    for slug in (wanted, *fallbacks):
        if slug and not model.objects.filter(slug=slug).exists():
            return slug
    raise ValueError(wanted)


class _Loader:
    def __init__(self, actor, era, result):
        self.actor, self.era, self.result = actor, era, result
        self.provinces, self.districts = {}, {}

    def _error(self, row, message):
        sheet, _sep, number = row.where.rpartition("!")
        self.result.errors.append(CellError(sheet, number, message))

    def in_scope(self, row):
        actor = self.actor
        if actor is None or sees_everything(actor):
            return True
        if actor.province_id:
            return _same(actor.province, row.province_code, row.province_name)
        district = actor.district
        return (_same(district.province, row.province_code, row.province_name)
                and _same(district, row.district_code, row.district_name))

    def province(self, row):
        key = row.province_code
        if key in self.provinces:
            return self.provinces[key]
        actor = self.actor
        if actor is not None and not sees_everything(actor):  # in scope: its own province
            province = actor.province if actor.province_id else actor.district.province
        else:
            province = Province.objects.filter(code=row.province_code).first() or \
                Province.objects.filter(code="", slug=vn_slugify(row.province_name)).first()
        if province is None:
            province = Province(name=row.province_name, code=row.province_code,
                                slug=_free_slug(Province, vn_slugify(row.province_name),
                                                f"tinh-{row.province_code}"))
            _save(province, self.actor)
            self.result.changes.append(Change("province", "create", row.province_code,
                                              row.province_name))
        else:
            self._update(province, "province", {"code": row.province_code,
                                                "name": row.province_name}, row.province_code)
        self.provinces[key] = province
        return province

    def district(self, row, province):
        if self.era == AFTER or not row.district_code:
            key = ("reform", province.pk)
            if key not in self.districts:
                before = District.objects.filter(province=province).count()
                self.districts[key] = reform_district(province, self.actor)
                if District.objects.filter(province=province).count() > before:
                    self.result.changes.append(Change("district", "create", "",
                                                      self.districts[key].name))
            return self.districts[key]
        key = row.district_code
        if key in self.districts:
            return self.districts[key]
        if self.actor is not None and self.actor.district_id:
            district = self.actor.district  # in scope: its own district
        else:
            district = District.objects.filter(province=province, code=row.district_code).first()
            if district is None:
                wanted = vn_slugify(short_name(row.district_name))
                district = next((d for d in District.objects.filter(province=province, code="")
                                 if vn_slugify(short_name(d.name)) == wanted), None)
        if district is None:
            district = District(
                province=province, name=row.district_name, code=row.district_code,
                slug=_free_slug(District, vn_slugify(row.district_name),
                                f"{vn_slugify(row.district_name)}-{province.slug}",
                                f"huyen-{row.district_code}"))
            _save(district, self.actor)
            self.result.changes.append(Change("district", "create", row.district_code,
                                              row.district_name))
        else:
            self._update(district, "district", {"code": row.district_code,
                                                "name": row.district_name}, row.district_code)
        self.districts[key] = district
        return district

    def commune(self, row, district):
        commune = Commune.objects.filter(district=district, code=row.commune_code).first()
        if commune is None:
            wanted = vn_slugify(row.commune_name)
            commune = next((c for c in Commune.objects.filter(district=district, code="")
                            if vn_slugify(c.name) == wanted), None)
        if commune is None:
            other = Commune.objects.filter(code=row.commune_code).exclude(district=district) \
                .select_related("district").first()
            if other is not None and self.era == BEFORE and other.district.valid_from != REFORM_DATE:
                self._error(row, _("The code %(code)s already belongs to %(name)s (%(district)s).")
                            % {"code": row.commune_code, "name": other.name,
                               "district": other.district.name})
                return
            base = vn_slugify(row.commune_name)
            commune = Commune(
                district=district, name=row.commune_name, code=row.commune_code, kind=row.kind,
                slug=_free_slug(Commune, base, f"{base}-{district.slug}", f"xa-{row.commune_code}"))
            if self.era == AFTER:
                commune.valid_from = REFORM_DATE
            _save(commune, self.actor)
            self.result.changes.append(Change("commune", "create", row.commune_code,
                                              row.commune_name))
            return
        self._update(commune, "commune", {"code": row.commune_code, "name": row.commune_name,
                                          "kind": row.kind}, row.commune_code)

    def _update(self, obj, level, values, code):
        details = []
        for name, value in values.items():
            old = getattr(obj, name)
            if old != value:
                details.append(f"{obj._meta.get_field(name).verbose_name}: "
                               f"{_display(obj, name, old)} → {_display(obj, name, value)}")
                setattr(obj, name, value)
        if details:
            _save(obj, self.actor)
            self.result.changes.append(Change(level, "update", code, str(values["name"]),
                                              "; ".join(details)))
        elif level == "commune":
            self.result.unchanged += 1


def _display(obj, name, value):
    if name == "kind":
        return str(CommuneKind(value).label) if value in CommuneKind.values else value
    return value or "—"


def _same(unit, code, name):
    """Whether a row's unit (code and name) is ``unit``: by code once the unit has one."""
    if unit.code:
        return unit.code == code
    return vn_slugify(short_name(unit.name)) == vn_slugify(short_name(name))


def load_units(actor, rows, era=BEFORE, dry_run=False):
    """Load ``rows`` (``UnitRow``s) for ``actor`` (None: the command, an administrator).

    Returns a ``LoadResult``: the changes, the errors (by sheet and row), the rows skipped as
    outside the actor's unit. Nothing is written when there are errors or on a dry run.
    """
    check_loader(actor)
    result = LoadResult(dry_run=dry_run)
    if era == AFTER and actor is not None and actor.district_id:
        raise PermissionDenied(_("Since 1 July 2025 communes belong to the province: its staff "
                                 "load the new list."))
    loader = _Loader(actor, era, result)
    with transaction.atomic():
        for row in rows:
            if not loader.in_scope(row):
                result.skipped += 1
                continue
            province = loader.province(row)
            district = loader.district(row, province)
            loader.commune(row, district)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if not result.errors and result.skipped == len(rows):
        result.errors.append(CellError("", "", _("No row of the list is inside your unit.")))
    return result
