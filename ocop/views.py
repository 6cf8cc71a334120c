"""OCOP pages: the product list, a product, and the forms to propose, edit, register, rate.

Scope first (``restrict``: another commune answers 404), then the lifecycle rule
(``lifecycle.check_*``: a refusal answers 403 with its reason).
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from communes.models import Commune
from communes.scoping import is_district_staff
from communes.workflow import StaleEdit
from ntm_portal.formats import format_date

from . import lifecycle
from .choices import Procedure, Status
from .filters import ProductListFilter
from .forms import PreAssessmentForm, ProductForm, RatingForm, RegisterForm
from .models import Product, Rating

def decorate(product, today):
    """Attach what the templates show: status, its colour, whether it expires soon."""
    product.status_value = product.status(today)
    product.status_label = Status(product.status_value).label
    product.status_colour = lifecycle.status_colour(product.status_value)
    product.expiring_soon = product.status_value in lifecycle.CERTIFIED_STATUSES and lifecycle.expires_within(
        product.cert_valid_until, lifecycle.EXPIRING_SOON_MONTHS, today
    )
    return product


@require_safe
@login_required
def product_list(request):
    today = timezone.localdate()
    filters = ProductListFilter(
        request.GET or None, user=request.user,
        queryset=Product.objects.restrict(request.user).with_certificate(today)
        .select_related("commune", "group", "producer"))
    products = [decorate(p, today) for p in filters.qs]
    return render(request, "ocop/product_list.html", {
        "form": filters.form, "products": products, "today": today,
        "can_propose": lifecycle.can_propose(request.user),
    })


def _stale(request, error):
    """A save from a stale form: nothing written; reload the page with the newer data."""
    messages.error(request, str(error))
    return redirect(request.path)


def _product(request, slug):
    """The product if in the user's scope (view), else 404."""
    return get_object_or_404(
        Product.objects.restrict(request.user).select_related("commune", "group", "producer"),
        slug=slug,
    )


@require_safe
@login_required
def product_detail(request, slug):
    today = timezone.localdate()
    product = get_object_or_404(
        Product.objects.restrict(request.user).with_certificate(today)
        .select_related("commune", "group", "producer", "proposed_by",
                        "pre_assessment", "pre_assessment__assessed_by")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("-decision_date", "-pk"))),
        slug=slug,
    )
    decorate(product, today)
    pre_assessment = getattr(product, "pre_assessment", None)
    ratings = list(product.ratings.all())
    for rating in ratings:
        rating.valid_now = rating.decision_date <= today <= rating.valid_until
    return render(request, "ocop/product_detail.html", {
        "product": product, "ratings": ratings, "today": today,
        "pre_assessment": pre_assessment,
        "pre_assessed_by": (pre_assessment.assessed_by.get_full_name() or pre_assessment.assessed_by.username
                            if pre_assessment and pre_assessment.assessed_by else "—"),
        "two_tier": product.procedure == Procedure.TWO_TIER,
        "national_min_score": lifecycle.NATIONAL_MIN_SCORE,
        "can_propose_to_province": lifecycle.can_propose_to_province(request.user, product),
        "can_edit": lifecycle.can_edit(request.user, product),
        "can_register": lifecycle.can_register(request.user, product),
        "can_rate": lifecycle.can_rate(request.user, product),
        "history": product.history.select_related("history_user")[:20],
    })


def _already_proposed(request, product):
    """The second post of a proposal: nothing new, show the product the first one created."""
    messages.info(request, _("This form was sent twice; the product was proposed once."))
    return redirect(product)


@login_required
def product_create(request):
    lifecycle.check_propose(request.user)
    # Staff may come from a commune's page: preselect that commune.
    initial = {"commune": Commune.objects.restrict(request.user, "change").filter(
        slug=request.GET.get("commune", "")).first()}
    form = ProductForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    earlier = form.created_before(request.user) if request.method == "POST" else None
    if earlier is not None:
        return _already_proposed(request, earlier)
    if request.method == "POST" and not form.is_valid():
        earlier = form.created_before(request.user)  # created meanwhile by a concurrent post
        if earlier is not None:
            return _already_proposed(request, earlier)
    elif request.method == "POST":
        try:
            product, created = form.create_once(request.user, lambda: lifecycle.save_product(
                form.instance, request.user, None, write=form.save))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not created:
                return _already_proposed(request, product)
            messages.success(request, _("“%(product)s” is proposed as a candidate.")
                             % {"product": product.name})
            return redirect(product)
    return render(request, "ocop/product_form.html", {"form": form, "product": None})


