"""The quarter's dashboard, assembled once from the aggregates for the page, the export and tests.

Every number shown comes from ``criteria.aggregates`` (and the OCOP adapter): the
headline table, the progress bars, the narrative and the workbook read the same
``Dashboard.figures`` dict, so a figure cannot read differently in two places.
The number of SQL queries does not depend on the number of communes: communes are
passed to the aggregates as a queryset (a subquery), never looped over with queries.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from communes.choices import NtmLevel, SubmissionStatus
from communes.lineage import valid_on_q, with_history
from communes.models import Commune, District, ReportingPeriod, Submission
from communes.periods import period_terms
from communes.scoping import is_district_reader, visible_districts
from communes.workflow import is_late
from criteria.aggregates import (
    APPROVED,
    APPROVED_OR_SUBMITTED,
    EPOCH,
    CriteriaSummary,
    Figure,
    criteria_set_for,
    criteria_summary,
    figures,
    reached_in_year,
    share_done,
    targets_for,
    trend,
    unrecorded_codes,
    values_by_commune,
)
from criteria.computations import LEVELS as UNIT_LEVEL_COUNTS
from criteria.balances import balance_for
from criteria.catalogue import effective_indicators
from criteria.choices import Programme
from criteria.programmes import programme_label, programme_of_year
from criteria.models import Indicator
from ntm_portal import quarters
from ntm_portal.formats import format_number, vn_sort_key
from ntm_portal.spans import Span

from . import rollups
from .ocop_figures import ocop_figures

# The page lists at most this many communes in the heatmap and the completeness table
# (lagging and missing first); the workbook always has them all.
PAGE_ROWS = 60
# The order of the meeting report: the NTM programme first, as the seed report speaks.
PROGRAMME_ORDER = [Programme.NTM, Programme.OCOP, Programme.GNBV, Programme.DTVM]
# The figures drawn over the quarters. (The cards are the unit's headline indicators.)
TREND_CODES = [
    "ntm-houses-renovated", "ntm-gardens-renovated", "ntm-clean-house-models",
    "ntm-model-areas-new", "ntm-model-gardens-new",
]


@lru_cache(maxsize=512)
def _char_key(char):
    return vn_sort_key(char)


def name_key(name):
    """``vn_sort_key(name)``, built from memoised per-character keys.

    ``vn_sort_key`` treats each character on its own, so the result is identical; at
    10,000 communes this takes the sort from about 300 ms to a few tens.
    """
    letters, tones = [], []
    for char in str(name).lower():
        char_letters, char_tones = _char_key(char)
        letters.extend(char_letters)
        tones.extend(char_tones)
    return letters, tones


class _OrderTable(dict):
    """A ``str.translate`` table giving each character its letter (``part`` 0) or its
    tone (``part`` 1) in ``vn_sort_key`` as one code point, worked out once per character."""

    def __init__(self, part):
        super().__init__()
        self.part = part

    def __missing__(self, code):
        # ValueError for a letter past the last code point (``sort_by_name`` falls back).
        mapped = self[code] = "".join(map(chr, _char_key(chr(code))[self.part]))
        return mapped


_LETTERS, _TONES = _OrderTable(0), _OrderTable(1)


def name_order(name):
    """``name_key(name)`` as two strings: each letter and each tone one code point of the
    same order, so the strings compare as the lists do (element by element, then by
    length). ``str.translate`` builds them in C: a few milliseconds for 10,000 names."""
    lowered = str(name).lower()
    return lowered.translate(_LETTERS), lowered.translate(_TONES)


def sort_by_name(items, name):
    """Sort ``items`` in place, stably, in the order of ``vn_sort_key(name(item))``."""
    try:
        keys = [name_order(name(item)) for item in items]
    except ValueError:  # a character beyond the strings' code points: the lists themselves
        keys = [name_key(name(item)) for item in items]
    items[:] = [item for _key, item in sorted(zip(keys, items), key=itemgetter(0))]


def share_text(share):
    """A share of a target in percent, one decimal at most: "10,8", "100"."""
    if share is None:
        return ""
    return format_number(Decimal(str(round(share, 1))))


@dataclass(frozen=True, slots=True)
class CommuneRef:
    """What the dashboard shows of a commune, read as a row (10,000 model objects cost
    more than the query that reads them)."""

    pk: int
    name: str
    slug: str

    @property
    def id(self):
        return self.pk

    def get_absolute_url(self):
        return reverse("communes:detail", args=[self.slug])

    def __str__(self):
        return self.name

    def __reduce__(self):
        # Pickled (for the cache) as its values: a slotted dataclass's own state lists its
        # fields() once per object, a third of the time of caching 10,000 communes.
        return CommuneRef, (self.pk, self.name, self.slug)


@dataclass(slots=True)
class SubmissionRef:
    """What the dashboard and the workbook show of a submission, read as a row."""

    id: int
    commune_id: int
    status: str
    submitted_at: object
    submitted_late: bool
    difficulties: str
    proposals: str
    review_comment: str
    period: ReportingPeriod

    FIELDS = ("id", "commune_id", "status", "submitted_at", "submitted_late", "difficulties",
              "proposals", "review_comment")

    @property
    def pk(self):
        return self.id

    def get_status_display(self):
        return SubmissionStatus(self.status).label

    def __reduce__(self):
        return SubmissionRef, (self.id, self.commune_id, self.status, self.submitted_at,
                               self.submitted_late, self.difficulties, self.proposals,
                               self.review_comment, self.period)


# Targets counted as "communes reaching the level this year": recognitions dated in
# the target's year, not communes recognised before it.
TARGETS_REACHED_IN_YEAR = {"ntm-communes-advanced": NtmLevel.ADVANCED}


@dataclass
class HeadlineRow:
    indicator: Indicator
    figure: Figure
    target: object = None
    share: float | None = None
    reached: Decimal | None = None  # for TARGETS_REACHED_IN_YEAR

    @property
    def done(self):
        """What counts against the year's target."""
        if self.reached is not None:
            return self.reached
        return self.figure.ytd if self.indicator.is_flow else self.figure.quarter

    @property
    def share_text(self):
        return share_text(self.share)

    @property
    def bar_width(self):
        return min(100, round(self.share)) if self.share is not None else 0

    @property
    def decimals(self):
        return self.indicator.decimals or None

    @property
    def parts_text(self):
        """A ratio's quarter parts, "412/12.875" (``criteria.aggregates.ratio_of``)."""
        figure = self.figure
        if figure.denominator is None:
            return ""
        return f"{format_number(figure.numerator)}/{format_number(figure.denominator)}"


