"""The migrated schema: cross-row triggers and the indexes the reads rely on."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# Table -> the trigger checks on it ("<rule>_ins" and "<rule>_upd").
TRIGGERS = {
    "threads_comment": {"threads_comment_parent"},
    "annotate_claim": {"annotate_claim_comment", "annotate_claim_target", "annotate_claim_labels"},
    "annotate_replylabel": {"annotate_replylabel_comment", "annotate_replylabel_label"},
}


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


@pytest.mark.parametrize("table", sorted(TRIGGERS))
def test_every_cross_row_check_survives_the_migrations(table):
    # A migration that rebuilds a SQLite table (AlterField does) drops its triggers.
    expected = {f"{rule}_{op}" for rule in TRIGGERS[table] for op in ("ins", "upd")}
    assert _triggers(table) == expected


def test_it_guards_a_label_value_in_use_against_a_move_by_trigger():
    # Its deletion is refused by the foreign keys from claims and reply labels.
    assert _triggers("annotate_labelvalue") == {"annotate_labelvalue_in_use_upd"}


def test_claims_are_indexed_for_the_reads_that_need_it():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "annotate_claim")
    indexed = {tuple(c["columns"]) for c in indexes.values() if c["index"]}
    assert {("article_id", "annotator_id"), ("comment_id",), ("target_claim_id",)} <= indexed
    assert ("stance_id",) not in indexed  # written on every save, read by nothing
