from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Producer, Product, ProductGroup, Rating, StarBand


@admin.register(ProductGroup)
class ProductGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(StarBand)
class StarBandAdmin(SimpleHistoryAdmin):
    list_display = ["stars", "min_score", "valid_from", "valid_to", "basis"]
    list_filter = ["stars", "basis"]
    search_fields = ["basis"]


@admin.register(Producer)
class ProducerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "commune", "contact"]
    list_filter = ["kind", "commune"]
    search_fields = ["name", "contact", "commune__name"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["score", "stars", "level", "decision_number", "decision_date", "valid_until", "note"]
    readonly_fields = ["stars", "valid_until"]
    extra = 0


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "producer", "group", "year", "target_stars", "stage"]
    list_filter = ["stage", "group", "year", "target_stars", "commune"]
    search_fields = ["name", "slug", "producer__name", "commune__name"]
    list_select_related = ["commune", "producer", "group"]
    autocomplete_fields = ["commune", "producer"]
    readonly_fields = ["proposed_by", "created_at", "version"]
    inlines = [RatingInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # forms opened before this save become stale
        super().save_model(request, obj, form, change)


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["product", "score", "stars", "level", "decision_number", "decision_date", "valid_until"]
    list_filter = ["stars", "level", "decision_date"]
    search_fields = ["product__name", "decision_number"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    readonly_fields = ["stars", "valid_until", "rated_by"]

    def save_model(self, request, obj, form, change):
        if not obj.rated_by_id:
            obj.rated_by = request.user
        super().save_model(request, obj, form, change)
