# A comment's article needs no index of its own: the unique (article, external_id)
# and (article, position) indexes serve it, and every index slows every insert.
# The index is dropped by name: on SQLite, AlterField would rebuild the table and
# lose its triggers.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("threads", "0003_trigger_checks_planned_per_statement")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="comments",
                        to="threads.article",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "threads_comment_article_id_40bd9efc"',
                    'CREATE INDEX "threads_comment_article_id_40bd9efc" '
                    'ON "threads_comment" ("article_id")',
                ),
            ],
        ),
    ]
