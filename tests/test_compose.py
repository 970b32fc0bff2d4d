"""docker-compose.yml and deploy/Caddyfile, read as files (Docker does not run here): the
shape the README's "Deploying" section describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_web_scales_with_no_host_port_of_its_own(services):
    assert "ports" not in services["web"]
    assert services["web"]["expose"] == ["8000"]
    assert services["proxy"]["ports"] == ["${PORT:-8000}:80"]


def test_web_is_healthy_only_when_healthz_answers(services):
    assert "http://127.0.0.1:8000/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_migrations_run_once_before_web_and_workers_start(services):
    assert services["migrate"]["command"] == ["make", "release"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["web"]["command"] == ["make", "web"]


def test_workers_run_the_database_task_worker_with_the_webs_settings(services):
    assert services["worker"]["command"] == [".venv/bin/python", "manage.py", "db_worker"]
    web = services["web"]["environment"]
    assert services["worker"]["environment"].items() <= web.items()


def test_the_proxy_spreads_requests_over_every_web_container():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "dynamic a {\n\t\t\tname web\n\t\t\tport 8000" in caddyfile
    assert "header_up X-Request-ID {http.request.uuid}" in caddyfile
