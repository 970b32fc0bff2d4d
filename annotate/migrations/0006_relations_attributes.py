# Argument relations and claim attributes (issue 11).
#
# - Relation: a typed link from one claim to another of the same annotator (gold: both gold) in
#   the same thread; a claim may have any number. Its type is a label value of a new kind,
#   ``relation`` (default ``support``, ``attack``), given here to every corpus that lacks them.
# - Claim.attributes: free {name: value} pairs kept from imported corpora (brat attributes),
#   values strings.
#
# Held by the database: a relation does not point at its own claim and is not made twice
# (constraints); its two claims are in its thread and are its annotator's, or both gold, as the
# relation says (trigger annotate_relation_claims), and a claim is not moved to another thread,
# annotator or gold flag from under its relations (annotate_claim_relations_upd); its type is a
# relation value of the thread's corpus (annotate_relation_type), and a value in use is neither
# deleted (a foreign key) nor moved to another kind or corpus (annotate_labelvalue_in_use, now
# reading relations too); a claim's attributes are an object of strings
# (annotate_claim_attributes). That the other claim lies in the same text or up the reply chain
# is the services' and the importer's check (annotate.rules), as for a target claim.
#
# SQLite: the attributes column is added with a literal ALTER TABLE ... ADD COLUMN, as Django's
# AddField with a default would rebuild annotate_claim and drop its triggers (the state gets
# the AddField). SQLite cannot drop a column's DEFAULT without a rebuild, so '{}' stays there;
# PostgreSQL drops it, as Django does. The triggers follow 0001's patterns (PostgreSQL: one
# set-based check per statement over the transition table; SQLite: a row trigger before each
# INSERT and each UPDATE of the columns it reads). Every statement is literal text.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from threads.vendor_sql import VendorSQL


ATTRIBUTES_COLUMN_PG = [
    """ALTER TABLE "annotate_claim" ADD COLUMN "attributes" jsonb DEFAULT '{}'::jsonb NOT NULL""",
    """ALTER TABLE "annotate_claim" ALTER COLUMN "attributes" DROP DEFAULT""",
]
ATTRIBUTES_COLUMN_SQLITE = [
    """ALTER TABLE "annotate_claim" ADD COLUMN "attributes" text DEFAULT '{}' NOT NULL CHECK ((JSON_VALID("attributes") OR "attributes" IS NULL))""",
]
ATTRIBUTES_COLUMN_DROP = ["""ALTER TABLE "annotate_claim" DROP COLUMN "attributes\""""]

# The default relation types for every corpus that lacks them (new corpora get them from
# DEFAULT_SCHEMA), after the ten values every corpus started with.
RELATION_TYPES = """INSERT INTO annotate_labelvalue (corpus_id, kind, name, description, key, colour, "order", retired)
SELECT c.id, 'relation', d.name, d.description, d.key, d.colour, d.position, FALSE
FROM threads_corpus c CROSS JOIN (
  SELECT 'support' AS name, 'The claim gives a reason for the other.' AS description, 'u' AS key, '#2f9e44' AS colour, 10 AS position
  UNION ALL SELECT 'attack', 'The claim argues against the other.', 'a', '#e03131', 11
) d
WHERE NOT EXISTS (SELECT 1 FROM annotate_labelvalue v WHERE v.corpus_id = c.id AND v.kind = 'relation' AND v.name = d.name)"""
# Going back, the relations' table is gone by then: the relation values go after it.
RELATION_TYPES_DROP = "DELETE FROM annotate_labelvalue WHERE kind = 'relation'"

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION annotate_relation_claims_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT f.article_id = nr.article_id AND f.is_gold = nr.is_gold AND (nr.is_gold OR f.annotator_id = nr.annotator_id) FROM annotate_claim f WHERE f.id = nr.from_claim_id) IS TRUE AND (SELECT t.article_id = nr.article_id AND t.is_gold = nr.is_gold AND (nr.is_gold OR t.annotator_id = nr.annotator_id) FROM annotate_claim t WHERE t.id = nr.to_claim_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT f.article_id = nr.article_id AND f.is_gold = nr.is_gold AND (nr.is_gold OR f.annotator_id = nr.annotator_id) FROM annotate_claim f WHERE f.id = nr.from_claim_id) IS TRUE AND (SELECT t.article_id = nr.article_id AND t.is_gold = nr.is_gold AND (nr.is_gold OR t.annotator_id = nr.annotator_id) FROM annotate_claim t WHERE t.id = nr.to_claim_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a relation joins two claims of its thread, both its annotator''s or both gold' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_relation_claims_ins AFTER INSERT ON annotate_relation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_relation_claims_fn()",
    "CREATE TRIGGER annotate_relation_claims_upd AFTER UPDATE ON annotate_relation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_relation_claims_fn()",
    """CREATE OR REPLACE FUNCTION annotate_relation_type_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'relation' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.type_id AND a.id = nr.article_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'relation' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.type_id AND a.id = nr.article_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a relation type must be a relation value of its corpus schema' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_relation_type_ins AFTER INSERT ON annotate_relation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_relation_type_fn()",
    "CREATE TRIGGER annotate_relation_type_upd AFTER UPDATE ON annotate_relation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_relation_type_fn()",
    """CREATE OR REPLACE FUNCTION annotate_claim_relations_fn() RETURNS trigger AS $$
BEGIN
  -- Only a claim moved to another thread, annotator or gold flag can break its relations.
  IF EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.article_id <> o.article_id OR n.annotator_id <> o.annotator_id OR n.is_gold <> o.is_gold)
      AND EXISTS (SELECT 1 FROM annotate_relation r WHERE (r.from_claim_id = n.id OR r.to_claim_id = n.id) AND NOT (r.article_id = n.article_id AND r.is_gold = n.is_gold AND (n.is_gold OR r.annotator_id = n.annotator_id)))
  ) THEN
    RAISE EXCEPTION 'a claim with relations stays in its thread, with its annotator and gold flag' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_claim_relations_upd AFTER UPDATE ON annotate_claim REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_relations_fn()",
    """CREATE OR REPLACE FUNCTION annotate_claim_attributes_fn() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows AS nr WHERE jsonb_typeof(nr.attributes) <> 'object' OR jsonb_path_exists(nr.attributes, '$.* ? (@.type() != "string")')) THEN
    RAISE EXCEPTION 'claim attributes must be an object of names to strings' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER annotate_claim_attributes_ins AFTER INSERT ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_attributes_fn()",
    "CREATE TRIGGER annotate_claim_attributes_upd AFTER UPDATE ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_attributes_fn()",
    """CREATE OR REPLACE FUNCTION annotate_labelvalue_in_use_fn() RETURNS trigger AS $$
