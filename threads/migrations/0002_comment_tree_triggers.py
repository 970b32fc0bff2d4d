from django.db import migrations

from threads.db import RowRule, trigger_operation

COMMENT_PARENT = RowRule(
    name="threads_comment_parent",
    table="threads_comment",
    columns=("parent_id", "article_id", "depth"),
    condition=(
        "NEW.parent_id IS NULL OR EXISTS (SELECT 1 FROM threads_comment p "
        "WHERE p.id = NEW.parent_id AND p.article_id = NEW.article_id "
        "AND p.depth + 1 = NEW.depth)"
    ),
    message="the parent of a comment must be in the same article, one level up",
)


class Migration(migrations.Migration):
    dependencies = [("threads", "0001_initial")]
    operations = [trigger_operation(COMMENT_PARENT)]