@dataclass(slots=True)
class CommuneRow:
    """One commune in the heatmap: its level, sponsor, criteria met and unmet.

    Built from a ``CriteriaSummary``; the cells are worked out only when a page or the
    workbook shows them (the page shows 60 communes of 10,000).
    """

    commune: CommuneRef
    level: NtmLevel
    sponsor: str
    criteria: list
    summary: CriteriaSummary | None

    @property
    def assessed(self):
        return bool(self.summary and self.summary.assessed)

    @property
    def cells(self):
        """[(criterion, True / False / None)] in the criteria's order."""
        return list(zip(self.criteria, self.marks()))

    def marks(self):
        """[True / False / None] for each criterion in order: ``cells`` without the
        criteria (``CriteriaSummary.is_met``, worked out for the whole row at once: the
        workbook asks it of every commune)."""
        criteria = self.criteria
        if not self.assessed:
            return [None] * len(criteria)
        summary = self.summary
        not_met = summary.not_met
        if summary.assessed >= len(criteria):  # complete: met unless found not met
            if not not_met:
                return [True] * len(criteria)
            return [not_met.get(c.number, True) for c in criteria]
        met = summary.met_numbers
        return [not_met[c.number] if c.number in not_met else (True if c.number in met else None)
                for c in criteria]

    @property
    def met(self):
        return self.summary.met if self.summary else 0

    @property
    def total(self):
        return len(self.criteria)

    @property
    def unmet(self):
        if not self.assessed:
            return []
        return [c for c in self.criteria if self.summary.not_met.get(c.number, True) is False]

    @property
    def met_text(self):
        return f"{self.met}/{self.total}" if self.assessed else "–"


