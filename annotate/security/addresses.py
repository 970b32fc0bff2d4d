"""The address a request comes from, for the sign-in lockout and the API's address throttle."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the outermost of them put in ``X-Forwarded-For``.

    Each proxy appends the address it was reached from, so with n trusted proxies the client is
    the n-th entry from the right; anything left of it was written by the client and may be
    made up. With fewer entries than proxies the header was not set as expected: the proxy's
    own address is used, so such requests share one count instead of escaping it.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    forwarded = [a.strip() for a in header.split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
