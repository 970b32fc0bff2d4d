# A claim's label values (and a reply label's) are checked by triggers instead of
# foreign keys. PostgreSQL checked each foreign key row by row at commit and locked
# the label value for it: three checks a claim, the bulk of an import's commit, and
# every concurrent save locking the same few rows. The set-based checks here also
# hold more than the keys did: the value is of the claim's corpus and of the right
# kind. A value in use can be neither deleted nor moved to another kind or corpus.
#
# SQLite keeps its foreign keys too (dropping one there means rebuilding the table),
# so the state says db_constraint=False while SQLite still has them: harmless.
from django.db import migrations, models

from threads.db import RowRule, trigger_operation


def _value_of(column: str, kind: str) -> str:
    return (
        f"(SELECT v.kind = '{kind}' AND v.corpus_id = a.corpus_id "
        f"FROM annotate_labelvalue v, threads_article a "
        f"WHERE v.id = NEW.{column} AND a.id = NEW.article_id) IS TRUE"
    )


CLAIM_LABELS = RowRule(
    name="annotate_claim_labels",
    table="annotate_claim",
    columns=("claim_type_id", "stance_id", "stance_target_id", "article_id"),
    condition=(
        f"{_value_of('claim_type_id', 'claim_type')} AND {_value_of('stance_id', 'stance')} "
        f"AND (NEW.stance_target_id IS NULL "
        f"OR {_value_of('stance_target_id', 'stance_target')})"
    ),
    message="a claim label must be a value of its corpus schema, of the right kind",
)

REPLY_LABEL_LABEL = RowRule(
    name="annotate_replylabel_label",
    table="annotate_replylabel",
    columns=("label_id", "article_id"),
    condition=_value_of("label_id", "reply_label"),
    message="a reply label must be a reply-label value of its corpus schema",
)

_IN_USE_MESSAGE = "a label value in use cannot be deleted or moved to another kind or corpus"

# Whether claims or reply labels carry one of the values that {ids} selects.
_USED = (
    "SELECT 1 FROM annotate_claim c WHERE c.claim_type_id IN ({ids}) "
    "OR c.stance_id IN ({ids}) OR c.stance_target_id IN ({ids}) "
    "UNION ALL SELECT 1 FROM annotate_replylabel r WHERE r.label_id IN ({ids})"
)
_MOVED = (
    "SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id"
)

POSTGRES_IN_USE = [
    f"""CREATE FUNCTION annotate_labelvalue_in_use_fn() RETURNS trigger AS $$
BEGIN
  -- Both checks read every claim (no index by label value): only when it can matter.
  IF TG_OP = 'DELETE' THEN
    IF EXISTS ({_USED.format(ids="SELECT id FROM old_rows")}) THEN
      RAISE EXCEPTION '{_IN_USE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSIF EXISTS ({_MOVED}) AND EXISTS ({_USED.format(ids=_MOVED)}) THEN
    RAISE EXCEPTION '{_IN_USE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER annotate_labelvalue_in_use_del AFTER DELETE ON annotate_labelvalue "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotate_labelvalue_in_use_fn()",
    "CREATE TRIGGER annotate_labelvalue_in_use_upd AFTER UPDATE ON annotate_labelvalue "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotate_labelvalue_in_use_fn()",
]

_USED_SQLITE = (
    "EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id "
    "OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) "
    "OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)"
)
# SQLite keeps its foreign keys, which refuse the deletion (at commit, as Django
# declares them deferred); a delete trigger would also break the test runner's
# flush, which empties the tables in no particular order.
SQLITE_IN_USE = [
    f"CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id "
    f"ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) "
    f"AND ({_USED_SQLITE}) BEGIN SELECT RAISE(ABORT, '{_IN_USE_MESSAGE}'); END",
]

# (table, column) of each foreign key the triggers replace.
KEYS = [
    ("annotate_claim", "claim_type_id"),
    ("annotate_claim", "stance_id"),
    ("annotate_claim", "stance_target_id"),
    ("annotate_replylabel", "label_id"),
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table, column in KEYS:
                constraints = connection.introspection.get_constraints(cursor, table)
                for name, info in constraints.items():
                    if info["foreign_key"] and info["columns"] == [column]:
                        schema_editor.execute(
                            f"ALTER TABLE {schema_editor.quote_name(table)} "
                            f"DROP CONSTRAINT {schema_editor.quote_name(name)}"
                        )
        statements = POSTGRES_IN_USE
    else:
        statements = SQLITE_IN_USE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    for op in ("del", "upd"):
        if connection.vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_{op} ON annotate_labelvalue"
            )
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_{op}")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS annotate_labelvalue_in_use_fn()")
        for table, column in KEYS:
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fk_labelvalue "
                f"FOREIGN KEY ({column}) REFERENCES annotate_labelvalue (id) "
                "DEFERRABLE INITIALLY DEFERRED"
            )


def _label_field(null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        blank=null,
        null=null,
        db_constraint=False,
        db_index=False,
        on_delete=models.deletion.PROTECT,
        related_name="+",
        to="annotate.labelvalue",
    )


class Migration(migrations.Migration):
    dependencies = [("annotate", "0005_checks_by_primary_key")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("claim", "claim_type", _label_field()),
                migrations.AlterField("claim", "stance", _label_field()),
                migrations.AlterField("claim", "stance_target", _label_field(null=True)),
                migrations.AlterField("replylabel", "label", _label_field()),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        trigger_operation(CLAIM_LABELS, REPLY_LABEL_LABEL),
    ]