@dataclass(slots=True)
class CompletenessRow:
    commune: CommuneRef
    submission: SubmissionRef | None
    category: str  # on_time, late, missing
    overdue: bool = False

    @property
    def status_label(self):
        if self.submission is None:
            return _("Not started")
        return self.submission.get_status_display()


@dataclass
class Dashboard:
    period: ReportingPeriod
    district: District
    communes: object  # queryset of the communes in scope (used as a subquery)
    restricted: bool
    include_submitted: bool
    indicators: list
    figures: dict
    targets: dict
    headline: list
    rows: list  # CommuneRow, lagging first
    alphabetical: list  # the same rows in Vietnamese alphabetical order
    criteria: list
    levels: list  # [(NtmLevel, count)]
    trend_periods: list
    trends: dict  # code -> [value per trend period]
    ocop: object
    completeness: list
    terms: object = None  # the unit's deadline and back-fill (communes.periods.PeriodTerms)
    narrative: list = field(default_factory=list)
    plan: object = None  # reports.plan_panels.PlanData: gaps and tasks of the lagging communes
    # The cache key the view stored it under; the page caches its body under it too.
    cache_key: str | None = None
    # What the figures cover (a quarter, 6 or 9 months, the year, a run of quarters);
    # ``period`` is its last quarter (submissions, criteria, levels are the end's).
    span: Span | None = None
    levels_year_ago: list = field(default_factory=list)  # [(NtmLevel, count)] a year before
    # A unit shown was created (by a merger) after the same span a year before: counts of
    # units by level are not compared with that year (``Figure.comparable``).
    units_changed: bool = False
    # ... and after the previous quarter's end (a quarter's report just after a merger):
    # the previous quarter's counts of units by level are of the former communes too.
    units_changed_previous: bool = False
    # Units the portal never held that communes shown took in: [(commune name, their
    # names)], and the columns that reach before such a merger (``partial_columns``): those
    # figures leave the units out, so the page marks them, and the narrative makes no
    # year-on-year claim when the span or the year before is among them.
    partial_history: list = field(default_factory=list)
    partial: frozenset = frozenset()

    def __post_init__(self):
        if self.span is None:
            self.span = Span.quarter(self.period.year, self.period.quarter)

    def __getstate__(self):
        # Cached without the communes queryset (pickling it would run it); the view
        # puts the current one back (``reports.views``). The communes' rows go as
        # columns of plain values (``_pack_rows``).
        state = dict(self.__dict__)
        state["communes"] = None
        packed = _pack_rows(self)
        if packed is not None:
            state.update(rows=None, alphabetical=None, completeness=None, plan=None,
                         _packed_rows=packed)
        return state

    def __setstate__(self, state):
        packed = state.pop("_packed_rows", None)
        self.__dict__.update(state)
        if packed is not None:
            _unpack_rows(self, packed)

    @property
    def statuses(self):
        return APPROVED_OR_SUBMITTED if self.include_submitted else APPROVED

    @cached_property
    def criterion_titles(self):
        """"5. Trường học" for each criterion, worked out once for every heatmap row."""
        return [f"{c.number}. {c.name}" for c in self.criteria]

    @property
    def commune_count(self):
        return len(self.rows)

    @property
    def included_count(self):
        """Communes whose data the figures include (approved, or also submitted)."""
        return self._tally["included"]

    @cached_property
    def _tally(self):
        """The completeness counts and ``included_count``, in one pass over the communes."""
        counts = {"on_time": 0, "late": 0, "missing": 0}
        statuses = {str(status) for status in self.statuses}
        by_status = Counter()
        for row in self.completeness:
            counts[row.category] += 1
            if row.submission is not None:
                by_status[row.submission.status] += 1
        counts["approved"] = by_status[SubmissionStatus.APPROVED]
        counts["total"] = len(self.completeness)
        counts["included"] = sum(n for status, n in by_status.items() if status in statuses)
        return counts

    @property
    def key_rows(self):
        """The unit's headline indicators (``criteria.catalogue``), in catalogue order."""
        return [row for row in self.headline if row.indicator.is_headline]

    @property
    def target_rows(self):
        return [row for row in self.headline if row.target is not None]

    @property
    def page_rows(self):
        return self.rows[:PAGE_ROWS]

    @property
    def page_completeness(self):
        rows = self.completeness
        if len(rows) > PAGE_ROWS:  # missing first, then late, then on time, each in order
            picked = []
            for category in ("missing", "late", "on_time"):
                picked += [row for row in rows if row.category == category][:PAGE_ROWS - len(picked)]
                if len(picked) == PAGE_ROWS:
                    break
            rows = picked
        return rows

    @property
    def hidden_rows(self):
        return max(0, len(self.rows) - PAGE_ROWS)

    @property
    def lagging(self):
        return [row for row in self.rows if row.level == NtmLevel.NOT_YET]

    @property
    def completeness_counts(self):
        counts = dict(self._tally)
        del counts["included"]
        return counts

    @property
    def programmes(self):
        """Headline rows grouped by programme, in the catalogue's order."""
        groups = {code: [] for code in PROGRAMME_ORDER}
        for row in self.headline:
            groups.setdefault(row.indicator.programme, []).append(row)
        year = self.span.year
        return [(programme_label(code, year), rows) for code, rows in groups.items() if rows]

    @property
    def merged_programme(self):
        """Resolution 257's programme for a span from 2026 (criteria.programmes), else None."""
        return programme_of_year(self.span.year)

    @property
    def ocop_target(self):
        return self.targets.get("ocop-certified")

    def chart_data(self):
        """What the page's charts draw (Chart.js reads it from a json_script block)."""
        names = {indicator.code: indicator.name for indicator in self.indicators}

        def series(code):
            return {"label": names.get(code, code),
                    "data": [float(v) if v is not None else None for v in self.trends[code]]}

        data = {"labels": [p.label for p in self.trend_periods],
                "works": [series(code) for code in TREND_CODES[:3]],
                "registries": [series(code) for code in TREND_CODES[3:]]}
        stars = sorted(set(self.ocop.products_by_star) | set(self.ocop.candidates_by_star))
        data["ocop"] = {
            "labels": [_("%(stars)s stars") % {"stars": stars_} for stars_ in stars],
            "products": [self.ocop.products_by_star.get(s, 0) for s in stars],
            "candidates": [self.ocop.candidates_by_star.get(s, 0) for s in stars],
            "products_label": _("Products with a valid certificate"),
            "candidates_label": _("Candidates of the year, by the stars aimed for"),
        }
        return data

    def by_commune(self, columns):
        """The export's values per commune: {commune_id: [value of each of ``columns``]},
        ``columns`` being [(indicator code, ``Figure`` column)] (``values_by_commune``:
        the span's values, a list per commune, no ``Figure`` objects)."""
        return values_by_commune(self.period, self.communes, self.statuses, self.indicators,
                                 columns, span=self.span)

    def url(self, name="dashboard"):
        """The address of this span's page (``name`` "dashboard"), workbook ("export") or
        Word report ("report_docx")."""
        return span_url(self.span, name)

    @property
    def page_url(self):
        return self.url("dashboard")

    @property
    def export_url(self):
        return self.url("export")

    @property
    def docx_url(self):
        return self.url("report_docx")

    def partial_label(self, label, *columns):
        """A column's heading, marked "(partial)" when its figures reach before a merger
        that took in units the portal never held (``partial``)."""
        return f"{label} {_('(partial)')}" if self.partial & set(columns) else label

    @property
    def levels_note(self):
        """Why counts of units by level are not compared (``units_changed``), or None: the
        page carries it under its levels and the workbook under its summary."""
        if self.units_changed_previous:
            return _("Communes by NTM level are not compared with the previous quarter or the "
                     "same period last year: communes merged since then into new units, and a "
                     "level is not inherited, so those counts are of the former communes.")
        if self.units_changed:
            return _("Communes by NTM level are not compared with the same period last year: "
                     "communes merged since then into new units, and a level is not inherited, "
                     "so last year's counts are of the former communes.")
        return None

    @property
    def level_rows(self):
        """[(NtmLevel, count at the span's end, count a year before, change, percent)]."""
        from criteria.aggregates import year_on_year

        ago = dict(self.levels_year_ago)
        rows = []
        for level, count in self.levels:
            before = ago.get(level)
            change = (None, None) if self.units_changed else year_on_year(count, before)
            rows.append((level, count, before, *change))
        return rows


