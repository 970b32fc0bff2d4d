"""Cross-row invariants as database triggers, for SQLite and PostgreSQL.

Django cannot declare a constraint that looks at another row (a comment's
parent must be in the same article), so these are triggers. Each rule is one
SQL condition that must hold for the new row; :func:`trigger_operation` turns
it into a ``RunPython`` migration step that creates the trigger on whichever
database the migration runs on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import migrations


@dataclass(frozen=True)
class RowRule:
    name: str  # trigger name, unique in the database
    table: str
    columns: tuple[str, ...]  # an UPDATE of these re-checks the rule
    condition: str  # SQL over NEW.<column>; true when the row is valid
    message: str

    def __post_init__(self) -> None:
        if "'" in self.message:
            raise ValueError("A trigger message may not contain a quote: it is inlined in SQL.")


def _sqlite_sql(rule: RowRule) -> list[str]:
    body = f"BEGIN SELECT RAISE(ABORT, '{rule.message}'); END"
    cols = ", ".join(rule.columns)
    return [
        f"CREATE TRIGGER {rule.name}_ins BEFORE INSERT ON {rule.table} "
        f"WHEN NOT ({rule.condition}) {body}",
        f"CREATE TRIGGER {rule.name}_upd BEFORE UPDATE OF {cols} ON {rule.table} "
        f"WHEN NOT ({rule.condition}) {body}",
    ]


def _postgres_sql(rule: RowRule) -> list[str]:
    # Statement-level triggers over the transition table: one set-based check
    # per INSERT or UPDATE statement instead of a PL/pgSQL call per row, which
    # made bulk imports (COPY of thousands of comments) three times slower.
    # Checked after the statement, so a parent and its replies may arrive
    # together. Transition tables allow no column list, so every UPDATE checks.
    bad_rows = f"SELECT 1 FROM new_rows AS nr WHERE NOT ({rule.condition.replace('NEW.', 'nr.')})"
    return [
        f"""CREATE FUNCTION {rule.name}_fn() RETURNS trigger AS $$
BEGIN
  IF EXISTS ({bad_rows}) THEN
    RAISE EXCEPTION '{rule.message}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER {rule.name}_ins AFTER INSERT ON {rule.table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {rule.name}_fn()",
        f"CREATE TRIGGER {rule.name}_upd AFTER UPDATE ON {rule.table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {rule.name}_fn()",
    ]


def _drop_sql(rule: RowRule, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {rule.name}_ins ON {rule.table}",
            f"DROP TRIGGER IF EXISTS {rule.name}_upd ON {rule.table}",
            f"DROP FUNCTION IF EXISTS {rule.name}_fn()",
        ]
    return [f"DROP TRIGGER IF EXISTS {rule.name}_ins", f"DROP TRIGGER IF EXISTS {rule.name}_upd"]


def trigger_operation(*rules: RowRule) -> migrations.RunPython:
    def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        for rule in rules:
            statements = _postgres_sql(rule) if vendor == "postgresql" else _sqlite_sql(rule)
            if vendor not in ("postgresql", "sqlite"):
                raise RuntimeError(f"No trigger SQL for the {vendor} database.")
            for sql in statements:
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
        for rule in rules:
            for sql in _drop_sql(rule, schema_editor.connection.vendor):
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)
