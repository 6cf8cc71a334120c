"""Bare-SQL references for the PostgreSQL benchmarks (``bench_pg.py``).

Hand-written SQL through ``connection.cursor()`` computing what the project computes,
the cheapest obvious way, with nothing else: no permission checks, no model objects,
no templates. The benchmark runs them beside the project in the same rounds.
"""

import datetime

from django.db import connection

TREND_INDICATOR_CODES = ("ntm-houses-renovated", "ntm-gardens-renovated", "ntm-clean-house-models")


def _quarter_dates(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
           - datetime.timedelta(days=1))
    return start, end


def _previous(year, quarter):
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def dashboard(district_id, year, quarter, trend_quarters):
    """The dashboard's figures for one district and quarter.

    Entered sums (quarter, previous, year to date, cumulative), model area and garden
    counts, NTM levels at two dates with the communes and sponsors, the criteria counts
    and the criteria not met, the submissions (completeness), and the trend over
    ``trend_quarters`` [(year, quarter)] in one grouped query per kind.
    """
    start, end = _quarter_dates(year, quarter)
    prev_year, prev_quarter = _previous(year, quarter)
    prev_start, prev_end = _quarter_dates(prev_year, prev_quarter)
    year_start = datetime.date(year, 1, 1)
    results = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM communes_reportingperiod WHERE year=%s AND quarter=%s",
                       [year, quarter])
        period_id = cursor.fetchone()[0]
        cursor.execute("""
            SELECT iv.indicator_id,
              SUM(iv.value) FILTER (WHERE p.year=%(y)s AND p.quarter=%(q)s),
              SUM(iv.value) FILTER (WHERE p.year=%(py)s AND p.quarter=%(pq)s),
              SUM(iv.value) FILTER (WHERE p.year=%(y)s AND p.quarter<=%(q)s),
              SUM(iv.value),
              AVG(iv.value) FILTER (WHERE p.year=%(y)s AND p.quarter=%(q)s),
              AVG(iv.value) FILTER (WHERE p.year=%(py)s AND p.quarter=%(pq)s)
            FROM criteria_indicatorvalue iv
            JOIN communes_submission s ON s.id = iv.submission_id
            JOIN communes_reportingperiod p ON p.id = s.period_id
            JOIN communes_commune c ON c.id = s.commune_id
            WHERE c.district_id=%(d)s AND s.status='approved'
              AND (p.year < %(y)s OR (p.year=%(y)s AND p.quarter<=%(q)s))
            GROUP BY iv.indicator_id""",
                       {"y": year, "q": quarter, "py": prev_year, "pq": prev_quarter,
                        "d": district_id})
        results["entered"] = cursor.fetchall()
        dates = {"end": end, "pe": prev_end, "start": start, "ps": prev_start, "ys": year_start,
                 "d": district_id}
        cursor.execute("""
            SELECT
              COUNT(*) FILTER (WHERE building_since<=%(end)s AND (recognised_on IS NULL OR
                  recognised_on>%(end)s) AND (lapsed_on IS NULL OR lapsed_on>%(end)s)),
              COUNT(*) FILTER (WHERE building_since<=%(pe)s AND (recognised_on IS NULL OR
                  recognised_on>%(pe)s) AND (lapsed_on IS NULL OR lapsed_on>%(pe)s)),
              COUNT(*) FILTER (WHERE recognised_on BETWEEN %(start)s AND %(end)s),
              COUNT(*) FILTER (WHERE recognised_on BETWEEN %(ps)s AND %(pe)s),
              COUNT(*) FILTER (WHERE recognised_on BETWEEN %(ys)s AND %(end)s),
              COUNT(*) FILTER (WHERE recognised_on<=%(end)s),
              COUNT(*) FILTER (WHERE recognised_on<=%(end)s AND (lapsed_on IS NULL OR
                  lapsed_on>%(end)s)),
              COUNT(*) FILTER (WHERE recognised_on<=%(pe)s AND (lapsed_on IS NULL OR
                  lapsed_on>%(pe)s))
            FROM communes_modelarea a JOIN communes_village v ON v.id=a.village_id
            JOIN communes_commune c ON c.id=v.commune_id WHERE c.district_id=%(d)s""", dates)
        results["areas"] = cursor.fetchall()
        cursor.execute("""
            SELECT COUNT(*) FILTER (WHERE recognised_on BETWEEN %(start)s AND %(end)s),
                   COUNT(*) FILTER (WHERE recognised_on BETWEEN %(ps)s AND %(pe)s),
                   COUNT(*) FILTER (WHERE recognised_on BETWEEN %(ys)s AND %(end)s),
                   COUNT(*) FILTER (WHERE recognised_on<=%(end)s)
            FROM communes_modelgarden g JOIN communes_village v ON v.id=g.village_id
            JOIN communes_commune c ON c.id=v.commune_id WHERE c.district_id=%(d)s""", dates)
        results["gardens"] = cursor.fetchall()
        level = """(SELECT r.level FROM communes_ntmrecognition r WHERE r.commune_id=c.id
              AND (r.decision_date<=%s OR (r.decision_date IS NULL AND r.year<%s))
              ORDER BY r.year DESC, r.decision_date DESC, r.id DESC LIMIT 1)"""
        cursor.execute(f"""
            SELECT c.id, c.name, {level}, {level},
              (SELECT u.name FROM communes_sponsorship sp JOIN communes_sponsoringunit u
                 ON u.id=sp.unit_id WHERE sp.commune_id=c.id AND sp.start_date<=%s
                 AND (sp.end_date IS NULL OR sp.end_date>=%s) ORDER BY sp.id LIMIT 1)
            FROM communes_commune c WHERE c.district_id=%s ORDER BY c.name""",
                       [end, end.year, prev_end, prev_end.year, end, end, district_id])
        results["communes"] = cursor.fetchall()
        cursor.execute("""
            SELECT s.commune_id, COUNT(*) FILTER (WHERE a.is_met), COUNT(*)
            FROM criteria_criterionassessment a JOIN communes_submission s ON s.id=a.submission_id
            JOIN communes_commune c ON c.id=s.commune_id
            WHERE s.period_id=%s AND s.status='approved' AND c.district_id=%s
            GROUP BY s.commune_id""", [period_id, district_id])
        results["criteria_counts"] = cursor.fetchall()
        cursor.execute("""
            SELECT s.commune_id, cr.number, a.is_met FROM criteria_criterionassessment a
            JOIN communes_submission s ON s.id=a.submission_id
            JOIN criteria_criterion cr ON cr.id=a.criterion_id
            JOIN communes_commune c ON c.id=s.commune_id
            WHERE s.period_id=%s AND s.status='approved' AND c.district_id=%s
              AND a.is_met IS NOT TRUE""", [period_id, district_id])
        results["not_met"] = cursor.fetchall()
        cursor.execute("""
            SELECT s.commune_id, s.status, s.submitted_at, s.submitted_late
            FROM communes_submission s JOIN communes_commune c ON c.id=s.commune_id
            WHERE s.period_id=%s AND c.district_id=%s""", [period_id, district_id])
        results["completeness"] = cursor.fetchall()
        results["trend"] = trend(district_id, trend_quarters)
    return results


