"""The migrated schema: the migrations' literal trigger SQL, foreign keys where the models
declare them, and the indexes the reads rely on."""

from __future__ import annotations

import importlib
import io
import pkgutil
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

pytestmark = pytest.mark.django_db

# Table -> the trigger checks on it ("<rule>_ins" and "<rule>_upd").
TRIGGERS = {
    "threads_comment": {"threads_comment_parent"},
    "annotate_claim": {
        "annotate_claim_comment",
        "annotate_claim_target",
        "annotate_claim_labels",
        "annotate_claim_corpus",
        "annotate_claim_attributes",
    },
    "annotate_replylabel": {
        "annotate_replylabel_comment",
        "annotate_replylabel_label",
        "annotate_replylabel_corpus",
    },
    "annotate_relation": {"annotate_relation_claims", "annotate_relation_type"},
}
# Table -> the checks that run on UPDATE only (a new row cannot break them).
UPDATE_TRIGGERS = {"annotate_claim": {"annotate_claim_relations_upd"}}

# The migrations that write trigger SQL, in the order they run. A new one goes here too: until
# it does, the database holds text these tests cannot find in the migrations.
TRIGGER_MIGRATIONS = [
    "threads.migrations.0001_squashed_0006_trigger_checks_keep_their_plan",
    "annotate.migrations.0001_squashed_0007_trigger_checks_keep_their_plan",
    "annotate.migrations.0002_label_values_referenced_by_foreign_keys",
    "annotate.migrations.0003_review_roles_agreement",
    "annotate.migrations.0004_reply_label_toward",
    "annotate.migrations.0005_labels_carry_their_corpus",
    "annotate.migrations.0006_relations_attributes",
]

CREATE_TRIGGER = re.compile(r"CREATE TRIGGER (\w+) ")
CREATE_FUNCTION = re.compile(r"CREATE (?:OR REPLACE )?FUNCTION (\w+)\(")
DROP = re.compile(r"DROP (TRIGGER|FUNCTION) (?:IF EXISTS )?(\w+)")
FUNCTION_BODY = re.compile(r"AS \$\$(.*)\$\$ LANGUAGE plpgsql(?: SET (\w+) = (\w+))?$", re.DOTALL)


def _vendor_sql(module: str) -> list:
    """The VendorSQL operations of a migration, those inside SeparateDatabaseAndState too."""
    found = []
    for operation in importlib.import_module(module).Migration.operations:
        for inner in [operation, *getattr(operation, "database_operations", [])]:
            if type(inner).__name__ == "VendorSQL":
                found.append(inner)
    return found


def _written() -> tuple[dict[str, str], dict[str, str]]:
    """The triggers and functions the migrations leave on this database: name -> their SQL."""
    triggers: dict[str, str] = {}
    functions: dict[str, str] = {}
    for name in TRIGGER_MIGRATIONS:
        for operation in _vendor_sql(name):
            for sql in operation.sql[connection.vendor]:
                if created := CREATE_TRIGGER.match(sql):
                    triggers[created[1]] = sql
                elif created := CREATE_FUNCTION.match(sql):
                    functions[created[1]] = sql
                elif dropped := DROP.match(sql):
                    (triggers if dropped[1] == "TRIGGER" else functions).pop(dropped[2])
    return triggers, functions


def _installed_triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
            )
            # PostgreSQL names the table with its schema; the migrations leave it implicit.
            return {name: sql.replace(" ON public.", " ON ") for name, sql in cursor.fetchall()}
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(cursor.fetchall())


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return {row[0] for row in cursor.fetchall()}


def test_it_installs_every_trigger_as_its_migration_writes_it():
    triggers, _ = _written()
    assert _installed_triggers() == triggers


def test_it_installs_every_check_function_as_its_migration_writes_it():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite triggers carry their checks: there are no functions")
    _, functions = _written()
    expected = {}
    for name, sql in functions.items():
        body = FUNCTION_BODY.search(sql)
        assert body, sql
        setting = [f"{body[2]}={body[3]}"] if body[2] else None
        expected[name] = (body[1], setting)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc, proconfig FROM pg_proc "
            "WHERE pronamespace = 'public'::regnamespace AND prorettype = 'trigger'::regtype"
        )
        installed = {name: (source, config) for name, source, config in cursor.fetchall()}
    assert installed == expected


@pytest.mark.parametrize("table", sorted(TRIGGERS))
def test_it_keeps_every_cross_row_check_through_the_migrations(table):
    # A migration that rebuilds a SQLite table (AlterField does) drops its triggers.
    expected = {f"{rule}_{op}" for rule in TRIGGERS[table] for op in ("ins", "upd")}
    assert _triggers(table) == expected | UPDATE_TRIGGERS.get(table, set())


def test_it_guards_a_label_value_in_use_against_a_move_by_trigger():
    # Its deletion is refused by the foreign keys from claims, reply labels and relations.
    assert _triggers("annotate_labelvalue") == {"annotate_labelvalue_in_use_upd"}


def test_it_guards_a_labelled_thread_against_a_move_to_another_corpus_by_trigger():
    # Claims and reply labels carry their article's corpus (annotate 0005).
    assert _triggers("threads_article") == {"annotate_article_corpus_upd"}


@pytest.mark.parametrize("app", ["threads", "annotate"])
def test_it_keeps_a_foreign_key_exactly_where_a_model_declares_one(app):
    declared, found = {}, {}
    with connection.cursor() as cursor:
        for model in apps.get_app_config(app).get_models():
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            keys = {tuple(c["columns"]) for c in constraints.values() if c["foreign_key"]}
            for field in model._meta.get_fields():
                if isinstance(field, models.ForeignKey):
                    declared[table, field.column] = field.db_constraint
                    found[table, field.column] = (field.column,) in keys
    assert found == declared


def test_it_needs_no_migration_the_models_do_not_have():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _migrations(app: str) -> list[str]:
    package = importlib.import_module(f"{app}.migrations")
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[0].isdigit())


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses an open transaction
@pytest.mark.parametrize(
    ("app", "name"), [(app, name) for app in ("threads", "annotate") for name in _migrations(app)]
)
def test_it_prints_every_migration_as_sql(app, name):
    out = io.StringIO()
    call_command("sqlmigrate", app, name, stdout=out)
    printed = out.getvalue()
    assert "CANNOT BE WRITTEN AS SQL" not in printed
    for operation in _vendor_sql(f"{app}.migrations.{name}"):
        for sql in operation.sql[connection.vendor]:
            assert sql in printed


def test_it_indexes_claims_for_the_reads_that_need_it():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "annotate_claim")
    indexed = {tuple(c["columns"]) for c in indexes.values() if c["index"]}
    assert {("article_id", "annotator_id"), ("comment_id",), ("target_claim_id",)} <= indexed
    assert ("stance_id",) not in indexed  # written on every save, read by nothing


def test_it_indexes_relations_for_the_reads_that_need_it():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "annotate_relation")
    indexed = {tuple(c["columns"]) for c in indexes.values() if c["index"] or c["unique"]}
    assert {
        ("article_id", "annotator_id"),  # a thread's relations, as its claims
        ("from_claim_id", "to_claim_id", "type_id"),  # unique, and a claim's relations
        ("to_claim_id",),  # the relations that point at a claim
    } <= indexed
    assert ("from_claim_id",) not in indexed  # the unique index starts with it
