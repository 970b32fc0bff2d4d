"""Back up and restore Threadlab's database, whichever it is (``make backup``, ``make restore``).

    python scripts/database_backup.py backup [-o FILE]
    python scripts/database_backup.py restore FILE

The database is the app's: ``DATABASE_URL`` from the environment or the ``.env`` file, else
the development SQLite file ``var/threadlab.sqlite3``, as config/settings.py reads it.

- PostgreSQL: ``pg_dump --format=custom --no-owner`` to back up, and ``pg_restore --clean
  --if-exists --no-owner --single-transaction`` to restore (all of it or, on any error,
  nothing), then ``ANALYZE`` (a dump holds no planner statistics, and the lists' plans rely on
  them). The password goes to the tools in ``PGPASSWORD``, never on their command line. Stop
  the web processes and workers before a restore: it drops and recreates every table.
- SQLite: the backup API of Python's sqlite3 module (what ``sqlite3 FILE .backup`` does): a
  consistent copy while the app runs, and a restore that replaces the whole database at once.
  A restore first checks that the file is an intact SQLite database with Threadlab's tables.

A backup is written to a temporary name and renamed when complete, so a failed one never
leaves a file that looks like a backup. Exits non-zero with a message on any error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
BACKUPS = ROOT / "var" / "backups"


class BackupError(Exception):
    pass


def database() -> dict[str, Any]:
    """The app's database settings, read as config/settings.py reads them."""
    load_dotenv(os.environ.get("ENV_FILE") or ROOT / ".env", override=False)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'threadlab.sqlite3'}"
    return dict(dj_database_url.parse(url))


def _libpq_params(db: dict[str, Any]) -> dict[str, str]:
    """libpq's connection parameters for ``db`` (those it sets)."""
    params = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "dbname": db["NAME"],
        "sslmode": db.get("OPTIONS", {}).get("sslmode"),
    }
    return {name: str(value) for name, value in params.items() if value}


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """The tools' environment: libpq's PG* variables, so no password is on a command line."""
    names = {"dbname": "PGDATABASE"}  # the others are PG and the parameter's name
    return dict(os.environ) | {
        names.get(k, f"PG{k.upper()}"): v for k, v in _libpq_params(db).items()
    }


def _run(command: list[str], env: dict[str, str]) -> None:
    print("+", shlex.join(command), flush=True)
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {result.returncode}); see its message above.")


def _postgresql_backup(db: dict[str, Any], partial: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"], _pg_env(db))


def _postgresql_restore(db: dict[str, Any], path: Path) -> None:
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={db['NAME']}",
        str(path),
    ]
    _run(command, _pg_env(db))
    import psycopg  # the app's driver: ANALYZE without needing psql

    with psycopg.connect(**_libpq_params(db), autocommit=True) as connection:
        print("+ ANALYZE", flush=True)
        connection.execute("ANALYZE")


def _sqlite_check(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database holding Threadlab's tables."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
            (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}); nothing restored.") from None
    if verdict != "ok":
        raise BackupError(f"{path} is damaged (integrity check: {verdict}); nothing restored.")
    if not {"django_migrations", "annotate_claim", "threads_article"} <= tables:
        raise BackupError(f"{path} holds no Threadlab database; nothing restored.")


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup(output: Path | None) -> Path:
    db = database()
    postgresql = db["ENGINE"] == "django.db.backends.postgresql"
    if not postgresql and not Path(db["NAME"]).is_file():
        raise BackupError(f"There is no database at {db['NAME']} to back up.")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    suffix = ".dump" if postgresql else ".sqlite3"
    target = output or BACKUPS / f"threadlab-{stamp}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if postgresql:
            _postgresql_backup(db, partial)
        else:
            print(f"+ sqlite3 {db['NAME']} .backup {partial}", flush=True)
            _sqlite_copy(Path(db["NAME"]), partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}; nothing restored.")
    db = database()
    if db["ENGINE"] == "django.db.backends.postgresql":
        _postgresql_restore(db, path)
    else:
        _sqlite_check(path)
        print(f"+ sqlite3 {db['NAME']} .restore {path}", flush=True)
        _sqlite_copy(path, Path(db["NAME"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_parser = commands.add_parser("backup", help="write a backup of the database")
    backup_parser.add_argument("-o", "--output", type=Path, help="the file (default: var/backups/)")
    restore_parser = commands.add_parser("restore", help="replace the database with a backup")
    restore_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            print(f"Backed up to {backup(args.output)}")
        else:
            restore(args.file)
            print(f"Restored from {args.file}")
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
