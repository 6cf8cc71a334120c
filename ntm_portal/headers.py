"""Response headers every page gets: Permissions-Policy, and ``no-store`` on whatever a signed-in
user, a download or the API answers (a shared or back-button cache must not keep them)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


def _private(request, response):
    if request.path.startswith("/api/"):
        return True
    if "attachment" in response.get("Content-Disposition", ""):
        return True
    user = getattr(request, "user", None)  # absent for static files served before auth
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if _private(request, response):
            add_never_cache_headers(response)
        return response
