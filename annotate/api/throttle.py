"""The API's throttle by client address, ahead of authentication.

DRF throttles run after authentication and permissions, so a request with a wrong token (or
none) is refused with a 401 before any throttle sees it: such requests were never throttled.
This middleware counts them per client address in the shared cache (a database table, or
Redis: the same count in every worker) and, once an address has had ``API_THROTTLE_ADDRESS``
of them in the current window, answers every API request from it with a 429 before its token
is looked up. Requests that authenticate cost one cache read; DRF's per-user throttles count
them as before.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from annotate.security.addresses import client_address

API_PREFIX = "/api/"


def _window(now: float, period: int) -> tuple[int, int]:
    """The fixed window ``now`` falls in: its start, and whole seconds until the next one."""
    start = int(now // period) * period
    return start, max(1, math.ceil(start + period - now))


def _key(address: str, window_start: int) -> str:
    return f"api-address-failures:{address}:{window_start}"


def _count_failure(key: str, period: int) -> None:
    # add() creates the counter if missing; incr() fails only if it expired in between.
    if not cache.add(key, 1, timeout=period + 60):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=period + 60)


class AddressThrottleMiddleware:
    """Refuse API requests from an address past its limit of failed authentications."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        limit, period = settings.API_THROTTLE_ADDRESS
        window_start, retry_after = _window(time.time(), period)
        key = _key(client_address(request), window_start)
        if (cache.get(key) or 0) >= limit:
            return self._refuse(retry_after)
        response = self.get_response(request)
        if response.status_code == 401:  # no credentials, or wrong ones
            _count_failure(key, period)
        return response

    @staticmethod
    def _refuse(retry_after: int) -> JsonResponse:
        detail = (
            "Too many API requests from your address failed authentication. "
            f"Try again in {retry_after} seconds, with a valid token "
            "(Authorization: Token <key>; yours is on your profile page)."
        )
        response = JsonResponse({"detail": detail}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
