"""The health of a knowledge base, for the status page: what it holds and what is wrong."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from skillbook.analysis import Analysis
from skillbook.diagnostics import RULES, Severity

WORST_FILES = 10


def health(
    analysis: Analysis,
    *,
    page_link: Callable[[str], str | None],
    code_link: Callable[[str], str | None],
) -> dict[str, Any]:
    """Counts, problems by code, and the files with the most problems (most errors first).

    `page_link` gives a link to a repo path's page, or None when it has none; `code_link` a
    link to a code's section of the check reference, or None when the site has none.
    """
    kb, report = analysis.kb, analysis.report
    # (errors, warnings) by file and by code
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in report.diagnostics:
        column = 0 if d.severity is Severity.ERROR else 1
        by_path[d.path][column] += 1
        by_code[d.code][column] += 1
    worst = sorted(by_path, key=lambda p: (-by_path[p][0], -by_path[p][1], p))
    return {
        "skills": len(kb.skills),
        "patterns": len(kb.patterns),
        "sessions": len(kb.sessions),
        "files": report.files,
        "errors": report.errors,
        "warnings": report.warnings,
        "codes": [
            {
                "code": code,
                "summary": RULES[code].summary if code in RULES else "",
                "errors": errors,
                "warnings": warnings,
                "link": code_link(code),
            }
            for code, (errors, warnings) in sorted(by_code.items())
        ],
        "worst": [
            {"path": p, "errors": by_path[p][0], "warnings": by_path[p][1], "link": page_link(p)}
            for p in worst[:WORST_FILES]
        ],
    }
