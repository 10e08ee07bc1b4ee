"""KB603: a skill too large for the upload its download zip is made for, in a real build."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from skillbook import upload_size
from skillbook.cli import main
from skillbook.export import build_bundle, bundle_sizes
from skillbook.loader import load
from skillbook.upload_size import UPLOAD_LIMIT

from .conftest import mkdocs_build, write_tree
from .test_build import GOOD

pytestmark = pytest.mark.slow

BIG = """\
---
name: big
description: Answers from a large table. Use when a lookup needs the table.
---
# Big

Look the answer up in [the table](assets/table.csv); retry with [Backoff](../../patterns/backoff.md).
"""
# 100 bytes under the limit: SKILL.md and the pattern the bundle copies in take it over
TABLE = b"key,value\n" * (UPLOAD_LIMIT // 10 - 10)
TOTAL = len(TABLE) + len(BIG.encode()) + len(str(GOOD["patterns/backoff.md"]).encode())


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {**GOOD, "skills/big/SKILL.md": BIG, "skills/big/assets/table.csv": TABLE}
    return write_tree(tmp_path_factory.mktemp("big"), files)


def test_the_sizes_are_those_of_the_bundle(big_kb: Path) -> None:
    """What the check adds up is what the download holds: the skill's files and the patterns
    its bundle copies in (only the rewritten links differ, by a few bytes)."""
    kb = load(big_kb)
    big = next(s for s in kb.skills if s.name == "big")
    sizes = bundle_sizes(kb, [big])[big.path]
    bundle = build_bundle(kb, big, site_url="https://kb.example.org/")
    assert (
        sizes.keys()
        == bundle.files.keys()
        == {
            "SKILL.md",
            "assets/table.csv",
            "references/backoff.md",
        }
    )
    assert sizes["assets/table.csv"] == len(TABLE) < UPLOAD_LIMIT <= sum(sizes.values()) == TOTAL
    assert abs(sum(sizes.values()) - sum(map(len, bundle.files.values()))) < 100


def test_check_warns_and_passes_without_strict(
    big_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(big_kb), "--no-elixir"]) == 0
    out = capsys.readouterr().out
    found = [line for line in out.splitlines() if " KB603 " in line]
    assert found == [
        f"skills/big/SKILL.md:2: KB603 skill 'big' is {TOTAL:,} bytes "
        f"uncompressed in 3 files, the patterns it links included (the largest is "
        f"assets/table.csv, {len(TABLE):,} bytes); a skill upload must be under 30 MB "
        f"(30,000,000 bytes): keep large data out of the skill folder, or split the skill, so "
        f"that its download can be uploaded"
    ]
    assert main(["check", str(big_kb), "--no-elixir", "--strict"]) == 1
    capsys.readouterr()


def test_a_build_warns_publishes_the_download_and_shows_the_notice(big_kb: Path) -> None:
    done = mkdocs_build(big_kb, "-v")
    assert done.returncode == 0, done.stderr
    assert "skills/big/SKILL.md:2: KB603 skill 'big' is " in done.stderr
    assert "WARNING" in done.stderr
    site = big_kb / "site"
    # a warning, not a refusal: the download is published, a folder holding the skill
    with zipfile.ZipFile(io.BytesIO((site / "skills/big/big.zip").read_bytes())) as archive:
        info = archive.getinfo("big/assets/table.csv")
        assert info.file_size == len(TABLE)
        assert sum(i.file_size for i in archive.infolist()) >= UPLOAD_LIMIT
    assert (site / ".well-known/agent-skills/big.zip").is_file()
    page = (site / "skills/big/index.html").read_text(encoding="utf-8")
    assert "KB603" in page
    assert "KB603" not in (site / "skills/retry/index.html").read_text(encoding="utf-8")
    strict = mkdocs_build(big_kb, "--strict")
    assert strict.returncode == 1
    assert "skillbook: 0 errors, 1 warning in 6 files (KB603 ×1)" in strict.stderr


def test_files_the_reader_read_are_counted_as_read(tmp_path: Path) -> None:
    """A document's size is the bytes the reader read (BOM and CRLF included), and the bound
    on the patterns folder takes it from the document instead of asking the disk again."""
    text = "\ufeff---\r\ntitle: Backoff\r\n---\r\n# Backoff\r\n\r\nRetry later.\r\n"
    root = write_tree(
        tmp_path, {**GOOD, "patterns/backoff.md": text.encode(), "patterns/chart.png": b"x" * 500}
    )
    kb = load(root)
    pattern = next(p for p in kb.patterns if p.path == "patterns/backoff.md")
    assert pattern.doc.size == len(text.encode()) == (root / pattern.path).stat().st_size
    folder = str(root / "patterns")
    on_disk = upload_size._tree_size(folder, {})
    assert on_disk == sum(f.stat().st_size for f in (root / "patterns").rglob("*") if f.is_file())
    assert upload_size._tree_size(folder, {str(root / pattern.path): pattern.doc.size}) == on_disk
    # what the reader says is taken as it is: the file is not looked at again
    assert upload_size._tree_size(folder, {str(root / pattern.path): 10**9}) == (
        on_disk - pattern.doc.size + 10**9
    )
