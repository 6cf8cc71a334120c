"""The OCOP rules in one place: score → stars, certificate expiry, status, who may change what.

Which path a product takes depends on the rule in force on the day it is entered
(``procedure_for``), kept on the product as ``procedure``:

- before 6 July 2025 (district council first): candidate (for a year, proposed by its
  commune) → registered for evaluation (district staff) → rated (district staff enter the
  decision);
- from 6 July 2025 (Decision 1489/QĐ-TTg): candidate → the commune pre-assesses it on five
  points and proposes it to the province (``propose``) → the province's council grades it
  (province staff enter the decision); a grading of ``NATIONAL_MIN_SCORE`` points or more
  sends it on to the national council.

A rating's certificate is valid 36 months from the decision date; then the product shows
as expired until it is rated again. Views, forms, API, admin and seeds call these functions.
The programme itself: docs/DOMAIN.md#ocop.
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import Role
from communes.scoping import is_district_staff, sees_everything
from communes.versioning import claim_versions
from ntm_portal.formats import format_date

from .choices import CertifyingLevel, PrePoint, Procedure, Stage, Status

CERTIFICATE_MONTHS = 36
EXPIRING_SOON_MONTHS = 6
CERTIFIED_MIN_STARS = 3  # only 3★ and above count as "OCOP certified" in practice

# Decision 1489/QĐ-TTg: products entered from this day follow the two-tier procedure.
TWO_TIER_FROM = datetime.date(2025, 7, 6)
# A province grading of this many points sends the product on to the national council;
# the province itself recognises at most PROVINCE_MAX_STARS (5★ is the national level).
NATIONAL_MIN_SCORE = 90
PROVINCE_MAX_STARS = 4

STATUS_COLOURS = {
    Status.CANDIDATE: "secondary",
    Status.REGISTERED: "info",
    Status.PROPOSED: "info",
    Status.CERTIFIED: "success",
    Status.NATIONAL: "success",
    Status.EXPIRED: "danger",
}
# Statuses of a product holding a valid certificate (counted as certified by the reports).
CERTIFIED_STATUSES = (Status.CERTIFIED.value, Status.NATIONAL.value)


def procedure_for(on_date):
    """The evaluation procedure in force on ``on_date``: the one rule of which path a
    product entered that day follows (``Product.procedure`` keeps the answer)."""
    return Procedure.TWO_TIER if on_date >= TWO_TIER_FROM else Procedure.DISTRICT


def add_months(date, months):
    """``date`` plus ``months`` calendar months; the 29–31st falls back to the month's last day."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def certificate_valid_until(decision_date):
    """Last day on which a certificate decided on ``decision_date`` is valid."""
    return add_months(decision_date, CERTIFICATE_MONTHS)


def bands_in_force(on_date):
    from .models import StarBand

    return list(StarBand.objects.filter(StarBand.in_force_q(on_date)).order_by("-min_score"))


def stars_for(score, on_date, bands=None):
    """Stars for ``score`` by the bands in force on ``on_date``: the highest band reached."""
    score = Decimal(score)
    for band in bands if bands is not None else bands_in_force(on_date):
        if score >= band.min_score:
            return band.stars
    raise ValidationError(
        _("No star band is in force on %(date)s for a score of %(score)s.")
        % {"date": format_date(on_date), "score": score},
        code="no_band",
    )


def rating_stars(score, on_date, procedure, level):
    """The stars of a rating decision: the bands in force, and under Decision 1489 a
    province's decision recognises at most ``PROVINCE_MAX_STARS`` (5★ is national)."""
    stars = stars_for(score, on_date)
    if procedure == Procedure.TWO_TIER and level == CertifyingLevel.PROVINCE:
        return min(stars, PROVINCE_MAX_STARS)
    return stars


