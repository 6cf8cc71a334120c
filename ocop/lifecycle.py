"""The OCOP rules in one place: score → stars, certificate expiry, status, who may change what.

A product moves: candidate (for a year, proposed by its commune) → registered for
evaluation (district staff) → rated (district staff enter the decision). A rating's
certificate is valid 36 months from the decision date; then the product shows as
expired until it is rated again. Views, forms, admin and seeds call these functions.
The programme itself: docs/DOMAIN.md#ocop.
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import Role
from communes.scoping import is_district_staff
from communes.versioning import claim_versions
from ntm_portal.formats import format_date

from .choices import Stage, Status

CERTIFICATE_MONTHS = 36
EXPIRING_SOON_MONTHS = 6
CERTIFIED_MIN_STARS = 3  # only 3★ and above count as "OCOP certified" in practice

STATUS_COLOURS = {
    Status.CANDIDATE: "secondary",
    Status.REGISTERED: "info",
    Status.CERTIFIED: "success",
    Status.EXPIRED: "danger",
}


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


def validate_rating(score, decision_date, today=None):
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
    if errors:
        raise ValidationError(errors)


def status_expression(on_date):
    """The one rule of a product's status on ``on_date``, as a database expression.

    A candidate is a candidate; a product past candidacy without a rating decided by
    ``on_date`` is registered; with one, it is certified while the certificate is valid
    (``cert_valid_until``, from ``ProductQuerySet.with_certificate``), then expired.
    Pages, the API, filters and counts all read it through ``with_certificate``'s
    ``cert_status``, so display and filtering cannot disagree.
    """
    return Case(
        When(stage=Stage.CANDIDATE, then=Value(Status.CANDIDATE.value)),
        When(cert_valid_until__isnull=True, then=Value(Status.REGISTERED.value)),
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


def edit_refusal(user, product):
    """Why ``user`` may not edit ``product``'s details, or None if they may.

    Scope (another commune → 404) is checked before, by ``restrict``.
    """
    if is_district_staff(user):
        return None
    if user.role != Role.OFFICER or user.commune_id != product.commune_id:
        return _("Your account may read OCOP products but not change them.")
    if product.stage != Stage.CANDIDATE:
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


def check_staff(user):
    if not is_district_staff(user):
        raise PermissionDenied(_("Only district staff register and rate OCOP products."))


def can_register(user, product):
    return is_district_staff(user) and product.stage == Stage.CANDIDATE


def check_register(user, product):
    check_staff(user)
    if product.stage != Stage.CANDIDATE:
        raise PermissionDenied(
            _("“%(product)s” is already registered for evaluation.") % {"product": product.name}
        )


def can_rate(user, product):
    return is_district_staff(user) and product.stage in (Stage.REGISTERED, Stage.RATED)


def check_rate(user, product):
    check_staff(user)
    if product.stage == Stage.CANDIDATE:
        raise PermissionDenied(
            _("“%(product)s” must be registered for evaluation before it is rated.")
            % {"product": product.name}
        )


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
    validate_rating(score, decision_date)
    claim_version(product, expected_version)
    rating = Rating(
        product=product, score=score, level=level, decision_number=decision_number,
        decision_date=decision_date, note=note, rated_by=user,
    )
    rating.save()
    product.stage = Stage.RATED
    return rating
