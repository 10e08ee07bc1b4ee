"""The line scanner against the real thing: anchors as Python-Markdown's toc makes them."""

from __future__ import annotations

import markdown
import pytest

from skillbook.headings import anchors_of, headings_in
from skillbook.markdown_scan import links_in, scan

HEADINGS = [
    "Plain title",
    "Using `:erpc.call/5`",
    "**Bold** and *emphasis* and _under_",
    "snake_case_name stays",
    "Links [inside](x.md) headings",
    "Ampersand &amp; entity",
    "Café, naïve – dashes — and “quotes”",
    "C#",
    "Trailing hashes ##",
    "Numbers 2.1 and 10%",
    "Custom id {#my-id}",
    "Attr list {: #other .cls }",
    "Notes",
    "Notes",
    "Notes",
    "  Spaces   inside  ",
    "<span>HTML</span> tag",
    "Under_score_ and __strong__",
]


def toc_ids(text: str) -> set[str]:
    md = markdown.Markdown(extensions=["toc", "attr_list"])
    md.convert(text)

    def walk(tokens: list[dict]) -> list[str]:
        out: list[str] = []
        for token in tokens:
            out.append(token["id"])
            out.extend(walk(token["children"]))
        return out

    return set(walk(md.toc_tokens))


def test_anchors_match_python_markdown_toc() -> None:
    text = "\n\n".join(f"## {h}" for h in HEADINGS) + "\n\nSetext title\n------------\n"
    assert anchors_of(headings_in(text, 1)) == toc_ids(text)


@pytest.mark.parametrize("heading", HEADINGS)
def test_each_heading_alone(heading: str) -> None:
    text = f"# {heading}\n"
    assert anchors_of(headings_in(text, 1)) == toc_ids(text)


def test_code_is_not_scanned() -> None:
    body = (
        "Intro [real](a.md).\n\n"
        "```elixir\n# not a heading\n[not a link](b.md)\n```\n\n"
        "~~~~\n```\nstill code [x](c.md)\n```\n~~~~\n\n"
        "Inline `[nope](d.md)` and ``[also](e.md) `nope` `` then [yes](f.md).\n"
        "    ```\n    indented fence [in](g.md)\n    ```\n"
    )
    result = scan(body, 10)
    assert [(target, line) for target, line, _ in result.links] == [("a.md", 10), ("f.md", 23)]
    assert headings_in(body, 10) == ()
    assert [(b.lang, b.line) for b in result.code_blocks] == [("elixir", 13), ("", 18), ("", 25)]
    assert result.code_blocks[1].text == "```\nstill code [x](c.md)\n```"


def test_links_images_references_and_titles() -> None:
    body = '[a](x.md "title") ![img](p.png) [n [nested]](<y z.md>)\n\n[ref]: r.md#top\n'
    spans = [(s.url, s.text, s.definition) for s in links_in(body)]
    assert spans == [
        ("x.md", "a", False),
        ("p.png", "img", False),
        ("<y z.md>", "n [nested]", False),
        ("r.md#top", "", True),
    ]
    assert [image for _, _, image in scan(body, 1).links] == [False, True, False, False]


def test_code_blocks_of_one_language_share_its_name() -> None:
    """A language's name is one string for every block (cached), pickled once a batch."""
    one = scan("```Elixir\n:a\n```\n", 1).code_blocks[0].lang
    two = scan("text\n\n```Elixir\n:b\n```\n", 1).code_blocks[0].lang
    assert one == two == "elixir" and one is two