def year_dashboard(district_id, year, trend_quarters):
    """The dashboard of a whole year (``/reports/<year>/year/``) for one district, and the
    same span of the year before: flows summed over the span's quarters, stocks at its last
    quarter, cumulative figures, registry counts by their dates in either span, then the
    lists of the span's last quarter (levels and sponsors, criteria, completeness) and the
    trend, as ``dashboard`` reads them."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ago_start, ago_end = datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
    results = {}
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT iv.indicator_id,
              SUM(iv.value) FILTER (WHERE p.year=%(y)s),
              SUM(iv.value) FILTER (WHERE p.year=%(y)s AND p.quarter=4),
              SUM(iv.value) FILTER (WHERE p.year=%(a)s),
              SUM(iv.value) FILTER (WHERE p.year=%(a)s AND p.quarter=4),
              SUM(iv.value),
              AVG(iv.value) FILTER (WHERE p.year=%(y)s AND p.quarter=4),
              AVG(iv.value) FILTER (WHERE p.year=%(a)s AND p.quarter=4)
            FROM criteria_indicatorvalue iv
            JOIN communes_submission s ON s.id = iv.submission_id
            JOIN communes_reportingperiod p ON p.id = s.period_id
            JOIN communes_commune c ON c.id = s.commune_id
            WHERE c.district_id=%(d)s AND s.status='approved' AND p.year <= %(y)s
            GROUP BY iv.indicator_id""", {"y": year, "a": year - 1, "d": district_id})
        results["entered"] = cursor.fetchall()
        dates = {"s": start, "e": end, "as": ago_start, "ae": ago_end, "d": district_id}
        cursor.execute("""
            SELECT
              COUNT(*) FILTER (WHERE building_since<=%(e)s AND (recognised_on IS NULL OR
                  recognised_on>%(e)s) AND (lapsed_on IS NULL OR lapsed_on>%(e)s)),
              COUNT(*) FILTER (WHERE building_since<=%(ae)s AND (recognised_on IS NULL OR
                  recognised_on>%(ae)s) AND (lapsed_on IS NULL OR lapsed_on>%(ae)s)),
              COUNT(*) FILTER (WHERE recognised_on BETWEEN %(s)s AND %(e)s),
              COUNT(*) FILTER (WHERE recognised_on BETWEEN %(as)s AND %(ae)s),
              COUNT(*) FILTER (WHERE recognised_on<=%(e)s AND (lapsed_on IS NULL OR
                  lapsed_on>%(e)s)),
              COUNT(*) FILTER (WHERE recognised_on<=%(ae)s AND (lapsed_on IS NULL OR
                  lapsed_on>%(ae)s))
            FROM communes_modelarea a JOIN communes_village v ON v.id=a.village_id
            JOIN communes_commune c ON c.id=v.commune_id WHERE c.district_id=%(d)s""", dates)
        results["areas"] = cursor.fetchall()
        cursor.execute("""
            SELECT COUNT(*) FILTER (WHERE recognised_on BETWEEN %(s)s AND %(e)s),
                   COUNT(*) FILTER (WHERE recognised_on BETWEEN %(as)s AND %(ae)s),
                   COUNT(*) FILTER (WHERE recognised_on<=%(e)s)
            FROM communes_modelgarden g JOIN communes_village v ON v.id=g.village_id
            JOIN communes_commune c ON c.id=v.commune_id WHERE c.district_id=%(d)s""", dates)
        results["gardens"] = cursor.fetchall()
    # The lists and the trend are those of the span's last quarter.
    last = dashboard(district_id, year, 4, trend_quarters)
    for key in ("communes", "criteria_counts", "not_met", "completeness", "trend"):
        results[key] = last[key]
    return results