def _pack_rows(d):
    """The rows of every commune (heatmap, completeness, the plan's laggards) as columns
    of plain values, for the cache: pickling 10,000 communes' rows as objects (60,000
    of them) took twice as long and unpickling them four times as long. None when the
    rows are not as ``build_dashboard`` forms them (then they are pickled as they are)."""
    from .plan_panels import PlanData

    alphabetical, completeness, plan = d.alphabetical, d.completeness, d.plan
    if plan is not None and not isinstance(plan, PlanData):
        return None
    position = {id(row): i for i, row in enumerate(alphabetical)}
    order = [position.get(id(row)) for row in d.rows]
    laggards = [position.get(id(laggard.row)) for laggard in plan.laggards] if isinstance(
        plan, PlanData) else []
    if (len(order) != len(alphabetical) or None in order or None in laggards
            or len(completeness) != len(alphabetical)
            or any(row.criteria is not d.criteria or row.commune is not line.commune
                   for row, line in zip(alphabetical, completeness))
            or any(line.submission is not None and line.submission.period is not d.period
                   for line in completeness)):
        return None
    communes = [row.commune for row in alphabetical]
    summaries = [row.summary for row in alphabetical]
    submissions = [line.submission for line in completeness]
    return {
        "pk": [c.pk for c in communes], "name": [c.name for c in communes],
        "slug": [c.slug for c in communes],
        "level": [int(row.level) for row in alphabetical],
        "sponsor": [row.sponsor for row in alphabetical],
        "summary": [None if x is None else (x.met, x.assessed, x.not_met, x.met_numbers)
                    for x in summaries],
        "order": order,
        "submission": [None if x is None else (
            x.id, x.commune_id, x.status, x.submitted_at, x.submitted_late, x.difficulties,
            x.proposals, x.review_comment) for x in submissions],
        "category": [line.category for line in completeness],
        "overdue": [line.overdue for line in completeness],
        "plan": None if not isinstance(plan, PlanData) else replace(plan, laggards=[
            replace(laggard, row=i) for laggard, i in zip(plan.laggards, laggards)]),
    }


