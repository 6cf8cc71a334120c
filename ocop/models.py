"""OCOP producers, products, ratings and certificates (issue: OCOP products).

The rules (score → stars, certificate expiry, status, who may change what) live in
``ocop.lifecycle``; the models keep the data and call those rules.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune
from communes.scoping import ScopedQuerySet
from ntm_portal.formats import vn_slugify

from .choices import STAR_CHOICES, CertifyingLevel, PrePoint, Procedure, ProducerKind, Stage, Status
from .validators import validate_photo

MAX_SCORE = 100
RESERVED_SLUGS = {"new"}  # /ocop/new/ is the proposal form


class ProductGroup(models.Model):
    """A product group of the programme (food, beverages…): editable data, not code."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ocop:list") + f"?group={self.pk}"


class StarBand(models.Model):
    """A score threshold giving a number of stars, for the criteria in force between two dates.

    The 1048 era bands: 5★ from 90, 4★ from 70, 3★ from 50, 2★ from 30, 1★ below.
    A score gets the highest band whose ``min_score`` it reaches (``lifecycle.stars_for``).
    """

    stars = models.PositiveSmallIntegerField(_("stars"), choices=STAR_CHOICES)
    min_score = models.DecimalField(
        _("minimum score"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(
        _("legal basis"), max_length=100, blank=True,
        help_text=_("The decision that sets the evaluation criteria, e.g. 1048/QĐ-TTg."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "-min_score"]
        verbose_name = _("star band")
        verbose_name_plural = _("star bands")
        constraints = [
            models.UniqueConstraint(fields=["stars", "valid_from"], name="ocop_band_unique")
        ]

    def __str__(self):
        return f"{'★' * self.stars} ≥ {self.min_score} ({self.basis})"

    def get_absolute_url(self):
        return reverse("admin:ocop_starband_change", args=[self.pk])

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})

    @staticmethod
    def in_force_q(on_date):
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)) & (
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
        )


