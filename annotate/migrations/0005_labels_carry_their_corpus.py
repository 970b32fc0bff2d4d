# Claims and reply labels carry their article's corpus (issue 12, item 9).
#
# Why: the API's claim and reply-label lists are read in id order, a page at a time. Filtered
# by corpus through the article, page 1 of a small corpus walked the id index past every
# claim of the other corpora before it found 100 of its own (PostgreSQL), or collected and
# sorted all of its claims (SQLite). With the corpus on the row and an index on (corpus, id),
# a page is the next rows of that index, whatever the other corpora hold
# (tests/annotate/api/test_corpus_index.py asserts it with EXPLAIN ANALYZE on PostgreSQL).
#
# The column is added with a literal ALTER TABLE ... ADD COLUMN (SeparateDatabaseAndState):
# Django's AddField with a default rebuilds a SQLite table, which drops its triggers. It is
# filled with one UPDATE from the articles. SQLite cannot add a NOT NULL column without a
# non-null default, nor a foreign key with one, so there the column is nullable in the
# schema and the trigger below refuses a null (a comparison with null is not true); on
# PostgreSQL it is NOT NULL. On a large PostgreSQL table the UPDATE rewrites every row
# (and the existing statement triggers check them once): run VACUUM ANALYZE afterwards.
#
# What holds the copy equal to the article's corpus, on both databases (literal SQL, like
# every trigger here): a check on each insert and on each update of corpus_id or article_id
# of a claim or a reply label, and a check on threads_article that refuses to move a thread
# that has claims or reply labels to another corpus (its labels' values belong to the old
# corpus's schema anyway). PostgreSQL: statement-level triggers over the transition table,
# one set-based check per statement, planned as annotate 0001's checks are.

import django.db.models.deletion
from django.db import migrations, models

from threads.vendor_sql import VendorSQL


