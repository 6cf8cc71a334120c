"""A synthetic province for measuring the reports at scale (``manage.py generate_scale``).

Builds one district with N communes, their villages, NTM recognitions, model areas,
and for Q quarters (from Q1 of ``year``) approved submissions with figures and
criteria assessments, in batches, with a line of progress for every phase. On
PostgreSQL the submissions, figures and assessments are drawn by the database in
``INSERT … SELECT`` (no Python row), and a run that at least doubles those tables loads
them with their indexes and constraints set aside and rebuilt after the load
(``reports.bulkload``: each rebuild on a line of its own; keys and foreign keys checked
as they come back); other foreign keys are checked batch by batch, not all at the final
commit. Everything is marked as synthetic in its name; the demo district is not touched.
"""

import datetime
import io
import random
import sys
import time
from decimal import Decimal

from django.db import connection, transaction

from communes.signals import data_changed
from communes.choices import NtmLevel, SubmissionStatus
from communes.models import (
    Commune,
    District,
    ModelArea,
    NtmRecognition,
    Province,
    ReportingPeriod,
    Submission,
    Village,
)
from criteria.aggregates import criteria_set_for
from criteria.catalogue import entered_indicators
from criteria.models import CriterionAssessment, IndicatorValue, Target
from ntm_portal.formats import vn_slugify

from . import rollups
from .bulkload import IndexRebuild

VILLAGES = 4
# The tables of millions of rows, loaded with their indexes set aside (PostgreSQL).
BIG_TABLES = (Submission, IndicatorValue, CriterionAssessment)
INDEX_MODES = ("auto", "rebuild", "keep")


class ScaleError(Exception):
    pass


