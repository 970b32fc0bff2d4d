# Label values are referenced by foreign keys on both databases, as on SQLite before, and the
# triggers keep only what a key cannot hold: a claim's and a reply label's values are of the
# article's corpus and of the right kind, and a value in use is not moved to another kind or
# corpus. The state said no key (db_constraint=False) while SQLite kept its keys; now the
# state and both schemas agree.
#
# Why keys rather than triggers on both: a value in use must not be deleted, and only a
# deferred check lets one transaction delete labels and their values in any order. A
# foreign key is that check on both databases (at commit, as Django declares them); a
# SQLite trigger cannot be: it fires row by row, and with a delete trigger on label values
# Django's flush (it empties the tables in no set order; the test runner flushes after each
# transactional test) failed on a labelled SQLite database for two hash seeds in four.
#
# What the keys cost, measured on 200,200 claims and 20,000 reply labels
# (bench/import_export.py --threads 20 --comments 1000 --claims-per-comment 10, three runs
# each, load average about 1): SQLite, nothing measurable (its schema is the one it had;
# without the keys the import used 1-3% less CPU, within the noise). PostgreSQL, 1.8 s at the
# import's commit, about 3 microseconds a key check: 8.3 s -> 10.1 s with the commit (24,200
# -> 19,800 claims/s; the server's CPU 4.8 s -> 6.3 s), the import before the commit
# unchanged. A save (bench/thread_page.py --saves 500): the same within the noise on both
# (PostgreSQL median 6.0-6.4 ms before, 5.0-5.3 ms after, at a load average of 5). Eight
# annotators saving at once (bench/annotate_save.py --clients 8, gunicorn 2 x 4): 363-386
# saves/s before, 369-398 after, 1.2-1.3 ms of PostgreSQL CPU a save either way; the keys'
# row locks on the few label values every save shares did not show.
#
# SQLite: the tables are rebuilt (AlterField), so every trigger on them is dropped before and
# made again after, and so is the label-value trigger, which reads them: SQLite refuses to
# rename a table into place while another trigger names the missing table. PostgreSQL: the
# keys are added (AlterField), the delete trigger goes, and the in-use function keeps only
# its move check. Like every trigger, the SQL is literal: nothing is generated from code.

from django.db import migrations, models

from threads.vendor_sql import VendorSQL


def _label_value(null=False):
    return models.ForeignKey(
        blank=null,
        null=null,
        db_index=False,
        on_delete=models.deletion.PROTECT,
        related_name="+",
        to="annotate.labelvalue",
    )


# The triggers on the rebuilt tables, as 0001 made them.
SQLITE_CHECKS = [
    "CREATE TRIGGER annotate_claim_comment_ins BEFORE INSERT ON annotate_claim WHEN NOT (NEW.comment_id IS NULL OR (SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a claim must be in its article'); END",
    "CREATE TRIGGER annotate_claim_comment_upd BEFORE UPDATE OF comment_id, article_id ON annotate_claim WHEN NOT (NEW.comment_id IS NULL OR (SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a claim must be in its article'); END",
    "CREATE TRIGGER annotate_claim_target_ins BEFORE INSERT ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.annotator_id = NEW.annotator_id AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must have the same annotator and thread'); END",
    "CREATE TRIGGER annotate_claim_target_upd BEFORE UPDATE OF target_claim_id, annotator_id, article_id, is_gold ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.annotator_id = NEW.annotator_id AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must have the same annotator and thread'); END",
    "CREATE TRIGGER annotate_replylabel_comment_ins BEFORE INSERT ON annotate_replylabel WHEN NOT ((SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a reply label must be in its article'); END",
    "CREATE TRIGGER annotate_replylabel_comment_upd BEFORE UPDATE OF comment_id, article_id ON annotate_replylabel WHEN NOT ((SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a reply label must be in its article'); END",
    "CREATE TRIGGER annotate_claim_labels_ins BEFORE INSERT ON annotate_claim WHEN NOT ((SELECT v.kind = 'claim_type' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.claim_type_id AND a.id = NEW.article_id) IS TRUE AND (SELECT v.kind = 'stance' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.stance_id AND a.id = NEW.article_id) IS TRUE AND (NEW.stance_target_id IS NULL OR (SELECT v.kind = 'stance_target' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.stance_target_id AND a.id = NEW.article_id) IS TRUE)) BEGIN SELECT RAISE(ABORT, 'a claim label must be a value of its corpus schema, of the right kind'); END",
    "CREATE TRIGGER annotate_claim_labels_upd BEFORE UPDATE OF claim_type_id, stance_id, stance_target_id, article_id ON annotate_claim WHEN NOT ((SELECT v.kind = 'claim_type' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.claim_type_id AND a.id = NEW.article_id) IS TRUE AND (SELECT v.kind = 'stance' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.stance_id AND a.id = NEW.article_id) IS TRUE AND (NEW.stance_target_id IS NULL OR (SELECT v.kind = 'stance_target' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.stance_target_id AND a.id = NEW.article_id) IS TRUE)) BEGIN SELECT RAISE(ABORT, 'a claim label must be a value of its corpus schema, of the right kind'); END",
    "CREATE TRIGGER annotate_replylabel_label_ins BEFORE INSERT ON annotate_replylabel WHEN NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.label_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a reply label must be a reply-label value of its corpus schema'); END",
    "CREATE TRIGGER annotate_replylabel_label_upd BEFORE UPDATE OF label_id, article_id ON annotate_replylabel WHEN NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.label_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a reply label must be a reply-label value of its corpus schema'); END",
]

