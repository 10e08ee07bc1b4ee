"""A burn-up chart of tasks done over session dates, as inline SVG (no script, no CDN)."""

from __future__ import annotations

from html import escape

from skillbook.status import PhaseStatus

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 36
FONT_SIZE = 12
# an ISO date at FONT_SIZE is about 68 units wide (digits are ~0.56 em); labels keep a gap
LABEL_WIDTH, LABEL_GAP = 70, 10


def date_labels(xs: list[tuple[float, str]]) -> list[tuple[float, str, str]]:
    """(x, anchor, text) of the date labels that fit under the axis without overlapping.

    The first and the last date are always shown; between them, dates are kept from left
    to right while they leave room. A label that would cross the chart's edge is anchored
    at its point instead of centred on it.
    """
    placed: list[tuple[float, str, str, float, float]] = []  # x, anchor, text, left, right
    for x, text in xs:
        if x - LABEL_WIDTH / 2 < 0:
            anchor, left, right = "start", x, x + LABEL_WIDTH
        elif x + LABEL_WIDTH / 2 > WIDTH:
            anchor, left, right = "end", x - LABEL_WIDTH, x
        else:
            anchor, left, right = "middle", x - LABEL_WIDTH / 2, x + LABEL_WIDTH / 2
        placed.append((x, anchor, text, left, right))
    if not placed:
        return []
    last = placed[-1]
    kept = [placed[0]]
    for label in placed[1:-1]:
        if label[3] >= kept[-1][4] + LABEL_GAP and label[4] + LABEL_GAP <= last[3]:
            kept.append(label)
    if len(placed) > 1 and last[3] >= kept[-1][4] + LABEL_GAP:
        kept.append(last)
    elif len(placed) > 1 and len(kept) > 1:
        kept[-1] = last  # the latest date matters more than the one before it
    return [(x, anchor, text) for x, anchor, text, _, _ in kept]


def burnup_svg(phase: PhaseStatus) -> str:
    """SVG of cumulative tasks claimed done per session date, against the phase's total.

    The chart uses `currentColor` and CSS classes so it follows the light or dark scheme, and
    carries a title, a description and a data table as its text alternative.
    """
    total = max(len(phase.tasks), 1)
    points = phase.history
    label = f"phase-{phase.phase.id}-chart"
    summary = (
        f"Tasks claimed done in phase {phase.phase.id} over {len(points)} session"
        f"{'' if len(points) == 1 else 's'}: "
        + (", ".join(f"{p.date.isoformat()}: {p.cumulative}" for p in points) or "no sessions yet")
        + f". {phase.tasks_done} of {len(phase.tasks)} tasks are done according to the files."
    )
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / total

    if points:
        first, last = points[0].date.toordinal(), points[-1].date.toordinal()
        span = max(last - first, 1)

        def x(ordinal: int) -> float:
            if last == first:
                return LEFT + plot_w / 2
            return LEFT + plot_w * (ordinal - first) / span

        coords = [(x(p.date.toordinal()), y(p.cumulative)) for p in points]
        # a burn-up starts at zero: the first session's work rises from the baseline
        start = (coords[0][0], y(0))
    else:
        coords = []
    parts = [
        f'<svg class="skillbook-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{label}-title {label}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{label}-title">Burn-up: phase {phase.phase.id}</title>',
        f'<desc id="{label}-desc">{escape(summary)}</desc>',
        # axes and the target line
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        f'stroke="currentColor" stroke-opacity="0.5"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="currentColor" '
        f'stroke-opacity="0.5"/>',
        f'<line x1="{LEFT}" y1="{y(total):.1f}" x2="{LEFT + plot_w}" y2="{y(total):.1f}" '
        f'stroke="currentColor" stroke-opacity="0.4" stroke-dasharray="4 4"/>',
        f'<text x="{LEFT - 6}" y="{y(total) + 4:.1f}" text-anchor="end" font-size="{FONT_SIZE}" '
        f'fill="currentColor">{total}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h + 4}" text-anchor="end" font-size="{FONT_SIZE}" '
        f'fill="currentColor">0</text>',
    ]
    if coords:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{cx:.1f},{cy:.1f}"
            for i, (cx, cy) in enumerate([start, *coords])
        )
        parts.append(
            f'<path class="skillbook-chart__line" d="{path}" fill="none" stroke-width="2.5"/>'
        )
        for (cx, cy), point in zip(coords, points, strict=True):
            parts.append(
                f'<circle class="skillbook-chart__dot" cx="{cx:.1f}" cy="{cy:.1f}" r="4">'
                f"<title>{point.date.isoformat()}: {point.cumulative} of {len(phase.tasks)} tasks"
                f"</title></circle>"
            )
        dates = {p.date.isoformat(): cx for (cx, _), p in zip(coords, points, strict=True)}
        for lx, anchor, day in date_labels([(cx, day) for day, cx in dates.items()]):
            parts.append(
                f'<text x="{lx:.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" '
                f'font-size="{FONT_SIZE}" fill="currentColor">{day}</text>'
            )
    else:
        parts.append(
            f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" '
            f'font-size="{FONT_SIZE}" fill="currentColor">No session logs for this phase yet</text>'
        )
    parts.append("</svg>")
    rows = "".join(
        f"<tr><td>{p.date.isoformat()}</td><td>{escape(', '.join(p.completed)) or '–'}</td>"
        f"<td>{p.cumulative}</td></tr>"
        for p in points
    )
    table = (
        "<details><summary>Chart data</summary><table><thead><tr><th>Date</th>"
        "<th>Completed that day</th><th>Tasks claimed done</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )
    return '<div class="skillbook-burnup">\n' + "\n".join(parts) + "\n" + table + "\n</div>"
