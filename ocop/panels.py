"""Blocks for the home page (staff: certificates expiring soon) and a commune's page."""

from django.utils import timezone

from communes.scoping import is_district_staff
from communes.seeding import Panel

from . import lifecycle
from .models import Product


def expiring_products(on_date, months=lifecycle.EXPIRING_SOON_MONTHS, products=None):
    """Products whose certificate in force on ``on_date`` ends within ``months`` months."""
    products = Product.objects.all() if products is None else products
    return (
        products.with_certificate(on_date)
        .filter(cert_status__in=lifecycle.CERTIFIED_STATUSES,
                cert_valid_until__lte=lifecycle.add_months(on_date, months))
        .select_related("commune")
        .order_by("cert_valid_until", "name")
    )


def home_panels(request):
    if not is_district_staff(request.user):
        return []
    today = timezone.localdate()
    return [Panel("ocop/panel_expiring.html", {
        "products": list(expiring_products(today, products=Product.objects.restrict(request.user))),
        "months": lifecycle.EXPIRING_SOON_MONTHS,
    }, order=40)]


def commune_panels(request, commune):
    from .views import decorate

    today = timezone.localdate()
    products = [
        decorate(p, today)
        for p in Product.objects.restrict(request.user).filter(commune=commune)
        .with_certificate(today).select_related("producer", "group").order_by("name")
    ]
    return [Panel("ocop/panel_commune.html", {
        "commune": commune, "products": products,
        "can_propose": lifecycle.can_propose(request.user)
        and (is_district_staff(request.user) or request.user.commune_id == commune.pk),
    }, order=60)]
