"""Units, periods and registries; every queryset restricted per user.

Units and periods change in the back office. Registry records (model residential areas,
model gardens) are written as on the web: the same forms (``communes.forms``, with the
dated rules of ``communes.registry``) and ``registry.save_record`` with its version check.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from communes import idempotency, registry
from communes.forms import ModelAreaForm, ModelGardenForm
from communes.scoping import VIEW

from communes.models import (
    Commune, District, ModelArea, ModelGarden, ReportingPeriod, Village, recognised_q)
from ntm_portal.api_defaults import IntFilter, PortalFilterSet
from ntm_portal.api import ErrorSerializer, ScopedReadOnlyViewSet, invalid

from . import serializers


class DistrictViewSet(ScopedReadOnlyViewSet):
    queryset = District.objects.select_related("province")
    serializer_class = serializers.DistrictSerializer
    filterset_fields = {"slug": ["exact"], "province": ["exact"], "code": ["exact"]}
    ordering_fields = ["name", "province__name"]


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
    queryset = ReportingPeriod.objects.prefetch_related("unit_settings")
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
        current = recognised_q(timezone.localdate())
        return queryset.filter(current) if value else queryset.exclude(current)


class ModelAreaFilter(RegistryFilter):
    class Meta:
        model = ModelArea
        fields = ["village", "commune", "commune_slug", "decision_number"]


IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER, location=OpenApiParameter.HEADER, required=False,
    description="A key of your choice (8–64 letters, digits, - or _): sending the same call "
                "again with it answers 200 with the record created the first time.")


def _errors(*codes):
    return {code: OpenApiResponse(ErrorSerializer) for code in codes}


class RegistryWriteMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create (POST) and replace (PUT, with ``version``) a registry record through its form."""

    form_class = None
    input_serializer = None
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return self.input_serializer
        return super().get_serializer_class()

    def _output(self, record, code):
        output = super().get_serializer_class()(record, context=self.get_serializer_context())
        return Response(output.data, status=code)

    def _save(self, record, commune, code, key=None):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = {"village" if k == "village_id" else k: "" if v is None else str(v)
                for k, v in serializer.validated_data.items()}
        form = self.form_class(data=data, instance=record, commune=commune,
                               user=self.request.user)
        if not form.is_valid():
            # A concurrent call with the same key may have created it meanwhile.
            earlier = idempotency.created_before(key, self.request.user) if record is None else None
            if earlier is not None:
                return self._output(earlier, status.HTTP_200_OK)
            raise invalid({field: list(messages) for field, messages in form.errors.items()})
        version = serializer.validated_data.get("version")
        # A refusal (ValidationError) becomes a 400 in ntm_portal.api.exception_handler.
        if record is None:
            saved, created = idempotency.create_once(key, self.request.user, lambda: (
                registry.save_record(form.instance, self.request.user, 0)))
            return self._output(saved, code if created else status.HTTP_200_OK)
        saved = registry.save_record(form.instance, self.request.user,
                                     0 if version is None else version)
        return self._output(saved, code)

    def create(self, request, *args, **kwargs):
        """With an ``Idempotency-Key`` header, a repeated call answers 200 with the record
        the first one created (``communes.idempotency``)."""
        key = idempotency.header_key(request)
        earlier = idempotency.created_before(key, request.user)
        if earlier is not None:
            return self._output(earlier, status.HTTP_200_OK)
        village_id = request.data.get("village") if hasattr(request.data, "get") else None
        village = (Village.objects.restrict(request.user, VIEW).select_related("commune")
                   .filter(pk=village_id).first() if isinstance(village_id, int) else None)
        if village is None:
            raise invalid({"village": [_("Unknown village.")]})
        registry.check_change(request.user, village.commune)
        return self._save(None, village.commune, status.HTTP_201_CREATED, key)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        commune = record.village.commune
        registry.check_change(request.user, commune)
        return self._save(record, commune, status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(responses={201: serializers.ModelAreaSerializer,
                                    200: serializers.ModelAreaSerializer, **_errors(400, 403)},
                         parameters=[IDEMPOTENCY_KEY]),
    update=extend_schema(responses={200: serializers.ModelAreaSerializer,
                                    **_errors(400, 403, 404, 409)}))
class ModelAreaViewSet(RegistryWriteMixin, ScopedReadOnlyViewSet):
    form_class = ModelAreaForm
    input_serializer = serializers.ModelAreaInputSerializer
    queryset = ModelArea.objects.select_related("village__commune")
    serializer_class = serializers.ModelAreaSerializer
    filterset_class = ModelAreaFilter
    ordering_fields = ["registered_on", "recognised_on", "village__name"]


class ModelGardenFilter(RegistryFilter):
    household = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ModelGarden
        fields = ["village", "commune", "commune_slug", "level", "household", "decision_number"]


@extend_schema_view(
    create=extend_schema(responses={201: serializers.ModelGardenSerializer,
                                    200: serializers.ModelGardenSerializer, **_errors(400, 403)},
                         parameters=[IDEMPOTENCY_KEY]),
    update=extend_schema(responses={200: serializers.ModelGardenSerializer,
                                    **_errors(400, 403, 404, 409)}))
class ModelGardenViewSet(RegistryWriteMixin, ScopedReadOnlyViewSet):
    form_class = ModelGardenForm
    input_serializer = serializers.ModelGardenInputSerializer
    queryset = ModelGarden.objects.select_related("village__commune")
    serializer_class = serializers.ModelGardenSerializer
    filterset_class = ModelGardenFilter
    ordering_fields = ["registered_on", "recognised_on", "household"]