def level_refusal(product, level):
    """Why a decision at ``level`` cannot be recorded for ``product``, or None.

    Under Decision 1489 there is no district council: the province grades, and a national
    decision follows only a province grading of ``NATIONAL_MIN_SCORE`` points or more.
    """
    if product is None or product.procedure != Procedure.TWO_TIER or not level:
        return None
    if level == CertifyingLevel.DISTRICT:
        return _("Under Decision 1489/QĐ-TTg there is no district council: the province "
                 "grades the product.")
    if level == CertifyingLevel.CENTRAL and not product.ratings.filter(
            level=CertifyingLevel.PROVINCE, score__gte=NATIONAL_MIN_SCORE).exists():
        return _("A national decision follows a province grading of %(points)s points or "
                 "more; this product has none.") % {"points": NATIONAL_MIN_SCORE}
    return None


def validate_rating(score, decision_date, today=None, product=None, level=None):
    """Errors by field for a rating: score within 0–100, decision not in the future."""
    today = today or timezone.localdate()
    errors = {}
    if score is not None and not (0 <= Decimal(score) <= 100):
        errors["score"] = _("The score must be between 0 and 100.")
    if decision_date is not None and decision_date > today:
        errors["decision_date"] = _("The decision date cannot be in the future (today is %(today)s).") % {
            "today": format_date(today)
        }
    if not errors and score is not None and decision_date is not None:
        try:
            stars_for(score, decision_date)
        except ValidationError as error:
            errors["score"] = error.messages[0]
    reason = level_refusal(product, level)
    if reason:
        errors["level"] = reason
    if errors:
        raise ValidationError(errors)


def status_expression(on_date):
    """The one rule of a product's status on ``on_date``, as a database expression.

    A candidate is a candidate; a product past candidacy without a rating decided by
    ``on_date`` is registered (district procedure) or proposed to the province (Decision
    1489); with one, it is certified while the certificate is valid (``cert_valid_until``,
    from ``ProductQuerySet.with_certificate``), then expired. Under Decision 1489 a product
    whose valid certificate is a province grading of ``NATIONAL_MIN_SCORE`` points or more
    is certified and proposed to national level. Pages, the API, filters and counts all read
    it through ``with_certificate``'s ``cert_status``, so display and filtering cannot disagree.
    """
    return Case(
        When(stage=Stage.CANDIDATE, then=Value(Status.CANDIDATE.value)),
        When(cert_valid_until__isnull=True, stage=Stage.PROPOSED,
             then=Value(Status.PROPOSED.value)),
        When(cert_valid_until__isnull=True, then=Value(Status.REGISTERED.value)),
        When(Q(cert_valid_until__gte=on_date, procedure=Procedure.TWO_TIER,
               cert_level=CertifyingLevel.PROVINCE, cert_score__gte=NATIONAL_MIN_SCORE),
             then=Value(Status.NATIONAL.value)),
        When(cert_valid_until__gte=on_date, then=Value(Status.CERTIFIED.value)),
        default=Value(Status.EXPIRED.value), output_field=CharField(),
    )


def status_colour(status):
    return STATUS_COLOURS[Status(status)]


def expires_within(valid_until, months, on_date):
    """True if a certificate valid on ``on_date`` ends within ``months`` months."""
    return valid_until is not None and on_date <= valid_until <= add_months(on_date, months)


# --- Who may do what -------------------------------------------------------------------


def can_propose(user):
    """Commune officers propose for their commune; district staff for any commune."""
    return is_district_staff(user) or (user.role == Role.OFFICER and bool(user.commune_id))


def check_propose(user):
    if not can_propose(user):
        raise PermissionDenied(_("Only commune officers and district staff can propose OCOP products."))


def is_province_staff(user):
    """Staff of a province-level steering unit (``User.province``)."""
    return user.is_authenticated and user.role == Role.STAFF and bool(user.province_id)


def grades(user, product):
    """Who registers, rates and edits ``product`` past candidacy: district staff (and
    province staff, administrators) under the district procedure; under Decision 1489 the
    district step is gone, so the province's staff and administrators only."""
    if product.procedure == Procedure.TWO_TIER:
        return sees_everything(user) or is_province_staff(user)
    return is_district_staff(user)


