"""The client's address, from a configured number of trusted proxies.

A header the client controls is never believed on its own: with ``TRUSTED_PROXIES = 0`` the
address is the socket's (``REMOTE_ADDR``); with N trusted proxies in front of the app, each of
them appends the address it saw to ``X-Forwarded-For``, so the client is the N-th entry from
the right. Anything the client wrote to the left of that is ignored. Throttles (API and logins)
count by this address.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    # Fewer entries than trusted proxies: every entry was written by one of ours.
    candidate = hops[-trusted] if len(hops) >= trusted else hops[0]
    return _valid(candidate) or remote
