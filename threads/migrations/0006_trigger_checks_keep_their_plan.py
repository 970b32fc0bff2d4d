# The comment-tree check keeps its plan for the session for small statements,
# planned with sequential scans off, and plans bulk ones afresh (see threads.db):
# planning it for every statement cost each single-row write more than the check.
from importlib import import_module

from django.db import migrations

from threads.db import trigger_function_refresh

triggers = import_module("threads.migrations.0005_parent_check_by_primary_key")


class Migration(migrations.Migration):
    dependencies = [("threads", "0005_parent_check_by_primary_key")]
    operations = [trigger_function_refresh(triggers.COMMENT_PARENT)]
