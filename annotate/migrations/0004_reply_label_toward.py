# Reply labels toward the parent or the root (issue 11): a reply label gets ``toward``
# ("parent", as every existing label is, or "root": the thread's article), one label per
# (annotator, comment, gold, direction) and one gold label per (comment, direction), with a CHECK
# on the values; a corpus's schema says which directions it labels (ReplyLabelScope, one row per
# corpus; none: toward the parent only, as before).
#
# SQLite: AddField with a default, RemoveConstraint and AddConstraint rebuild annotate_replylabel,
# which drops its triggers, and SQLite refuses to rename the rebuilt table into place while the
# label-value trigger names it (see 0002). So those five triggers are dropped before and made again
# after, with the text 0002 gave them. PostgreSQL keeps its statement triggers through ALTER TABLE,
# and fills the new column with the default without rewriting the table.

from django.db import migrations, models
import django.db.models.deletion

from threads.vendor_sql import VendorSQL


# The triggers that name annotate_replylabel, as 0002 made them.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER annotate_replylabel_comment_ins BEFORE INSERT ON annotate_replylabel WHEN NOT ((SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a reply label must be in its article'); END",
    "CREATE TRIGGER annotate_replylabel_comment_upd BEFORE UPDATE OF comment_id, article_id ON annotate_replylabel WHEN NOT ((SELECT c.article_id = NEW.article_id FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'the comment of a reply label must be in its article'); END",
    "CREATE TRIGGER annotate_replylabel_label_ins BEFORE INSERT ON annotate_replylabel WHEN NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.label_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a reply label must be a reply-label value of its corpus schema'); END",
    "CREATE TRIGGER annotate_replylabel_label_upd BEFORE UPDATE OF label_id, article_id ON annotate_replylabel WHEN NOT ((SELECT v.kind = 'reply_label' AND v.corpus_id = a.corpus_id FROM annotate_labelvalue v, threads_article a WHERE v.id = NEW.label_id AND a.id = NEW.article_id) IS TRUE) BEGIN SELECT RAISE(ABORT, 'a reply label must be a reply-label value of its corpus schema'); END",
    "CREATE TRIGGER annotate_labelvalue_in_use_upd BEFORE UPDATE OF kind, corpus_id ON annotate_labelvalue WHEN (NEW.kind <> OLD.kind OR NEW.corpus_id <> OLD.corpus_id) AND (EXISTS (SELECT 1 FROM annotate_claim c WHERE c.claim_type_id = OLD.id OR c.stance_id = OLD.id OR c.stance_target_id = OLD.id) OR EXISTS (SELECT 1 FROM annotate_replylabel r WHERE r.label_id = OLD.id)) BEGIN SELECT RAISE(ABORT, 'a label value in use cannot be moved to another kind or corpus'); END",
]

SQLITE_TRIGGERS_DROP = [
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_comment_upd",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_ins",
    "DROP TRIGGER IF EXISTS annotate_replylabel_label_upd",
    "DROP TRIGGER IF EXISTS annotate_labelvalue_in_use_upd",
]


class Migration(migrations.Migration):

    dependencies = [
        ('annotate', '0003_review_roles_agreement'),
        ('threads', '0001_squashed_0006_trigger_checks_keep_their_plan'),
    ]

    operations = [
        VendorSQL(
            postgresql=[],
            sqlite=SQLITE_TRIGGERS_DROP,
            reverse_postgresql=[],
            reverse_sqlite=SQLITE_TRIGGERS,
        ),
        migrations.CreateModel(
            name='ReplyLabelScope',
            fields=[
                ('corpus', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='reply_scope', serialize=False, to='threads.corpus')),
                ('toward_parent', models.BooleanField(default=True, help_text="How a comment relates to the text it answers (the article, for a top-level comment), as DAST's SDQC_Parent.", verbose_name='toward the parent')),
                ('toward_root', models.BooleanField(default=False, help_text="How a comment relates to the thread's root, the article, as RumourEval's SDQC labels and DAST's SDQC_Submission.", verbose_name='toward the article')),
            ],
            options={
                'verbose_name': 'reply-label directions',
                'verbose_name_plural': 'reply-label directions',
                'constraints': [models.CheckConstraint(condition=models.Q(('toward_parent', True), ('toward_root', True), _connector='OR'), name='replylabelscope_some_direction', violation_error_message='Reply labels need a direction: toward the parent, toward the article, or both.')],
            },
        ),
        migrations.RemoveConstraint(
            model_name='replylabel',
            name='replylabel_unique_per_comment',
        ),
        migrations.RemoveConstraint(
            model_name='replylabel',
            name='replylabel_one_gold_per_comment',
        ),
        # Every existing label is toward the parent: that is what it meant.
        migrations.AddField(
            model_name='replylabel',
            name='toward',
            field=models.CharField(choices=[('parent', 'toward the parent'), ('root', 'toward the article')], default='parent', max_length=6),
        ),
        migrations.AddConstraint(
            model_name='replylabel',
            constraint=models.UniqueConstraint(fields=('annotator', 'comment', 'is_gold', 'toward'), name='replylabel_unique_per_direction'),
        ),
        migrations.AddConstraint(
            model_name='replylabel',
            constraint=models.UniqueConstraint(condition=models.Q(('is_gold', True)), fields=('comment', 'toward'), name='replylabel_one_gold_per_direction'),
        ),
        migrations.AddConstraint(
            model_name='replylabel',
            constraint=models.CheckConstraint(condition=models.Q(('toward__in', ['parent', 'root'])), name='replylabel_toward_known'),
        ),
        VendorSQL(
            postgresql=[],
            sqlite=SQLITE_TRIGGERS,
            reverse_postgresql=[],
            reverse_sqlite=SQLITE_TRIGGERS_DROP,
        ),
    ]