BEGIN
  -- Finding a value's uses reads every claim (no index by label value): only after a move.
  IF EXISTS (
    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id
  ) AND EXISTS (
    WITH moved AS (
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id
    )
    SELECT 1 FROM annotate_claim c
    WHERE c.claim_type_id IN (SELECT id FROM moved) OR c.stance_id IN (SELECT id FROM moved)
      OR c.stance_target_id IN (SELECT id FROM moved)
    UNION ALL
    SELECT 1 FROM annotate_replylabel r WHERE r.label_id IN (SELECT id FROM moved)
    UNION ALL
    SELECT 1 FROM annotate_relation l WHERE l.type_id IN (SELECT id FROM moved)
  ) THEN
    RAISE EXCEPTION 'a label value in use cannot be moved to another kind or corpus' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
]

# 0002's, for going back.
POSTGRESQL_IN_USE_BEFORE = """CREATE OR REPLACE FUNCTION annotate_labelvalue_in_use_fn() RETURNS trigger AS $$
BEGIN
  -- Finding a value's uses reads every claim (no index by label value): only after a move.
  IF EXISTS (
    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id
  ) AND EXISTS (
    WITH moved AS (
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id
    )
    SELECT 1 FROM annotate_claim c
    WHERE c.claim_type_id IN (SELECT id FROM moved) OR c.stance_id IN (SELECT id FROM moved)
      OR c.stance_target_id IN (SELECT id FROM moved)
    UNION ALL
    SELECT 1 FROM annotate_replylabel r WHERE r.label_id IN (SELECT id FROM moved)
  ) THEN
    RAISE EXCEPTION 'a label value in use cannot be moved to another kind or corpus' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"""

POSTGRESQL_DROP = [
    POSTGRESQL_IN_USE_BEFORE,
    "DROP TRIGGER IF EXISTS annotate_claim_attributes_ins ON annotate_claim",
    "DROP TRIGGER IF EXISTS annotate_claim_attributes_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_claim_attributes_fn()",
    "DROP TRIGGER IF EXISTS annotate_claim_relations_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_claim_relations_fn()",
    "DROP TRIGGER IF EXISTS annotate_relation_type_ins ON annotate_relation",
    "DROP TRIGGER IF EXISTS annotate_relation_type_upd ON annotate_relation",
    "DROP FUNCTION IF EXISTS annotate_relation_type_fn()",
    "DROP TRIGGER IF EXISTS annotate_relation_claims_ins ON annotate_relation",
    "DROP TRIGGER IF EXISTS annotate_relation_claims_upd ON annotate_relation",
    "DROP FUNCTION IF EXISTS annotate_relation_claims_fn()",
]