def _unpack_rows(d, packed):
    """The rows ``_pack_rows`` packed, as objects again."""
    levels = {level.value: level for level in NtmLevel}
    criteria, period = d.criteria, d.period
    communes = list(map(CommuneRef, packed["pk"], packed["name"], packed["slug"]))
    d.alphabetical = [
        CommuneRow(commune, levels[level] if level in levels else NtmLevel(level), sponsor,
                   criteria, None if summary is None else CriteriaSummary(*summary))
        for commune, level, sponsor, summary in zip(communes, packed["level"],
                                                    packed["sponsor"], packed["summary"])]
    d.rows = [d.alphabetical[i] for i in packed["order"]]
    d.completeness = [
        CompletenessRow(commune, None if sub is None else SubmissionRef(*sub, period=period),
                        category, overdue)
        for commune, sub, category, overdue in zip(communes, packed["submission"],
                                                   packed["category"], packed["overdue"])]
    plan = packed["plan"]
    if plan is not None:
        plan = replace(plan, laggards=[replace(laggard, row=d.alphabetical[laggard.row])
                                       for laggard in plan.laggards])
    d.plan = plan


def span_url(span, name="dashboard"):
    """``/reports/2021/q1/`` for a quarter, ``/reports/2021/6m/`` for a longer span."""
    if span.is_quarter:
        return reverse(f"reports:{name}", args=[span.year, span.last])
    return reverse(f"reports:span_{name}", args=[span.year, span.slug])


