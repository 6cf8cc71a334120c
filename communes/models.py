"""Administrative units, sponsoring units, users' roles, reporting periods."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ntm_portal import quarters
from ntm_portal.formats import quarter_label, vn_slugify

from .choices import (CommuneKind, GardenLevel, ModelAreaStatus, NoticeKind, NtmLevel, Role,
                      SubmissionStatus, WorkflowAction)
from .scoping import ScopedQuerySet


class ValidityMixin(models.Model):
    """Validity dates and predecessors, so that merged units keep their history."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})

    def is_valid_on(self, on_date):
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or self.valid_to >= on_date
        )


class SlugFromNameMixin(models.Model):
    """A unit whose address slug, left empty, is made from its Vietnamese name."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vn_slugify(self.name)
        super().save(*args, **kwargs)


class Province(SlugFromNameMixin):
    """A province (tỉnh): a steering unit above its districts and their communes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    code = models.CharField(_("official code"), max_length=10, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_province_path = "pk"
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""),
                                    name="province_code_unique")
        ]

    def __str__(self):
        return self.name



# Local government has two tiers from this day: districts are gone, communes were merged.
REFORM_DATE = datetime.date(2025, 7, 1)


class District(SlugFromNameMixin, ValidityMixin):
    """A district (huyện): a steering unit whose committee runs the programmes.

    A record valid from the reform of 1 July 2025 on is not a district (there are none
    since): it is the province's steering unit, under which the new communes hang
    (``communes.units.reform_district``); ``is_province_level`` says so, and every name the
    portal writes for the unit (``communes.context.unit_label``) follows it.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    code = models.CharField(_("official code"), max_length=10, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors",
        verbose_name=_("predecessors"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "pk"
    history = HistoricalRecords()

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], condition=~Q(code=""), name="district_code_unique"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_province_level(self):
        return self.valid_from is not None and self.valid_from >= REFORM_DATE


class CommuneQuerySet(ScopedQuerySet):
    def with_level(self, on_date=None, name="level", year=True):
        """Annotate ``level`` and ``level_year`` from the latest recognition on ``on_date``.

        ``name`` renames the annotations, to read the levels on two dates in one query.
        ``year=False`` leaves ``level_year`` out: counts that aggregate over the annotated
        rows would otherwise run its subquery for every commune too.
        """
        latest = NtmRecognition.objects.filter(commune=OuterRef("pk"))
        if on_date:
            latest = latest.filter(NtmRecognition.in_force_q(on_date))
        latest = latest.order_by("-year", "-decision_date", "-pk")
        annotations = {name: Subquery(latest.values("level")[:1])}
        if year:
            annotations[f"{name}_year"] = Subquery(latest.values("year")[:1])
        return self.annotate(**annotations)

    def with_sponsor(self, on_date=None):
        """Annotate ``sponsor_name`` with the name of a sponsoring unit active on ``on_date``."""
        active = Sponsorship.objects.active(on_date).filter(commune=OuterRef("pk")).order_by("pk")
        return self.annotate(sponsor_name=Subquery(active.values("unit__name")[:1]))


class Commune(SlugFromNameMixin, ValidityMixin):
    """A commune-level unit (xã, thị trấn or phường) that reports to the district."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="communes", verbose_name=_("district")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CommuneKind.choices, default=CommuneKind.COMMUNE
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("Used in addresses; Vietnamese marks dropped and đ written as d."),
    )
    code = models.CharField(_("official code"), max_length=10, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors",
        verbose_name=_("predecessors"),
        help_text=_("Units merged into this one; their history stays under their own names."),
    )
    officers_see_predecessors = models.BooleanField(
        _("officers read the predecessors' history"), default=False,
        help_text=_("The officers of this unit may read (never change) the reports and pages "
                    "of the units merged into it."),
    )
    absent_predecessors = models.TextField(
        _("former units not held in the portal"), blank=True,
        help_text=_("Former units merged into this one whose reports the portal never held: "
                    "the history shown is partial."),
    )

    objects = CommuneQuerySet.as_manager()
    scope_commune_path = "pk"
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            # Per district: after the reform of 2025 a new commune may carry the code of a
            # former one (the new list reuses codes), under its province's new record.
            models.UniqueConstraint(
                fields=["district", "code"], condition=~Q(code=""), name="commune_code_unique"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communes:detail", args=[self.slug])


    def current_recognition(self, on_date=None):
        qs = self.recognitions.all()
        if on_date:
            qs = qs.filter(NtmRecognition.in_force_q(on_date))
        return qs.order_by("-year", "-decision_date", "-pk").first()

    def level_on(self, on_date=None):
        recognition = self.current_recognition(on_date)
        return NtmLevel(recognition.level) if recognition else NtmLevel.NOT_YET


class Village(ValidityMixin):
    """A village or hamlet (thôn, xóm) of a commune."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"), max_length=20, blank=True,
        help_text=_("The commune's own code of the village, if it has one; a registry workbook "
                    "matches villages by it."))
    is_invented = models.BooleanField(
        _("invented (demo data)"), default=False,
        help_text=_("Demo data: the name is invented, not taken from an official list."),
    )
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors",
        verbose_name=_("predecessors"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="village_name_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.commune})"


class NtmRecognition(models.Model):
    """A decision that recognises a commune at an NTM level; the latest one is its level."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="recognitions", verbose_name=_("commune")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=NtmLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "-year", "-decision_date"]
        verbose_name = _("NTM recognition")
        verbose_name_plural = _("NTM recognitions")

    def __str__(self):
        return f"{self.commune}: {self.get_level_display()} ({self.year})"

    @staticmethod
    def in_force_q(on_date):
        """Recognitions decided by ``on_date`` (undated ones count from the next year)."""
        return Q(decision_date__lte=on_date) | Q(decision_date__isnull=True, year__lt=on_date.year)

    def clean(self):
        if self.decision_date and self.decision_date.year != self.year:
            raise ValidationError(
                {"decision_date": _("The decision date must fall in the year of recognition.")}
            )


class CommuneGroup(models.Model):
    """A working group of communes for a year, such as the "group of 11" consolidating."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    communes = models.ManyToManyField(
        Commune, related_name="groups", blank=True, verbose_name=_("communes")
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("commune group")
        verbose_name_plural = _("commune groups")
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="group_unique")]

    def __str__(self):
        return f"{self.name} ({self.year})"


class SponsoringUnit(models.Model):
    """A district or provincial body that sponsors (đỡ đầu) communes short of a target."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsoring unit")
        verbose_name_plural = _("sponsoring units")

    def __str__(self):
        return self.name


