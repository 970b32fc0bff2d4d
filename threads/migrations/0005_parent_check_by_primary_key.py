# The parent check reads the parent by its primary key alone and compares its
# article and depth in the select list. With the article in the WHERE clause,
# the planner could (on stale statistics) walk the (article, ...) index instead:
# a thousand rows per reply checked, where the key finds one.
from django.db import migrations

from threads.db import RowRule, trigger_replace

COMMENT_PARENT = RowRule(
    name="threads_comment_parent",
    table="threads_comment",
    columns=("parent_id", "article_id", "depth"),
    # The parent exists in the same article one level up, and the row's own
    # replies (on an update) still sit one level below it: with depth strictly
    # growing along every reply chain, no chain can come back to where it began.
    condition=(
        "(NEW.parent_id IS NULL OR (SELECT p.article_id = NEW.article_id "
        "AND p.depth + 1 = NEW.depth FROM threads_comment p WHERE p.id = NEW.parent_id) IS TRUE) "
        "AND NOT EXISTS (SELECT 1 FROM threads_comment r WHERE r.parent_id = NEW.id "
        "AND (r.article_id <> NEW.article_id OR r.depth <> NEW.depth + 1))"
    ),
    message=(
        "the parent of a comment must be in the same article one level up, "
        "and its replies one level below it"
    ),
)


class Migration(migrations.Migration):
    dependencies = [("threads", "0004_fewer_indexes")]
    operations = [trigger_replace(COMMENT_PARENT)]
