"""Golden scenarios: the files in, the diagnostics out (tests/scenarios/*.yml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from skillbook.check_config import settings_from_options
from skillbook.diagnostics import RULES
from skillbook.pipeline import Previous, analyse

from .conftest import need_program, write_tree

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yml"))
CHECKS_DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "checks.md"


def _expand(template: str) -> str:
    """`{d1025}` is 1025 times 'd'; `{lines501}` is 501 lines."""

    def repl(match: re.Match[str]) -> str:
        word, count = match.group(1), int(match.group(2))
        return "line\n" * count if word == "lines" else word * count

    return re.sub(r"\{([a-z]+)(\d+)\}", repl, template)


def load_scenario(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    files: dict[str, str | bytes] = dict(data.get("files") or {})
    for rel, template in (data.get("generate") or {}).items():
        files[rel] = _expand(template)
    for rel in data.get("latin1") or []:
        files[rel] = str(files[rel]).encode("latin-1")
    data["all_files"] = files
    return data


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)
    if scenario.get("elixir"):
        need_program("elixir", "KB502 and KB503 parse and compile elixir code blocks")
    root = write_tree(tmp_path, scenario["all_files"])
    previous = scenario.get("previous")
    result = analyse(
        root,
        check_elixir=bool(scenario.get("elixir")),
        compile_elixir=bool(scenario.get("compile")),
        checks=settings_from_options(scenario.get("checks"), where="checks"),
        profile=scenario.get("profile", "agentskills"),
        previous=Previous(previous) if previous is not None else None,
    )
    got = [str(d) for d in result.report.diagnostics]
    expected = scenario["expect"]
    # an expectation ending in "..." matches by prefix (messages quoted from other programs)
    got = [
        g[: len(e) - 3] + "..." if e.endswith("...") else g
        for g, e in zip(got, expected, strict=False)
    ] + got[len(expected) :]
    assert got == expected
    if "errors" in scenario:  # where severities are configured, how many are errors
        assert result.report.errors == scenario["errors"]


def test_every_code_has_a_scenario() -> None:
    produced = set()
    for path in SCENARIOS:
        for line in load_scenario(path)["expect"]:
            produced.add(re.search(r": (KB\d{3}) ", line).group(1))  # type: ignore[union-attr]
    assert set(RULES) - produced == set()


def test_every_code_is_documented() -> None:
    text = CHECKS_DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (KB\d{3})\b", text, re.MULTILINE))
    assert documented == set(RULES)
    for code in RULES:
        section = text.split(f"## {code}", 1)[1].split("\n## ", 1)[0]
        for part in ("What it means", "Why", "Example", "Fix"):
            assert f"**{part}**" in section, f"{code} lacks '{part}'"