class Progress:
    """A one-line text progress bar on a stream (stderr by default)."""

    def __init__(self, total, label, stream=None, width=30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0

    def advance(self, n=1):
        self.done += n
        filled = int(self.width * self.done / self.total)
        self.stream.write(f"\r{self.label:<28} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _batched(objects, model, batch, progress=None):
    created = []
    for start in range(0, len(objects), batch):
        created.extend(model.objects.bulk_create(objects[start:start + batch]))
        if progress is not None:
            progress.advance(len(objects[start:start + batch]))
    return created


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load_rows(model, columns, rows):
    """Insert plain rows (tuples in ``columns`` order) without building model objects.

    PostgreSQL: one ``COPY … FROM STDIN``; elsewhere ``bulk_create``. No signals, no
    history: this is for synthetic data only.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN", buffer)
        return
    model.objects.bulk_create([model(**dict(zip(columns, row))) for row in rows])


def insert_product(model, columns, values_sql, first_ids, second_ids):
    """PostgreSQL: one row per (first id, second id) pair, the remaining ``columns`` drawn
    by ``values_sql`` (SQL expressions), in one ``INSERT … SELECT`` (ids in their order)."""
    if not first_ids or not second_ids:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
            f"SELECT a.id, b.id, {values_sql} "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS a(id, n) "
            "CROSS JOIN unnest(%s::bigint[]) WITH ORDINALITY AS b(id, m) ORDER BY a.n, b.m",
            [list(first_ids), list(second_ids)])


def insert_submissions(period, commune_ids, start):
    """PostgreSQL: the quarter's submissions of ``commune_ids`` in one ``INSERT … SELECT``
    (no model objects); their ids in the communes' order.

    The same rows as ``bulk_create`` writes: every column takes its field's default, as a
    new ``Submission`` would, except the commune, the period, the status (one in twenty
    submitted, the others approved) and ``submitted_late`` (one in seventeen).
    """
    template = Submission(period=period, commune_id=commune_ids[0])
    varying = {"commune", "status", "submitted_late"}
    fields = [f for f in Submission._meta.concrete_fields
              if not f.primary_key and f.name not in varying]
    constants = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    column = lambda name: quote(Submission._meta.get_field(name).column)  # noqa: E731
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Submission._meta.db_table)} ({column('commune')}, "
            f"{column('status')}, {column('submitted_late')}, {names}) "
            "SELECT c.id, CASE WHEN (c.n - 1 + %s) %% 20 = 0 THEN %s ELSE %s END, "
            f"(c.n - 1 + %s) %% 17 = 0, {', '.join(['%s'] * len(constants))} "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS c(id, n) ORDER BY c.n "
            f"RETURNING id, {column('commune')}",
            [start, SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED, start, *constants,
             list(commune_ids)])
        by_commune = {commune_id: pk for pk, commune_id in cursor.fetchall()}
    return [by_commune[commune_id] for commune_id in commune_ids]


def periods_for(year, quarters):
    periods = []
    y, q = year, 1
    for _ in range(quarters):
        period, _created = ReportingPeriod.objects.get_or_create(
            year=y, quarter=q, defaults={"entry_deadline": ReportingPeriod.default_deadline(y, q)})
        periods.append(period)
        y, q = (y, q + 1) if q < 4 else (y + 1, 1)
    return periods


def generate(communes, quarters, name="Huyện mô phỏng", province="Tỉnh mô phỏng", year=2021,
             batch=2000, seed=1, stream=None, indexes="auto"):
    """Create the district; refuse when a district of that name exists. Returns it.

    ``indexes`` (PostgreSQL): "rebuild" drops the indexes and constraints of the
    submissions, figures and assessments for the load and recreates them after it
    (``reports.bulkload``); "keep" maintains them row by row; "auto" rebuilds when the
    run adds at least as many submissions as the table holds.
    """
    if indexes not in INDEX_MODES:
        raise ValueError(f"indexes must be one of {INDEX_MODES}, not {indexes!r}")
    slug = vn_slugify(name)
    if District.objects.filter(name=name).exists() or District.objects.filter(slug=slug).exists():
        raise ScaleError(f"A district named {name!r} exists already: generate_scale does not run "
                         f"twice on one district. Choose another --name, or start from a fresh "
                         f"database.")
    rng = random.Random(seed)
    stream = stream if stream is not None else sys.stderr
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys are checked batch by batch, not all at the final commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The figures drawn in SQL (insert_product) repeat from one run to the next.
                cursor.execute("SELECT setseed(%s)", [1 / (seed + 1)])
        province_obj, _created = Province.objects.get_or_create(
            name=province, defaults={"slug": vn_slugify(province)})
        district = District.objects.create(name=name, slug=slug, province=province_obj)
        commune_objs = _batched(
            [Commune(district=district, name=f"Xã mô phỏng {i:05d}", slug=f"{slug}-{i:05d}")
             for i in range(1, communes + 1)],
            Commune, batch, Progress(communes, "communes", stream))
        progress = Progress(communes * VILLAGES, "villages", stream)
        for start in range(0, len(commune_objs), batch):
            load_rows(Village, ["commune_id", "name", "code", "is_invented"],
                      [(commune.pk, f"Thôn {n}", "", False)
                       for commune in commune_objs[start:start + batch]
                       for n in range(1, VILLAGES + 1)])
            progress.advance(len(commune_objs[start:start + batch]) * VILLAGES)
        villages = list(Village.objects.filter(commune__district=district).order_by("pk")
                        .values_list("pk", flat=True))

        recognitions, areas = [], []
        for index, commune in enumerate(commune_objs):
            if index % 10:  # nine communes in ten at the standard
                recognitions.append(NtmRecognition(
                    commune=commune, level=NtmLevel.STANDARD, year=year - 1 - index % 5,
                    decision_date=datetime.date(year - 1 - index % 5, 12, 20)))
        for index, village in enumerate(villages):
            if index % 2 == 0:
                recognised = datetime.date(year - 1, 11, 1) if index % 4 == 0 else None
                if recognised is None and index % 8 == 2:
                    recognised = datetime.date(year, 2, 10)
                areas.append(ModelArea(village_id=village, registered_on=datetime.date(year - 2, 3, 1),
                                       building_since=datetime.date(year - 2, 6, 1),
                                       recognised_on=recognised,
                                       decision_number="MP/QĐ" if recognised else ""))
        _batched(recognitions, NtmRecognition, batch,
                 Progress(len(recognitions), "NTM recognitions", stream))
        _batched(areas, ModelArea, batch, Progress(len(areas), "model areas", stream))

        indicators = [i.pk for i in entered_indicators(district) if i.is_required]
        periods = periods_for(year, quarters)
        if not indicators or not any(criteria_set_for(p) for p in periods):
            # A district without figures or assessments would measure nothing, silently.
            # (Raised inside the transaction: nothing of the run is kept.)
            raise ScaleError("No required indicators or no criteria set for these quarters in "
                             "this database: load the catalogue first (python manage.py "
                             "seed_demo --until 2021), then run generate_scale.")
        index_rebuild = None
        if connection.vendor == "postgresql" and indexes != "keep":
            existing = Submission.objects.count()
            if indexes == "rebuild" or communes * quarters >= existing:
                # As many rows as the tables hold or more: building their indexes and
                # checking their keys once after the load beats maintaining them per row.
                index_rebuild = IndexRebuild(BIG_TABLES)
                index_rebuild.drop(stream)
        progress = Progress(communes * len(periods), "submissions, figures, criteria", stream)
        for period in periods:
            criteria_set = criteria_set_for(period)
            criteria = list(criteria_set.all_criteria().values_list("pk", flat=True)) if criteria_set else []
            for start in range(0, len(commune_objs), batch):
                chunk = commune_objs[start:start + batch]
                if connection.vendor == "postgresql":
                    ids = insert_submissions(period, [c.pk for c in chunk], start)
                else:
                    ids = [submission.pk for submission in Submission.objects.bulk_create([
                        Submission(commune=c, period=period,
                                   status=SubmissionStatus.APPROVED if (i + start) % 20
                                   else SubmissionStatus.SUBMITTED,
                                   submitted_late=(i + start) % 17 == 0)
                        for i, c in enumerate(chunk)])]
                if connection.vendor == "postgresql":
                    # Millions of rows: drawn by the database, no Python row at all.
                    insert_product(IndicatorValue, ["submission_id", "indicator_id", "value",
                                                    "comment"],
                                   "floor(random() * 301)::int, ''", ids, indicators)
                    insert_product(CriterionAssessment, ["submission_id", "criterion_id",
                                                         "is_met", "score", "evidence"],
                                   "random() > 0.08, NULL, ''", ids, criteria)
                else:
                    load_rows(IndicatorValue, ["submission_id", "indicator_id", "value", "comment"],
                              [(pk, indicator, rng.randint(0, 300), "")
                               for pk in ids for indicator in indicators])
                    load_rows(CriterionAssessment,
                              ["submission_id", "criterion_id", "is_met", "score", "evidence"],
                              [(pk, criterion, rng.random() > 0.08, None, "")
                               for pk in ids for criterion in criteria])
                progress.advance(len(chunk))
        if index_rebuild is not None:
            index_rebuild.recreate(stream)

        source = District.objects.order_by("pk").first()
        targets = Target.objects.filter(district=source, commune__isnull=True)
        scale = Decimal(communes) / 21
        Target.objects.bulk_create([
            Target(indicator_id=t.indicator_id, year=t.year, district=district,
                   low=(t.low * scale).quantize(Decimal("1")),
                   high=(t.high * scale).quantize(Decimal("1")) if t.high is not None else None,
                   note="Chỉ tiêu mô phỏng")
            for t in targets if t.district_id != district.pk])
        stream.write("roll-ups…")
        stream.flush()
        started = time.perf_counter()
        rows = rollups.rebuild([district.pk])
        stream.write(f" {rows} rows, {time.perf_counter() - started:.1f} s\n")
        stream.write("committing…")
        stream.flush()
        started = time.perf_counter()
    stream.write(f" {time.perf_counter() - started:.1f} s\n")
    if connection.vendor == "postgresql":
        stream.write("updating the planner's statistics (ANALYZE)…")
        stream.flush()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (Commune, Village, ModelArea, NtmRecognition, Submission, IndicatorValue,
                          CriterionAssessment):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        stream.write(f" {time.perf_counter() - started:.1f} s\n")
    data_changed.send(sender=Submission)  # bulk writes send no post_save
    return district
