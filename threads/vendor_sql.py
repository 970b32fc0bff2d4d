"""The migrations' one custom operation: literal SQL for each database vendor.

Every trigger and check the migrations create is literal SQL, different on PostgreSQL and
SQLite; the migrations of both apps import this class (Django's documented way to share a
custom operation) rather than each holding a copy. Changing it changes how every one of them
runs: keep it as it is, or add a new operation beside it.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.migrations.operations.base import Operation

Statements = dict[str, list[str]]


class VendorSQL(Operation):
    """Literal SQL statements for each database vendor, run in order.

    RunSQL cannot tell the databases apart, and RunPython is invisible to sqlmigrate; this
    runs each statement through ``schema_editor.execute()``, which sqlmigrate collects.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(
        self,
        *,
        postgresql: list[str],
        sqlite: list[str],
        reverse_postgresql: list[str],
        reverse_sqlite: list[str],
    ) -> None:
        self.sql = {"postgresql": postgresql, "sqlite": sqlite}
        self.reverse_sql = {"postgresql": reverse_postgresql, "sqlite": reverse_sqlite}

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._run(self.sql, app_label, schema_editor)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._run(self.reverse_sql, app_label, schema_editor)

    def describe(self) -> str:
        return "Literal SQL for each database"

    def _run(self, statements: Statements, app_label: str, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor not in statements:
            raise NotImplementedError(f"No SQL for the {connection.vendor} database.")
        if router.allow_migrate(connection.alias, app_label):
            for sql in statements[connection.vendor]:
                schema_editor.execute(sql, params=None)