def trend(district_id, quarters):
    """Quarter sums of the charted entered indicators and of the new model areas and
    gardens, for every (year, quarter) in ``quarters``: one grouped query per kind."""
    years = sorted({y for y, _q in quarters})
    wanted = set(quarters)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT p.year, p.quarter, iv.indicator_id, SUM(iv.value)
            FROM criteria_indicatorvalue iv
            JOIN communes_submission s ON s.id = iv.submission_id
            JOIN communes_reportingperiod p ON p.id = s.period_id
            JOIN communes_commune c ON c.id = s.commune_id
            JOIN criteria_indicator i ON i.id = iv.indicator_id
            WHERE c.district_id=%s AND s.status='approved' AND p.year IN ({", ".join(["%s"] * len(years))})
              AND i.code IN ({", ".join(["%s"] * len(TREND_INDICATOR_CODES))})
            GROUP BY p.year, p.quarter, iv.indicator_id""",
                       [district_id, *years, *TREND_INDICATOR_CODES])
        entered = [row for row in cursor.fetchall() if (row[0], row[1]) in wanted]
        spans = [_quarter_dates(y, q) for y, q in quarters]
        counts = ", ".join(
            f"COUNT(*) FILTER (WHERE recognised_on BETWEEN '{s}' AND '{e}')" for s, e in spans)
        registries = []
        for table in ("communes_modelarea", "communes_modelgarden"):
            cursor.execute(f"""
                SELECT {counts} FROM {table} a JOIN communes_village v ON v.id=a.village_id
                JOIN communes_commune c ON c.id=v.commune_id WHERE c.district_id=%s""",
                           [district_id])
            registries.append(cursor.fetchone())
    return entered, registries


def save_figures(submission_id, version, rows, user_id):
    """The save of one form: claim the version, read the current values, one upsert
    (INSERT … ON CONFLICT DO UPDATE) of ``rows`` [(indicator_id, value, comment)] and
    one insert of their history rows."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE communes_submission SET version=version+1, updated_at=now() "
                       "WHERE id=%s AND version=%s", [submission_id, version])
        assert cursor.rowcount == 1
        cursor.execute("SELECT indicator_id, value, comment FROM criteria_indicatorvalue "
                       "WHERE submission_id=%s", [submission_id])
        cursor.fetchall()
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        params = [p for indicator_id, value, comment in rows
                  for p in (submission_id, indicator_id, value, comment)]
        cursor.execute(f"""
            INSERT INTO criteria_indicatorvalue (submission_id, indicator_id, value, comment)
            VALUES {values} ON CONFLICT (submission_id, indicator_id)
            DO UPDATE SET value=EXCLUDED.value, comment=EXCLUDED.comment
            RETURNING id, submission_id, indicator_id, value, comment""", params)
        written = cursor.fetchall()
        history = ", ".join(["(%s, %s, %s, %s, %s, now(), '~', %s, '')"] * len(written))
        cursor.execute(f"""
            INSERT INTO criteria_historicalindicatorvalue
              (id, submission_id, indicator_id, value, comment, history_date, history_type,
               history_user_id, history_change_reason)
            VALUES {history}""", [p for row in written for p in (*row, user_id)])