COLUMNS_POSTGRESQL = [
    'ALTER TABLE "annotate_claim" ADD COLUMN "corpus_id" bigint NULL',
    'UPDATE "annotate_claim" AS c SET "corpus_id" = a."corpus_id" FROM "threads_article" AS a WHERE a."id" = c."article_id"',
    'ALTER TABLE "annotate_claim" ALTER COLUMN "corpus_id" SET NOT NULL',
    'ALTER TABLE "annotate_claim" ADD CONSTRAINT "annotate_claim_corpus_id_b315fa3f_fk_threads_corpus_id" FOREIGN KEY ("corpus_id") REFERENCES "threads_corpus" ("id") DEFERRABLE INITIALLY DEFERRED',
    'CREATE INDEX "claim_corpus_id" ON "annotate_claim" ("corpus_id", "id")',
    'ALTER TABLE "annotate_replylabel" ADD COLUMN "corpus_id" bigint NULL',
    'UPDATE "annotate_replylabel" AS r SET "corpus_id" = a."corpus_id" FROM "threads_article" AS a WHERE a."id" = r."article_id"',
    'ALTER TABLE "annotate_replylabel" ALTER COLUMN "corpus_id" SET NOT NULL',
    'ALTER TABLE "annotate_replylabel" ADD CONSTRAINT "annotate_replylabel_corpus_id_3cfef6b8_fk_threads_corpus_id" FOREIGN KEY ("corpus_id") REFERENCES "threads_corpus" ("id") DEFERRABLE INITIALLY DEFERRED',
    'CREATE INDEX "replylabel_corpus_id" ON "annotate_replylabel" ("corpus_id", "id")',
]
COLUMNS_POSTGRESQL_DROP = [
    'ALTER TABLE "annotate_replylabel" DROP COLUMN "corpus_id"',
    'ALTER TABLE "annotate_claim" DROP COLUMN "corpus_id"',
]
COLUMNS_SQLITE = [
    'ALTER TABLE "annotate_claim" ADD COLUMN "corpus_id" bigint NULL REFERENCES "threads_corpus" ("id") DEFERRABLE INITIALLY DEFERRED',
    'UPDATE "annotate_claim" SET "corpus_id" = (SELECT a."corpus_id" FROM "threads_article" a WHERE a."id" = "annotate_claim"."article_id")',
    'CREATE INDEX "claim_corpus_id" ON "annotate_claim" ("corpus_id", "id")',
    'ALTER TABLE "annotate_replylabel" ADD COLUMN "corpus_id" bigint NULL REFERENCES "threads_corpus" ("id") DEFERRABLE INITIALLY DEFERRED',
    'UPDATE "annotate_replylabel" SET "corpus_id" = (SELECT a."corpus_id" FROM "threads_article" a WHERE a."id" = "annotate_replylabel"."article_id")',
    'CREATE INDEX "replylabel_corpus_id" ON "annotate_replylabel" ("corpus_id", "id")',
]
COLUMNS_SQLITE_DROP = [
    'DROP INDEX "replylabel_corpus_id"',
    'ALTER TABLE "annotate_replylabel" DROP COLUMN "corpus_id"',
    'DROP INDEX "claim_corpus_id"',
    'ALTER TABLE "annotate_claim" DROP COLUMN "corpus_id"',
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION annotate_label_corpus_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT a.corpus_id = nr.corpus_id FROM threads_article a WHERE a.id = nr.article_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT a.corpus_id = nr.corpus_id FROM threads_article a WHERE a.id = nr.article_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'the corpus of a % must be its article''s corpus', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_claim_corpus_ins AFTER INSERT ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_label_corpus_fn('claim')",
    "CREATE TRIGGER annotate_claim_corpus_upd AFTER UPDATE ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_label_corpus_fn('claim')",
    "CREATE TRIGGER annotate_replylabel_corpus_ins AFTER INSERT ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_label_corpus_fn('reply label')",
    "CREATE TRIGGER annotate_replylabel_corpus_upd AFTER UPDATE ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_label_corpus_fn('reply label')",
    """CREATE OR REPLACE FUNCTION annotate_article_corpus_fn() RETURNS trigger AS $$
BEGIN
  -- Only a statement that moves a thread looks for its labels (the (article, annotator) indexes).
  IF EXISTS (
    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.corpus_id <> o.corpus_id
  ) AND EXISTS (
    WITH moved AS (
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.corpus_id <> o.corpus_id
    )
    SELECT 1 FROM annotate_claim c WHERE c.article_id IN (SELECT id FROM moved)
    UNION ALL
    SELECT 1 FROM annotate_replylabel r WHERE r.article_id IN (SELECT id FROM moved)
  ) THEN
    RAISE EXCEPTION 'a thread with claims or reply labels cannot move to another corpus' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER annotate_article_corpus_upd AFTER UPDATE ON threads_article REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_article_corpus_fn()",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS annotate_article_corpus_upd ON threads_article",
    "DROP FUNCTION IF EXISTS annotate_article_corpus_fn()",
    "DROP TRIGGER IF EXISTS annotate_replylabel_corpus_ins ON annotate_replylabel",
    "DROP TRIGGER IF EXISTS annotate_replylabel_corpus_upd ON annotate_replylabel",
    "DROP TRIGGER IF EXISTS annotate_claim_corpus_ins ON annotate_claim",
    "DROP TRIGGER IF EXISTS annotate_claim_corpus_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_label_corpus_fn()",
]

SQLITE = [
    "CREATE TRIGGER annotate_claim_corpus_ins BEFORE INSERT ON annotate_claim WHEN NOT ((SELECT a.corpus_id = NEW.corpus_id FROM threads_article a WHERE a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the corpus of a claim must be its article''s corpus'); END",
    "CREATE TRIGGER annotate_claim_corpus_upd BEFORE UPDATE OF corpus_id, article_id ON annotate_claim WHEN NOT ((SELECT a.corpus_id = NEW.corpus_id FROM threads_article a WHERE a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the corpus of a claim must be its article''s corpus'); END",
    "CREATE TRIGGER annotate_replylabel_corpus_ins BEFORE INSERT ON annotate_replylabel WHEN NOT ((SELECT a.corpus_id = NEW.corpus_id FROM threads_article a WHERE a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the corpus of a reply label must be its article''s corpus'); END",
    "CREATE TRIGGER annotate_replylabel_corpus_upd BEFORE UPDATE OF corpus_id, article_id ON annotate_replylabel WHEN NOT ((SELECT a.corpus_id = NEW.corpus_id FROM threads_article a WHERE a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the corpus of a reply label must be its article''s corpus'); END",
    "CREATE TRIGGER annotate_article_corpus_upd BEFORE UPDATE OF corpus_id ON threads_article WHEN NEW.corpus_id <> OLD.corpus_id AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.article_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.article_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a thread with claims or reply labels cannot move to another corpus'); END",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS annotate_article_corpus_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_corpus_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_corpus_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_corpus_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_corpus_upd",
]


def _corpus():
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="threads.corpus",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("annotate", "0004_reply_label_toward"),
        ("threads", "0001_squashed_0006_trigger_checks_keep_their_plan"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="claim", name="corpus", field=_corpus()),
                migrations.AddField(model_name="replylabel", name="corpus", field=_corpus()),
                migrations.AddIndex(
                    model_name="claim",
                    index=models.Index(fields=["corpus", "id"], name="claim_corpus_id"),
                ),
                migrations.AddIndex(
                    model_name="replylabel",
                    index=models.Index(fields=["corpus", "id"], name="replylabel_corpus_id"),
                ),
            ],
            database_operations=[
                VendorSQL(
                    postgresql=COLUMNS_POSTGRESQL,
                    sqlite=COLUMNS_SQLITE,
                    reverse_postgresql=COLUMNS_POSTGRESQL_DROP,
                    reverse_sqlite=COLUMNS_SQLITE_DROP,
                ),
            ],
        ),
        VendorSQL(
            postgresql=POSTGRESQL,
            sqlite=SQLITE,
            reverse_postgresql=POSTGRESQL_DROP,
            reverse_sqlite=SQLITE_DROP,
        ),
    ]
