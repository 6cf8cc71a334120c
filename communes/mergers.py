"""Applying mergers of communes: the one door that writes them.

A merger names a new unit (name, kind, optional official code, the steering record it hangs
under), its predecessors and the day it starts. ``apply_mergers`` first answers a plan (what
will be created, closed and moved) and writes nothing; applied, it does everything of every
merger in one transaction, or nothing:

- the new ``Commune`` is created valid from the day, its predecessors named;
- every predecessor is closed the day before (``valid_to``): from then on it takes no new
  report (``communes.workflow.closed_refusal``), its past reports stay under its own name;
- the predecessors' officers move to the new unit, so that they enter its first period;
- the predecessors' villages are copied to the new unit, each copy naming the village it
  continues (``Village.predecessors``), and the old villages are closed the same day;
- sponsorships still running on the day continue on the new unit (the old ones end the day
  before).

The plan is computed by the same code that writes, without writing: a dry run bumps no data
version and leaves no history. Applying a merger again answers "already applied" and changes
nothing; a concurrent second application waits for the first (the predecessors are locked)
and then finds it applied.

Who: administrators anything; staff of a steering unit only when their unit holds every
predecessor and the new unit's steering record (since the reform of 1 July 2025 that is the
province's staff: the new communes hang under the province's record, ``units.reform_district``).

Ways in: the set-up page (``setup_views.mergers``), the ``apply_merger`` command, the workbook
(``read_workbook``) and the 2025 mapping of the package ``vietnamadminunits`` (``mapping_2025``).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ntm_portal.formats import format_date, quarter_label, vn_slugify
from ntm_portal.forms import SHORT_TEXT_MAX, text_errors
from ntm_portal.uploads import CellError, FileRefused, open_workbook
from ntm_portal.workbook import header_template

from . import units
from .choices import CommuneKind, Role
from .models import Commune, District, Province, Sponsorship, Submission, User, Village
from .scoping import CHANGE, VIEW, sees_everything
from .signals import data_changed

DAY = datetime.timedelta(days=1)
REFORM_DATE = units.REFORM_DATE
APPLIED, ALREADY = "apply", "already"
# The workbook's columns, in order (the template's header row).
COLUMNS = ("Tên đơn vị mới", "Loại", "Mã", "Đơn vị cũ", "Ngày hiệu lực")
NAME, KIND, CODE, PREDECESSORS, DATE = range(5)
LETTERS = "ABCDE"
MAX_ROWS = 4000


@dataclass
class MergerSpec:
    """One merger: the new unit and what it continues.

    ``parent`` is the steering record (a ``District``) the new unit hangs under; ``None``
    means the province's record after the reform (created when the merger is applied).
    ``absent`` names former units the portal never held (their history is missing).
    ``where`` is the row of a workbook ("Sheet!7") or empty.
    """

    name: str
    predecessors: list
    date: datetime.date
    kind: str = CommuneKind.COMMUNE
    code: str = ""
    parent: object = None
    province: object = None
    absent: list = field(default_factory=list)
    officers_see_predecessors: bool = False
    where: str = ""

    def target_province(self):
        if self.parent is not None:
            return self.parent.province
        if self.province is not None:
            return self.province
        first = self.predecessors[0] if self.predecessors else None
        return first.district.province if first is not None else None

    def parent_label(self):
        if self.parent is not None:
            return self.parent.name
        province = self.target_province()
        return _("%(name)s (from 1 July 2025)") % {"name": province.name} if province else "—"


@dataclass
class PlanItem:
    spec: MergerSpec
    status: str = APPLIED  # APPLIED: to apply (or applied); ALREADY: applied before
    commune: object = None  # the new unit once written (or found, when already applied)
    closed: list = field(default_factory=list)  # names of the predecessors closed
    officers: list = field(default_factory=list)  # usernames moved
    villages: int = 0
    sponsorships: int = 0

    @property
    def closed_on(self):
        return self.spec.date - DAY


@dataclass
class MergerResult:
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    dry_run: bool = True

    @property
    def to_apply(self):
        return [item for item in self.items if item.status == APPLIED]

    @property
    def already(self):
        return [item for item in self.items if item.status == ALREADY]

    def summary(self):
        """One sentence for the page and the command."""
        if self.errors:
            return _("Nothing was applied: %(n)s problem(s).") % {"n": len(self.errors)}
        counts = {"new": len(self.to_apply), "already": len(self.already),
                  "closed": sum(len(i.closed) for i in self.to_apply),
                  "officers": sum(len(i.officers) for i in self.to_apply),
                  "villages": sum(i.villages for i in self.to_apply),
                  "sponsorships": sum(i.sponsorships for i in self.to_apply)}
        if self.dry_run:
            return _("Nothing saved yet: %(new)s new unit(s) to create, %(closed)s unit(s) to "
                     "close, %(officers)s officer(s), %(villages)s village(s) and "
                     "%(sponsorships)s sponsorship(s) to move; %(already)s merger(s) already "
                     "applied.") % counts
        return _("Applied: %(new)s new unit(s) created, %(closed)s unit(s) closed, "
                 "%(officers)s officer(s), %(villages)s village(s) and %(sponsorships)s "
                 "sponsorship(s) moved; %(already)s merger(s) already applied.") % counts


# ---------------------------------------------------------------- who

def check_merger_staff(user):
    """Administrators and staff of a steering unit apply mergers (the command: ``None``)."""
    if user is None or sees_everything(user):
        return
    if not (user.is_authenticated and user.is_active and user.role == Role.STAFF and user.unit):
        raise PermissionDenied(_("Only the staff of a steering unit apply mergers."))


# ---------------------------------------------------------------- checking one merger

class _Checker:
    """Checks a batch of mergers with a fixed number of queries, whatever its size: everything
    the checks read is loaded once for all the mergers (``load``)."""

    def __init__(self, actor, result):
        self.actor, self.result = actor, result
        self.claimed = {}  # predecessor pk → the new unit's name, across the batch

    def load(self, specs):
        from django.db.models import Count

        ids = {c.pk for spec in specs for c in spec.predecessors}
        actor = self.actor
        self.everything = actor is None or sees_everything(actor)
        self.in_scope = set() if self.everything else set(
            Commune.objects.restrict(actor, CHANGE).filter(pk__in=ids).values_list("pk", flat=True))
        parents = {s.parent.pk for s in specs if s.parent is not None}
        self.parents_in_scope = set() if self.everything else set(
            District.objects.restrict(actor, CHANGE).filter(pk__in=parents)
            .values_list("pk", flat=True))
        through = Commune.predecessors.through
        self.successor = {}
        for row in through.objects.filter(to_commune_id__in=ids).select_related(
                "from_commune").order_by("from_commune__valid_from"):
            self.successor.setdefault(row.to_commune_id, row.from_commune)
        # Reports of any status from the earliest merger's year on: a former unit's report
        # for a period after its last day would be counted again in the new unit's history
        # (communes.lineage), approved or not.
        earliest = min((s.date for s in specs), default=datetime.date.max)
        self.pending = {}
        for sub in Submission.objects.filter(commune__in=ids, period__year__gte=earliest.year) \
                .select_related("period").order_by("period__year", "period__quarter"):
            self.pending.setdefault(sub.commune_id, []).append(sub.period)
        # Earlier applications: new units of these names holding these predecessors.
        self.created = {}
        for row in through.objects.filter(to_commune_id__in=ids).values(
                "from_commune_id", "to_commune_id"):
            self.created.setdefault(row["from_commune_id"], set()).add(row["to_commune_id"])
        self.new_units = {c.pk: c for c in Commune.objects.filter(pk__in=self.created)
                          .select_related("district")}
        slugs = {f"{s.target_province().slug}-2025" for s in specs if s.target_province()}
        self.reform_records = {d.province_id: d for d in District.objects.filter(slug__in=slugs)}
        records = parents | {d.pk for d in self.reform_records.values()}
        self.names = {}
        self.codes = set()
        for commune in Commune.objects.filter(district__in=records).only(
                "pk", "district_id", "name", "code", "valid_to"):
            self.names.setdefault((commune.district_id, commune.name), []).append(commune)
            if commune.code:
                self.codes.add((commune.district_id, commune.code))
        self.officers = {}
        for username, commune_id in User.objects.filter(
                role=Role.OFFICER, commune__in=ids).order_by("username").values_list(
                "username", "commune_id"):
            self.officers.setdefault(commune_id, []).append(username)
        dates = {s.date for s in specs if s.date}
        self.villages, self.sponsorships = {}, {}
        for day in dates:  # one query per distinct date (one, in practice)
            self.villages[day] = dict(_open_villages(ids, day).order_by().values("commune")
                                      .annotate(n=Count("pk")).values_list("commune", "n"))
            self.sponsorships[day] = dict(
                Sponsorship.objects.active(day).filter(commune__in=ids).order_by()
                .values("commune").annotate(n=Count("pk")).values_list("commune", "n"))

    def record(self, spec):
        """The steering record the new unit hangs under (None: not created yet)."""
        if spec.parent is not None:
            return spec.parent
        return self.reform_records.get(spec.target_province().pk)

    def covers(self, spec):
        """Whether the actor's scope holds every predecessor and the new unit's parent."""
        if self.everything:
            return True
        if any(c.pk not in self.in_scope for c in spec.predecessors):
            return False
        if spec.parent is not None:
            return spec.parent.pk in self.parents_in_scope
        province = spec.target_province()
        return bool(self.actor.province_id) and self.actor.province_id == province.pk

    def error(self, spec, column, message):
        sheet, _sep, row = spec.where.rpartition("!")
        if spec.where and row:
            self.result.errors.append(CellError(sheet, f"{LETTERS[column]}{row}", message))
        else:
            self.result.errors.append(CellError("", spec.name, message))

    def existing(self, spec):
        """The unit an earlier application of ``spec`` created, if any."""
        record = self.record(spec)
        if record is None:
            return None
        wanted = {c.pk for c in spec.predecessors}
        for pk, predecessors in self.created.items():
            commune = self.new_units.get(pk)
            if commune is not None and predecessors == wanted and commune.name == spec.name \
                    and commune.valid_from == spec.date and commune.district_id == record.pk:
                return commune
        return None

    def check(self, spec):
        """A ``PlanItem`` for ``spec``, or None with the errors recorded."""
        before = len(self.result.errors)
        for message in text_errors(spec.name, 100):
            self.error(spec, NAME, message)
        if not spec.name.strip():
            self.error(spec, NAME, _("The new unit needs a name."))
        if spec.kind not in CommuneKind.values:
            self.error(spec, KIND, _("The kind is Xã, Phường or Thị trấn."))
        if spec.code and not (spec.code.isdigit() and len(spec.code) <= 10):
            self.error(spec, CODE, _("An official code is digits only."))
        if not spec.predecessors:
            self.error(spec, PREDECESSORS, _("Name at least one former unit."))
        if len({c.pk for c in spec.predecessors}) != len(spec.predecessors):
            self.error(spec, PREDECESSORS, _("A former unit is named twice."))
        if spec.date is None:
            self.error(spec, DATE, _("The date the new unit starts is required."))
        if len(self.result.errors) > before:
            return None
        if not self.covers(spec):
            self.error(spec, PREDECESSORS, _(
                "Your account does not hold every former unit and the new unit's steering "
                "record: the province's staff apply mergers across districts."))
            return None
        done = self.existing(spec)
        if done is not None:
            self._claim(spec)
            return PlanItem(spec, ALREADY, commune=done)
        self._check_predecessors(spec)
        self._check_parent(spec)
        if len(self.result.errors) > before:
            return None
        return self._plan(spec)

    def _claim(self, spec):
        for commune in spec.predecessors:
            other = self.claimed.get(commune.pk)
            if other is not None and other != spec.name:
                self.error(spec, PREDECESSORS, _(
                    "%(old)s is also merged into %(other)s in this list.")
                    % {"old": commune.name, "other": other})
            self.claimed[commune.pk] = spec.name

    def _check_predecessors(self, spec):
        self._claim(spec)
        closing = spec.date - DAY
        for commune in spec.predecessors:
            successor = self.successor.get(commune.pk)
            if successor is not None:
                self.error(spec, PREDECESSORS, _(
                    "%(old)s was already merged into %(new)s on %(date)s.") % {
                    "old": commune.name, "new": successor.name,
                    "date": format_date(successor.valid_from)})
                continue
            if commune.valid_to is not None and commune.valid_to < spec.date:
                self.error(spec, PREDECESSORS, _("%(old)s is closed since %(date)s.") % {
                    "old": commune.name, "date": format_date(commune.valid_to)})
                continue
            if commune.valid_from is not None and spec.date <= commune.valid_from:
                self.error(spec, DATE, _(
                    "%(old)s only starts on %(start)s: the merger must come after it.")
                    % {"old": commune.name, "start": format_date(commune.valid_from)})
                continue
            pending = [p for p in self.pending.get(commune.pk, []) if p.start_date > closing]
            if pending:
                self.error(spec, DATE, _(
                    "%(old)s already has reports for periods after the merger (%(periods)s): "
                    "the new unit reports from its first day, so the merger must come after "
                    "them (move the date).") % {
                    "old": commune.name,
                    "periods": ", ".join(quarter_label(p.year, p.quarter) for p in pending)})

    def _check_parent(self, spec):
        parent = self.record(spec)
        if parent is None:
            return
        if parent.valid_to is not None and parent.valid_to < spec.date:
            self.error(spec, NAME, _("The steering record %(name)s is closed since %(date)s.")
                       % {"name": parent.name, "date": format_date(parent.valid_to)})
        ids = {c.pk for c in spec.predecessors}
        if any(c.pk not in ids and (c.valid_to is None or c.valid_to >= spec.date)
               for c in self.names.get((parent.pk, spec.name), [])):
            self.error(spec, NAME, _("%(name)s already exists under %(parent)s.")
                       % {"name": spec.name, "parent": parent.name})
        if spec.code and (parent.pk, spec.code) in self.codes:
            self.error(spec, CODE, _("The code %(code)s is already used under %(parent)s.")
                       % {"code": spec.code, "parent": parent.name})

    def _plan(self, spec):
        item = PlanItem(spec)
        item.closed = [c.name for c in spec.predecessors]
        item.officers = sorted(u for c in spec.predecessors for u in self.officers.get(c.pk, []))
        item.villages = sum(self.villages[spec.date].get(c.pk, 0) for c in spec.predecessors)
        item.sponsorships = sum(self.sponsorships[spec.date].get(c.pk, 0)
                                for c in spec.predecessors)
        return item


def _open_villages(commune_ids, on_date):
    return Village.objects.filter(commune__in=commune_ids).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)).order_by("commune__name", "name")


# ---------------------------------------------------------------- writing one merger

def _save(obj, actor, **kwargs):
    if actor is not None:
        obj._history_user = actor
    obj.save(**kwargs)


def _write(item, actor):
    spec = item.spec
    closing = spec.date - DAY
    parent = spec.parent or units.reform_district(spec.target_province(), actor)
    slug = vn_slugify(spec.name) or "xa"
    commune = Commune(
        district=parent, name=spec.name.strip(), kind=spec.kind, code=spec.code,
        slug=units._free_slug(Commune, slug, f"{slug}-{spec.date.year}",
                              f"{slug}-{parent.province.slug}-{spec.date.year}",
                              *(f"{slug}-{spec.date.year}-{n}" for n in range(2, 10000))),
        valid_from=spec.date, officers_see_predecessors=spec.officers_see_predecessors,
        absent_predecessors="; ".join(spec.absent))
    _save(commune, actor)
    commune.predecessors.set(spec.predecessors)
    ids = [c.pk for c in spec.predecessors]
    for old in Commune.objects.filter(pk__in=ids):
        old.valid_to = closing
        _save(old, actor)
    User.objects.filter(role=Role.OFFICER, commune__in=ids).update(commune=commune)
    # Villages in a few queries whatever their number (bulk writes with their history).
    olds, copies, names = [], [], set()
    for village in _open_villages(ids, spec.date).select_related("commune"):
        name = village.name if village.name not in names else \
            f"{village.name} ({village.commune.name})"[:100]
        names.add(name)
        olds.append(village)
        copies.append(Village(commune=commune, name=name, code=village.code,
                              is_invented=village.is_invented, valid_from=spec.date))
    if olds:
        copies = bulk_create_with_history(copies, Village, default_user=actor)
        if any(copy.pk is None for copy in copies):  # a database that returns no keys
            by_name = {v.name: v for v in Village.objects.filter(commune=commune)}
            copies = [by_name[copy.name] for copy in copies]
        through = Village.predecessors.through
        through.objects.bulk_create([through(from_village_id=copy.pk, to_village_id=old.pk)
                                     for copy, old in zip(copies, olds)])
        for old in olds:
            old.valid_to = closing
        bulk_update_with_history(olds, Village, ["valid_to"], default_user=actor)
        data_changed.send(sender=Village)  # bulk writes send no post_save
    for sponsorship in Sponsorship.objects.active(spec.date).filter(commune__in=ids):
        if sponsorship.start_date >= spec.date:
            sponsorship.commune = commune
        else:
            _save(Sponsorship(unit_id=sponsorship.unit_id, commune=commune,
                              start_date=spec.date, end_date=sponsorship.end_date,
                              purpose=sponsorship.purpose), actor)
            sponsorship.end_date = closing
        _save(sponsorship, actor)
    item.commune = commune


# ---------------------------------------------------------------- the door

def apply_mergers(actor, specs, dry_run=True):
    """Check ``specs`` (``MergerSpec``s) for ``actor`` (None: the command, an administrator)
    and, unless ``dry_run``, apply them all in one transaction, or none.

    Returns a ``MergerResult``: a ``PlanItem`` per merger (to apply, or already applied)
    and the errors. A dry run, or any error, writes nothing.
    """
    check_merger_staff(actor)
    result = MergerResult(dry_run=dry_run)
    if not specs:
        result.errors.append(CellError("", "", _("The list names no merger.")))
        return result
    checker = _Checker(actor, result)
    with transaction.atomic():
        if not dry_run:  # a second application waits here, then finds the first one
            ids = sorted({c.pk for spec in specs for c in spec.predecessors})
            list(Commune.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        checker.load(specs)
        for spec in specs:
            item = checker.check(spec)
            if item is not None:
                result.items.append(item)
        if result.errors or dry_run:
            return result
        for item in result.to_apply:
            _write(item, actor)
    return result


# ---------------------------------------------------------------- a token for the page

def dump_specs(specs):
    """The specs as JSON-ready data (the page signs it between preview and confirmation)."""
    return [{"name": s.name, "kind": s.kind, "code": s.code,
             "parent": s.parent.pk if s.parent else None,
             "province": s.target_province().pk if s.target_province() else None,
             "predecessors": [c.pk for c in s.predecessors], "date": s.date.isoformat(),
             "absent": list(s.absent), "see": s.officers_see_predecessors, "where": s.where}
            for s in specs]


def load_specs(data):
    """The specs back from ``dump_specs`` (units read again; a vanished one is dropped, which
    the check then reports)."""
    ids = {pk for d in data for pk in d["predecessors"]}
    communes = Commune.objects.select_related("district__province").in_bulk(ids)
    parents = District.objects.select_related("province").in_bulk(
        {d["parent"] for d in data if d["parent"]})
    provinces = Province.objects.in_bulk({d["province"] for d in data if d["province"]})
    return [MergerSpec(name=d["name"], kind=d["kind"], code=d["code"],
                       parent=parents.get(d["parent"]), province=provinces.get(d["province"]),
                       predecessors=[communes[pk] for pk in d["predecessors"] if pk in communes],
                       date=datetime.date.fromisoformat(d["date"]), absent=list(d["absent"]),
                       officers_see_predecessors=bool(d["see"]), where=d["where"])
            for d in data]


# ---------------------------------------------------------------- the workbook

def template():
    """An empty merger workbook with its header and one example row (bytes)."""
    return header_template("SapNhap", COLUMNS, (
        "Kỳ Văn", "Xã", "18787", "ky-van; ky-trung; ky-tay", "01/07/2025"),
        widths=[28 if column == 4 else 16 for column in range(1, len(COLUMNS) + 1)])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return " ".join(str(value).split())


def _date(value):
    if isinstance(value, datetime.date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def read_workbook(upload, actor=None, officers_see_predecessors=False):
    """(specs, errors) from a merger workbook: the first sheet, the header row, one new unit
    per row (name, kind, code, the former units' slugs or codes separated by ";", the date,
    empty: 1 July 2025). Former units are looked up among the communes ``actor`` may read
    (None: all). Errors name the sheet and the cell."""
    try:
        workbook = open_workbook(upload)
    except FileRefused as refusal:
        return [], [CellError("", "", str(refusal))]
    sheet = workbook.worksheets[0]
    title = sheet.title
    iterator = sheet.iter_rows(values_only=True)
    header = [vn_slugify(_cell(v)) for v in (next(iterator, None) or ())]
    wanted = [vn_slugify(name) for name in COLUMNS]
    if header[:len(wanted)] != wanted:
        workbook.close()
        return [], [CellError(title, "A1", _("The header row must be: %(names)s. Download the "
                                             "template.") % {"names": ", ".join(COLUMNS)})]
    raw, errors = [], []
    for number, values in enumerate(iterator, start=2):
        if number > MAX_ROWS + 1:
            errors.append(CellError(title, str(number), _("The file has more than %(n)s rows.")
                                    % {"n": MAX_ROWS}))
            break
        cells = [_cell(values[i] if i < len(values) else None) for i in range(len(COLUMNS))]
        if not any(cells):
            continue
        raw.append((number, cells))
    workbook.close()
    communes = Commune.objects.select_related("district__province")
    if actor is not None:
        communes = communes.restrict(actor, VIEW)
    references = {part.strip() for _n, cells in raw
                  for part in str(cells[PREDECESSORS]).split(";") if part.strip()}
    by_slug = {c.slug: c for c in communes.filter(slug__in=references)}
    by_code = {}
    for commune in communes.filter(code__in=references).exclude(code=""):
        by_code.setdefault(commune.code, []).append(commune)
    specs = []
    for number, cells in raw:
        row_errors = []

        def bad(column, message, number=number, row_errors=row_errors):
            row_errors.append(CellError(title, f"{LETTERS[column]}{number}", message))

        name = str(cells[NAME])
        for message in text_errors(name, 100):
            bad(NAME, message)
        if not name:
            bad(NAME, _("This cell is required."))
        kind = units.kind_of(cells[KIND]) if cells[KIND] else CommuneKind.COMMUNE
        if kind is None:
            bad(KIND, _("The level is Xã, Phường, Thị trấn or Đặc khu."))
        code = str(cells[CODE])
        if code and not (code.isdigit() and len(code) <= 10):
            bad(CODE, _("An official code is digits only."))
        predecessors = []
        text = str(cells[PREDECESSORS])
        for message in text_errors(text, SHORT_TEXT_MAX * 4):
            bad(PREDECESSORS, message)
        parts = [part.strip() for part in text.split(";") if part.strip()]
        if not parts:
            bad(PREDECESSORS, _("Name the former units (their slug or code), separated by “;”."))
        for part in parts:
            found = by_slug.get(part) or by_code.get(part, [])
            if isinstance(found, list):
                if len(found) > 1:
                    bad(PREDECESSORS, _("The code %(code)s names several units: write the "
                                        "slug instead.") % {"code": part})
                    continue
                found = found[0] if found else None
            if found is None:
                bad(PREDECESSORS, _("Unknown unit: %(ref)s.") % {"ref": part})
            else:
                predecessors.append(found)
        date = _date(cells[DATE]) if cells[DATE] else REFORM_DATE
        if date is None:
            bad(DATE, _("Write the date as dd/mm/yyyy."))
        if row_errors:
            errors.extend(row_errors)
            continue
        specs.append(MergerSpec(name=name, kind=kind, code=code, predecessors=predecessors,
                                date=date, parent=_parent_for(predecessors, date),
                                officers_see_predecessors=officers_see_predecessors,
                                where=f"{title}!{number}"))
    if not specs and not errors:
        errors.append(CellError(title, "A2", _("The file lists no merger.")))
    return specs, errors


def _parent_for(predecessors, date):
    """The steering record of a new unit: after the reform the province's (None: created on
    applying); before it, the former units' district when they share one (else the
    province's record too)."""
    if date >= REFORM_DATE:
        return None
    districts = {c.district_id for c in predecessors}
    return predecessors[0].district if len(districts) == 1 else None


