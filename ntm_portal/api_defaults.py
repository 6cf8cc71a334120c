"""Pagination and throttling of the API, named in settings (kept apart from ``ntm_portal.api``
because DRF imports them while its views module is loading)."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class _RuntimeRate:
    """Rates read from settings at each request, so that they can be changed without a restart."""

    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, None)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonThrottle(_RuntimeRate, AnonRateThrottle):
    setting = "API_RATE_ANON"


class UserThrottle(_RuntimeRate, UserRateThrottle):
    setting = "API_RATE_USER"
