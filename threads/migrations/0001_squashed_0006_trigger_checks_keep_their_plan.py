# The threads app's migrations 0001-0006 in one, frozen. Squashed with Django's
# squashmigrations (keeping ``replaces``, so a database that applied 0001-0006 counts this as
# applied), then written by hand: the comment-tree trigger is literal SQL for each database,
# the text the old migrations generated from threads/db.py at their last step (0005's rule
# with 0006's PostgreSQL function), so a database made either way holds the same text. The
# comment's article index, which 0004 dropped by name, is never made.
#
# No SQL here comes from code that may change: a migration must mean the same thing forever.
# (threads.models is imported for the corpus salt's default alone, which the state needs.)

import django.db.models.deletion
import threads.models
from django.db import migrations, models

from threads.vendor_sql import VendorSQL


# A comment's parent is in the same article one level up, and (on an update) its own replies
# still sit one level below it: with depth growing along every reply chain, no chain can
# come back to where it began.
#
# PostgreSQL: statement-level triggers over the transition table, one set-based check per
# INSERT or UPDATE statement (a PL/pgSQL call per row made bulk imports three times slower),
# checked after the statement so a parent and its replies may arrive together. A small
# statement (a save) keeps a plan made once a session: planning anew cost a single-row save
# more than the check. So that plan cannot hash or scan a whole table once the table has
# grown, each EXISTS ends in "OFFSET 0" (a probe per new row) and the function runs with
# sequential scans off (every probe through an index). A bulk statement (an import's COPY)
# plans its check afresh (EXECUTE), which costs little beside thousands of rows. The parent
# is read by primary key alone, its article and depth compared in the select list: with the
# article in the WHERE clause the planner could walk the (article, ...) index instead.
# SQLite: a row trigger before each INSERT, and before each UPDATE of the columns it reads.

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION threads_comment_parent_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((nr.parent_id IS NULL OR (SELECT p.article_id = nr.article_id AND p.depth + 1 = nr.depth FROM threads_comment p WHERE p.id = nr.parent_id) IS TRUE) AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = nr.id AND (r.article_id <> nr.article_id OR r.depth <> nr.depth + 1) OFFSET 0)));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT ((nr.parent_id IS NULL OR (SELECT p.article_id = nr.article_id AND p.depth + 1 = nr.depth FROM threads_comment p WHERE p.id = nr.parent_id) IS TRUE) AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = nr.id AND (r.article_id <> nr.article_id OR r.depth <> nr.depth + 1) OFFSET 0)))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'the parent of a comment must be in the same article one level up, and its replies one level below it' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off""",
    "CREATE TRIGGER threads_comment_parent_ins AFTER INSERT ON threads_comment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threads_comment_parent_fn()",
    "CREATE TRIGGER threads_comment_parent_upd AFTER UPDATE ON threads_comment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threads_comment_parent_fn()",
]

SQLITE = [
    "CREATE TRIGGER threads_comment_parent_ins BEFORE INSERT ON threads_comment WHEN NOT ((NEW.parent_id IS NULL OR (SELECT p.article_id = NEW.article_id AND p.depth + 1 = NEW.depth FROM threads_comment p WHERE p.id = NEW.parent_id) IS TRUE) AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = NEW.id AND (r.article_id <> NEW.article_id OR r.depth <> NEW.depth + 1))) BEGIN SELECT RAISE(ABORT, 'the parent of a comment must be in the same article one level up, and its replies one level below it'); END",
    "CREATE TRIGGER threads_comment_parent_upd BEFORE UPDATE OF parent_id, article_id, depth ON threads_comment WHEN NOT ((NEW.parent_id IS NULL OR (SELECT p.article_id = NEW.article_id AND p.depth + 1 = NEW.depth FROM threads_comment p WHERE p.id = NEW.parent_id) IS TRUE) AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = NEW.id AND (r.article_id <> NEW.article_id OR r.depth <> NEW.depth + 1))) BEGIN SELECT RAISE(ABORT, 'the parent of a comment must be in the same article one level up, and its replies one level below it'); END",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS threads_comment_parent_ins ON threads_comment",
    "DROP TRIGGER IF EXISTS threads_comment_parent_upd ON threads_comment",
    "DROP FUNCTION IF EXISTS threads_comment_parent_fn()",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS threads_comment_parent_ins",
    "DROP TRIGGER IF EXISTS threads_comment_parent_upd",
]


class Migration(migrations.Migration):

    replaces = [
        ("threads", "0001_initial"),
        ("threads", "0002_comment_tree_triggers"),
        ("threads", "0003_trigger_checks_planned_per_statement"),
        ("threads", "0004_fewer_indexes"),
        ("threads", "0005_parent_check_by_primary_key"),
        ("threads", "0006_trigger_checks_keep_their_plan"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Corpus',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(max_length=100, unique=True)),
                ('title', models.CharField(max_length=300)),
                ('description', models.TextField(blank=True)),
                ('guidelines', models.TextField(blank=True, help_text='Annotation guidelines, as Markdown or plain text.')),
                ('pseudonym_salt', models.CharField(default=threads.models._new_salt, editable=False, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name_plural': 'corpora',
                'ordering': ['slug'],
            },
        ),
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('external_id', models.CharField(max_length=255)),
                ('title', models.CharField(max_length=1000)),
                ('body', models.TextField(blank=True)),
                ('author', models.CharField(blank=True, max_length=255)),
                ('url', models.URLField(blank=True, max_length=2000)),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('meta', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('corpus', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='articles', to='threads.corpus')),
            ],
            options={
                'ordering': ['corpus_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('external_id', models.CharField(max_length=255)),
                ('author', models.CharField(blank=True, max_length=255)),
                ('text', models.TextField(blank=True)),
                ('posted_at', models.DateTimeField(blank=True, null=True)),
                ('meta', models.JSONField(blank=True, default=dict)),
                ('depth', models.PositiveIntegerField(help_text='0 for a top-level comment.')),
                ('position', models.PositiveIntegerField(help_text="Index in the thread's display order (parents before replies).")),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='threads.article')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='threads.comment')),
            ],
            options={
                'ordering': ['article_id', 'position'],
                'constraints': [models.UniqueConstraint(fields=('article', 'external_id'), name='comment_unique_external_id'), models.UniqueConstraint(fields=('article', 'position'), name='comment_unique_position'), models.CheckConstraint(condition=models.Q(models.Q(('parent__isnull', True), ('depth', 0)), models.Q(('parent__isnull', False), ('depth__gt', 0)), _connector='OR'), name='comment_depth_matches_parent')],
            },
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.UniqueConstraint(fields=('corpus', 'external_id'), name='article_unique_external_id'),
        ),
        VendorSQL(
            postgresql=POSTGRESQL,
            sqlite=SQLITE,
            reverse_postgresql=POSTGRESQL_DROP,
            reverse_sqlite=SQLITE_DROP,
        ),
    ]
