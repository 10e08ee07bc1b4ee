"""`mkdocs serve` end to end: an edit outside docs/ is rebuilt and served, relations included."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import write_tree
from .test_build import GOOD, TIMEOUTS

pytestmark = pytest.mark.slow
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, needle: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and needle in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show {needle!r} within {WAIT_SECONDS}s")


def test_serve_rebuilds_on_knowledge_base_edits(tmp_path: Path) -> None:
    files = dict(GOOD)
    files["skills/timeouts/SKILL.md"] = TIMEOUTS.replace(
        "See [Backoff](../../patterns/backoff.md).", "No links yet."
    )
    root = write_tree(tmp_path, files)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        base = f"http://127.0.0.1:{port}/"
        before = wait_for(base + "patterns/backoff/", "Wait longer after each failure", deadline)
        assert "Bound every remote call" not in before

        pattern = root / "patterns/backoff.md"
        pattern.write_text(pattern.read_text().replace("## The formula", "## The formula, capped"))
        wait_for(base + "patterns/backoff/", "The formula, capped", deadline)

        skill = root / "skills/timeouts/SKILL.md"
        skill.write_text(
            skill.read_text().replace("No links yet.", "See [Backoff](../../patterns/backoff.md).")
        )
        # the nav links every skill on every page; the description is only in the backlinks
        after = wait_for(base + "patterns/backoff/", "Bound every remote call", deadline)
        assert 'href="../../skills/timeouts/"' in after.split('id="skillbook-used-by"', 1)[1]
        catalogue = wait_for(base + "skills/", "timeouts", deadline)
        assert "1 pattern" in catalogue
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