SQLITE_CHECKS_DROP = [
    "DROP TRIGGER IF EXISTS annotate_claim_comment_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_comment_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_target_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_target_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_upd",
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd",
]

SQLITE_IN_USE = [
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be moved to another kind or corpus'); END",
]

# 0001's, for going back.
SQLITE_IN_USE_BEFORE = [
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be deleted or moved to another kind or corpus'); END",
]

POSTGRESQL_IN_USE = [
    "DROP TRIGGER annotate_labelvalue_in_use_del ON annotate_labelvalue",
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
  ) THEN
    RAISE EXCEPTION 'a label value in use cannot be moved to another kind or corpus' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
]

# 0001's, for going back.
POSTGRESQL_IN_USE_BEFORE = [
    """CREATE OR REPLACE FUNCTION annotate_labelvalue_in_use_fn() RETURNS trigger AS $$
BEGIN
  -- Both checks read every claim (no index by label value): only when it can matter.
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id IN (SELECT id FROM old_rows) OR c.stance_id IN (SELECT id FROM old_rows) OR c.stance_target_id IN (SELECT id FROM old_rows) UNION ALL SELECT 1 FROM annotate_replylabel r WHERE r.label_id IN (SELECT id FROM old_rows)) THEN
      RAISE EXCEPTION 'a label value in use cannot be deleted or moved to another kind or corpus' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSIF EXISTS (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id) AND EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id) OR c.stance_id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id) OR c.stance_target_id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id) UNION ALL SELECT 1 FROM annotate_replylabel r WHERE r.label_id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.kind <> o.kind OR n.corpus_id <> o.corpus_id)) THEN
    RAISE EXCEPTION 'a label value in use cannot be deleted or moved to another kind or corpus' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER annotate_labelvalue_in_use_del AFTER DELETE ON annotate_labelvalue REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_labelvalue_in_use_fn()",
]


class Migration(migrations.Migration):
    dependencies = [("annotate", "0001_squashed_0007_trigger_checks_keep_their_plan")]

    operations = [
        VendorSQL(
            postgresql=[],
            sqlite=SQLITE_CHECKS_DROP,
            reverse_postgresql=[],
            reverse_sqlite=SQLITE_CHECKS + SQLITE_IN_USE_BEFORE,
        ),
        migrations.AlterField("claim", "claim_type", _label_value()),
        migrations.AlterField("claim", "stance", _label_value()),
        migrations.AlterField("claim", "stance_target", _label_value(null=True)),
        migrations.AlterField("replylabel", "label", _label_value()),
        VendorSQL(
            postgresql=POSTGRESQL_IN_USE,
            sqlite=SQLITE_CHECKS + SQLITE_IN_USE,
            reverse_postgresql=POSTGRESQL_IN_USE_BEFORE,
            reverse_sqlite=SQLITE_CHECKS_DROP,
        ),
    ]
