"""Pagination and throttling of the API, named in settings (kept apart from ``ntm_portal.api``
because DRF imports them while its views module is loading)."""

import time

import django_filters
from django import forms
from django.conf import settings
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .client_ip import client_address


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class _RuntimeRate:
    """Rates read from settings at each request, so that they can be changed without a restart.

    Counted with one atomic increment per request (``cache.incr``: atomic in Redis, shared by
    every worker), not with DRF's read-then-write history list, which lets concurrent requests
    of several workers through past the limit. The count is a sliding window estimated from
    two fixed ones: this window's count plus the previous window's, weighted by the share of
    it still inside the last ``duration`` seconds. A refused request is not counted.
    """

    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, None)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        window, into = divmod(now, self.duration)
        key = f"{ident}:w{int(window)}"
        self.cache.add(key, 0, 2 * self.duration + 1)  # no-op when the counter exists
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, 2 * self.duration + 1)
            count = 1
        previous = self.cache.get(f"{ident}:w{int(window) - 1}", 0)
        weight = 1 - into / self.duration
        if previous * weight + count <= self.num_requests:
            return True
        self.cache.decr(key)
        # Roughly when enough of the previous window will have slid out.
        self.retry_after = self.duration - into if count > self.num_requests else \
            self.duration * (previous * weight + count - self.num_requests) / max(previous, 1)
        return False

    def wait(self):
        return max(1.0, getattr(self, "retry_after", self.duration))

    def get_ident(self, request):
        # Not DRF's: without NUM_PROXIES it believes X-Forwarded-For, which the client writes.
        return client_address(request)


class AnonThrottle(_RuntimeRate, AnonRateThrottle):
    setting = "API_RATE_ANON"


class UserThrottle(_RuntimeRate, UserRateThrottle):
    setting = "API_RATE_USER"


class IntFilter(django_filters.NumberFilter):
    """A whole number within what every database compares without overflowing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**31))
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class PortalFilterSet(django_filters.FilterSet):
    """Integer and foreign-key fields filter by bounded whole numbers (ids), never by
    model choice over an unrestricted queryset (that would tell out-of-scope ids apart)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{field: {"filter_class": IntFilter} for field in (
            models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField,
            models.SmallIntegerField, models.PositiveIntegerField,
            models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
            models.ForeignKey, models.OneToOneField)},
    }


class FilterBackend(DjangoFilterBackend):
    filterset_base = PortalFilterSet


class FailedTokenThrottle(_RuntimeRate, AnonRateThrottle):
    """Wrong tokens per client address, at the anonymous rate: guessing keys is throttled too
    (anonymous requests are refused before the ordinary throttles run)."""

    setting = "API_RATE_ANON"
    scope = "token_failure"

    def get_cache_key(self, request, view):
        # Not AnonRateThrottle's: it reads request.user, which is being authenticated here.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
