"""Logs as JSON lines on stdout: one line a request, with its id, user and time taken.

django-structlog's middleware logs each request (``request_finished``; ``request_failed`` for
an unhandled error) with the request id, taken from the proxy's ``X-Request-ID`` when it
sends one, else made up. The receivers below add what an operator looks for (``method``,
``path``, ``status``, ``duration_ms``) and send the id back in the response's
``X-Request-ID``, so a user's report of a failed page can be matched to its line. Every other
log record (Django's, gunicorn's errors, ours) goes through the same formatter, and carries the
request id too while a request is being served.

``LOG_FORMAT=json`` (the default with DEBUG off) writes one JSON object a line;
``LOG_FORMAT=console`` (the default with DEBUG on) readable lines for a terminal.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog import signals

LOG_FORMATS = ("json", "console")
REQUEST_ID_HEADER = "X-Request-ID"

# The processors every record passes, structlog's own and the standard library's alike.
_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,  # request_id, user_id
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(log_format: str) -> dict[str, Any]:
    """A ``logging`` formatter (dictConfig form) writing ``log_format``: json or console."""
    if log_format == "json":
        last: list[Any] = [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ]
    else:
        last = [structlog.dev.ConsoleRenderer(colors=False)]
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": _SHARED,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *last],
    }


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """``LOGGING`` for the settings: everything to stdout in ``log_format``, requests at INFO."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter(log_format)},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "main",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # The request lines, whatever LOG_LEVEL says of the rest.
            "django_structlog": {"level": "INFO"},
            # Django's own line for each 4xx/5xx ("Not Found: /x") repeats the request line.
            "django.request": {"level": "ERROR"},
        },
    }


def structlog_configure() -> None:
    """Route structlog's loggers (django-structlog's) through the standard ``logging`` setup."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


_started: ContextVar[float] = ContextVar("threadlab_request_started")


@receiver(signals.bind_extra_request_metadata)
def _request_started(request: HttpRequest, **kwargs: Any) -> None:
    _started.set(time.perf_counter())


def _request_fields(request: HttpRequest, log_kwargs: dict[str, Any], status: int) -> None:
    """The request line's fields, in place of django-structlog's ``code`` and ``request``."""
    log_kwargs.pop("code", None)
    log_kwargs.pop("request", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.get_full_path()
    log_kwargs["status"] = status
    started = _started.get(None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)


@receiver(signals.bind_extra_request_finished_metadata)
def _request_finished(
    request: HttpRequest, response: HttpResponse, log_kwargs: dict[str, Any], **kwargs: Any
) -> None:
    _request_fields(request, log_kwargs, response.status_code)
    _request_id_echo(response)


@receiver(signals.bind_extra_request_failed_metadata)
def _request_failed(request: HttpRequest, log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    _request_fields(request, log_kwargs, 500)


@receiver(signals.update_failure_response)
def _failure_response(response: HttpResponse, **kwargs: Any) -> None:
    _request_id_echo(response)


def _request_id_echo(response: HttpResponse) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response[REQUEST_ID_HEADER] = request_id