class Producer(models.Model):
    """A producer (chủ thể OCOP): cooperative, cooperative group, enterprise or household."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProducerKind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="ocop_producers", verbose_name=_("commune")
    )
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Representative, phone or address.")
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "name"]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="ocop_producer_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse("ocop:list") + f"?commune={self.commune.slug}"


class ProductQuerySet(ScopedQuerySet):
    def with_certificate(self, on_date=None):
        """Annotate the latest rating decided by ``on_date`` (today by default).

        ``cert_stars``, ``cert_score``, ``cert_level``, ``cert_decision_date`` and
        ``cert_valid_until``: one subquery each, so a list costs one query whatever its length.
        """
        from .lifecycle import status_expression

        on_date = on_date or timezone.localdate()
        latest = Rating.objects.filter(
            product=OuterRef("pk"), decision_date__lte=on_date
        ).order_by("-decision_date", "-pk")
        return self.annotate(**{
            f"cert_{name}": Subquery(latest.values(name)[:1])
            for name in ("stars", "score", "level", "decision_date", "valid_until")
        }).annotate(cert_status=status_expression(on_date), status_date=Value(on_date, output_field=models.DateField()))

    def certified_on(self, on_date):
        """Products whose latest rating decided by ``on_date`` is still valid on that date."""
        from .lifecycle import CERTIFIED_STATUSES

        return self.with_certificate(on_date).filter(cert_status__in=CERTIFIED_STATUSES)


class Product(models.Model):
    """An OCOP product of a producer: candidate for a year, registered, then rated."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="products", verbose_name=_("producer")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="ocop_products", verbose_name=_("commune")
    )
    group = models.ForeignKey(
        ProductGroup, on_delete=models.PROTECT, related_name="products",
        verbose_name=_("product group"),
    )
    description = models.TextField(_("description"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to="ocop/photos/%Y/", blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png"]), validate_photo],
        help_text=_("JPEG or PNG, at most 2 MB."),
    )
    year = models.PositiveSmallIntegerField(
        _("programme year"), help_text=_("The year the product entered the programme as a candidate."),
        validators=[MinValueValidator(2018), MaxValueValidator(2100)],
    )
    target_stars = models.PositiveSmallIntegerField(
        _("target stars"), choices=STAR_CHOICES, default=3
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.CANDIDATE
    )
    registered_on = models.DateField(
        _("entered evaluation on"), null=True, blank=True,
        help_text=_("Registered by the district (before 6 July 2025) or proposed by the commune "
                    "to the province (Decision 1489/QĐ-TTg)."))
    procedure = models.CharField(
        _("evaluation procedure"), max_length=20, choices=Procedure.choices,
        default=Procedure.DISTRICT, editable=False,
        help_text=_("Decided by the rule in force on the day the product was entered."))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Grows with every save, so that a save from a stale form is refused."),
    )

    objects = ProductQuerySet.as_manager()
    scope_commune_path = "commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune", "name"]
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ocop:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.producer_id and self.commune_id and self.producer.commune_id != self.commune_id:
            raise ValidationError({"producer": _("The producer belongs to another commune.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self):
        base = vn_slugify(self.name)[:200] or "san-pham"
        slug, n = base, 2
        if slug in RESERVED_SLUGS:
            slug = f"{base}-{n}"
        while Product.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def current_rating(self, on_date=None):
        """The latest rating decided by ``on_date`` (None if never rated)."""
        on_date = on_date or timezone.localdate()
        ratings = [r for r in self.ratings.all() if r.decision_date <= on_date]
        return max(ratings, key=lambda r: (r.decision_date, r.pk), default=None)

    def status(self, on_date=None):
        """The status (``choices.Status``) by ``lifecycle.status_expression``: the
        annotation of ``with_certificate`` when loaded for that day, else one query."""
        on_date = on_date or timezone.localdate()
        if getattr(self, "status_date", None) == on_date:
            return Status(self.cert_status)
        return Status(Product.objects.with_certificate(on_date).filter(pk=self.pk)
                      .values_list("cert_status", flat=True).get())


class PreAssessment(models.Model):
    """The commune's pre-assessment of a product on the five points of Decision 1489/QĐ-TTg
    (``choices.PrePoint``): each met or not, with a note; written by ``lifecycle.propose``."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="pre_assessment", verbose_name=_("product"))
    origin_met = models.BooleanField(_("Origin"))
    origin_note = models.CharField(_("note"), max_length=255, blank=True)
    materials_met = models.BooleanField(_("Raw material sources"))
    materials_note = models.CharField(_("note"), max_length=255, blank=True)
    labour_met = models.BooleanField(_("Local labour"))
    labour_note = models.CharField(_("note"), max_length=255, blank=True)
    idea_met = models.BooleanField(_("Product idea and innovation"))
    idea_note = models.CharField(_("note"), max_length=255, blank=True)
    identity_met = models.BooleanField(_("Local cultural identity"))
    identity_note = models.CharField(_("note"), max_length=255, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("pre-assessed by"))
    assessed_on = models.DateField(_("pre-assessed on"))

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "product__commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commune pre-assessment")
        verbose_name_plural = _("commune pre-assessments")

    def __str__(self):
        return f"{self.product}: {self.assessed_on}"

    def get_absolute_url(self):
        return self.product.get_absolute_url()

    def points(self):
        """``[(PrePoint, met, note)]`` in the decision's order."""
        return [(point, getattr(self, f"{point.value}_met"), getattr(self, f"{point.value}_note"))
                for point in PrePoint]

    def unmet(self):
        return [point for point, met, _note in self.points() if not met]


class Rating(models.Model):
    """A rating decision: score, stars derived by the bands in force, and its certificate.

    The certificate is valid ``lifecycle.CERTIFICATE_MONTHS`` months from the decision date;
    ``stars`` and ``valid_until`` are computed on save and kept, so later band changes
    do not rewrite past decisions.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("product")
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
    )
    stars = models.PositiveSmallIntegerField(_("stars"), choices=STAR_CHOICES, editable=False)
    level = models.CharField(_("certifying level"), max_length=20, choices=CertifyingLevel.choices)
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    valid_until = models.DateField(_("valid until"), editable=False)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "product__commune"
    history = HistoricalRecords()

    class Meta:
        ordering = ["product", "-decision_date", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.product}: {'★' * (self.stars or 0)} ({self.decision_number})"

    def get_absolute_url(self):
        return self.product.get_absolute_url()

    def clean(self):
        from .lifecycle import validate_rating

        super().clean()
        validate_rating(self.score, self.decision_date)

    def save(self, *args, **kwargs):
        from .lifecycle import certificate_valid_until, rating_stars

        self.stars = rating_stars(self.score, self.decision_date, self.product.procedure, self.level)
        self.valid_until = certificate_valid_until(self.decision_date)
        super().save(*args, **kwargs)
        if self.product.stage != Stage.RATED:
            self.product.stage = Stage.RATED
            self.product.save(update_fields=["stage"])
