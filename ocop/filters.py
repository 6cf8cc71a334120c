"""The OCOP product filters: one FilterSet for the API (``ProductFilter``) and, built on it,
the product list page's (``ProductListFilter``: its Vietnamese labels, the commune by slug
within the user's scope, sorting).

Both filter products annotated by ``ProductQuerySet.with_certificate``: a status is the
annotated ``cert_status`` (``lifecycle.status_expression``), never re-encoded here.
"""

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from ntm_portal.api_defaults import IntFilter, PortalFilterSet
from ntm_portal.forms import BootstrapMixin

from . import lifecycle
from .choices import STAR_CHOICES, Procedure, Status
from .models import Product, ProductGroup


class ProductFilter(PortalFilterSet):
    commune = IntFilter(field_name="commune")
    commune_slug = django_filters.CharFilter(field_name="commune__slug")
    producer = IntFilter(field_name="producer")
    group = IntFilter(field_name="group")
    stars = IntFilter(field_name="cert_stars")
    stars_min = IntFilter(field_name="cert_stars", lookup_expr="gte")
    name = django_filters.CharFilter(lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="cert_status", choices=Status.choices, empty_label=_("All"),
        method="filter_status")
    procedure = django_filters.ChoiceFilter(
        label=_("Evaluation procedure"), field_name="procedure", choices=Procedure.choices,
        empty_label=_("All"))
    expiring = IntFilter(label=_("Expiring within (months)"), method="filter_expiring",
                         min_value=0, max_value=120)

    class Meta:
        model = Product
        fields = ["commune", "commune_slug", "producer", "group", "year", "target_stars", "stage",
                  "stars", "stars_min", "name", "status", "procedure", "expiring"]

    def filter_status(self, queryset, name, status):
        """The annotated status; "certified" includes the products certified and proposed
        to national level (a certified product whose grading goes on to the nation)."""
        if status == Status.CERTIFIED:
            return queryset.filter(cert_status__in=lifecycle.CERTIFIED_STATUSES)
        return queryset.filter(cert_status=status)

    def filter_expiring(self, queryset, name, months):
        """Certified products whose certificate ends within ``months`` from the status date."""
        today = timezone.localdate()
        return queryset.filter(cert_status__in=lifecycle.CERTIFIED_STATUSES,
                               cert_valid_until__lte=lifecycle.add_months(today, months))


class ProductListForm(BootstrapMixin, forms.Form):
    pass


class ProductListFilter(ProductFilter):
    """The product list page: ``ProductFilter`` with the page's fields and labels."""

    SORTS = {
        "commune": (_("Commune"), ["commune__name", "name"]),
        "name": (_("Name"), ["name"]),
        "-stars": (_("Stars, highest first"), [F("cert_stars").desc(nulls_last=True), "name"]),
        "valid_until": (_("Expiry, soonest first"),
                        [F("cert_valid_until").asc(nulls_last=True), "name"]),
        "-year": (_("Year, latest first"), ["-year", "name"]),
    }
    # The page shows these, in this order; the API's other filters stay off its form.
    ON_PAGE = ["q", "commune", "group", "stars", "status", "year", "expiring", "sort"]

    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.none(), to_field_name="slug",
        empty_label=_("All"))
    group = django_filters.ModelChoiceFilter(
        label=_("Product group"), queryset=ProductGroup.objects.all(), empty_label=_("All"))
    stars = django_filters.TypedChoiceFilter(
        label=_("Stars"), choices=[("", _("All")), *STAR_CHOICES], coerce=int,
        method="filter_stars")
    year = IntFilter(label=_("Programme year"), field_name="year", min_value=2000,
                     max_value=2100)
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=[(k, label) for k, (label, _o) in SORTS.items()],
        method="filter_sort", empty_label=None)

    class Meta(ProductFilter.Meta):
        form = ProductListForm

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.ON_PAGE}
        self.filters["commune"].queryset = Commune.objects.restrict(user)

    def filter_stars(self, queryset, name, stars):
        return queryset.filter(cert_stars=stars, cert_status__in=lifecycle.CERTIFIED_STATUSES)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in ``qs``

    @property
    def qs(self):
        sort = (self.is_bound and self.is_valid() and self.form.cleaned_data.get("sort")
                or "commune")
        return super().qs.order_by(*self.SORTS[sort][1])