def get_span(year, slug):
    """(span, its last quarter's period) an address names; 404 for a span that names no
    run of quarters or has a quarter without a reporting period."""
    span = Span.parse(year, slug)
    if span is None:
        raise Http404(_("No such report span."))
    held = {p.quarter: p for p in ReportingPeriod.objects.filter(
        year=year, quarter__in=span.quarters)}  # one query, the end's period with them
    missing = set(span.quarters) - set(held)
    if missing:
        raise Http404(_("There is no reporting period %(quarter)s/%(year)s.")
                      % {"quarter": min(missing), "year": year})
    return span, held[span.last]


def get_period(year, quarter):
    period = ReportingPeriod.objects.filter(year=year, quarter=quarter).first()
    if period is None:
        raise Http404(_("There is no reporting period %(quarter)s/%(year)s.")
                      % {"quarter": quarter, "year": year})
    return period


def communes_in_scope(user, period, district_slug=None):
    """(district, communes queryset, restricted) for ``user``; 403 when nothing is in scope.

    Staff, committee and administrators read the whole of the district they pick
    (``district_slug``, the page's ``?unit=``) among the districts of their steering
    unit, by default the first by name; a district outside their unit is 404. Sponsors
    and commune officers read the dashboard restricted to their communes: every figure
    is then computed over those communes only, so nothing of the others shows.
    """
    scoped = Commune.objects.restrict(user).active(period.end_date)
    districts = visible_districts(user)
    if district_slug:
        district = districts.filter(slug=district_slug).first()
        if district is None:
            raise Http404(_("No such district."))
    elif is_district_reader(user):
        district = districts.first()
    else:
        first = scoped.select_related("district").order_by("pk").first()
        district = first.district if first else None
    if district is None:
        raise PermissionDenied(_("Your account has no commune to report on."))
    restricted = not is_district_reader(user)
    communes = scoped.filter(district=district)
    if restricted and not communes.exists():
        raise PermissionDenied(_("Your account has no commune in this district."))
    return district, communes, restricted


