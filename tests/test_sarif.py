"""`skillbook check --format sarif`: a SARIF 2.1.0 log, valid against the official schema."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from skillbook import __version__
from skillbook.check_reference import parse_check_reference
from skillbook.cli import main
from skillbook.diagnostics import RULES, Report, diagnostic
from skillbook.sarif import DOCS_URL, as_sarif, help_uri

from .conftest import REPO, write_tree
from .test_cli import BROKEN

SCHEMA = Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def validate(log: Any) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)


def sarif_of(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> Any:
    root = write_tree(tmp_path, files)
    code = main(["check", str(root), "--format", "sarif", "--no-elixir"])
    out, _ = capsys.readouterr()
    assert code == 1
    return json.loads(out)


def test_the_vendored_schema_is_the_official_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_check_output_is_valid_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = sarif_of(tmp_path, capsys, BROKEN)
    validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("skillbook", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    assert run["results"][1] == {
        "ruleId": "KB204",
        "ruleIndex": list(RULES).index("KB204"),
        "level": "error",
        "message": {"text": "name 'retries' must equal the folder name 'retry'"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "skills/retry/SKILL.md", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2},
                }
            }
        ],
    }
    assert [r["level"] for r in run["results"]] == ["warning", "error", "error"]


def test_a_diagnostic_without_a_line_has_no_region() -> None:
    report = Report.of([diagnostic("patterns/x.md", None, "KB403", "no task lists it")], 1)
    log = as_sarif(report)
    validate(log)
    (result,) = log["runs"][0]["results"]  # type: ignore[index]
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "patterns/x.md", "uriBaseId": "%SRCROOT%"}
            }
        }
    ]


def test_a_clean_knowledge_base_is_a_log_without_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_cli import CLEAN

    root = write_tree(tmp_path, CLEAN)
    assert main(["check", str(root), "--format", "sarif", "--no-elixir"]) == 0
    log = json.loads(capsys.readouterr().out)
    validate(log)
    assert log["runs"][0]["results"] == []


def test_every_rule_explains_itself_and_links_its_section() -> None:
    """helpUri is the code's section of the check reference, anchored as its heading makes it."""
    page = REPO / "docs" / "reference" / "checks.md"
    reference = parse_check_reference(page.read_text(encoding="utf-8"), "", "")
    rules = {r["id"]: r for r in as_sarif(Report.of([], 0))["runs"][0]["tool"]["driver"]["rules"]}  # type: ignore[index]
    for code, rule in RULES.items():
        sarif_rule = rules[code]
        assert sarif_rule["helpUri"] == f"{DOCS_URL}reference/checks/#{reference.anchors[code]}"
        assert sarif_rule["helpUri"] == help_uri(rule)
        assert sarif_rule["shortDescription"]["text"] == rule.title
        assert rule.summary[1:] in sarif_rule["fullDescription"]["text"]
        assert sarif_rule["helpUri"] in sarif_rule["help"]["text"]
        assert sarif_rule["defaultConfiguration"]["level"] == rule.severity.value


def test_rule_titles_are_the_reference_headings() -> None:
    text = (REPO / "docs" / "reference" / "checks.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"\n## {code} {rule.title}\n" in text


def test_the_docs_url_is_the_published_site() -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["site_url"] == DOCS_URL
