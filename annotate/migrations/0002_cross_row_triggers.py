from django.db import migrations

from threads.db import RowRule, trigger_operation

CLAIM_COMMENT = RowRule(
    name="annotate_claim_comment",
    table="annotate_claim",
    columns=("comment_id", "article_id"),
    condition=(
        "NEW.comment_id IS NULL OR EXISTS (SELECT 1 FROM threads_comment c "
        "WHERE c.id = NEW.comment_id AND c.article_id = NEW.article_id)"
    ),
    message="the comment of a claim must be in its article",
)

CLAIM_TARGET = RowRule(
    name="annotate_claim_target",
    table="annotate_claim",
    columns=("target_claim_id", "annotator_id", "article_id", "is_gold"),
    condition=(
        "NEW.target_claim_id IS NULL OR EXISTS (SELECT 1 FROM annotate_claim t "
        "WHERE t.id = NEW.target_claim_id AND t.annotator_id = NEW.annotator_id "
        "AND t.article_id = NEW.article_id AND t.is_gold = NEW.is_gold)"
    ),
    message="a target claim must have the same annotator and thread",
)

REPLY_LABEL_COMMENT = RowRule(
    name="annotate_replylabel_comment",
    table="annotate_replylabel",
    columns=("comment_id", "article_id"),
    condition=(
        "EXISTS (SELECT 1 FROM threads_comment c "
        "WHERE c.id = NEW.comment_id AND c.article_id = NEW.article_id)"
    ),
    message="the comment of a reply label must be in its article",
)


class Migration(migrations.Migration):
    dependencies = [("annotate", "0001_initial"), ("threads", "0002_comment_tree_triggers")]
    operations = [trigger_operation(CLAIM_COMMENT, CLAIM_TARGET, REPLY_LABEL_COMMENT)]
