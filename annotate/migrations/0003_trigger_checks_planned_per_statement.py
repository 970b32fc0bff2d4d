# The claim and reply-label check functions plan their queries per statement (see threads.db).
from importlib import import_module

from django.db import migrations

from threads.db import trigger_function_refresh

triggers = import_module("annotate.migrations.0002_cross_row_triggers")


class Migration(migrations.Migration):
    dependencies = [("annotate", "0002_cross_row_triggers")]
    operations = [
        trigger_function_refresh(
            triggers.CLAIM_COMMENT, triggers.CLAIM_TARGET, triggers.REPLY_LABEL_COMMENT
        )
    ]
