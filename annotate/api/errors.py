"""One shape for every API error: ``{"detail": "...", "errors"?: {...}}`` (DESIGN.md: errors are
JSON with a message a person can act on)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

NOT_FOUND = "No such API endpoint. The API's endpoints are listed at /api/docs/."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with one shape for every error: ``{"detail": "...", "errors"?: {...}}``.

    A 400 for bad parameters keeps the per-parameter messages under ``errors``
    and sums them up in ``detail``, so a person reading only ``detail`` knows
    what to change.
    """
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        errors = {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in errors.items()
        }
        summary = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items())
        response.data = {"detail": f"Invalid parameters. {summary}", "errors": errors}
    elif not (isinstance(data, dict) and "detail" in data):
        response.data = {"detail": str(data)}
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)
