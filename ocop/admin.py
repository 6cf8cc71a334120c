from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ntm_portal.backoffice import BoundaryAdminForm, BoundaryAdminMixin, ReadOnlyAdmin, ServiceSaveAdmin

from . import lifecycle
from .choices import PrePoint

from .models import PreAssessment, Producer, Product, ProductGroup, Rating, StarBand


@admin.register(ProductGroup)
class ProductGroupAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(StarBand)
class StarBandAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["stars", "min_score", "valid_from", "valid_to", "basis"]
    list_filter = ["stars", "basis"]
    search_fields = ["basis"]


@admin.register(Producer)
class ProducerAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "commune", "contact"]
    list_filter = ["kind", "commune"]
    search_fields = ["name", "contact", "commune__name"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]


class RatingInline(admin.TabularInline):
    """Ratings are decisions entered on the product's "rate" page (``lifecycle.rate``)."""

    model = Rating
    form = BoundaryAdminForm
    fields = ["score", "stars", "level", "decision_number", "decision_date", "valid_until", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PreAssessmentInline(admin.StackedInline):
    """The commune's pre-assessment, recorded by ``lifecycle.propose`` (the product's
    "pre-assess and propose" page or the API); read-only here."""

    model = PreAssessment
    form = BoundaryAdminForm
    fields = [f"{point}_{part}" for point in PrePoint.values for part in ("met", "note")] + [
        "assessed_by", "assessed_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ServiceSaveAdmin, SimpleHistoryAdmin):
    """Saved by ``lifecycle.save_product``; the stage moves only by registering and rating."""

    list_display = ["name", "commune", "producer", "group", "year", "target_stars", "stage", "procedure"]
    list_filter = ["stage", "procedure", "group", "year", "target_stars", "commune"]
    search_fields = ["name", "slug", "producer__name", "commune__name"]
    list_select_related = ["commune", "producer", "group"]
    autocomplete_fields = ["commune", "producer"]
    readonly_fields = ["stage", "procedure", "registered_on", "proposed_by", "created_at"]
    inlines = [PreAssessmentInline, RatingInline]

    def service_save(self, request, obj, form, change):
        lifecycle.save_product(obj, request.user, self.loaded_version(form) if change else None)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["product", "score", "stars", "level", "decision_number", "decision_date", "valid_until"]
    list_filter = ["stars", "level", "decision_date"]
    search_fields = ["product__name", "decision_number"]
    list_select_related = ["product"]
