"""`skillbook check --format sarif`: a report as a SARIF 2.1.0 log, for code scanning tools.

One run, one rule per registered code (whether it was found or not, so a viewer can explain
any code), one result per diagnostic. Paths stay relative to the checked folder under the
uri base `%SRCROOT%`: run the check from the repository root and they are repository paths,
as GitHub code scanning wants them.
"""

from __future__ import annotations

import json

from markdown.extensions.toc import slugify

from skillbook import __version__
from skillbook.diagnostics import RULES, Diagnostic, Report, Rule, Severity

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/skillbook/skillbook"
DOCS_URL = "https://skillbook.example.org/"  # the published documentation (mkdocs.yml site_url)
CHECKS_URL = f"{DOCS_URL}reference/checks/"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def anchor(rule: Rule) -> str:
    """The anchor of the rule's section in the check reference, as its heading makes it."""
    return str(slugify(f"{rule.code} {rule.title}", "-"))


def help_uri(rule: Rule) -> str:
    """The address of the rule's section in the published check reference."""
    return f"{CHECKS_URL}#{anchor(rule)}"


def _rule(rule: Rule) -> dict[str, object]:
    url = help_uri(rule)
    return {
        "id": rule.code,
        "name": "".join(word.capitalize() for word in anchor(rule).split("-")[1:]),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.summary[:1].upper()}{rule.summary[1:]}."},
        "help": {
            "text": f"{rule.code}: {rule.summary}. What it means, why it matters, an example "
            f"and the fix: {url}",
            "markdown": f"**{rule.code}**: {rule.summary}. See [{rule.code} {rule.title}]({url}) "
            f"for what it means, why it matters, an example and the fix.",
        },
        "helpUri": url,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["skillbook", f"KB{rule.code[2]}xx"]},
    }


def _result(d: Diagnostic, index: dict[str, int]) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": d.path, "uriBaseId": SRCROOT}}
    if d.line is not None:
        physical["region"] = {"startLine": d.line}
    result: dict[str, object] = {"ruleId": d.code}
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    result.update(
        level=_LEVEL.get(d.severity, "note"),
        message={"text": d.message},
        locations=[{"physicalLocation": physical}],
    )
    return result


def as_sarif(report: Report) -> dict[str, object]:
    """The SARIF 2.1.0 log of a report: one run, every rule, one result per diagnostic."""
    rules = list(RULES.values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "skillbook",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [_result(d, index) for d in report.diagnostics],
                "columnKind": "unicodeCodePoints",
                "properties": {"files": report.files},
            }
        ],
    }


def format_sarif(report: Report) -> str:
    """`as_sarif` serialised, with a trailing newline."""
    return json.dumps(as_sarif(report), indent=2, ensure_ascii=False) + "\n"
