"""Production safety of config/settings.py, checked in a fresh interpreter per case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    ours = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_COOKIES"}
    # A developer's checkout has a .env from `make run`: these cases must not read it.
    clean = {k: v for k, v in os.environ.items() if k not in ours} | {"ENV_FILE": "/nonexistent"}
    code = (
        "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, "
        "s.SESSION_COOKIE_SECURE, s.STORAGES['staticfiles']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_wildcard_host_when_debug_is_off():
    result = load_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS may not contain '*'" in result.stderr


def test_it_allows_no_host_by_default_when_debug_is_off():
    result = load_settings(SECRET_KEY="x" * 50)
    assert result.stdout.startswith("False [] True whitenoise.storage.CompressedManifest")


def test_it_names_the_variable_with_a_bad_boolean():
    result = load_settings(DEBUG="maybe")
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_it_serves_localhost_with_a_development_key_in_debug():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['localhost', '127.0.0.1', '[::1]'] False")


def test_it_reads_a_dotenv_file_when_present(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\n")
    result = load_settings(ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['localhost'")


def test_it_lets_the_environment_win_over_the_dotenv_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\n")
    result = load_settings(ENV_FILE=str(env_file), DEBUG="0", SECRET_KEY="x" * 50)
    assert result.stdout.startswith("False []")


def _database_options(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    clean["ENV_FILE"] = "/nonexistent"
    code = "import config.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DEBUG": "1"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_it_prepares_statements_on_postgresql_unless_told_not_to():
    url = "postgres://u@db.example:5432/threadlab"
    on = _database_options(DATABASE_URL=url)
    assert "'server_side_binding': True" in on and "'prepare_threshold': 5" in on
    off = _database_options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    sqlite = _database_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert "server_side_binding" not in sqlite and "prepare_threshold" not in sqlite


def _cache_backend(**env: str) -> str:
    code = "import config.settings as s; print(s.CACHES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DEBUG": "1", "ENV_FILE": "/nonexistent"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_it_shares_one_cache_between_processes_in_the_database_by_default():
    # A per-process cache would keep a signed-out session alive in the other workers.
    assert _cache_backend() == "django.core.cache.backends.db.DatabaseCache"


def test_it_uses_redis_for_the_cache_when_redis_url_is_set():
    backend = _cache_backend(REDIS_URL="redis://127.0.0.1:6379/0")
    assert backend == "django.core.cache.backends.redis.RedisCache"


def _setting(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    ours = {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECURE_COOKIES",
        "API_THROTTLE_ADDRESS",
        "LOG_FORMAT",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ours} | {"ENV_FILE": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(s.{name})"],
        cwd=ROOT,
        env=clean | {"SECRET_KEY": "x" * 50} | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_redirects_http_to_https_when_debug_is_off():
    assert _setting("SECURE_SSL_REDIRECT").stdout.strip() == "True"


def test_it_serves_plain_http_when_told_the_cookies_are_not_secure():
    # `make serve` in the smoke test, and Docker on localhost: SECURE_COOKIES=0.
    assert _setting("SECURE_SSL_REDIRECT", SECURE_COOKIES="0").stdout.strip() == "False"
    assert _setting("SESSION_COOKIE_SECURE", SECURE_COOKIES="0").stdout.strip() == "False"


def test_it_reads_the_api_address_rate():
    result = _setting("API_THROTTLE_ADDRESS", API_THROTTLE_ADDRESS="20/minute")
    assert result.stdout.strip() == "(20, 60)"


def test_it_names_the_variable_with_a_bad_rate():
    result = _setting("API_THROTTLE_ADDRESS", API_THROTTLE_ADDRESS="lots")
    assert result.returncode != 0
    assert "API_THROTTLE_ADDRESS='lots' is not a rate" in result.stderr


def test_it_logs_json_lines_when_debug_is_off_and_readable_lines_in_debug():
    assert _setting("LOG_FORMAT", DEBUG="0").stdout.strip() == "json"
    assert _setting("LOG_FORMAT", DEBUG="1").stdout.strip() == "console"
    assert _setting("LOG_FORMAT", DEBUG="1", LOG_FORMAT="json").stdout.strip() == "json"


def test_it_names_the_log_formats_it_knows():
    result = _setting("LOG_FORMAT", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT='xml': use json or console." in result.stderr
