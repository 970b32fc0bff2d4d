# Claims and reply labels keep the indexes their reads use: (article, annotator),
# comment, annotator, target claim, updated_at. The others cost every save and
# import an index write for nothing: the (article, annotator) index serves the
# article; "claim_comment" repeated the comment's own index; nothing looks rows up
# by label value but the rare deletion of a value. The indexes are dropped by name:
# on SQLite, AlterField would rebuild the tables and lose their triggers.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0003_trigger_checks_planned_per_statement"),
        ("threads", "0004_fewer_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_comment"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="claim",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="claims",
                        to="threads.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="claim_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="annotate.labelvalue",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="stance",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="annotate.labelvalue",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="stance_target",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="annotate.labelvalue",
                    ),
                ),
                migrations.AlterField(
                    model_name="replylabel",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="reply_labels",
                        to="threads.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="replylabel",
                    name="label",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="annotate.labelvalue",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_claim_article_id_8174c539"',
                    'CREATE INDEX "annotate_claim_article_id_8174c539" ON "annotate_claim" ("article_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_claim_claim_type_id_8d55e344"',
                    'CREATE INDEX "annotate_claim_claim_type_id_8d55e344" ON "annotate_claim" ("claim_type_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_claim_stance_id_10d7a137"',
                    'CREATE INDEX "annotate_claim_stance_id_10d7a137" ON "annotate_claim" ("stance_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_claim_stance_target_id_e8623d3e"',
                    'CREATE INDEX "annotate_claim_stance_target_id_e8623d3e" ON "annotate_claim" ("stance_target_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_replylabel_article_id_e20d866c"',
                    'CREATE INDEX "annotate_replylabel_article_id_e20d866c" ON "annotate_replylabel" ("article_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "annotate_replylabel_label_id_6d4fe380"',
                    'CREATE INDEX "annotate_replylabel_label_id_6d4fe380" ON "annotate_replylabel" ("label_id")',
                ),
            ],
        ),
    ]
