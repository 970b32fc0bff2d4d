# The claim and reply-label checks keep their plans for the session for small
# statements, planned with sequential scans off, and plan bulk ones afresh (see
# threads.db): planning them for every statement cost each save more than the checks.
from importlib import import_module

from django.db import migrations

from threads.db import trigger_function_refresh

by_key = import_module("annotate.migrations.0005_checks_by_primary_key")
labels = import_module("annotate.migrations.0006_label_values_checked_by_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0006_label_values_checked_by_triggers"),
        ("threads", "0006_trigger_checks_keep_their_plan"),
    ]
    operations = [
        trigger_function_refresh(
            by_key.CLAIM_COMMENT,
            by_key.CLAIM_TARGET,
            by_key.REPLY_LABEL_COMMENT,
            labels.CLAIM_LABELS,
            labels.REPLY_LABEL_LABEL,
        )
    ]
