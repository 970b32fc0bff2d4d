"""Long texts compressed with lz4 on PostgreSQL (threads migration 0002)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL column setting"
)


def _compression(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attname = %s",
            [table, column],
        )
        (method,) = cursor.fetchone()
    return method


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("threads_article", "body"),
        ("threads_article", "meta"),
        ("threads_comment", "text"),
        ("threads_comment", "meta"),
    ],
)
def test_long_columns_are_compressed_with_lz4(table, column):
    assert _compression(table, column) == "l"


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a test transaction
def test_migrating_back_returns_the_columns_to_the_servers_default():
    call_command("migrate", "threads", "0001", verbosity=0)
    try:
        assert _compression("threads_comment", "meta") == ""
    finally:
        call_command("migrate", "threads", verbosity=0)
    assert _compression("threads_comment", "meta") == "l"
