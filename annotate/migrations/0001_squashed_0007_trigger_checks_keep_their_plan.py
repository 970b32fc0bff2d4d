# The annotate app's migrations 0001-0007 in one, frozen. Squashed with Django's
# squashmigrations (keeping ``replaces``, so a database that applied 0001-0007 counts this as
# applied), then written by hand: every trigger is literal SQL for each database, the text
# the old migrations generated from threads/db.py at their last step (0005's and 0006's rules
# with 0007's PostgreSQL functions), so a database made either way holds the same text. The
# indexes 0004 dropped by name are never made.
#
# Label values: the state says what 0006 left, no foreign key to them (db_constraint=False),
# and this migration makes none on either database. The old ones left SQLite its keys (only
# a table rebuild drops one there); 0002 rebuilds those tables, so both ways meet again.
#
# No SQL here comes from code that may change: a migration must mean the same thing forever.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from threads.vendor_sql import VendorSQL


# The checks, one rule each: a claim's comment is in its article; a target claim has the
# same annotator, article and gold flag; a reply label's comment is in its article; a claim's
# and a reply label's label values are values of the article's corpus, of the right kind; a
# label value in use is neither deleted nor moved to another kind or corpus.
#
# PostgreSQL: as threads' comment-tree check (see its 0001), statement-level triggers over
# the transition table, one set-based check per INSERT or UPDATE statement; a small
# statement keeps a plan made once a session (each EXISTS a probe per row, "OFFSET 0";
# sequential scans off), a bulk one plans afresh. Each check reads the row it refers to by
# primary key alone and compares the rest in the select list: with those columns in the
# WHERE clause the planner chose, on stale statistics, the (article, annotator) index for a
# target claim, thousands of rows per claim of an import. The label-value checks replaced
# foreign keys there, which PostgreSQL checked row by row at commit. The in-use check reads
# every claim (no index by label value), so it runs only when a value is deleted or moved.
# SQLite: a row trigger before each INSERT, and before each UPDATE of the columns it reads;
# its foreign keys refused the deletion of a value in use, so it had no delete trigger.

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION annotate_claim_comment_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.comment_id IS NULL OR (SELECT c.article_id = nr.article_id FROM threads_comment c WHERE c.id = nr.comment_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.comment_id IS NULL OR (SELECT c.article_id = nr.article_id FROM threads_comment c WHERE c.id = nr.comment_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'the comment of a claim must be in its article' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_claim_comment_ins AFTER INSERT ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_comment_fn()",
    "CREATE TRIGGER annotate_claim_comment_upd AFTER UPDATE ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_comment_fn()",
    """CREATE OR REPLACE FUNCTION annotate_claim_target_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.target_claim_id IS NULL OR (SELECT t.annotator_id = nr.annotator_id AND t.article_id = nr.article_id AND t.is_gold = nr.is_gold FROM annotate_claim t WHERE t.id = nr.target_claim_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.target_claim_id IS NULL OR (SELECT t.annotator_id = nr.annotator_id AND t.article_id = nr.article_id AND t.is_gold = nr.is_gold FROM annotate_claim t WHERE t.id = nr.target_claim_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a target claim must have the same annotator and thread' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_claim_target_ins AFTER INSERT ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_target_fn()",
    "CREATE TRIGGER annotate_claim_target_upd AFTER UPDATE ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_target_fn()",
    """CREATE OR REPLACE FUNCTION annotate_replylabel_comment_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT c.article_id = nr.article_id FROM threads_comment c WHERE c.id = nr.comment_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT c.article_id = nr.article_id FROM threads_comment c WHERE c.id = nr.comment_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'the comment of a reply label must be in its article' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_replylabel_comment_ins AFTER INSERT ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_replylabel_comment_fn()",
    "CREATE TRIGGER annotate_replylabel_comment_upd AFTER UPDATE ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_replylabel_comment_fn()",
    """CREATE OR REPLACE FUNCTION annotate_claim_labels_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'claim_type' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.claim_type_id AND a.id = nr.article_id) IS TRUE AND (SELECT v.kind = 'stance' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.stance_id AND a.id = nr.article_id) IS TRUE AND (nr.stance_target_id IS NULL OR (SELECT v.kind = 'stance_target' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.stance_target_id AND a.id = nr.article_id) IS TRUE)));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'claim_type' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.claim_type_id AND a.id = nr.article_id) IS TRUE AND (SELECT v.kind = 'stance' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.stance_id AND a.id = nr.article_id) IS TRUE AND (nr.stance_target_id IS NULL OR (SELECT v.kind = 'stance_target' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.stance_target_id AND a.id = nr.article_id) IS TRUE)))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a claim label must be a value of its corpus schema, of the right kind' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_claim_labels_ins AFTER INSERT ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_labels_fn()",
    "CREATE TRIGGER annotate_claim_labels_upd AFTER UPDATE ON annotate_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_claim_labels_fn()",
    """CREATE OR REPLACE FUNCTION annotate_replylabel_label_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.label_id AND a.id = nr.article_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = nr.label_id AND a.id = nr.article_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a reply label must be a reply-label value of its corpus schema' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER annotate_replylabel_label_ins AFTER INSERT ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_replylabel_label_fn()",
    "CREATE TRIGGER annotate_replylabel_label_upd AFTER UPDATE ON annotate_replylabel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_replylabel_label_fn()",
    """CREATE FUNCTION annotate_labelvalue_in_use_fn() RETURNS trigger AS $$
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
    "CREATE TRIGGER annotate_labelvalue_in_use_upd AFTER UPDATE ON annotate_labelvalue REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotate_labelvalue_in_use_fn()",
]

SQLITE = [
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
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be deleted or moved to another kind or corpus'); END",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_del ON annotate_labelvalue",
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd ON annotate_labelvalue",
    "DROP FUNCTION IF EXISTS annotate_labelvalue_in_use_fn()",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_ins ON annotate_replylabel",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_upd ON annotate_replylabel",
    "DROP FUNCTION IF EXISTS annotate_replylabel_label_fn()",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_ins ON annotate_claim",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_claim_labels_fn()",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_ins ON annotate_replylabel",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_upd ON annotate_replylabel",
    "DROP FUNCTION IF EXISTS annotate_replylabel_comment_fn()",
    "DROP TRIGGER IF EXISTS annotate_claim_target_ins ON annotate_claim",
    "DROP TRIGGER IF EXISTS annotate_claim_target_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_claim_target_fn()",
    "DROP TRIGGER IF EXISTS annotate_claim_comment_ins ON annotate_claim",
    "DROP TRIGGER IF EXISTS annotate_claim_comment_upd ON annotate_claim",
    "DROP FUNCTION IF EXISTS annotate_claim_comment_fn()",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_labels_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_target_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_target_upd",
    "DROP TRIGGER IF EXISTS annotate_claim_comment_ins",
    "DROP TRIGGER IF EXISTS annotate_claim_comment_upd",
]


class Migration(migrations.Migration):

    replaces = [
        ("annotate", "0001_initial"),
        ("annotate", "0002_cross_row_triggers"),
        ("annotate", "0003_trigger_checks_planned_per_statement"),
        ("annotate", "0004_fewer_indexes"),
        ("annotate", "0005_checks_by_primary_key"),
        ("annotate", "0006_label_values_checked_by_triggers"),
        ("annotate", "0007_trigger_checks_keep_their_plan"),
    ]

    initial = True

    dependencies = [
        ("threads", "0001_squashed_0006_trigger_checks_keep_their_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LabelValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('claim_type', 'claim type'), ('stance', 'stance'), ('stance_target', 'stance target'), ('reply_label', 'reply label')], max_length=20)),
                ('name', models.CharField(max_length=50)),
                ('description', models.CharField(blank=True, max_length=500)),
                ('key', models.CharField(blank=True, help_text='Keyboard shortcut: one character.', max_length=1)),
                ('colour', models.CharField(default='#888888', help_text='#rrggbb', max_length=7)),
                ('order', models.PositiveIntegerField(default=0)),
                ('retired', models.BooleanField(default=False)),
                ('corpus', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='label_values', to='threads.corpus')),
            ],
            options={
                'ordering': ['corpus_id', 'kind', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Claim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.PositiveIntegerField()),
                ('end', models.PositiveIntegerField()),
                ('quote', models.TextField()),
                ('note', models.TextField(blank=True)),
                ('is_gold', models.BooleanField(default=False)),
                ('client_token', models.UUIDField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('annotator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='threads.article')),
                ('comment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='threads.comment')),
                ('target_claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attacked_by', to='annotate.claim')),
                ('claim_type', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='annotate.labelvalue')),
                ('stance', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='annotate.labelvalue')),
                ('stance_target', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='annotate.labelvalue')),
            ],
            options={
                'ordering': ['article_id', 'comment_id', 'start', 'end', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReplyLabel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_gold', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('annotator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reply_labels', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reply_labels', to='threads.article')),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reply_labels', to='threads.comment')),
                ('label', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='annotate.labelvalue')),
            ],
            options={
                'ordering': ['article_id', 'comment_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='AnnotationEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('create', 'create'), ('update', 'update'), ('delete', 'delete')], max_length=10)),
                ('object_type', models.CharField(max_length=20)),
                ('object_id', models.BigIntegerField()),
                ('article_id', models.BigIntegerField(db_index=True)),
                ('before', models.JSONField(blank=True, null=True)),
                ('after', models.JSONField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='event_object')],
            },
        ),
        migrations.CreateModel(
            name='Assignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('todo', 'to do'), ('in_progress', 'in progress'), ('done', 'done')], default='todo', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('annotator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='threads.article')),
            ],
            options={
                'ordering': ['annotator_id', 'article_id'],
                'constraints': [models.UniqueConstraint(fields=('annotator', 'article'), name='assignment_unique')],
            },
        ),
        migrations.CreateModel(
            name='CorpusGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('reviewer', 'reviewer'), ('researcher', 'researcher')], max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('corpus', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='threads.corpus')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corpus_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('user', 'corpus', 'role'), name='grant_unique')],
            },
        ),
        migrations.AddConstraint(
            model_name='labelvalue',
            constraint=models.UniqueConstraint(fields=('corpus', 'kind', 'name'), name='labelvalue_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='labelvalue',
            constraint=models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('corpus', 'kind', 'key'), name='labelvalue_unique_key'),
        ),
        migrations.AddConstraint(
            model_name='labelvalue',
            constraint=models.CheckConstraint(condition=models.Q(('colour__regex', '^#[0-9a-fA-F]{6}$')), name='labelvalue_colour_hex'),
        ),
        migrations.AddConstraint(
            model_name='labelvalue',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='labelvalue_name_not_empty'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['article', 'annotator'], name='claim_article_annotator'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['updated_at'], name='claim_updated_at'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='claim_start_before_end'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('stance_target__isnull', False), ('target_claim__isnull', True)), models.Q(('stance_target__isnull', True), ('target_claim__isnull', False)), _connector='OR'), name='claim_one_stance_target'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('target_claim', models.F('id')), _negated=True), name='claim_not_its_own_target'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.UniqueConstraint(condition=models.Q(('client_token__isnull', False)), fields=('annotator', 'client_token'), name='claim_unique_client_token'),
        ),
        migrations.AddIndex(
            model_name='replylabel',
            index=models.Index(fields=['article', 'annotator'], name='replylabel_article_annotator'),
        ),
        migrations.AddIndex(
            model_name='replylabel',
            index=models.Index(fields=['updated_at'], name='replylabel_updated_at'),
        ),
        migrations.AddConstraint(
            model_name='replylabel',
            constraint=models.UniqueConstraint(fields=('annotator', 'comment', 'is_gold'), name='replylabel_unique_per_comment'),
        ),
        VendorSQL(
            postgresql=POSTGRESQL,
            sqlite=SQLITE,
            reverse_postgresql=POSTGRESQL_DROP,
            reverse_sqlite=SQLITE_DROP,
        ),
    ]
