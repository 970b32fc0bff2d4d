from django.db import migrations

from threads.db import RowRule, trigger_operation

COMMENT_PARENT = RowRule(
    name="threads_comment_parent",
    table="threads_comment",
    columns=("parent_id", "article_id", "depth"),
    # The parent exists in the same article one level up, and the row's own
    # replies (on an update) still sit one level below it: with depth strictly
    # growing along every reply chain, no chain can come back to where it began.
    condition=(
        "(NEW.parent_id IS NULL OR EXISTS (SELECT 1 FROM threads_comment p "
        "WHERE p.id = NEW.parent_id AND p.article_id = NEW.article_id "
        "AND p.depth + 1 = NEW.depth)) "
        "AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = NEW.id "
        "AND (r.article_id <> NEW.article_id OR r.depth <> NEW.depth + 1))"
    ),
    message=(
        "the parent of a comment must be in the same article one level up, "
        "and its replies one level below it"
    ),
)


class Migration(migrations.Migration):
    dependencies = [("threads", "0001_initial")]
    operations = [trigger_operation(COMMENT_PARENT)]
