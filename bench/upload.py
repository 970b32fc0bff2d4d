"""Memory of a web process taking a large upload through the admin's "Import file".

Starts ``runserver --noreload`` on a scratch SQLite database and jobs folder (no worker: the
import job stays queued), signs in as a scratch admin, posts a jsonl file of ``--mb`` MB over
HTTP, and prints the server process's peak resident memory (VmHWM) before and after, with
the seconds the request took. Then posts a file past ``MAX_UPLOAD_MB`` (``--cap``) and prints
the same (the upload is stopped while it streams in). Issue 12: a 300 MB upload took a worker
to 1.9 GB when the upload was read whole into memory.

Run:  .venv/bin/python bench/upload.py [--mb 300] [--cap 100] [--port 8799]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def write_jsonl(path: Path, mb: int) -> None:
    comments = [{"id": f"c{i}", "parent_id": None, "text": "A reply. " * 20} for i in range(50)]
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while out.tell() < mb * 1024 * 1024:
            out.write(json.dumps({"id": f"t{n}", "title": "T", "body": "B", "comments": comments}))
            out.write("\n")
            n += 1


def post(session: requests.Session, base: str, path: Path) -> tuple[int, str, float]:
    form = session.get(f"{base}/admin/threads/corpus/import/")
    token = form.cookies.get("csrftoken") or session.cookies["csrftoken"]
    started = time.perf_counter()
    with path.open("rb") as file:
        response = session.post(
            f"{base}/admin/threads/corpus/import/",
            data={"csrfmiddlewaretoken": token, "corpus": "bench", "orphans": "error"},
            files={"file": (path.name, file)},
            headers={"Referer": f"{base}/admin/"},
            allow_redirects=False,
        )
    return response.status_code, response.headers.get("Location", ""), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--cap", type=int, default=100, help="MAX_UPLOAD_MB for the second post")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadlab-bench-upload-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DEBUG": "1",
            "SECRET_KEY": "bench-only-not-secret",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "JOBS_ROOT": str(folder / "jobs"),
            "MAX_UPLOAD_MB": str(max(args.mb + 10, 512)),
            "ENV_FILE": str(folder / "none.env"),
        }
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "createcachetable"], env=env, check=True)
        create = (
            "from django.contrib.auth.models import User; "
            "User.objects.create_superuser('bench', 'b@example.org', 'bench-pass')"
        )
        subprocess.run([*manage, "shell", "-c", create], env=env, check=True)
        big = folder / "big.jsonl"
        write_jsonl(big, args.mb)
        print(f"file: {big.stat().st_size / 1024 / 1024:.0f} MB")
        for cap in (None, args.cap):
            run_env = env if cap is None else {**env, "MAX_UPLOAD_MB": str(cap)}
            server = subprocess.Popen(
                [*manage, "runserver", "--noreload", f"127.0.0.1:{args.port}"],
                env=run_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{args.port}"
                session = requests.Session()
                for _ in range(100):
                    try:
                        session.get(f"{base}/admin/login/", timeout=2)
                        break
                    except requests.ConnectionError:
                        time.sleep(0.2)
                token = session.cookies["csrftoken"]
                session.post(
                    f"{base}/admin/login/",
                    data={
                        "username": "bench",
                        "password": "bench-pass",
                        "csrfmiddlewaretoken": token,
                    },
                    headers={"Referer": f"{base}/admin/login/"},
                )
                before = peak_rss_mb(server.pid)
                status, location, seconds = post(session, base, big)
                after = peak_rss_mb(server.pid)
                what = "within the cap" if cap is None else f"past MAX_UPLOAD_MB={cap}"
                print(
                    f"upload {what}: HTTP {status} {location or '(the form again)'} in "
                    f"{seconds:.1f} s; server peak RSS {before:.0f} MB before, {after:.0f} MB after"
                )
            finally:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
