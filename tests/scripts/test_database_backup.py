"""Backup and restore as the README gives them (scripts/database_backup.py, ``make backup`` and
``make restore``), end to end: data in, a backup, the data damaged, a restore, the data back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from annotate.models import Claim, ReplyLabel
from tests.factories import ClaimFactory, CommentFactory, ReplyLabelFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = [sys.executable, str(ROOT / "scripts" / "database_backup.py")]


def _run(*args: str, database_url: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url, "ENV_FILE": "/nonexistent"}
    result = subprocess.run(
        [*SCRIPT, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _manage(*args: str, database_url: str) -> None:
    env = os.environ | {"DATABASE_URL": database_url, "ENV_FILE": "/nonexistent"}
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _postgresql_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_a_postgresql_backup_brings_deleted_labels_and_a_dropped_table_back(tmp_path):
    claim = ClaimFactory(comment=None)
    ReplyLabelFactory(comment=CommentFactory(article=claim.article))
    corpus = claim.article.corpus
    dump = tmp_path / "threadlab.dump"

    _run("backup", "-o", str(dump), database_url=_postgresql_url())
    Claim.objects.all().delete()  # the accidents
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE annotate_replylabel")
    connection.close()  # as the web processes are stopped for a restore
    _run("restore", str(dump), database_url=_postgresql_url())

    restored = Claim.objects.select_related("article__corpus").get(pk=claim.pk)
    assert (restored.quote, restored.article.corpus.slug) == (claim.quote, corpus.slug)
    assert restored.corpus_id == corpus.pk
    assert ReplyLabel.objects.get().article_id == claim.article_id
    with connection.cursor() as cursor:  # the checks come back with the tables
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
        assert cursor.fetchone()[0] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restore_of_a_damaged_file_changes_nothing(tmp_path):
    claim = ClaimFactory()
    dump = tmp_path / "threadlab.dump"
    _run("backup", "-o", str(dump), database_url=_postgresql_url())
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])  # cut short
    connection.close()

    result = _run("restore", str(dump), database_url=_postgresql_url(), check=False)

    assert result.returncode != 0
    assert "pg_restore failed" in result.stderr
    assert Claim.objects.get().pk == claim.pk  # one transaction: nothing was dropped


@pytest.fixture
def sqlite_database(tmp_path) -> str:
    """A migrated SQLite file holding the example thread, as `make run` leaves one."""
    url = f"sqlite:///{tmp_path / 'threadlab.sqlite3'}"
    _manage("migrate", "--noinput", database_url=url)
    _manage(
        "import_threads", "examples/russia-israel-thread.txt", "--corpus", "demo", database_url=url
    )
    return url


def _count(url: str, sql: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute(sql).fetchone()[0]


def test_a_sqlite_backup_brings_a_dropped_table_back(sqlite_database, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    triggers = _count(sqlite_database, "SELECT count(*) FROM sqlite_master WHERE type='trigger'")

    _run("backup", "-o", str(backup), database_url=sqlite_database)
    with sqlite3.connect(sqlite_database.removeprefix("sqlite:///")) as db:
        db.execute("DROP TABLE threads_comment")  # the accident
    _run("restore", str(backup), database_url=sqlite_database)

    assert _count(sqlite_database, "SELECT count(*) FROM threads_comment") == 30
    assert (
        _count(sqlite_database, "SELECT count(*) FROM sqlite_master WHERE type='trigger'")
        == triggers
    )


def test_a_sqlite_restore_refuses_a_file_that_is_not_a_threadlab_database(
    sqlite_database, tmp_path
):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)

    result = _run("restore", str(junk), database_url=sqlite_database, check=False)

    assert result.returncode == 1
    assert f"error: {junk} is not a SQLite database" in result.stderr
    assert _count(sqlite_database, "SELECT count(*) FROM threads_comment") == 30


def test_a_backup_leaves_no_file_when_there_is_no_database(tmp_path):
    target = tmp_path / "backup.sqlite3"
    url = f"sqlite:///{tmp_path / 'missing.sqlite3'}"

    result = _run("backup", "-o", str(target), database_url=url, check=False)

    assert result.returncode == 1
    assert "There is no database at" in result.stderr
    assert not list(tmp_path.iterdir())
