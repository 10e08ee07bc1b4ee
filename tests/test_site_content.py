"""What the published pages say: the status chart, derived summaries, installable skills,
the health dashboard and a README beside a SKILL.md, on real builds and as units."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from skillbook.html_policy import raw_html_problems, sanitize
from skillbook.model import Phase, Task
from skillbook.render.chart import WIDTH, burnup_svg, date_labels
from skillbook.status import HistoryPoint, PhaseStatus, TaskStatus

from .conftest import mkdocs_build, write_tree

MKDOCS_YML = """\
site_name: Content KB
site_url: https://kb.example.org/
theme:
  name: material
  font: false
plugins:
  - search
  - skillbook:
      elixir_check: false
"""


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# the status chart -----------------------------------------------------------------------

HOSTILE_SVG = (
    '<svg viewBox="0 0 10 10" onload="alert(1)"><text x="1" onclick="alert(2)">t</text>'
    '<foreignObject><iframe src="javascript:alert(3)"></iframe></foreignObject>'
    '<use href="https://evil.example/x.svg#a"/><a href="javascript:alert(4)"><circle r="1"/></a>'
    '<animate attributeName="href" to="javascript:alert(5)"/><script>alert(6)</script></svg>'
)


def test_a_hostile_svg_comes_out_clean() -> None:
    clean = sanitize(HOSTILE_SVG)
    assert 'viewBox="0 0 10 10"' in clean
    for gone in ("alert", "onload", "onclick", "foreignObject", "<use", "<animate", "<script"):
        assert gone not in clean, gone


def phase_with(sessions: int) -> PhaseStatus:
    tasks = tuple(
        TaskStatus(Task(f"1.{i}", f"Task {i}", "high", (f"patterns/p{i}.md",), 1), "planned", ())
        for i in range(40)
    )
    start = dt.date(2026, 1, 1)
    history = tuple(
        HistoryPoint(start + dt.timedelta(days=i), f"s{i}.md", (f"1.{i}",), i + 1)
        for i in range(sessions)
    )
    return PhaseStatus(Phase(1, "One", tuple(t.task for t in tasks), 1), tasks, 0.0, history)


@pytest.mark.parametrize("sessions", [0, 1, 40])
def test_the_chart_keeps_what_it_needs_through_the_sanitiser(sessions: int) -> None:
    chart = burnup_svg(phase_with(sessions))
    clean = sanitize(chart)
    for kept in ('viewBox="0 0 ', 'preserveAspectRatio="', 'role="img"', 'text-anchor="end"'):
        assert kept in clean, kept
    assert clean.count("<text") == chart.count("<text")
    # the check agrees with the sanitiser: nothing the chart writes would be reported
    assert list(raw_html_problems(chart)) == []


def test_date_labels_are_thinned_out_and_keep_both_ends() -> None:
    xs = [(40 + 10.6 * i, f"day {i + 1:02}") for i in range(40)]
    labels = date_labels(xs)
    assert labels[0][2] == "day 01" and labels[-1][2] == "day 40"
    assert 3 <= len(labels) <= 7
    assert labels[0][1] == "middle" and labels[-1][1] == "end"
    assert date_labels([(WIDTH / 2, "2026-01-01")]) == [(WIDTH / 2, "middle", "2026-01-01")]