SQLITE = [
    "CREATE TRIGGER annotate_relation_claims_ins BEFORE INSERT ON annotate_relation WHEN NOT ((SELECT f.article_id = NEW.article_id AND f.is_gold = NEW.is_gold AND (NEW.is_gold OR f.annotator_id = NEW.annotator_id) FROM annotate_claim f WHERE f.id = NEW.from_claim_id) IS TRUE AND (SELECT t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold AND (NEW.is_gold OR t.annotator_id = NEW.annotator_id) FROM annotate_claim t WHERE t.id = NEW.to_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a relation joins two claims of its thread, both its annotator''s or both gold'); END",
    "CREATE TRIGGER annotate_relation_claims_upd BEFORE UPDATE OF from_claim_id, to_claim_id, article_id, annotator_id, is_gold ON annotate_relation WHEN NOT ((SELECT f.article_id = NEW.article_id AND f.is_gold = NEW.is_gold AND (NEW.is_gold OR f.annotator_id = NEW.annotator_id) FROM annotate_claim f WHERE f.id = NEW.from_claim_id) IS TRUE AND (SELECT t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold AND (NEW.is_gold OR t.annotator_id = NEW.annotator_id) FROM annotate_claim t WHERE t.id = NEW.to_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a relation joins two claims of its thread, both its annotator''s or both gold'); END",
    "CREATE TRIGGER annotate_relation_type_ins BEFORE INSERT ON annotate_relation WHEN NOT ((SELECT v.kind = 'relation' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.type_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a relation type must be a relation value of its corpus schema'); END",
    "CREATE TRIGGER annotate_relation_type_upd BEFORE UPDATE OF type_id, article_id ON annotate_relation WHEN NOT ((SELECT v.kind = 'relation' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.type_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a relation type must be a relation value of its corpus schema'); END",
    "CREATE TRIGGER annotate_claim_relations_upd BEFORE UPDATE OF article_id, annotator_id, is_gold ON annotate_claim WHEN (NEW.article_id <> OLD.article_id OR NEW.annotator_id <> OLD.annotator_id OR NEW.is_gold <> OLD.is_gold) AND EXISTS (SELECT 1 FROM annotate_relation r WHERE (r.from_claim_id = NEW.id OR r.to_claim_id = NEW.id) AND NOT (r.article_id = NEW.article_id AND r.is_gold = NEW.is_gold AND (NEW.is_gold OR r.annotator_id = NEW.annotator_id))) BEGIN SELECT RAISE(ABORT, 'a claim with relations stays in its thread, with its annotator and gold flag'); END",
    "CREATE TRIGGER annotate_claim_attributes_ins BEFORE INSERT ON annotate_claim WHEN NOT (json_type(NEW.attributes) = 'object' AND NOT EXISTS (SELECT 1 FROM json_each(NEW.attributes) WHERE type <> 'text')) BEGIN SELECT RAISE(ABORT, 'claim attributes must be an object of names to strings'); END",
    "CREATE TRIGGER annotate_claim_attributes_upd BEFORE UPDATE OF attributes ON annotate_claim WHEN NOT (json_type(NEW.attributes) = 'object' AND NOT EXISTS (SELECT 1 FROM json_each(NEW.attributes) WHERE type <> 'text')) BEGIN SELECT RAISE(ABORT, 'claim attributes must be an object of names to strings'); END",
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd",
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_relation l WHERE l.type_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be moved to another kind or corpus'); END",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd",
    # 0002's.
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be moved to another kind or corpus'); END",
    "DROP TRIGGER IF EXISTS annotate_claim_attributes_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_attributes_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_relations_upd",
    "DROP TRIGGER IF EXISTS annotate_relation_type_ins",
    "DROP TRIGGER IF EXISTS annotate_relation_type_upd",
    "DROP TRIGGER IF EXISTS annotate_relation_claims_ins",
    "DROP TRIGGER IF EXISTS annotate_relation_claims_upd",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0005_labels_carry_their_corpus"),
        ("threads", "0001_squashed_0006_trigger_checks_keep_their_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="claim",
                    name="attributes",
                    field=models.JSONField(blank=True, default=dict),
                ),
            ],
            database_operations=[
                VendorSQL(
                    postgresql=ATTRIBUTES_COLUMN_PG,
                    sqlite=ATTRIBUTES_COLUMN_SQLITE,
                    reverse_postgresql=ATTRIBUTES_COLUMN_DROP,
                    reverse_sqlite=ATTRIBUTES_COLUMN_DROP,
                ),
            ],
        ),
        # Choices only: no SQL on either database.
        migrations.AlterField(
            model_name="labelvalue",
            name="kind",
            field=models.CharField(
                choices=[
                    ("claim_type", "claim type"),
                    ("stance", "stance"),
                    ("stance_target", "stance target"),
                    ("reply_label", "reply label"),
                    ("relation", "relation type"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunSQL(RELATION_TYPES, reverse_sql=RELATION_TYPES_DROP),
        migrations.CreateModel(
            name="Relation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("is_gold", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "annotator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations",
                        to="threads.article",
                    ),
                ),
                (
                    "from_claim",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations",
                        to="annotate.claim",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "to_claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="related_from",
                        to="annotate.claim",
                    ),
                ),
                (
                    "type",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="annotate.labelvalue",
                    ),
                ),
            ],
            options={
                "ordering": ["article_id", "from_claim_id", "id"],
                "indexes": [
                    models.Index(
                        fields=["article", "annotator"], name="relation_article_annotator"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("from_claim", models.F("to_claim")), _negated=True),
                        name="relation_not_to_itself",
                    ),
                    models.UniqueConstraint(
                        fields=("from_claim", "to_claim", "type"), name="relation_unique"
                    ),
                ],
            },
        ),
        VendorSQL(
            postgresql=POSTGRESQL,
            sqlite=SQLITE,
            reverse_postgresql=POSTGRESQL_DROP,
            reverse_sqlite=SQLITE_DROP,
        ),
    ]
