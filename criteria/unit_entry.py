"""Figures a district's staff enter for the whole district: the one door for them.

Indicators whose source is "entered by district staff" (the district's own criteria met,
for instance) have no commune: the district's staff type them once per quarter into a
``DistrictReport``. The web page (``criteria.unit_figure_views``) and the API
(``criteria.api.views.DistrictFiguresView``) both read the input through
``DistrictFiguresForm`` and save through ``save_district_figures``, which checks who,
the lock and the figures (``criteria.validation.check_number``), claims the report's
version and writes the values with their history (``entry.upsert_with_history``).
The district's figures are locked when the period locks (deadline plus grace days).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import District
from communes.periods import period_terms
from communes.scoping import CHANGE, is_district_staff
from communes.versioning import StaleEdit, claim_versions
from communes.workflow import WorkflowError
from ntm_portal.formats import format_date
from ntm_portal.forms import COMMENT_MAX, text_errors

from .choices import IndicatorSource
from .entry import upsert_with_history
from .models import DistrictReport, DistrictValue, Indicator
from .validation import Checked, check_number


def district_indicators():
    """The active indicators entered by district staff, in catalogue order."""
    return list(Indicator.objects.filter(is_active=True, source=IndicatorSource.DISTRICT)
                .order_by("position", "code"))


def report_for(district, period):
    """The district's report of the period, or an unsaved one (version 0) if none yet."""
    report = DistrictReport.objects.filter(district=district, period=period).first()
    return report or DistrictReport(district=district, period=period)


@dataclass
class DistrictLock:
    locked: bool
    reason: str = ""


def district_lock(period, district, today=None):
    """The district's figures of ``period`` are locked once the period locks for the
    district's unit (its own deadline and grace days: ``communes.periods.period_terms``)."""
    terms = period_terms(period, district.pk)
    if terms.is_locked_on(today or timezone.localdate()):
        return DistrictLock(True, _(
            "%(period)s locked on %(date)s (entry deadline %(deadline)s plus %(days)s grace "
            "days): the district's figures can no longer be changed.") % {
            "period": period.label, "date": format_date(terms.lock_date),
            "deadline": format_date(terms.entry_deadline), "days": terms.grace_days})
    return DistrictLock(False)


def check_can_edit_district(user, district, period, today=None):
    """Raise ``WorkflowError`` unless ``user`` may change the district's figures now:
    staff of the district's unit, while the period is open."""
    if not is_district_staff(user) or not District.objects.restrict(user, CHANGE).filter(
            pk=district.pk).exists():
        raise WorkflowError(_("Only the district's staff enter the district's figures."))
    lock = district_lock(period, district, today)
    if lock.locked:
        raise WorkflowError(lock.reason)


def check_district_figures(indicators, inputs):
    """{indicator_id: Checked} for the typed {indicator_id: (raw value, comment)}."""
    checked = {}
    for indicator in indicators:
        raw, comment = inputs.get(indicator.pk, ("", ""))
        value, errors = check_number(indicator, raw)
        errors += text_errors(comment, COMMENT_MAX)
        checked[indicator.pk] = Checked(raw=raw, value=value, comment=(comment or "").strip(),
                                        errors=errors)
    return checked


def save_district_figures(report, user, indicators, inputs, expected_version):
    """Check and save the district's figures, all or nothing.

    Returns {indicator_id: Checked}; nothing is written when any has errors. Raises
    ``WorkflowError`` (who, lock) and ``StaleEdit`` (the page was loaded before
    someone else saved).
    """
    check_can_edit_district(user, report.district, report.period)
    checked = check_district_figures(indicators, inputs)
    if any(c.errors for c in checked.values()):
        return checked
    stale = _("Someone saved the district's figures after you opened them; "
              "reload the page and enter your changes again.")
    with transaction.atomic():
        if report.pk is None:
            report, _created = DistrictReport.objects.get_or_create(
                district=report.district, period=report.period)
        claim_versions(DistrictReport, [(report, expected_version)], stale,
                       updated_at=timezone.now(), updated_by=user)
        existing = {v.indicator_id: v for v in DistrictValue.objects.filter(
            report=report, indicator__in=indicators)}
        created, changed = [], []
        for indicator in indicators:
            c = checked[indicator.pk]
            row = existing.get(indicator.pk)
            if row is None:
                if c.value is not None or c.comment:
                    created.append(DistrictValue(report=report, indicator=indicator,
                                                 value=c.value, comment=c.comment))
            elif (row.value, row.comment) != (c.value, c.comment):
                row.value, row.comment = c.value, c.comment
                changed.append(row)
        upsert_with_history(DistrictValue, created, changed, ["report", "indicator"],
                            ["value", "comment"], user)
    return checked


__all__ = ["StaleEdit", "WorkflowError", "save_district_figures", "check_can_edit_district",
           "district_lock", "report_for", "district_indicators"]