def edit_refusal(user, product):
    """Why ``user`` may not edit ``product``'s details, or None if they may.

    Scope (another commune → 404) is checked before, by ``restrict``.
    """
    if grades(user, product):
        return None
    if user.role != Role.OFFICER or user.commune_id != product.commune_id:
        return _("Your account may read OCOP products but not change them.")
    if product.stage != Stage.CANDIDATE:
        if product.procedure == Procedure.TWO_TIER:
            return _("“%(product)s” is no longer a candidate (%(stage)s): only the province's "
                     "staff can change it now.") % {
                "product": product.name, "stage": Stage(product.stage).label.lower()}
        return _(
            "“%(product)s” is no longer a candidate (%(stage)s): only district staff can change it now."
        ) % {"product": product.name, "stage": Stage(product.stage).label.lower()}
    return None


def can_edit(user, product):
    return edit_refusal(user, product) is None


def check_edit(user, product):
    reason = edit_refusal(user, product)
    if reason:
        raise PermissionDenied(reason)


def check_staff(user, product):
    if grades(user, product):
        return
    if product.procedure == Procedure.TWO_TIER:
        raise PermissionDenied(_("Under Decision 1489/QĐ-TTg the province's council grades this "
                                 "product: only the province's staff enter its rating."))
    raise PermissionDenied(_("Only district staff register and rate OCOP products."))


def register_refusal(user, product):
    """Why ``user`` may not register ``product`` for evaluation (district procedure), or None."""
    if product.procedure == Procedure.TWO_TIER:
        return _("“%(product)s” follows Decision 1489/QĐ-TTg: its commune pre-assesses it and "
                 "proposes it to the province; there is no district registration.") % {
            "product": product.name}
    if not grades(user, product):
        return _("Only district staff register and rate OCOP products.")
    if product.stage != Stage.CANDIDATE:
        return _("“%(product)s” is already registered for evaluation.") % {"product": product.name}
    return None


def can_register(user, product):
    return register_refusal(user, product) is None


def check_register(user, product):
    reason = register_refusal(user, product)
    if reason:
        raise PermissionDenied(reason)


def can_rate(user, product):
    return grades(user, product) and product.stage in (Stage.REGISTERED, Stage.PROPOSED, Stage.RATED)


def check_rate(user, product):
    check_staff(user, product)
    if product.stage == Stage.CANDIDATE:
        if product.procedure == Procedure.TWO_TIER:
            raise PermissionDenied(_(
                "“%(product)s” must be pre-assessed and proposed by its commune before the "
                "province grades it.") % {"product": product.name})
        raise PermissionDenied(
            _("“%(product)s” must be registered for evaluation before it is rated.")
            % {"product": product.name}
        )


def propose_refusal(user, product):
    """Why ``user`` may not pre-assess ``product`` and propose it to the province, or None:
    under Decision 1489 the officer of its commune (or an administrator) does, once."""
    if product.procedure != Procedure.TWO_TIER:
        return _("“%(product)s” was entered before 6 July 2025: the district registers it for "
                 "evaluation; it is not proposed to the province.") % {"product": product.name}
    if not (sees_everything(user)
            or (user.role == Role.OFFICER and user.commune_id == product.commune_id)):
        return _("Only the officer of the product's commune pre-assesses it and proposes it "
                 "to the province.")
    if product.stage != Stage.CANDIDATE:
        return _("“%(product)s” is already proposed to the province.") % {"product": product.name}
    return None


def can_propose_to_province(user, product):
    return propose_refusal(user, product) is None


def check_propose_to_province(user, product):
    reason = propose_refusal(user, product)
    if reason:
        raise PermissionDenied(reason)


def pre_assessment_errors(points):
    """Errors by field if ``points`` (``{PrePoint value: (met, note)}``) does not answer
    each of the five points: the pre-assessment comes before any proposal."""
    missing = [point for point in PrePoint
               if not isinstance((points or {}).get(point.value, (None,))[0], bool)]
    if not missing:
        return {}
    message = _("Pre-assess the product on each of the five points before proposing it to the "
                "province: say whether it meets this point.")
    return {f"{point.value}_met": message for point in missing}


# --- Transitions ----------------------------------------------------------------------


