"""What every app's API shares: errors, pagination, throttling, the schema's error responses.

Each app keeps its endpoints in ``<app>/api/{serializers,views,urls}.py`` (NetBox's
layout); ``ntm_portal/urls.py`` routes them under ``/api/``. Querysets go through
``Model.objects.restrict(user, action)``; writes call the same functions as the web
forms. Errors have one shape: ``{"detail": "...", "errors": {field: [messages]}}``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from communes.scoping import VIEW
from communes.workflow import StaleEdit


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a sentence for the user and, for invalid input, messages per field."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   required=False)


ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Invalid input; nothing was saved."),
    401: gettext_lazy("Not signed in: use the session or a token."),
    403: gettext_lazy("Not allowed, with the reason."),
    404: gettext_lazy("Not found, or outside what your account may see."),
    409: gettext_lazy("Someone else saved first; nothing of yours was saved."),
    429: gettext_lazy("Too many requests; try again later."),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _flatten(data):
    """DRF's nested error data as {field: [messages]}."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    result[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        result[f"{key}.{i}.{sub}"] = messages
            else:
                result[str(key)] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return result
    return {"non_field_errors": [str(v) for v in (data if isinstance(data, list) else [data])]}


def exception_handler(exc, context):
    """DRF's handler, plus: WorkflowError → 403 with its message, StaleEdit → 409, one shape."""
    if isinstance(exc, StaleEdit):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied) and not isinstance(exc, Http404):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = getattr(exc, "summary", None) or _("Invalid input; nothing was saved.")
        response.data = {"detail": str(detail), "errors": _flatten(exc.detail)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def text_field(max_length, **kwargs):
    """A text input of the API with the web's boundary: control characters refused, the
    same cap as the form (``ntm_portal.forms``)."""
    from .forms import validate_plain_text

    return serializers.CharField(max_length=max_length, validators=[validate_plain_text],
                                 **kwargs)


def invalid(errors, summary=None):
    """A 400 with per-field messages (``{field: [messages]}``)."""
    error = exceptions.ValidationError(errors)
    error.summary = summary
    return error


class PortalAutoSchema(AutoSchema):
    """Adds the shared error answers to every operation, as they apply."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = [401, 403, 429]
        if "{" in self.path:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH") or (self.method == "GET"
                                                        and self._is_list_view()):
            codes.append(400)
        for code in sorted(codes):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ErrorSerializer, str(code), direction=direction)
                responses[str(code)]["description"] = str(ERROR_DESCRIPTIONS[code])
        return responses


class ScopedViewSet(viewsets.GenericViewSet):
    """Querysets restricted to what the user may see (out of scope → 404)."""

    scope_action = VIEW
    lookup_value_regex = r"[0-9]{1,18}"  # larger ids overflow the database: 404, not 500

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action)


class ScopedReadOnlyViewSet(viewsets.mixins.ListModelMixin, viewsets.mixins.RetrieveModelMixin,
                            ScopedViewSet):
    pass


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    """The endpoints, the schema and the docs."""
    names = ["districts", "communes", "villages", "periods", "model-areas", "model-gardens",
             "criteria-sets", "criteria", "criterion-indicators", "indicators", "targets",
             "values", "assessments", "submissions", "tasks", "ocop/product-groups", "ocop/producers",
             "ocop/products", "ocop/ratings"]
    links = {name: request.build_absolute_uri(f"/api/{name}/") for name in names}
    links["schema"] = request.build_absolute_uri("/api/schema/")
    links["docs"] = request.build_absolute_uri("/api/docs/")
    return Response(links)
