"""The server's processes as /proc shows them: gunicorn's resident memory and CPU time.

Shared by the benchmarks that drive a running server (annotate_save.py, load.py).
"""

from __future__ import annotations

import os
from pathlib import Path


def gunicorn_rss() -> list[tuple[int, str, float]]:
    """(pid, role, RSS in MB) of every gunicorn process serving config.wsgi on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            # The gunicorn processes themselves, not a shell (make) whose command names them.
            if not any(a.endswith(b"/gunicorn") or a == b"gunicorn" for a in argv[:2]):
                continue
            if b"config.wsgi:application" not in argv:
                continue
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss_kb = int(fields.get("VmRSS", "0 kB").split()[0])
        ppid = int(fields.get("PPid", "0"))
        found.append((int(entry.name), ppid, rss_kb / 1024))
    pids = {pid for pid, _, _ in found}
    return [(pid, "worker" if ppid in pids else "master", rss) for pid, ppid, rss in found]


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes ``pids`` have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total