# ---------------------------------------------------------------- the 2025 mapping

@dataclass
class Mapping:
    specs: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)  # (commune, reason)


def mapping_2025(province, district=None, date=REFORM_DATE, officers_see_predecessors=False):
    """The specs of the reform of 1 July 2025 for the communes the portal holds in
    ``province`` (only those of ``district`` if given), from the package's conversion table
    (former commune → new commune). A new commune whose former units the portal holds only
    in part names the others in ``absent``. Communes the table does not map to one new
    commune (split between several, or unknown to it) are listed in ``unmapped``, never
    guessed."""
    mapping = Mapping()
    found = units.find_province(province.code or province.name, units.BEFORE)
    # Open on the day, or closed by this very reform (mapping again answers "already applied").
    held = Commune.objects.filter(district__province=province) \
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date - DAY)) \
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lt=date)) \
        .select_related("district__province").order_by("district__name", "name")
    if district is not None:
        held = held.filter(district=district)
    held = list(held)
    if found is None:
        mapping.unmapped = [(c, _("The province is not in the package's list.")) for c in held]
        return mapping
    with units._dataset() as db:
        legacy = db.execute(
            "SELECT provinceKey, districtKey, wardKey, districtCode, districtShort, district, "
            "wardCode, ward FROM admin_units_legacy WHERE provinceCode = ?", [found[0]]).fetchall()
        new_rows = db.execute(
            "SELECT provinceKey, wardKey, wardCode, ward, wardType FROM admin_units").fetchall()
    data = units.converter_2025()
    old_province = legacy[0][0] if legacy else ""
    new_province = next((k for k, v in data["DICT_PROVINCE"].items() if old_province in v), None)
    groups = data["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province, {})
    divided = data["DICT_PROVINCE_WARD_DIVIDED"].get(new_province, {})
    new_units = {ward_key: (code, name, kind) for p_key, ward_key, code, name, kind in new_rows
                 if p_key == new_province}
    by_key = {f"{p}_{d}_{w}": (d_code, d_short, d_name, w_code, w_name)
              for p, d, w, d_code, d_short, d_name, w_code, w_name in legacy}

    def held_for(key):
        d_code, d_short, d_name, w_code, w_name = by_key[key]
        for commune in held:
            own = commune.district
            same_district = own.code == d_code if own.code else (
                vn_slugify(units.district_name(d_name)) == vn_slugify(own.name))
            if not same_district:
                continue
            if commune.code:
                if commune.code == w_code:
                    return commune
            elif vn_slugify(units.short_name(w_name)) == vn_slugify(commune.name):
                return commune
        return None

    placed = set()
    for ward_key, old_keys in groups.items():
        predecessors, absent = [], []
        for key in old_keys:
            if key not in by_key:
                continue
            commune = held_for(key)
            if commune is None:
                _dc, _ds, d_name, _wc, w_name = by_key[key]
                absent.append(f"{w_name} ({d_name})")
            else:
                predecessors.append(commune)
        if not predecessors or ward_key not in new_units:
            continue
        code, name, kind = new_units[ward_key]
        placed.update(c.pk for c in predecessors)
        mapping.specs.append(MergerSpec(
            name=units.short_name(name), kind=units.kind_of(kind) or CommuneKind.COMMUNE,
            code=code or "", predecessors=predecessors, date=date, province=province,
            absent=absent, officers_see_predecessors=officers_see_predecessors))
    split = {held_for(key).pk for key in divided if key in by_key and held_for(key)}
    for commune in held:
        if commune.pk in placed:
            continue
        mapping.unmapped.append((commune, _("Split between several new communes: apply it with "
                                            "a workbook.") if commune.pk in split else
                                 _("Not in the package's conversion table (already merged or "
                                   "renamed before 2025?): apply it with a workbook.")))
    mapping.specs.sort(key=lambda s: vn_slugify(s.name))
    return mapping