def claim_version(product, expected_version):
    """Claim the product's next version or raise ``StaleEdit``; call inside the saving transaction.

    The conditional UPDATE is atomic: of two saves made from forms loaded at the same
    version, exactly one wins and the other writes nothing (as ``communes.workflow``).
    ``None`` skips the check (code paths without a form, such as the demo data).
    """
    from .models import Product

    if expected_version is None:
        product.version = Product.objects.filter(pk=product.pk).values_list("version", flat=True).get() + 1
        Product.objects.filter(pk=product.pk).update(version=F("version") + 1)
        return
    claim_versions(Product, [(product, expected_version)], _(
        "Someone else changed this product after you opened the form. Nothing of yours was "
        "saved: the page now shows the newer data; enter your changes again."
    ))


@transaction.atomic
def save_product(product, user, expected_version, write=None):
    """Propose (a new ``product``) or change one: the permission, the version check for
    changes, the history's author. ``write()`` stores it: a form's ``save`` (which may
    create the producer alongside), by default ``product.save``. Returns the product."""
    if product.pk is None:
        check_propose(user)
        product.proposed_by = user
        product.stage = Stage.CANDIDATE
        product.procedure = procedure_for(timezone.localdate())
    else:
        check_edit(user, product)
        claim_version(product, expected_version)
    product._history_user = user
    try:
        with transaction.atomic():
            (write or product.save)()
    except IntegrityError:
        # A producer or product of the same name saved at the same moment (a unique
        # constraint): the form's message, never a server error.
        if product._state.adding:
            product.pk = None
        raise ValidationError(_("A product or producer with this name was saved at the same "
                                "moment. Nothing of yours was saved; reload the page and check "
                                "the list.")) from None
    return product


@transaction.atomic
def register(product, user, on_date=None, expected_version=None):
    """Register a candidate for evaluation."""
    check_register(user, product)
    claim_version(product, expected_version)
    product.stage = Stage.REGISTERED
    product.registered_on = on_date or timezone.localdate()
    product._change_reason = "registered"
    product._history_user = user
    product.save(update_fields=["stage", "registered_on", "version"])
    return product


@transaction.atomic
def rate(product, user, *, score, level, decision_number, decision_date, note="", expected_version=None):
    """Record a rating decision; stars and expiry follow from the score and the date.

    The version check makes a second click on "save" (or a stale form) refuse, rather
    than record the same decision twice.
    """
    from .models import Rating

    check_rate(user, product)
    validate_rating(score, decision_date, product=product, level=level)
    claim_version(product, expected_version)
    rating = Rating(
        product=product, score=score, level=level, decision_number=decision_number,
        decision_date=decision_date, note=note, rated_by=user,
    )
    rating.save()
    product.stage = Stage.RATED
    return rating


@transaction.atomic
def propose(product, user, points, on_date=None, expected_version=None):
    """Record the commune's pre-assessment of ``product`` (``points``: ``{PrePoint value:
    (met, note)}``) and, if it meets all five points, propose it to the province.

    Returns the ``PreAssessment``; the product is proposed (stage ``PROPOSED``, entering
    evaluation on ``on_date``) only when nothing is unmet, otherwise it stays a candidate
    with its pre-assessment recorded. Unanswered points are refused (``ValidationError``).
    """
    from .models import PreAssessment

    check_propose_to_province(user, product)
    errors = pre_assessment_errors(points)
    if errors:
        raise ValidationError(errors)
    on_date = on_date or timezone.localdate()
    claim_version(product, expected_version)
    fields = {"assessed_by": user, "assessed_on": on_date}
    for point in PrePoint:
        met, note = points[point.value]
        fields[f"{point.value}_met"] = met
        fields[f"{point.value}_note"] = note or ""
    existing = PreAssessment.objects.filter(product=product).first()
    assessment = existing or PreAssessment(product=product)
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment._history_user = user
    assessment.save()
    if not assessment.unmet():
        product.stage = Stage.PROPOSED
        product.registered_on = on_date
        product._change_reason = "proposed to the province"
        product._history_user = user
        product.save(update_fields=["stage", "registered_on", "version"])
    return assessment
