"""Joins the two migrations that both follow 0005 (background jobs; relations and claim
attributes): they touch different tables, so either order is the same database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0006_jobs"),
        ("annotate", "0006_relations_attributes"),
    ]

    operations = []
