# Review and roles (issue 9) and kept agreement figures (issue 10).
#
# - Gold labels record the annotator they were accepted from (``source``); one gold reply label
#   per comment, whichever reviewer settled it.
# - A thread's review status (ThreadReview), and AgreementFigures, one row per thread.
# - The annotator role: a corpus grant, given here to everyone already assigned a thread of the
#   corpus (literal SQL, the same on both databases).
# - A gold claim may target any gold claim of its thread (gold is the reviewers' one shared
#   version); an annotator's claim still targets only the same annotator's. The trigger's SQL
#   is literal, per database, like every trigger (the old text is the reverse).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from threads.vendor_sql import VendorSQL


TARGET_PG = """CREATE OR REPLACE FUNCTION annotate_claim_target_fn() RETURNS trigger AS $$
DECLARE
  bad boolean;
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 100) AS few) < 100 THEN
    bad := EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.target_claim_id IS NULL OR (SELECT t.article_id = nr.article_id AND t.is_gold = nr.is_gold AND (nr.is_gold OR t.annotator_id = nr.annotator_id) FROM annotate_claim t WHERE t.id = nr.target_claim_id) IS TRUE));
  ELSE
    EXECUTE $check$SELECT EXISTS (SELECT 1 FROM new_rows AS nr WHERE NOT (nr.target_claim_id IS NULL OR (SELECT t.article_id = nr.article_id AND t.is_gold = nr.is_gold AND (nr.is_gold OR t.annotator_id = nr.annotator_id) FROM annotate_claim t WHERE t.id = nr.target_claim_id) IS TRUE))$check$ INTO bad;
  END IF;
  IF bad THEN
    RAISE EXCEPTION 'a target claim must be in the same thread, and the same annotator''s or, for gold, gold' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql SET enable_seqscan = off"""
TARGET_PG_BEFORE = """CREATE OR REPLACE FUNCTION annotate_claim_target_fn() RETURNS trigger AS $$
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
END $$ LANGUAGE plpgsql SET enable_seqscan = off"""
TARGET_SQLITE = ["CREATE TRIGGER annotate_claim_target_ins BEFORE INSERT ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold AND (NEW.is_gold OR t.annotator_id = NEW.annotator_id) FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must be in the same thread, and the same annotator''s or, for gold, gold'); END", "CREATE TRIGGER annotate_claim_target_upd BEFORE UPDATE OF target_claim_id, annotator_id, article_id, is_gold ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold AND (NEW.is_gold OR t.annotator_id = NEW.annotator_id) FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must be in the same thread, and the same annotator''s or, for gold, gold'); END"]
TARGET_SQLITE_BEFORE = ["CREATE TRIGGER annotate_claim_target_ins BEFORE INSERT ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.annotator_id = NEW.annotator_id AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must have the same annotator and thread'); END", "CREATE TRIGGER annotate_claim_target_upd BEFORE UPDATE OF target_claim_id, annotator_id, article_id, is_gold ON annotate_claim WHEN NOT (NEW.target_claim_id IS NULL OR (SELECT t.annotator_id = NEW.annotator_id AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a target claim must have the same annotator and thread'); END"]

GRANT_ANNOTATORS = """INSERT INTO annotate_corpusgrant (user_id, corpus_id, role, created_at)
SELECT DISTINCT a.annotator_id, t.corpus_id, 'annotator', CURRENT_TIMESTAMP
FROM annotate_assignment a JOIN threads_article t ON t.id = a.article_id
WHERE NOT EXISTS (SELECT 1 FROM annotate_corpusgrant g WHERE g.user_id = a.annotator_id
                  AND g.corpus_id = t.corpus_id AND g.role = 'annotator')"""


class Migration(migrations.Migration):

    dependencies = [
        ('annotate', '0002_label_values_referenced_by_foreign_keys'),
        ('threads', '0001_squashed_0006_trigger_checks_keep_their_plan'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AgreementFigures',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='agreement_figures', serialize=False, to='threads.article')),
                ('figures', models.JSONField()),
                ('report', models.JSONField()),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name_plural': 'agreement figures',
            },
        ),
        migrations.CreateModel(
            name='ThreadReview',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='review', serialize=False, to='threads.article')),
                ('status', models.CharField(choices=[('unreviewed', 'unreviewed'), ('in_review', 'in review'), ('reviewed', 'reviewed')], default='unreviewed', max_length=20)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name='claim',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='replylabel',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='corpusgrant',
            name='role',
            field=models.CharField(choices=[('annotator', 'annotator'), ('reviewer', 'reviewer'), ('researcher', 'researcher')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='replylabel',
            constraint=models.UniqueConstraint(condition=models.Q(('is_gold', True)), fields=('comment',), name='replylabel_one_gold_per_comment'),
        ),
        migrations.AddField(
            model_name='threadreview',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunSQL(GRANT_ANNOTATORS, reverse_sql=migrations.RunSQL.noop),
        VendorSQL(
            postgresql=[TARGET_PG],
            sqlite=[
                "DROP TRIGGER IF EXISTS annotate_claim_target_ins",
                "DROP TRIGGER IF EXISTS annotate_claim_target_upd",
                *TARGET_SQLITE,
            ],
            reverse_postgresql=[TARGET_PG_BEFORE],
            reverse_sqlite=[
                "DROP TRIGGER IF EXISTS annotate_claim_target_ins",
                "DROP TRIGGER IF EXISTS annotate_claim_target_upd",
                *TARGET_SQLITE_BEFORE,
            ],
        ),
    ]
