# Each check reads the row it refers to by primary key alone and compares the
# rest in the select list. With those columns in the WHERE clause the planner
# chose, on stale statistics, the (article, annotator) index for a target claim:
# thousands of rows scanned per claim of an import, where the key finds one.
from django.db import migrations

from threads.db import RowRule, trigger_replace

CLAIM_COMMENT = RowRule(
    name="annotate_claim_comment",
    table="annotate_claim",
    columns=("comment_id", "article_id"),
    condition=(
        "NEW.comment_id IS NULL OR (SELECT c.article_id = NEW.article_id "
        "FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE"
    ),
    message="the comment of a claim must be in its article",
)

CLAIM_TARGET = RowRule(
    name="annotate_claim_target",
    table="annotate_claim",
    columns=("target_claim_id", "annotator_id", "article_id", "is_gold"),
    condition=(
        "NEW.target_claim_id IS NULL OR (SELECT t.annotator_id = NEW.annotator_id "
        "AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold "
        "FROM annotate_claim t WHERE t.id = NEW.target_claim_id) IS TRUE"
    ),
    message="a target claim must have the same annotator and thread",
)

REPLY_LABEL_COMMENT = RowRule(
    name="annotate_replylabel_comment",
    table="annotate_replylabel",
    columns=("comment_id", "article_id"),
    condition=(
        "(SELECT c.article_id = NEW.article_id "
        "FROM threads_comment c WHERE c.id = NEW.comment_id) IS TRUE"
    ),
    message="the comment of a reply label must be in its article",
)


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0004_fewer_indexes"),
        ("threads", "0005_parent_check_by_primary_key"),
    ]
    operations = [trigger_replace(CLAIM_COMMENT, CLAIM_TARGET, REPLY_LABEL_COMMENT)]