class SponsorshipQuerySet(ScopedQuerySet):
    def active(self, on_date=None):
        on_date = on_date or timezone.localdate()
        return self.filter(start_date__lte=on_date).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on_date)
        )


class Sponsorship(models.Model):
    """A sponsoring unit assigned to a commune for a date range."""

    unit = models.ForeignKey(
        SponsoringUnit, on_delete=models.CASCADE, related_name="sponsorships",
        verbose_name=_("sponsoring unit"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("commune")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)

    objects = SponsorshipQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "-start_date"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")

    def __str__(self):
        return f"{self.unit} → {self.commune}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class ReportingPeriod(models.Model):
    """A quarter of a year with its entry deadline and grace days.

    These are the defaults: a steering unit may set its own (``UnitPeriodSetting``), so
    lateness and locks read ``communes.periods.period_terms``, never these fields.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(q, q) for q in (1, 2, 3, 4)]
    )
    entry_deadline = models.DateField(_("entry deadline"))
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"), default=5,
        help_text=_("Days after the deadline before drafts lock and are marked late."),
    )
    is_backfill = models.BooleanField(
        _("back-filled"), default=False,
        help_text=_("A past quarter opened by staff to enter its results after the fact: its "
                    "submissions are never late and may leave the criteria assessment empty."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "quarter"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="period_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_range"
            ),
        ]

    def __str__(self):
        return quarter_label(self.year, self.quarter)

    @property
    def label(self):
        return quarter_label(self.year, self.quarter)

    @property
    def start_date(self):
        return quarters.start(self.year, self.quarter)

    @property
    def end_date(self):
        return quarters.end(self.year, self.quarter)

    def previous(self):
        year, quarter = quarters.previous(self.year, self.quarter)
        return ReportingPeriod.objects.filter(year=year, quarter=quarter).first()

    @classmethod
    def containing(cls, day):
        """The period whose quarter holds ``day``, if it exists."""
        year, quarter = quarters.quarter_of(day)
        return cls.objects.filter(year=year, quarter=quarter).first()

    @classmethod
    def default_deadline(cls, year, quarter):
        """Results are due ten days after the quarter ends (local practice, editable)."""
        return quarters.end(year, quarter) + datetime.timedelta(days=10)


class UnitPeriodSetting(models.Model):
    """A steering unit's own terms for one period, overriding the period's: its entry
    deadline, grace days, and whether it opened the (past) period for back-filling.
    An empty field keeps the period's value. Read through ``communes.periods.period_terms``
    only; written by ``communes.periods.save_unit_period``.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="period_settings",
        verbose_name=_("district"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="unit_settings",
        verbose_name=_("reporting period"),
    )
    entry_deadline = models.DateField(_("entry deadline"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), null=True, blank=True)
    is_backfill = models.BooleanField(_("back-filled"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "district"
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "period"]
        verbose_name = _("unit's period setting")
        verbose_name_plural = _("units' period settings")
        constraints = [
            models.UniqueConstraint(fields=["district", "period"], name="unit_period_unique"),
        ]

    def __str__(self):
        return f"{self.district}: {self.period}"


class User(AbstractUser):
    """A portal user with one role and the steering unit (district or province) it works in.

    Staff, committee members and sponsors belong to one steering unit (``district`` or
    ``province``); officers to a commune; administrators to none (they see everything).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COMMITTEE)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="officers",
        verbose_name=_("commune"), help_text=_("Required for commune officers."),
    )
    sponsoring_unit = models.ForeignKey(
        SponsoringUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("sponsoring unit"), help_text=_("Required for sponsoring unit members."),
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when staff reset the password: the next sign-in asks for a new one."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Raised by "log out everywhere": every session signed with the old value ends.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("steering unit: district"),
        help_text=_("For staff, committee members and sponsors of a district's steering unit."),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("steering unit: province"),
        help_text=_("For staff and committee members of a province's steering unit."),
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password; the epoch is added once it has been raised, so
        # that sessions signed before this field existed stay valid.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "communes.User.session_auth_hash", f"{self.password}#{self.session_epoch}",
            secret=secret, algorithm="sha256",
        ).hexdigest()

    def save(self, *args, **kwargs):
        """Staff status and back-office permissions follow the role (``communes.roles``)."""
        from .roles import apply_role, staff_flag

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"role", "is_superuser"} & set(update_fields):
            return super().save(*args, **kwargs)
        self.is_staff = staff_flag(self)
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"is_staff"}
        super().save(*args, **kwargs)
        apply_role(self)

    def clean(self):
        super().clean()
        if self.role == Role.OFFICER and not self.commune_id:
            raise ValidationError({"commune": _("A commune officer must have a commune.")})
        if self.role == Role.SPONSOR and not self.sponsoring_unit_id:
            raise ValidationError(
                {"sponsoring_unit": _("A sponsoring unit member must have a sponsoring unit.")}
            )
        if self.district_id and self.province_id:
            raise ValidationError(
                {"province": _("An account belongs to one steering unit: a district or a province.")})
        if self.role in UNIT_ROLES and not (self.district_id or self.province_id):
            raise ValidationError(
                {"district": _("Staff, committee members and sponsors need a steering unit.")})

    @property
    def unit(self):
        """The steering unit (District or Province) the account belongs to, if any."""
        return self.district or self.province


UNIT_ROLES = (Role.STAFF, Role.COMMITTEE, Role.SPONSOR)


# The dates of a registry record, in the order of its lifecycle (gardens have no
# "being built" step). Forms, the dated rules and the checks below all read this list.
REGISTRY_DATE_FIELDS = ("registered_on", "building_since", "recognised_on", "lapsed_on")


def registry_date_fields(model):
    """The lifecycle dates ``model`` has, in order."""
    names = {f.name for f in model._meta.get_fields()}
    return [name for name in REGISTRY_DATE_FIELDS if name in names]


def check_registry_dates(record):
    """The dates of a registry record follow its lifecycle and none lies in the future."""
    today = timezone.localdate()
    errors = {}
    previous = None
    for name in registry_date_fields(type(record)):
        value = getattr(record, name)
        if value is None:
            continue
        if value > today:
            errors[name] = _("This date is in the future.")
        elif previous is not None and value < previous:
            errors[name] = _("This date is before the previous step of the record.")
        previous = value
    if record.recognised_on and not record.decision_number:
        errors["decision_number"] = _("A recognition needs the number of its decision.")
    if record.lapsed_on and not record.recognised_on:
        errors["lapsed_on"] = _("Only a recognised record can lapse.")
    if errors:
        raise ValidationError(errors)


class Submission(models.Model):
    """A commune's quarterly report for one period: figures, criteria, poverty, texts.

    Its status moves only through ``communes.workflow``. ``version`` grows with every
    save of any part of the submission, so that a save from a stale form is refused.
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("commune")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="submissions",
        verbose_name=_("reporting period"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_late = models.BooleanField(_("submitted late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "commune"]
        verbose_name = _("quarterly submission")
        verbose_name_plural = _("quarterly submissions")
        constraints = [
            models.UniqueConstraint(fields=["commune", "period"], name="submission_unique")
        ]
        # The dashboards read a period's submissions by status (the unique constraint
        # above serves lookups by commune first).
        indexes = [models.Index(fields=["period", "status", "commune"],
                                name="submission_period_status")]

    def __str__(self):
        return f"{self.commune} – {self.period}"

    def get_absolute_url(self):
        return reverse("criteria:submission", kwargs={
            "slug": self.commune.slug, "year": self.period.year, "quarter": self.period.quarter})


class SubmissionEvent(models.Model):
    """One workflow transition of a submission: who, when, from which status, and why."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    action = models.CharField(_("action"), max_length=10, choices=WorkflowAction.choices)
    from_status = models.CharField(
        _("from status"), max_length=12, choices=SubmissionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=12, choices=SubmissionStatus.choices)
    user = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "submission__commune"

    class Meta:
        ordering = ["submission", "at", "pk"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self):
        return f"{self.submission}: {self.get_action_display()}"


def recognised_q(on_date):
    """Registry records that count as recognised on ``on_date``."""
    return Q(recognised_on__lte=on_date) & (Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=on_date))


def recognised_between_q(start, end):
    return Q(recognised_on__gte=start, recognised_on__lte=end)


def building_q(on_date):
    """Model areas being built on ``on_date``: started, not yet recognised, not dropped."""
    return (Q(building_since__lte=on_date)
            & (Q(recognised_on__isnull=True) | Q(recognised_on__gt=on_date))
            & (Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=on_date)))


class RegistryRecordMixin(models.Model):
    """Status of a dated registry record on a day, and the checks of its dates."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_registry_dates(self)

    def status_on(self, on_date=None):
        on_date = on_date or timezone.localdate()
        if self.lapsed_on and self.lapsed_on <= on_date:
            return ModelAreaStatus.LAPSED
        if self.recognised_on and self.recognised_on <= on_date:
            return ModelAreaStatus.RECOGNISED
        if getattr(self, "building_since", None) and self.building_since <= on_date:
            return ModelAreaStatus.BUILDING
        return ModelAreaStatus.REGISTERED

    def get_status_display(self):
        return ModelAreaStatus(self.status_on()).label


class ModelArea(RegistryRecordMixin):
    """A village's path to a model residential area (khu dân cư NTM kiểu mẫu), with dates.

    registered → being built → recognised (decision number and date); recognition can
    lapse on re-inspection. A lapsed village starts a new record to try again. Counts
    per quarter come from these dates (the Q builders above, used by
    ``criteria.aggregates``).
    """

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="model_areas", verbose_name=_("village")
    )
    registered_on = models.DateField(_("registered on"))
    building_since = models.DateField(_("being built since"), null=True, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    lapsed_on = models.DateField(_("recognition lapsed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "village__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["village__commune", "village__name", "-registered_on"]
        verbose_name = _("model residential area")
        verbose_name_plural = _("model residential areas")
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=Q(lapsed_on__isnull=True),
                name="model_area_one_open_per_village",
            )
        ]

    def __str__(self):
        return f"{self.village.name}: {self.get_status_display()}"

    @property
    def status(self):
        return self.status_on()


class ModelGarden(RegistryRecordMixin):
    """A household's model garden (vườn mẫu), recognised at district or province level."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="model_gardens", verbose_name=_("village")
    )
    household = models.CharField(_("household"), max_length=150)
    level = models.CharField(
        _("level"), max_length=10, choices=GardenLevel.choices, default=GardenLevel.DISTRICT
    )
    registered_on = models.DateField(_("registered on"))
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    lapsed_on = models.DateField(_("recognition lapsed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "village__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["village__commune", "village__name", "household"]
        verbose_name = _("model garden")
        verbose_name_plural = _("model gardens")

    def __str__(self):
        return f"{self.household} ({self.village.name})"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A key for scripts using the API on behalf of a user; only its SHA-256 hash is stored.

    The key is shown once, when it is created (``communes.tokens.create_token``); the
    prefix stays visible so that its owner can tell tokens apart. Revoked tokens are
    kept, marked, for the record.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self):
        return reverse("profile")


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """A message for one user: a reminder or an event, shown under the bell and maybe e-mailed.

    ``key`` names the object and the occasion (``event:17``, ``period:3``, ``task:5:due:2021-06-30``);
    one notice per (user, kind, key), so that ``send_notifications`` run twice sends nothing
    twice (see ``communes.notifications``).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    key = models.CharField(_("occasion"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_due = models.BooleanField(_("to be e-mailed"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="notice_once")
        ]

    def __str__(self):
        return self.title


class NoticePreference(models.Model):
    """Whether a user receives one kind of notice by e-mail (absent: yes). Notices always
    show in the portal."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notice_preferences", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    by_email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_unique")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind}"

class CreationClaim(models.Model):
    """A one-time key of a create form or API call, claimed once (``communes.idempotency``).

    The unique key makes a second post of the same form (double click, retry, two
    concurrent requests) find the object the first one created instead of creating
    another.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE,
                                     null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("creation claim")
        verbose_name_plural = _("creation claims")

    def __str__(self):
        return self.key

    @property
    def target(self):
        if self.content_type_id is None:
            return None
        return self.content_type.get_object_for_this_type(pk=self.object_id)