def _loaded_version(form):
    """The version the form was loaded at; a form without one counts as stale (-1),
    never as "skip the check", which only code without a form may ask for."""
    version = form.cleaned_data.get("version")
    return -1 if version is None else version


@login_required
def product_edit(request, slug):
    product = _product(request, slug)
    lifecycle.check_edit(request.user, product)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.save_product(form.instance, request.user, _loaded_version(form),
                                   write=form.save)
        except StaleEdit as error:
            return _stale(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(product)
    return render(request, "ocop/product_form.html", {"form": form, "product": product})


@login_required
def product_register(request, slug):
    product = _product(request, slug)
    lifecycle.check_register(request.user, product)
    form = RegisterForm(
        request.POST or None,
        initial={"registered_on": timezone.localdate(), "version": product.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.register(
                product, request.user, form.cleaned_data["registered_on"], _loaded_version(form)
            )
        except StaleEdit as error:
            return _stale(request, error)
        messages.success(request, _("“%(product)s” is registered for evaluation.") % {"product": product.name})
        return redirect(product)
    return render(request, "ocop/product_register.html", {"form": form, "product": product})


@login_required
def product_rate(request, slug):
    product = _product(request, slug)
    lifecycle.check_rate(request.user, product)
    form = RatingForm(request.POST or None, initial={"version": product.version}, product=product)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            rating = lifecycle.rate(product, request.user, expected_version=_loaded_version(form), **data)
        except StaleEdit as error:
            return _stale(request, error)
        messages.success(request, _("Rating saved: %(stars)s, certificate valid until %(date)s.") % {
            "stars": "★" * rating.stars, "date": format_date(rating.valid_until),
        })
        return redirect(product)
    return render(request, "ocop/product_rate.html", {
        "form": form, "product": product,
        "bands": lifecycle.bands_in_force(timezone.localdate()),
        "is_staff": is_district_staff(request.user),
        "two_tier": product.procedure == Procedure.TWO_TIER,
        "national_min_score": lifecycle.NATIONAL_MIN_SCORE,
        "province_max_stars": lifecycle.PROVINCE_MAX_STARS,
    })


@login_required
def product_propose(request, slug):
    """The commune's pre-assessment on the five points and, if all are met, the proposal to
    the province (Decision 1489/QĐ-TTg); ``lifecycle.propose`` records both."""
    product = _product(request, slug)
    lifecycle.check_propose_to_province(request.user, product)
    form = PreAssessmentForm(request.POST or None, initial={"version": product.version},
                             product=product)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = lifecycle.propose(product, request.user, form.points(),
                                           expected_version=_loaded_version(form))
        except StaleEdit as error:
            return _stale(request, error)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            unmet = assessment.unmet()
            if unmet:
                messages.warning(request, _(
                    "Pre-assessment saved. “%(product)s” is not proposed to the province: it "
                    "does not meet %(points)s.") % {
                    "product": product.name,
                    "points": ", ".join(str(point.label).lower() for point in unmet)})
            else:
                messages.success(request, _("“%(product)s” is pre-assessed and proposed to the "
                                            "province.") % {"product": product.name})
            return redirect(product)
    return render(request, "ocop/product_propose.html", {"form": form, "product": product})


@login_required
@require_safe
def photo(request, name):
    """An uploaded file under MEDIA_URL, served by the app (DEBUG or not) to whoever may see the
    product it belongs to; anything else, or a file no product holds now, answers 404."""
    product = Product.objects.restrict(request.user).filter(photo=name).only("photo").first()
    if product is None or not product.photo.storage.exists(product.photo.name):
        raise Http404
    response = FileResponse(product.photo.open("rb"),
                            content_type=mimetypes.guess_type(product.photo.name)[0])
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
