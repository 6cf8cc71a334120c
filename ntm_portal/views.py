"""Error pages inside the portal's layout, in the user's language: a refused form
(CSRF) and the server error. 403 and 404 use Django's handlers with our templates."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)


def _same_site_referer(request):
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def csrf_failure(request, reason=""):
    """A form refused because its security token is missing or old (cookies cleared, a
    page left open for days): say so plainly, and lead back to the page, where the
    report page puts back what was typed from the browser's storage."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", {"back": _same_site_referer(request)}, status=403)


def server_error(request):
    """The 500 page in the layout; without the request's context if that fails too."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the layout needs the session or database that may be what failed
        logger.exception("500 page rendered without the layout's context")
        return HttpResponseServerError(loader.get_template("500.html").render())
