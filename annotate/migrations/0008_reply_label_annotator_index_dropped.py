# A reply label's annotator loses its own index: the unique (annotator, comment, is_gold,
# toward) index starts with the same column and serves every lookup by annotator (a user's
# labels, the check before deleting a user), and an import writes one index entry fewer for
# every label it brings.
#
# Literal SQL (SeparateDatabaseAndState): Django's AlterField rebuilds a SQLite table to
# change a column's index, which drops the table's triggers. The statement is the same on
# both databases, and the index's name is the one Django gave it in annotate 0001.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0007_jobs_and_relations_both_after_0005"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="replylabel",
                    name="annotator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reply_labels",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX annotate_replylabel_annotator_id_b82f349d",
                    reverse_sql=(
                        "CREATE INDEX annotate_replylabel_annotator_id_b82f349d"
                        " ON annotate_replylabel (annotator_id)"
                    ),
                ),
            ],
        ),
    ]
