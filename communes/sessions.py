"""Per-request account rules: the idle session limit and the password change after a reset."""

import time

from django.conf import settings
from django.dispatch import receiver
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SEEN_KEY = "_ntm_last_seen"
# The last activity is written at most this often, so that reading pages does not write the
# session on every request; the idle limit is therefore exact to within this many seconds.
TOUCH_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _start_idle_clock(sender, request=None, **kwargs):
    """Signing in counts as activity, so that the first pages after it write nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


class AccountSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session") and not request.path.startswith("/static/"):
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, _(
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again."
                ) % {"minutes": settings.SESSION_IDLE_MINUTES})
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if seen is None or now - seen >= TOUCH_EVERY_SECONDS:
                request.session[SEEN_KEY] = now
            if user.must_change_password and not self._allowed_before_change(request):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _(
                        "Your password was reset: choose a new one on the portal first.")}, status=403)
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed_before_change(request):
        allowed = (reverse("password_change"), reverse("logout"), reverse("set_language"))
        return request.path in allowed or request.path.startswith("/static/")
