"""Which reporting period a page speaks of when none is named.

And a steering unit's own terms for a period (``period_terms``: its deadline, grace days
and back-fill, else the period's), with the one door that sets them (``save_unit_period``).

Two meanings of "the period", each one function:

- ``current_period(user)``: the period that reports, dashboards and home cards show by
  default: the latest one with approved reports in the user's scope (for district staff,
  who review them, submitted reports count too). A draft, let alone a page being opened,
  never moves it.
- ``entry_period()``: the quarter commune officers are entering now: the latest period
  whose year has begun.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import SubmissionStatus
from .models import ReportingPeriod, Submission, UnitPeriodSetting
from .scoping import CHANGE, is_district_staff
from .signals import data_changed
from .versioning import StaleEdit, claim_versions


def entry_period(today=None):
    """The quarter being entered now: the latest period whose year has begun."""
    today = today or timezone.localdate()
    return (ReportingPeriod.objects.filter(year__lte=today.year).order_by("-year", "-quarter")
            .first())


def current_period(user, today=None):
    """The latest period with approved reports in ``user``'s scope (staff: or submitted).

    Falls back on ``entry_period`` when nothing was approved yet (a new district).
    """
    statuses = [SubmissionStatus.APPROVED]
    if is_district_staff(user):
        statuses.append(SubmissionStatus.SUBMITTED)
    latest = (Submission.objects.restrict(user).filter(status__in=statuses)
              .order_by("-period__year", "-period__quarter").values_list("period_id", flat=True)
              .first())
    if latest is not None:
        return ReportingPeriod.objects.get(pk=latest)
    return entry_period(today)


# --- A steering unit's terms for a period ------------------------------------------------


@dataclass(frozen=True)
class PeriodTerms:
    """The entry deadline, grace days and back-fill of one period for one unit: the
    unit's own setting where it has one, else the period's."""

    period: ReportingPeriod
    entry_deadline: datetime.date
    grace_days: int
    is_backfill: bool
    setting: UnitPeriodSetting | None = None

    @property
    def lock_date(self):
        """The first day on which drafts are locked."""
        return self.entry_deadline + datetime.timedelta(days=self.grace_days + 1)

    def is_locked_on(self, on_date=None):
        return (on_date or timezone.localdate()) >= self.lock_date

    def days_left(self, on_date=None):
        return (self.entry_deadline - (on_date or timezone.localdate())).days

    @property
    def is_own(self):
        """Whether the unit set any term of its own."""
        return self.setting is not None and any(
            value is not None for value in (self.setting.entry_deadline,
                                            self.setting.grace_days, self.setting.is_backfill))


def _settings_of(period):
    """Every unit's setting of ``period``, read once per period object ({district id: row})."""
    cached = period.__dict__.get("_unit_settings")
    if cached is None:
        rows = getattr(period, "_prefetched_objects_cache", {}).get("unit_settings")
        if rows is None:  # not prefetched (``prefetch_related("unit_settings")``)
            rows = UnitPeriodSetting.objects.filter(period=period)
        cached = {s.district_id: s for s in rows}
        period.__dict__["_unit_settings"] = cached
    return cached


def prime_terms(periods):
    """Read the units' settings of several periods in one query (lists of periods)."""
    periods = [p for p in periods if "_unit_settings" not in p.__dict__]
    by_period = {p.pk: {} for p in periods}
    for s in UnitPeriodSetting.objects.filter(period__in=periods):
        by_period[s.period_id][s.district_id] = s
    for period in periods:
        period.__dict__["_unit_settings"] = by_period[period.pk]


def period_terms(period, district_id):
    """The one answer to "when is ``period`` due, locked, back-filled for this unit?".

    ``district_id`` is the commune's district (the steering unit whose choices apply).
    One query per period object, whatever the number of units or calls
    (``prime_terms`` reads several periods at once).
    """
    setting = _settings_of(period).get(district_id) if district_id else None

    def pick(name):
        own = getattr(setting, name, None) if setting is not None else None
        return getattr(period, name) if own is None else own

    return PeriodTerms(period, pick("entry_deadline"), pick("grace_days"),
                       bool(pick("is_backfill")), setting)


def submission_terms(submission, district_id=None):
    """``period_terms`` of a submission's period for its commune's district."""
    if district_id is None:
        district_id = submission.commune.district_id
    return period_terms(submission.period, district_id)


def user_district_id(user):
    """The district whose terms a user lives by: its own, or its commune's (officers);
    ``None`` for province accounts and administrators (the period's own terms)."""
    if user is None or not user.is_authenticated:
        return None
    if user.district_id:
        return user.district_id
    if user.commune_id:
        return user.commune.district_id
    return None


def check_unit_staff(user, district):
    """Raise ``PermissionDenied`` unless ``user`` is staff of the unit over ``district``
    (or an administrator): who may change a unit's choices, targets and periods."""
    from .models import District

    if district is None or not District.objects.restrict(user, CHANGE).filter(
            pk=district.pk).exists():
        raise PermissionDenied(_("Only the staff of %(unit)s change its settings.")
                               % {"unit": getattr(district, "name", "–")})


def save_unit_period(user, district, period, entry_deadline, grace_days, is_backfill,
                     expected_version):
    """Set a unit's deadline, grace days and back-fill of ``period``: the one door.

    ``None`` keeps the period's value. Permission: staff of the unit. A form loaded at
    another version (0: no setting yet) is stale: ``StaleEdit``, nothing written.
    Validation: a deadline after the quarter began; back-fill only for a quarter that
    has ended. Returns the setting (with its history, the acting user).
    """
    check_unit_staff(user, district)
    # A value equal to the period's is no choice of the unit: it follows the period.
    if entry_deadline == period.entry_deadline:
        entry_deadline = None
    if grace_days == period.grace_days:
        grace_days = None
    if is_backfill == period.is_backfill:
        is_backfill = None
    errors = {}
    if entry_deadline is not None and entry_deadline < period.start_date:
        errors["entry_deadline"] = _("The deadline cannot be before the quarter begins.")
    if grace_days is not None and not 0 <= grace_days <= MAX_GRACE_DAYS:
        errors["grace_days"] = _("Grace days lie between 0 and %(max)s.") % {
            "max": MAX_GRACE_DAYS}
    if is_backfill and period.end_date >= timezone.localdate():
        errors["is_backfill"] = _("Only a quarter that has ended can be back-filled.")
    if errors:
        raise ValidationError(errors)
    stale = _("Someone else changed this unit's terms for %(period)s after you opened the "
              "page. Nothing of yours was saved: the page now shows their choice.") % {
        "period": period.label}
    with transaction.atomic():
        setting = UnitPeriodSetting.objects.filter(district=district, period=period).first()
        if setting is None:
            if expected_version != 0:
                raise StaleEdit(stale)
            setting = UnitPeriodSetting(district=district, period=period)
            try:
                with transaction.atomic():
                    _write_setting(setting, user, entry_deadline, grace_days, is_backfill)
            except IntegrityError:
                raise StaleEdit(stale) from None
        else:
            claim_versions(UnitPeriodSetting, [(setting, expected_version)], stale)
            _write_setting(setting, user, entry_deadline, grace_days, is_backfill)
    period.__dict__.pop("_unit_settings", None)
    data_changed.send(sender=UnitPeriodSetting)
    return setting


MAX_GRACE_DAYS = 90


def _write_setting(setting, user, entry_deadline, grace_days, is_backfill):
    setting.entry_deadline = entry_deadline
    setting.grace_days = grace_days
    setting.is_backfill = is_backfill
    setting._history_user = user
    setting.save()
