"""``/healthz``: whether this process can serve, for load balancers and container health checks.

200 ``{"database": "ok", "migrations": "ok"}`` when the database answers and no migration is
waiting; 503 with what is wrong otherwise. No sign-in (a load balancer has none), no session,
no cache: a probe touches the database with one ``SELECT 1`` and, at most every
``MIGRATIONS_TTL`` seconds, the migration plan (``migrate --check``'s: the migration files on
disk against the ``django_migrations`` table). ``ALLOWED_HOSTS`` applies, as to every request:
the probe must send a Host header the settings allow (the compose file's sends 127.0.0.1).
"""

from __future__ import annotations

import logging
import threading
import time

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
# Reading the migration graph costs tens of milliseconds; a probe every second or two from
# each balancer would spend that on every probe. A new release's unapplied migration shows
# within this many seconds.
MIGRATIONS_TTL = 10.0

_migrations: tuple[float, str] | None = None  # (when checked, what was found), this process's
_migrations_lock = threading.Lock()


def database_status() -> str:
    """``ok`` when the database answers a query; else ``unreachable`` (the error is logged)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: the database does not answer", exc_info=True)
        return "unreachable"
    return OK


def _migrations_found() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return OK
    names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
    return f"{len(plan)} unapplied: {names}"


def migrations_status() -> str:
    """``ok`` when every migration is applied, else which are not (checked every few seconds)."""
    global _migrations
    with _migrations_lock:
        now = time.monotonic()
        if _migrations is None or now - _migrations[0] >= MIGRATIONS_TTL:
            try:
                _migrations = (now, _migrations_found())
            except DatabaseError:
                logger.warning("health check: the migrations cannot be read", exc_info=True)
                return "unknown"
        return _migrations[1]


def migrations_forget() -> None:
    """Check the migrations afresh on the next probe (tests, and after ``migrate`` in-process)."""
    global _migrations
    with _migrations_lock:
        _migrations = None


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = {"database": database_status(), "migrations": "unknown"}
    if report["database"] == OK:
        report["migrations"] = migrations_status()
    healthy = all(value == OK for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
