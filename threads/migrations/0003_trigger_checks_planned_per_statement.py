# The comment-tree check function plans its query per statement (see threads.db).
from importlib import import_module

from django.db import migrations

from threads.db import trigger_function_refresh

triggers = import_module("threads.migrations.0002_comment_tree_triggers")


class Migration(migrations.Migration):
    dependencies = [("threads", "0002_comment_tree_triggers")]
    operations = [trigger_function_refresh(triggers.COMMENT_PARENT)]
