"""`manage.py check --deploy` reports nothing with the production settings the README gives."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADING = "### Production settings"


def readme_settings() -> dict[str, str]:
    """The NAME=value lines of the first code block under the README's production heading."""
    text = (ROOT / "README.md").read_text()
    after = text[text.index(HEADING) :]
    block = re.search(r"```[a-z]*\n(.*?)```", after, re.S)
    assert block is not None, f"no code block under {HEADING!r} in README.md"
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", block[1], re.M)
    return {name: value.strip() for name, value in pairs}


def check_deploy(settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a server would have, not the test run's variables (pytest-env's, or the
    # browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env["ENV_FILE"] = "/nonexistent"
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env | settings,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_readme_gives_production_settings():
    settings = readme_settings()
    assert settings["DEBUG"] == "0"
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_HSTS_SECONDS"} <= set(settings)


def test_check_deploy_reports_nothing_with_the_readmes_production_settings():
    settings = readme_settings()
    # The README names how to make the key; it cannot carry one.
    settings["SECRET_KEY"] = secrets.token_urlsafe(50)
    result = check_deploy(settings)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_hsts():
    settings = readme_settings() | {"SECRET_KEY": secrets.token_urlsafe(50)}
    del settings["SECURE_HSTS_SECONDS"]
    result = check_deploy(settings)
    assert result.returncode != 0
    assert "security.W004" in result.stderr
