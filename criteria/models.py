"""Criteria sets and their indicators; the catalogue of quarterly indicators; targets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from django.conf import settings
from django.utils import timezone

from communes.computations import choices as computation_choices
from communes.models import Commune, District, ReportingPeriod, SponsoringUnit, Submission
from communes.scoping import VIEW, ScopedQuerySet, commune_scope, is_district_reader, unit_q

from .choices import (
    Aggregation,
    CommuneGroup2026,
    CriterionGroup,
    IndicatorKind,
    IndicatorSource,
    Programme,
    SetLevel,
    TaskOwnerKind,
    TaskStatus,
    ThresholdDirection,
)


class BilingualNameMixin(models.Model):
    """Catalogue data carries a Vietnamese and an English name; ``name`` picks by language."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self):
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi


class CriteriaSet(models.Model):
    """A versioned set of criteria (e.g. Decision 318/QĐ-TTg for 2021–2025 communes)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=SetLevel.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="extensions",
        verbose_name=_("extends"),
        help_text=_("A provincial set that adds local criteria to a national one."),
    )
    thresholds_by_group = models.BooleanField(
        _("thresholds by commune group"), default=False,
        help_text=_("Checked when each indicator's threshold depends on the commune's group "
                    "(the 2026–2030 set); the indicator's own threshold is then not used."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "-valid_from"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A set cannot extend itself.")})

    @classmethod
    def in_force(cls, level, on_date):
        """The set of ``level`` in force on ``on_date``; a provincial extension wins."""
        candidates = cls.objects.filter(level=level, valid_from__lte=on_date).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
        )
        return candidates.order_by(models.F("parent").desc(nulls_last=True), "-valid_from").first()

    def all_criteria(self):
        """The criteria of this set and of the set it extends, by number."""
        set_ids = [self.pk] + ([self.parent_id] if self.parent_id else [])
        return Criterion.objects.filter(criteria_set_id__in=set_ids).order_by("number")


class Criterion(BilingualNameMixin):
    """One numbered criterion of a set (e.g. 5 Schools)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria",
        verbose_name=_("criteria set"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    group = models.CharField(_("group"), max_length=5, choices=CriterionGroup.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["criteria_set", "number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="criterion_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class CriterionIndicator(models.Model):
    """A sub-indicator of a criterion (code X.Y) with its requirement and threshold."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("criterion")
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    requirement = models.TextField(_("requirement"), blank=True)
    threshold = models.DecimalField(
        _("threshold"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Empty when the requirement is not a number (then no gap is computed)."),
    )
    direction = models.CharField(
        _("direction"), max_length=3, choices=ThresholdDirection.choices,
        default=ThresholdDirection.AT_LEAST,
        help_text=_("Whether a value meets the threshold from above (at least) or below."),
    )
    is_official = models.BooleanField(
        _("official text"), default=False,
        help_text=_("Checked when name and threshold are transcribed from the decision; "
                    "unchecked for demo data."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion", "code"]
        verbose_name = _("criterion indicator")
        verbose_name_plural = _("criterion indicators")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="criterion_indicator_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class CriterionIndicatorThreshold(models.Model):
    """The threshold of a sub-indicator for one commune group, in a set whose thresholds
    differ by group (``CriteriaSet.thresholds_by_group``; docs/DOMAIN.md#the-2026-2030-rules).
    Catalogue data: edited in the back office by administrators, like the set itself."""

    indicator = models.ForeignKey(
        CriterionIndicator, on_delete=models.CASCADE, related_name="group_thresholds",
        verbose_name=_("criterion indicator"))
    group = models.PositiveSmallIntegerField(_("commune group"), choices=CommuneGroup2026.choices)
    threshold = models.DecimalField(
        _("threshold"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Empty when the requirement is not a number (then no gap is computed)."))
    direction = models.CharField(
        _("direction"), max_length=3, choices=ThresholdDirection.choices,
        default=ThresholdDirection.AT_LEAST)
    requirement = models.TextField(_("requirement"), blank=True)
    is_official = models.BooleanField(
        _("official text"), default=False,
        help_text=_("Checked only when the threshold is transcribed from the decision; "
                    "unchecked ones are shown as illustrative."))

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "group"]
        verbose_name = _("threshold by commune group")
        verbose_name_plural = _("thresholds by commune group")
        constraints = [models.UniqueConstraint(fields=["indicator", "group"],
                                               name="criterion_indicator_group_unique")]

    def __str__(self):
        return f"{self.indicator.code} · {self.get_group_display()}"


class CommuneCriteriaGroup(models.Model):
    """A commune's group under the 2026–2030 criteria (1, 2 or 3) from a year on.

    The group of a year is the one set for the latest year up to it (a group holds until
    it is changed); each year's choice is its own record, so earlier years keep theirs.
    Written only by ``criteria.commune_groups.save_groups`` (docs/DOMAIN.md#the-2026-2030-rules).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="criteria_groups",
        verbose_name=_("commune"))
    year = models.PositiveSmallIntegerField(_("from year"))
    group = models.PositiveSmallIntegerField(_("commune group"), choices=CommuneGroup2026.choices)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "-year"]
        verbose_name = _("commune group (2026–2030 criteria)")
        verbose_name_plural = _("commune groups (2026–2030 criteria)")
        constraints = [models.UniqueConstraint(fields=["commune", "year"],
                                               name="commune_criteria_group_unique")]

    def __str__(self):
        return f"{self.commune} {self.year}: {self.group}"


class Indicator(BilingualNameMixin):
    """A quarterly figure of the catalogue: what communes report and targets speak of."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    unit_vi = models.CharField(_("unit (Vietnamese)"), max_length=50)
    unit_en = models.CharField(_("unit (English)"), max_length=50, blank=True)
    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=IndicatorSource.choices,
        default=IndicatorSource.ENTERED,
    )
    computation = models.CharField(
        _("computation"), max_length=40, blank=True, choices=computation_choices,
        help_text=_("For a computed indicator: the count it is computed from."),
    )
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("numerator"),
        help_text=_("For a ratio: the entered indicator summed over communes above the line."),
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("denominator"),
        help_text=_("For a ratio: the entered indicator summed over communes below the line."),
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    min_value = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=2, null=True, blank=True, default=0
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_required = models.BooleanField(
        _("required"), default=True,
        help_text=_("A submission is complete only when every required figure is entered."),
    )
    aggregation = models.CharField(
        _("district figure"), max_length=5, choices=Aggregation.choices, default=Aggregation.SUM,
        help_text=_("How communes' values make the district's: counts add up, rates average."),
    )
    is_cumulative = models.BooleanField(
        _("cumulative"), default=False,
        help_text=_("A running total that should never go down; a decrease is a warning."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("The catalogue's default; each steering unit may choose otherwise."),
    )
    is_headline = models.BooleanField(
        _("headline"), default=False,
        help_text=_("A key figure: shown as a card and always mentioned by the narrative when "
                    "it has a value. The catalogue's default; each unit may choose otherwise."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("quarterly indicator")
        verbose_name_plural = _("quarterly indicators")

    def __str__(self):
        return self.name

    @property
    def unit(self):
        if (get_language() or "vi").startswith("en") and self.unit_en:
            return self.unit_en
        return self.unit_vi

    @property
    def is_flow(self):
        return self.kind == IndicatorKind.FLOW

    def save(self, *args, **kwargs):
        # An indicator read through ``criteria.catalogue`` carries one unit's choices in
        # its default fields: saving it would make them every unit's defaults.
        if getattr(self._state, "effective", False):
            raise ValueError("A unit's effective indicator is for reading; load the "
                             "catalogue's own record to change its defaults.")
        super().save(*args, **kwargs)

    @property
    def ratio_scale(self):
        """A ratio whose unit is % is Σ numerator ÷ Σ denominator × 100; any other, × 1."""
        return 100 if self.unit_vi.strip() == "%" else 1

    def clean(self):
        if self.min_value is not None and self.max_value is not None:
            if self.max_value < self.min_value:
                raise ValidationError({"max_value": _("The maximum is below the minimum.")})
        if self.aggregation == Aggregation.MEAN and self.kind != IndicatorKind.STOCK:
            raise ValidationError({"aggregation": _("Only a stock (a level, such as a rate) "
                                                    "can be averaged over communes.")})
        self._clean_source()

    def _clean_source(self):
        """Each source names what it needs, and only that: a computed indicator its
        computation, a ratio its two entered parts."""
        errors = {}
        computed = self.source == IndicatorSource.COMPUTED
        if computed and self.computation not in dict(computation_choices()):
            errors["computation"] = _("Choose the count this indicator is computed from.")
        if not computed and self.computation:
            errors["computation"] = _("Only a computed indicator has a computation.")
        if self.source == IndicatorSource.RATIO:
            for name in ("numerator", "denominator"):
                part = getattr(self, name)
                if part is None:
                    errors[name] = _("A ratio needs a numerator and a denominator.")
                elif part.pk is not None and part.pk == self.pk:
                    errors[name] = _("A ratio cannot be a part of itself.")
                elif part.source != IndicatorSource.ENTERED or part.aggregation != Aggregation.SUM:
                    errors[name] = _("Choose an indicator entered by communes and summed over "
                                     "communes (not a ratio, a rate or a computed figure).")
            if (self.numerator_id and self.numerator_id == self.denominator_id
                    and "denominator" not in errors):
                errors["denominator"] = _("The numerator and the denominator must differ.")
            if self.aggregation != Aggregation.SUM:
                errors["aggregation"] = _("A ratio is formed from its parts' sums, never averaged.")
        elif self.numerator_id or self.denominator_id:
            errors["numerator"] = _("Only a ratio has a numerator and a denominator.")
        if self.pk is not None and (self.source != IndicatorSource.ENTERED
                                    or self.aggregation != Aggregation.SUM) and Indicator.objects.filter(
                Q(numerator=self) | Q(denominator=self)).exists():
            errors["source"] = _("A ratio uses this indicator as a part: it must stay entered by "
                                 "communes.")
        if errors:
            raise ValidationError(errors)


class Target(models.Model):
    """A year's target for an indicator, for the whole district or one commune.

    A single value has ``low == high``; a range ("2–3 communes") has ``low < high``.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="targets", verbose_name=_("district")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="targets",
        verbose_name=_("commune"), help_text=_("Empty for a target of the whole district."),
    )
    low = models.DecimalField(_("value (or lower bound)"), max_digits=14, decimal_places=2)
    high = models.DecimalField(
        _("upper bound"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Only for a range, such as 2–3 communes."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "district"
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "indicator", "commune"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "district"], condition=Q(commune__isnull=True),
                name="target_district_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "commune"], condition=Q(commune__isnull=False),
                name="target_commune_unique",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value_text}"

    def clean(self):
        if self.high is not None and self.high < self.low:
            raise ValidationError({"high": _("The upper bound is below the lower bound.")})
        if self.commune_id and self.district_id and self.commune.district_id != self.district_id:
            raise ValidationError({"commune": _("The commune is not in this district.")})

    @property
    def is_range(self):
        return self.high is not None and self.high != self.low

    @property
    def value_text(self):
        from ntm_portal.formats import format_number

        if self.is_range:
            return f"{format_number(self.low)}–{format_number(self.high)}"
        return format_number(self.low)

    def share_done(self, achieved):
        """Share of the target done, in percent (against the lower bound of a range)."""
        if achieved is None or not self.low:
            return None
        return float(achieved) * 100 / float(self.low)


class UnitIndicatorChoice(models.Model):
    """A steering unit's own choice for one catalogue indicator: used or not, required or
    not, headline or not. Absent, the catalogue's defaults (``Indicator.is_active``,
    ``is_required``, ``is_headline``) apply. Read through ``criteria.catalogue`` only;
    written by its ``save_choices``.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="indicator_choices",
        verbose_name=_("district"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="unit_choices",
        verbose_name=_("indicator"),
    )
    is_used = models.BooleanField(_("used"), default=True)
    is_required = models.BooleanField(_("required"), default=True)
    is_headline = models.BooleanField(_("headline"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "district"
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "indicator"]
        verbose_name = _("unit's indicator choice")
        verbose_name_plural = _("units' indicator choices")
        constraints = [
            models.UniqueConstraint(fields=["district", "indicator"],
                                    name="unit_indicator_choice_unique"),
        ]

    def __str__(self):
        return f"{self.district}: {self.indicator}"


class IndicatorValue(models.Model):
    """A commune's figure for one catalogue indicator in one quarterly submission."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="values", verbose_name=_("submission")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "submission__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "indicator"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="indicator_value_unique")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class DistrictReport(models.Model):
    """The figures a district's staff enter for the whole district in one quarter
    (indicators whose source is "entered by district staff"). Saved by staff of the
    district (``criteria.unit_entry``), locked when the period locks, with history."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="district_reports",
        verbose_name=_("district"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="district_reports",
        verbose_name=_("reporting period"),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("updated by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "district"

    class Meta:
        ordering = ["district", "-period__year", "-period__quarter"]
        verbose_name = _("district figures")
        verbose_name_plural = _("district figures")
        constraints = [models.UniqueConstraint(fields=["district", "period"],
                                               name="district_report_unique")]

    def __str__(self):
        return f"{self.district} – {self.period}"


class DistrictValue(models.Model):
    """One figure of a ``DistrictReport``."""

    report = models.ForeignKey(
        DistrictReport, on_delete=models.CASCADE, related_name="values",
        verbose_name=_("district figures"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="district_values",
        verbose_name=_("indicator"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "report__district"
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "indicator"]
        verbose_name = _("district figure")
        verbose_name_plural = _("district figures")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"],
                                               name="district_value_unique")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class CriterionAssessment(models.Model):
    """Whether a commune meets one criterion in a quarter, with an optional score and evidence."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="assessments",
        verbose_name=_("submission"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("criterion")
    )
    is_met = models.BooleanField(_("met"), null=True, blank=True)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Optional, for provinces that score criteria in points."),
    )
    evidence = models.TextField(_("evidence"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "submission__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "criterion__number"]
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="assessment_unique")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.is_met}"


class CriterionIndicatorValue(models.Model):
    """The value of one criterion indicator in an assessment (e.g. 2.1: 85%)."""

    assessment = models.ForeignKey(
        CriterionAssessment, on_delete=models.CASCADE, related_name="indicator_values",
        verbose_name=_("assessment"),
    )
    indicator = models.ForeignKey(
        CriterionIndicator, on_delete=models.PROTECT, related_name="values",
        verbose_name=_("criterion indicator"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "assessment__submission__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "indicator__code"]
        verbose_name = _("criterion indicator value")
        verbose_name_plural = _("criterion indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="criterion_indicator_value_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.value}"


class TaskQuerySet(ScopedQuerySet):
    def restrict(self, user, action=VIEW):
        """Tasks of the communes in scope; district tasks for district readers; a sponsoring
        unit also sees the tasks it owns. Changes go through ``criteria.tasks``."""
        scope = commune_scope(user, action, "commune")
        if action == VIEW and user.is_authenticated and user.is_active:
            if is_district_reader(user):
                return self.filter(unit_q(user, "district"))  # their steering unit's tasks
            if user.sponsoring_unit_id:
                scope |= Q(owner_unit_id=user.sponsoring_unit_id)
        return self.filter(scope)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(status=TaskStatus.DONE)

    def open(self):
        return self.exclude(status=TaskStatus.DONE)

    def plan_order(self, today=None):
        """Overdue first, then open tasks by deadline, done tasks last."""
        today = today or timezone.localdate()
        return self.annotate(rank=models.Case(
            models.When(Q(due_date__lt=today) & ~Q(status=TaskStatus.DONE), then=models.Value(0)),
            models.When(status=TaskStatus.DONE, then=models.Value(2)),
            default=models.Value(1), output_field=models.IntegerField(),
        )).order_by("rank", "due_date", "pk")

    def for_display(self):
        return self.select_related("commune", "criterion", "criterion__criteria_set",
                                   "owner_unit")


class Task(models.Model):
    """One task of the action plan: work towards an unmet criterion of a commune (or of the
    district, when ``commune`` is empty), with an owner, a deadline and a status.

    Written only through ``criteria.tasks`` (permission, validation, version, history).
    "Overdue" is not stored: it is an open task past its deadline (``state``).
    """

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("district"))
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
        verbose_name=_("commune"), help_text=_("Empty for a task on a district criterion."))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("criterion"))
    title = models.CharField(_("task"), max_length=255)
    owner_kind = models.CharField(_("owner"), max_length=12, choices=TaskOwnerKind.choices)
    owner_department = models.CharField(
        _("district department"), max_length=200, blank=True,
        help_text=_("For a task owned by a district department."))
    owner_unit = models.ForeignKey(
        SponsoringUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
        verbose_name=_("sponsoring unit"))
    due_date = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    creation_key = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                    editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords(excluded_fields=["creation_key"])

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plan:task", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.criterion_id:
            district_level = self.criterion.criteria_set.level == SetLevel.DISTRICT
            if self.commune_id and district_level:
                errors["criterion"] = _("A commune's task must be on a commune criterion.")
            elif not self.commune_id and not district_level:
                errors["criterion"] = _("A task without a commune must be on a district "
                                        "criterion.")
        if self.commune_id and self.district_id and self.commune.district_id != self.district_id:
            errors["commune"] = _("The commune is not in this district.")
        if self.owner_kind == TaskOwnerKind.SPONSOR and not self.owner_unit_id:
            errors["owner_unit"] = _("Choose the sponsoring unit that owns the task.")
        if self.owner_kind == TaskOwnerKind.DEPARTMENT and not self.owner_department.strip():
            errors["owner_department"] = _("Name the district department that owns the task.")
        if self.owner_kind == TaskOwnerKind.COMMUNE and not self.commune_id:
            errors["owner_kind"] = _("A district task cannot be owned by a commune.")
        if errors:
            raise ValidationError(errors)

    def state(self, today=None):
        """The status a person reads: a stored status, or "overdue" for an open task past due."""
        from .choices import OVERDUE

        today = today or timezone.localdate()
        if self.status != TaskStatus.DONE and self.due_date < today:
            return OVERDUE
        return self.status

    def is_overdue(self, today=None):
        from .choices import OVERDUE

        return self.state(today) == OVERDUE

    def state_label(self, today=None):
        state = self.state(today)
        return _("Overdue") if state == "overdue" else TaskStatus(state).label

    @property
    def owner_name(self):
        if self.owner_kind == TaskOwnerKind.SPONSOR and self.owner_unit_id:
            return self.owner_unit.name
        if self.owner_kind == TaskOwnerKind.COMMUNE:
            return self.commune.name if self.commune_id else str(_("Commune"))
        return self.owner_department or str(TaskOwnerKind(self.owner_kind).label)


class OpeningBalance(models.Model):
    """Where a steering unit stood when it joined the portal mid-programme.

    Cumulative figures as of ``as_of`` (the last day of a quarter) for the district as a
    whole: ``amounts`` maps indicator codes to decimal strings. Cumulative figures then
    count from it (``criteria.aggregates.with_balance``). Written only by
    ``criteria.balances.save_balance``. Why per unit: docs/DOMAIN.md#opening-balances.
    """

    district = models.OneToOneField(
        District, on_delete=models.PROTECT, related_name="opening_balance",
        verbose_name=_("district"))
    as_of = models.DateField(_("as of"))
    amounts = models.JSONField(_("figures"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    scope_district_path = "district"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening balance")
        verbose_name_plural = _("opening balances")

    def __str__(self):
        return f"{self.district} · {self.as_of:%d/%m/%Y}"

    def decimal_amounts(self):
        """{indicator code: Decimal}."""
        from decimal import Decimal

        return {code: Decimal(value) for code, value in (self.amounts or {}).items()}
