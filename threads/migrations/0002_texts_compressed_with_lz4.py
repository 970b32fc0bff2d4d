# PostgreSQL compresses a value of more than about 2 kB before it stores it (TOAST). With its
# default method, pglz, compressing each comment's meta was a fifth of the server's CPU in a
# PHEME import (perf; a tweet keeps about 2.5 kB of the Twitter object in meta), so the
# article's and the comment's long columns use lz4, which compresses at a fraction of the
# cost and decompresses faster too (bench/import_pheme.py: server CPU 5.0-5.8 s against
# 5.6-6.1 s for 50,000 labelled replies). Only values written from now on use it; those
# already stored keep pglz until rewritten, and both read back the same.
#
# A server built without lz4 refuses the method (feature_not_supported): the columns then
# keep pglz, which stores and reads back the same values. SQLite has no such setting.

from django.db import migrations

from threads.vendor_sql import VendorSQL

POSTGRESQL = [
    """DO $$ BEGIN
  ALTER TABLE threads_article ALTER COLUMN body SET COMPRESSION lz4;
  ALTER TABLE threads_article ALTER COLUMN meta SET COMPRESSION lz4;
  ALTER TABLE threads_comment ALTER COLUMN text SET COMPRESSION lz4;
  ALTER TABLE threads_comment ALTER COLUMN meta SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$"""
]

POSTGRESQL_REVERSE = [
    "ALTER TABLE threads_article ALTER COLUMN body SET COMPRESSION default",
    "ALTER TABLE threads_article ALTER COLUMN meta SET COMPRESSION default",
    "ALTER TABLE threads_comment ALTER COLUMN text SET COMPRESSION default",
    "ALTER TABLE threads_comment ALTER COLUMN meta SET COMPRESSION default",
]


class Migration(migrations.Migration):
    dependencies = [("threads", "0001_squashed_0006_trigger_checks_keep_their_plan")]

    operations = [
        VendorSQL(
            postgresql=POSTGRESQL,
            sqlite=[],
            reverse_postgresql=POSTGRESQL_REVERSE,
            reverse_sqlite=[],
        )
    ]
