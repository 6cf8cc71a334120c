"""OCOP producers, products and ratings; registering and rating go through ``ocop.lifecycle``
and are validated by the web's forms (``ocop.forms``), so the messages are the same."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from ntm_portal.api import ErrorSerializer, ScopedReadOnlyViewSet, invalid
from ntm_portal.api_defaults import IntFilter, PortalFilterSet
from ocop import lifecycle
from ocop.filters import ProductFilter
from ocop.forms import PreAssessmentForm, RatingForm, RegisterForm
from ocop.models import Producer, Product, ProductGroup, Rating

from . import serializers as s


def errors(*codes):
    return {code: OpenApiResponse(ErrorSerializer) for code in codes}


class ProductGroupViewSet(ScopedReadOnlyViewSet):
    queryset = ProductGroup.objects.all()
    serializer_class = s.ProductGroupSerializer
    filterset_fields = ["code"]
    ordering_fields = ["order", "name"]


class ProducerFilter(PortalFilterSet):
    commune = IntFilter(field_name="commune")
    commune_slug = django_filters.CharFilter(field_name="commune__slug")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Producer
        fields = ["commune", "commune_slug", "kind", "name"]


class ProducerViewSet(ScopedReadOnlyViewSet):
    queryset = Producer.objects.all()
    serializer_class = s.ProducerSerializer
    filterset_class = ProducerFilter
    ordering_fields = ["name", "commune"]


class ProductViewSet(ScopedReadOnlyViewSet):
    """OCOP products with their current certificate (latest rating decided by today)."""

    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["name", "year", "cert_stars", "cert_valid_until"]

    def get_queryset(self):
        return super().get_queryset().with_certificate().select_related("pre_assessment")

    def get_serializer_class(self):
        return {"register": s.RegisterInputSerializer, "rate": s.RateInputSerializer,
                "propose": s.ProposeInputSerializer}.get(self.action, s.ProductSerializer)

    def _form(self, form_class, **kwargs):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        form = form_class(data=serializer.validated_data, **kwargs)
        if not form.is_valid():
            raise invalid({field: list(messages) for field, messages in form.errors.items()})
        return form.cleaned_data

    def _done(self, product):
        product = self.get_queryset().get(pk=product.pk)
        return Response(s.ProductSerializer(product, context={"request": self.request}).data)

    @extend_schema(responses={200: s.ProductSerializer, **errors(400, 403, 404, 409)},
                   description="Register a candidate for evaluation (district staff).")
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        product = self.get_object()
        lifecycle.check_register(request.user, product)
        data = self._form(RegisterForm)
        lifecycle.register(product, request.user, data["registered_on"], data["version"])
        return self._done(product)

    @extend_schema(responses={200: s.ProductSerializer, **errors(400, 403, 404, 409)},
                   description="Record a rating decision (district staff); the stars follow "
                               "from the score.")
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        product = self.get_object()
        lifecycle.check_rate(request.user, product)
        data = self._form(RatingForm, product=product)
        version = data.pop("version")
        lifecycle.rate(product, request.user, expected_version=version, **data)
        return self._done(product)


    @extend_schema(responses={200: s.ProductSerializer, **errors(400, 403, 404, 409)},
                   description="The commune's pre-assessment on the five points of Decision "
                               "1489/QĐ-TTg (each \"yes\" or \"no\", with a note); if all are "
                               "met the product is proposed to the province (commune officer).")
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        product = self.get_object()
        lifecycle.check_propose_to_province(request.user, product)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = PreAssessmentForm(data=serializer.validated_data, product=product)
        if not form.is_valid():
            raise invalid({field: list(messages) for field, messages in form.errors.items()})
        lifecycle.propose(product, request.user, form.points(),
                          expected_version=form.cleaned_data["version"])
        return self._done(product)


class RatingFilter(PortalFilterSet):
    product = IntFilter(field_name="product")
    commune = IntFilter(field_name="product__commune")
    decision_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Rating
        fields = ["product", "commune", "stars", "level", "decision_number", "decision_date"]


class RatingViewSet(ScopedReadOnlyViewSet):
    queryset = Rating.objects.all()
    serializer_class = s.RatingSerializer
    filterset_class = RatingFilter
    ordering_fields = ["decision_date", "stars", "score"]

    def get_queryset(self):
        return super().get_queryset().select_related("product")
