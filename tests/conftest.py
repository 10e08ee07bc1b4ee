"""Shared fixtures: knowledge bases written into tmp_path, and the tools tests need."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from skillbook import parallel

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def need_program(name: str, why: str) -> str:
    """The path of `name`, or skip (outside CI) / fail (under CI=true) with the reason."""
    found = shutil.which(name)
    if found:
        return found
    message = f"`{name}` is not on PATH: {why}"
    if IN_CI:
        pytest.fail(message + " (CI must install it: see .ci/run)")
    pytest.skip(message)
    raise AssertionError("unreachable")


def need_module(name: str, why: str) -> None:
    """Skip (outside CI) / fail (under CI=true) with the reason when `name` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(name) is not None:
        return
    message = f"the Python package `{name}` is not installed: {why}"
    if IN_CI:
        pytest.fail(message + " (the test extras install it: see pyproject.toml)")
    pytest.skip(message)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `files` (repo-relative path -> text or bytes) under root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write a knowledge base into a fresh folder and return its root."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "kb", files)

    return make


def mkdocs_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real `mkdocs build` in `root` (Material's 2.0 notice silenced)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        check=False,
        timeout=600,
    )


def engine_build(engine: str, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real `build` of `root` with a site engine: `mkdocs`, `properdocs` or `zensical`
    (its module run with this interpreter, so the test environment's packages are used)."""
    if engine == "mkdocs":
        return mkdocs_build(root, *args)
    need_module(engine, f"the tests build sites with {engine}")
    return subprocess.run(
        [sys.executable, "-m", engine, "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(
            os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1"
        ),
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's site, built once with `--strict` for every test that reads it."""
    site = tmp_path_factory.mktemp("repo-site")
    done = mkdocs_build(REPO, "--strict", "-d", str(site))
    assert done.returncode == 0, done.stderr
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_directory(site: Path) -> Iterator[str]:
    """Serve `site` on a free loopback port for the duration; yields its base URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site))
    )
    server.timeout = 10
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    chromium = need_program("chromium", "the browser tests drive Debian's chromium headless")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


def search_site(tab: Page, query: str, result: str = ".md-search-result__item") -> Locator:
    """Type `query` into Material's search box; the first result matching `result`, shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab.locator("label.md-search__icon, .md-search__input").first.click()
    search = tab.locator("input.md-search__input")
    found = tab.locator(result).first
    for _ in range(3):  # a query typed while the worker is busy can be dropped: type it again
        search.fill("")
        search.type(query, delay=20)
        try:
            found.wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:  # retried; the final wait_for below reports it
            continue
    found.wait_for(timeout=5_000)
    return found


@pytest.fixture
def fork_despite_earlier_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking is allowed whatever threads earlier tests left running.

    Those threads (a browser driver, a static server) do not touch what a child does; the
    refusal to fork with a thread running is still checked with a thread this test starts.
    """
    before = threading.active_count()
    monkeypatch.setattr(
        parallel,
        "can_fork",
        lambda: sys.platform.startswith("linux") and threading.active_count() <= before,
    )
