"""Write a synthetic knowledge base of realistic size: skills ~4 KB, patterns ~3 KB.

Each skill links 3-6 patterns; each pattern has two elixir code blocks and links back to the
skills that use it. Deterministic for a given seed.

    python -m bench.generate OUT --skills 100 --patterns 300 [--docs] [--anchors]

With --docs the same pages are also written as plain Markdown under OUT/docs, for the
"MkDocs without the plugin" baseline.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "process",
    "supervisor",
    "node",
    "cluster",
    "message",
    "mailbox",
    "timeout",
    "retry",
    "backoff",
    "circuit",
    "breaker",
    "bulkhead",
    "pool",
    "queue",
    "latency",
    "throughput",
    "partition",
    "replica",
    "leader",
    "election",
    "registry",
    "state",
    "memory",
    "binary",
    "scheduler",
    "reduction",
    "telemetry",
    "trace",
    "profile",
    "benchmark",
    "cache",
    "invalidation",
    "request",
    "response",
    "failure",
    "recovery",
    "isolation",
    "degradation",
    "fallback",
    "window",
    "rate",
    "limit",
]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


CODE = """\
defmodule Bench.Module{n} do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts), do: {{:ok, Map.new(opts)}}

  @impl true
  def handle_call({{:get, key}}, _from, state), do: {{:reply, Map.get(state, key), state}}
end"""


ANCHORS = ("#problem", "#solution", "#testing", "#do", "#dont")


def skill_text(rng: random.Random, i: int, pattern_ids: list[str], anchors: bool = False) -> str:
    def to(p: str) -> str:
        return f"../../patterns/{p}.md" + (rng.choice(ANCHORS) if anchors else "")

    links = "\n".join(f"- [{p.replace('_', ' ').title()}]({to(p)})" for p in pattern_ids)
    if anchors:  # and links within the page, as long skills have
        links += "\n\nBack to [the approach](#approach) or [the example](#example)."
    body = [
        f"# Skill {i}",
        "## When to use",
        paragraph(rng, 3),
        "## Approach",
        paragraph(rng, 9),
        "## Decision guide",
        "| Option | When | Trade-off |\n| --- | --- | --- |\n"
        + "\n".join(
            f"| {rng.choice(WORDS)} | {sentence(rng, 6)} | {sentence(rng, 6)} |" for _ in range(4)
        ),
        "## DO",
        "\n".join(f"- {sentence(rng, 10)}" for _ in range(5)),
        "## DON'T",
        "\n".join(f"- {sentence(rng, 10)}" for _ in range(5)),
        "## Example",
        "```elixir\n" + CODE.format(n=i) + "\n```",
        "## Patterns",
        links,
    ]
    front = (
        f"---\nname: skill-{i:05d}\ndescription: {sentence(rng, 20)} Use when {sentence(rng, 8).lower()}\n"
        f'metadata:\n  tags: "{rng.choice(WORDS)}, {rng.choice(WORDS)}"\n---\n'
    )
    return front + "\n\n".join(body) + "\n"


def pattern_text(rng: random.Random, pid: str, users: list[int], anchors: bool = False) -> str:
    tail = "#when-to-use" if anchors else ""
    back = "\n".join(f"- [skill-{u:05d}](../skills/skill-{u:05d}/SKILL.md{tail})" for u in users)
    body = [
        f"# {pid.replace('_', ' ').title()}",
        "## Problem",
        paragraph(rng, 6),
        "## Solution",
        paragraph(rng, 6),
        "```elixir\n" + CODE.format(n=pid.title().replace("_", "")) + "\n```",
        "## Testing",
        '```elixir\ndefmodule BenchTest do\n  use ExUnit.Case\n  test "works", do: assert 1 + 1 == 2\nend\n```',
        "## DO",
        "\n".join(f"- {sentence(rng, 9)}" for _ in range(4)),
        "## DON'T",
        "\n".join(f"- {sentence(rng, 9)}" for _ in range(4)),
        "## Used by",
        back or "No skill yet.",
    ]
    front = f"---\ntitle: {pid.replace('_', ' ').title()}\nsummary: {sentence(rng, 12)}\ntags: [{rng.choice(WORDS)}]\n---\n"
    return front + "\n\n".join(body) + "\n"


def generate(
    out: Path,
    skills: int,
    patterns: int,
    *,
    seed: int = 7,
    docs: bool = False,
    anchors: bool = False,
) -> int:
    """Write the knowledge base under `out`; returns the number of files written. With
    `anchors`, every link between skills and patterns names a heading (`#solution`), and
    skills link their own headings too."""
    rng = random.Random(seed)
    pattern_ids = [f"pattern_{i:05d}" for i in range(patterns)]
    links = {i: rng.sample(pattern_ids, rng.randint(3, 6)) for i in range(skills)}
    users: dict[str, list[int]] = {p: [] for p in pattern_ids}
    for i, ps in links.items():
        for p in ps:
            users[p].append(i)
    written = 0
    roots = [out] + ([out / "docs"] if docs else [])
    for root in roots:
        for i in range(skills):
            path = root / "skills" / f"skill-{i:05d}" / "SKILL.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = skill_text(random.Random(seed + i), i, links[i], anchors)
            path.write_text(text, encoding="utf-8")
            written += 1
        (root / "patterns").mkdir(parents=True, exist_ok=True)
        for n, p in enumerate(pattern_ids):
            text = pattern_text(random.Random(seed * 31 + n), p, users[p][:3], anchors)
            (root / "patterns" / f"{p}.md").write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--skills", type=int, default=100)
    parser.add_argument("--patterns", type=int, default=300)
    parser.add_argument("--docs", action="store_true")
    parser.add_argument("--anchors", action="store_true", help="links name headings (#solution)")
    args = parser.parse_args()
    found = generate(args.out, args.skills, args.patterns, docs=args.docs, anchors=args.anchors)
    print(found, "files")


if __name__ == "__main__":
    main()
