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


def _postgres_function_sql(rule: RowRule) -> str:
    # Statement-level triggers over the transition table: one set-based check
    # per INSERT or UPDATE statement instead of a PL/pgSQL call per row, which
    # made bulk imports (COPY of thousands of comments) three times slower.
    #
    # A small statement (a save) runs the check with a plan made once a session
    # and kept: planning it anew cost a single-row save more than the check. That
    # plan must not depend on the table statistics of the moment, or a plan made
    # while a table was small would hash or scan the whole table ever after. So
    # each EXISTS carries "OFFSET 0", which keeps it a probe per new row rather
    # than a hash of the table, and the function plans with sequential scans off,
    # so every probe goes through an index. A bulk statement (an import's COPY)
    # plans its check afresh (EXECUTE), which costs little beside thousands of
    # rows and lets the planner fit the plan to the batch.
    condition = _probe_each_row(rule.condition.replace("NEW.", "nr."))
    bad_rows = f"SELECT 1 FROM new_rows AS nr WHERE NOT ({condition})"
    if "$check$" in bad_rows:
        raise ValueError("A trigger condition may not contain $check$: it quotes the condition.")
    return f"""CREATE OR REPLACE FUNCTION {rule.name}_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS ({bad_rows});
  ELSE
    EXECUTE $check$SELECT EXISTS ({bad_rows})$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION '{rule.message}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off"""


def _probe_each_row(condition: str) -> str:
    """``condition`` with " OFFSET 0" at the end of every ``EXISTS (SELECT ...)`` subquery."""
    out, i = [], 0
    while (start := condition.find("EXISTS (", i)) != -1:
        depth, j = 0, start + len("EXISTS ")
        while True:
            depth += {"(": 1, ")": -1}.get(condition[j], 0)
            if depth == 0:
                break
            j += 1
        out.append(condition[i:j] + " OFFSET 0")
        i = j
    out.append(condition[i:])
    return "".join(out)


def _postgres_sql(rule: RowRule) -> list[str]:
    # Checked after the statement, so a parent and its replies may arrive
    # together. Transition tables allow no column list, so every UPDATE checks.
    return [
        _postgres_function_sql(rule),
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


def trigger_function_refresh(*rules: RowRule) -> migrations.RunPython:
    """Replace the PostgreSQL check functions of ``rules`` with the current SQL (SQLite: nothing).

    For a migration after a change to :func:`_postgres_function_sql`; the
    triggers themselves stay as they are.
    """

    def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for rule in rules:
                schema_editor.execute(_postgres_function_sql(rule))

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def trigger_replace(*rules: RowRule) -> migrations.RunPython:
    """Drop the triggers named by ``rules`` and create them anew from ``rules``' conditions."""

    def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        for rule in rules:
            statements = _postgres_sql(rule) if vendor == "postgresql" else _sqlite_sql(rule)
            # The two DROP TRIGGERs; PostgreSQL's function is replaced in place.
            for sql in _drop_sql(rule, vendor)[:2] + statements:
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, migrations.RunPython.noop)