def build_dashboard(period, district, communes, restricted=False, include_submitted=False,
                    span=None):
    """The dashboard of ``span`` (a ``Span`` ending with ``period``; by default the
    period's quarter), with the same span of the year before beside every figure."""
    span = span or Span.quarter(period.year, period.quarter)
    statuses = APPROVED_OR_SUBMITTED if include_submitted else APPROVED
    end = period.end_date
    # The figures read the communes' predecessors too (merged units keep their history,
    # docs/DOMAIN.md#merged-units); the lists (heatmap, completeness) are the communes'.
    history = with_history(communes)
    ocop = ocop_figures(period.year, end, history)
    # A whole district's approved figures come from the roll-ups (hundreds of rows); not
    # when predecessors count: they may have reported under another district.
    use_rollups = history is communes and rollups.usable(district, communes, statuses,
                                                          restricted)
    entered = rollups.entered_figures(period, district, span) if use_rollups else None
    # The unit's opening balance speaks for the whole district, never for some communes.
    balance = None if restricted else balance_for(district)
    # The indicators the unit uses, with its headline choices (criteria.catalogue).
    indicators = effective_indicators(district)
    current = figures(period, history, statuses, entered=entered,
                      district=None if restricted else district, balance=balance,
                      indicators=indicators, span=span)
    for code in unrecorded_codes(history, indicators, balance):
        current[code] = Figure()  # unknown, not 0
    targets = _targets(period, district, communes, restricted)
    headline = []
    for indicator in indicators:
        figure = current.get(indicator.code, Figure())
        target = targets.get(indicator.code)
        row = HeadlineRow(indicator, figure, target, share_done(figure, target, indicator.kind))
        level = TARGETS_REACHED_IN_YEAR.get(indicator.code)
        if target is not None and level is not None and figure.quarter is not None:
            row.reached = Decimal(reached_in_year(period, communes, level))
            row.share = target.share_done(row.reached)
        headline.append(row)

    listed = (communes.with_level(end).with_sponsor(end).order_by()
              .values_list("pk", "name", "slug", "level", "sponsor_name", "valid_from",
                           "absent_predecessors"))
    trend_periods = _trend_periods(period)
    level_of = {level.value: level for level in NtmLevel}
    listed_rows, partial_history = [], []  # [(CommuneRef, NtmLevel, sponsor)]
    year_ago_end = span.year_ago().end_date
    previous_end = period.start_date - datetime.timedelta(days=1)
    units_changed = units_changed_previous = False
    for pk, name, slug, level, sponsor, valid_from, absent in listed:
        level = level or 0
        listed_rows.append((CommuneRef(pk, name, slug),
                            level_of[level] if level in level_of else NtmLevel(level),
                            sponsor or ""))
        if absent and valid_from is not None:
            partial_history.append((name, absent, valid_from))
        if valid_from is not None and valid_from > year_ago_end:
            units_changed = True
        if span.is_quarter and valid_from is not None and valid_from > previous_end:
            units_changed_previous = True
    if units_changed:
        # Counts of units by level a year before counted other units (the predecessors):
        # shown, never compared (docs/DOMAIN.md#merged-units).
        for indicator in indicators:
            if indicator.computation in UNIT_LEVEL_COUNTS and indicator.code in current:
                current[indicator.code].comparable = False
    sort_by_name(listed_rows, lambda item: item[0].name)  # once; later sorts are stable
    sort_by_name(partial_history, itemgetter(0))
    commune_list = [commune for commune, _level, _sponsor in listed_rows]
    criteria_set = criteria_set_for(period)
    criteria = list(criteria_set.all_criteria()) if criteria_set else []
    summaries = criteria_summary(period, communes, statuses, total=len(criteria))
    # Lagging first: fewest criteria met, then the lower level; unassessed communes last
    # (the key of ``CommuneRow.assessed`` and ``met``, worked out once per row).
    keyed = []
    for commune, level, sponsor in listed_rows:
        summary = summaries.get(commune.pk)
        assessed = summary is not None and bool(summary.assessed)
        keyed.append(((not assessed, summary.met if assessed else 0, level),
                      CommuneRow(commune, level, sponsor, criteria, summary)))
    alphabetical = [row for _key, row in keyed]
    keyed.sort(key=itemgetter(0))
    rows = [row for _key, row in keyed]
    at_level = Counter(row.level for row in rows)
    levels = [(level, at_level.get(level, 0)) for level in levels_of(span.year)]
    levels_year_ago = _levels_on(history, span.year_ago().end_date)

    # One grouped query per kind for all the quarters shown, never figures() per quarter.
    sums = rollups.trend_sums(trend_periods, district) if use_rollups else None
    trends = trend(trend_periods, TREND_CODES, history, statuses, sums=sums, balance=balance)

    dashboard = Dashboard(
        period=period, district=district, communes=communes, restricted=restricted,
        include_submitted=include_submitted, indicators=indicators, figures=current,
        targets=targets, headline=headline, rows=rows, alphabetical=alphabetical,
        criteria=criteria, levels=levels,
        trend_periods=trend_periods, trends=trends, ocop=ocop,
        completeness=_completeness(period, district, communes, commune_list),
        terms=period_terms(period, district.pk),
        span=span, levels_year_ago=levels_year_ago, units_changed=units_changed,
        units_changed_previous=units_changed_previous,
        partial_history=[(name, absent) for name, absent, _on in partial_history],
        partial=partial_columns(span, trend_periods, [on for *_names, on in partial_history]),
    )
    from .narrative import narrative
    from .plan_panels import plan_for

    dashboard.plan = plan_for(dashboard)
    dashboard.narrative = narrative(dashboard)
    return dashboard


