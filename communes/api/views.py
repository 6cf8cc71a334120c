"""Read-only endpoints of units, periods and registries; every queryset restricted per user.

Registries and units change in the back office (district staff), not through the API.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone

from communes.models import Commune, District, ModelArea, ModelGarden, ReportingPeriod, Village
from ntm_portal.api_defaults import IntFilter, PortalFilterSet
from ntm_portal.api import ScopedReadOnlyViewSet

from . import serializers


class DistrictViewSet(ScopedReadOnlyViewSet):
    queryset = District.objects.all()
    serializer_class = serializers.DistrictSerializer
    filterset_fields = {"slug": ["exact"], "province": ["exact"], "code": ["exact"]}
    ordering_fields = ["name", "province"]


class CommuneFilter(PortalFilterSet):
    district = IntFilter(field_name="district")
    name = django_filters.CharFilter(lookup_expr="icontains")
    level = IntFilter(field_name="level")
    level_min = IntFilter(field_name="level", lookup_expr="gte")

    class Meta:
        model = Commune
        fields = ["district", "kind", "slug", "code", "name"]


class CommuneViewSet(ScopedReadOnlyViewSet):
    queryset = Commune.objects.all()
    serializer_class = serializers.CommuneSerializer
    filterset_class = CommuneFilter
    ordering_fields = ["name", "slug", "level"]

    def get_queryset(self):
        return super().get_queryset().with_level()


class VillageFilter(PortalFilterSet):
    commune = IntFilter(field_name="commune")
    commune_slug = django_filters.CharFilter(field_name="commune__slug")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Village
        fields = ["commune", "commune_slug", "name", "is_invented"]


class VillageViewSet(ScopedReadOnlyViewSet):
    queryset = Village.objects.all()
    serializer_class = serializers.VillageSerializer
    filterset_class = VillageFilter
    ordering_fields = ["name", "commune"]


class PeriodViewSet(ScopedReadOnlyViewSet):
    queryset = ReportingPeriod.objects.all()
    serializer_class = serializers.ReportingPeriodSerializer
    filterset_fields = {"year": ["exact", "gte", "lte"], "quarter": ["exact"]}
    ordering_fields = ["year", "quarter", "entry_deadline"]


class RegistryFilter(PortalFilterSet):
    village = IntFilter(field_name="village")
    commune = IntFilter(field_name="village__commune")
    commune_slug = django_filters.CharFilter(field_name="village__commune__slug")
    registered_on = django_filters.DateFromToRangeFilter()
    recognised_on = django_filters.DateFromToRangeFilter()
    recognised = django_filters.BooleanFilter(method="filter_recognised",
                                              label="Recognised today (not lapsed)")

    def filter_recognised(self, queryset, name, value):
        today = timezone.localdate()
        current = Q(recognised_on__lte=today) & (Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=today))
        return queryset.filter(current) if value else queryset.exclude(current)


class ModelAreaFilter(RegistryFilter):
    class Meta:
        model = ModelArea
        fields = ["village", "commune", "commune_slug", "decision_number"]


class ModelAreaViewSet(ScopedReadOnlyViewSet):
    queryset = ModelArea.objects.select_related("village")
    serializer_class = serializers.ModelAreaSerializer
    filterset_class = ModelAreaFilter
    ordering_fields = ["registered_on", "recognised_on", "village__name"]


class ModelGardenFilter(RegistryFilter):
    household = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ModelGarden
        fields = ["village", "commune", "commune_slug", "level", "household", "decision_number"]


class ModelGardenViewSet(ScopedReadOnlyViewSet):
    queryset = ModelGarden.objects.select_related("village")
    serializer_class = serializers.ModelGardenSerializer
    filterset_class = ModelGardenFilter
    ordering_fields = ["registered_on", "recognised_on", "household"]
