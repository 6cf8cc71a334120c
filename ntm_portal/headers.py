"""Response headers every page gets: Permissions-Policy, and ``no-store`` on whatever a signed-in
user, a download or the API answers (a shared or back-button cache must not keep them). The
Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY); this middleware
sits inside it and relaxes one directive for one third-party page."""

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings
from django.utils.cache import add_never_cache_headers


def _private(request, response):
    if request.path.startswith("/api/"):
        return True
    if "attachment" in response.get("Content-Disposition", ""):
        return True
    user = getattr(request, "user", None)  # absent for static files served before auth
    return bool(user is not None and user.is_authenticated)


def _browsable_api(request, response):
    return (request.path.startswith("/api/") and not request.path.startswith("/api/docs/")
            and response.get("Content-Type", "").startswith("text/html"))


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if _private(request, response):
            add_never_cache_headers(response)
        if settings.DEBUG and response.status_code in (404, 500):
            # Django's technical error pages (DEBUG only) are written with inline styles and
            # scripts; a developer must be able to read them.
            response._csp_exempt = True
        if _browsable_api(request, response):
            # REST framework's browsable pages write style attributes in its own templates; they
            # alone may use inline styles. Scripts stay strict there too.
            response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}
        return response