# The pilot modern level exists from the 2026–2030 rules on (docs/DOMAIN.md#the-2026-2030-rules):
# reports of earlier years list the levels they always did.
MODERN_LEVEL_FROM_YEAR = 2026


def levels_of(year):
    """The NTM levels a report of ``year`` lists."""
    return [level for level in NtmLevel
            if level != NtmLevel.MODERN or year >= MODERN_LEVEL_FROM_YEAR]


def _levels_on(communes, day):
    """[(NtmLevel, communes at that level on ``day``)] of ``communes`` valid on that day
    (with their predecessors: the units of that day, never an old one and its successor
    both), one query."""
    from django.db.models import Count

    counts = dict(communes.filter(valid_on_q(day)).with_level(day, "level_then").order_by()
                  .values_list("level_then").annotate(n=Count("pk")).values_list("level_then", "n"))
    return [(level, counts.get(level, 0) + (counts.get(None, 0) if level == 0 else 0))
            for level in levels_of(day.year)]


def _targets(period, district, communes, restricted):
    """District targets for the district; a commune's own targets when only it is in scope."""
    if not restricted:
        return targets_for(period.year, district)
    from criteria.models import Target

    scoped = list(communes.values_list("pk", flat=True)[:2])
    if len(scoped) != 1:
        return {}
    rows = Target.objects.filter(year=period.year, commune_id=scoped[0]).select_related("indicator")
    return {target.indicator.code: target for target in rows}


def partial_columns(span, trend_periods, merged_on):
    """The columns of a dashboard whose figures reach before a merger that took in units
    the portal never held (``merged_on``: the days of such mergers among the communes
    shown): "quarter" (the span), "previous", "ytd", "cumulative", "year_ago", "trend"."""
    if not merged_on:
        return frozenset()
    latest = max(merged_on)
    previous = quarters.start(*quarters.previous(span.year, span.last)) if span.is_quarter \
        else None
    starts = {"quarter": span.start_date, "previous": previous,
              "ytd": datetime.date(span.year, 1, 1), "cumulative": EPOCH,
              "year_ago": span.year_ago().start_date,
              "trend": min((p.start_date for p in trend_periods), default=None)}
    return frozenset(column for column, start in starts.items()
                     if start is not None and start < latest)


def _trend_periods(period):
    """The quarters of the period's year up to it, after those of the previous year."""
    return list(
        ReportingPeriod.objects.filter(year__in=(period.year - 1, period.year))
        .exclude(year=period.year, quarter__gt=period.quarter)
        .order_by("year", "quarter")
    )


def _completeness(period, district, communes, commune_list):
    submissions = {
        row[1]: SubmissionRef(*row, period=period)
        for row in Submission.objects.filter(period=period, commune__in=communes).order_by()
        .values_list(*SubmissionRef.FIELDS)
    }
    handed_in = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
    backfill = None  # the unit's back-fill of the period, read at the first late report
    never_started = None  # is_late of a commune without a submission: the same for all
    rows = []
    for commune in commune_list:
        submission = submissions.get(commune.pk)
        if submission is not None and submission.status in handed_in:
            if submission.submitted_late and backfill is None:
                backfill = period_terms(period, district.pk).is_backfill
            late = submission.submitted_late and not backfill
            category = "late" if late else "on_time"
            overdue = False
        else:
            category = "missing"
            # Not handed in: late once the period has locked (the one rule, workflow.is_late).
            if submission is not None:
                overdue = is_late(submission, district_id=district.pk)
            else:
                if never_started is None:
                    never_started = is_late(Submission(period=period), district_id=district.pk)
                overdue = never_started
        rows.append(CompletenessRow(commune, submission, category, overdue))
    return rows
