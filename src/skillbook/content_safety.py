"""KB701–KB704: content an agent reads but a reviewer does not see, or should not publish.

Every check scans the text the loader already holds, once, with regular expressions whose
cost is linear in the text: each pattern starts at a literal or a single character class
and never nests a repetition, so a hostile file stays as fast as an ordinary one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.html_policy import raw_html_problems
from skillbook.markdown_scan import lines_of, mask_code
from skillbook.model import Document, KnowledgeBase

# --- KB701: invisible and bidirectional controls (Trojan Source, CVE-2021-42574) ---

INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_ZWJ = "\u200d"


def _emoji(char: str) -> bool:
    """Whether `char` is an emoji, a variation selector or a skin tone (ZWJ sequences)."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or code == 0xFE0F


def _joins_emoji(line: str, offset: int) -> bool:
    """Whether the zero-width joiner at `offset` sits between two emoji (👩‍💻)."""
    return 0 < offset < len(line) - 1 and _emoji(line[offset - 1]) and _emoji(line[offset + 1])


@functools.cache
def _invisible_message(chars: str) -> str:
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in chars)
    return (
        f"invisible or bidirectional control character {names}: it changes how the line "
        f"reads, or hides text, without showing; delete it"
    )


def invisible_problems(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line, message) for each line of `text` holding an invisible or bidi control; a
    byte-order mark starting the text and a joiner between emoji are allowed."""
    if text.isascii() or INVISIBLE.search(text, 1 if text.startswith("\ufeff") else 0) is None:
        return  # (every character INVISIBLE matches is outside ASCII)
    for number, line in enumerate(text.split("\n"), first_line):
        start = 1 if number == first_line and line.startswith("\ufeff") else 0
        if INVISIBLE.search(line, start) is None:
            continue
        chars = dict.fromkeys(INVISIBLE.findall(line, start))
        if _ZWJ in chars and all(_joins_emoji(line, m.start()) for m in re.finditer(_ZWJ, line)):
            del chars[_ZWJ]
        if chars:
            yield number, _invisible_message("".join(chars))


# --- KB702: instructions hidden from the rendered page ---

_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_HIDDEN_ATTRIBUTE = re.compile(r"\shidden(?=[\s=/>])", re.IGNORECASE)
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden"
    r"|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?(?![\d.])"
    r"|opacity\s*:\s*(?:0(?:\.0+)?|\.0+)(?![\d.])",
    re.IGNORECASE,
)
_TAG_NAME = re.compile(r"<[A-Za-z][A-Za-z0-9-]*")


def _quote(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _hidden(masked: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(line, message) for each HTML comment and each element hidden by its attributes in a
    body whose fenced code and code spans are blanked out (see `markup_findings`)."""
    found: list[tuple[int, str]] = []
    start = masked.find("<!--")
    while start != -1:
        end = masked.find("-->", start + 4)
        inside = masked[start + 4 : end if end != -1 else len(masked)][:200]
        found.append(
            (
                start,
                f"HTML comment '<!-- {_quote(inside)} -->' is not shown on the page, but an agent "
                f"reading the file follows it: write the text visibly or delete it",
            )
        )
        if end == -1:
            break
        start = masked.find("<!--", end + 3)
    for match in _TAG.finditer(masked):
        tag = match.group()
        how = ""
        if _HIDDEN_ATTRIBUTE.search(tag):
            how = "the hidden attribute"
        else:
            style = _HIDING_STYLE.search(tag)
            if style is not None:
                how = f"'{_quote(style.group(), 30)}'"
        if how:
            name = _TAG_NAME.match(tag)
            found.append(
                (
                    match.start(),
                    f"element {name.group() if name else '<'}> is hidden by {how}: its text is "
                    f"not shown on the page, but an agent reading the file follows it",
                )
            )
    found.sort()
    for line, (_, message) in zip(
        lines_of(masked, [o for o, _ in found], first_line), found, strict=True
    ):
        yield line, message


# --- KB703: credentials ---

# Each group: what every key of the group starts with (a literal, or a pattern that starts
# with one), and its keys: (kind, pattern, the literals a match starts with). A text is
# searched for the group's start, and only then with the group's patterns: one search stands
# for several literals, so an ordinary file costs a few fast passes, however many key formats
# there are. (A first search for a single character each key holds saved nothing: `_`, `k`
# and `B` are in nearly every file.) A start is a regular expression where that is faster
# than `in`: the regex engine looks for a pattern's first character, so `xox` is found by its
# rare `x`, and `gh[pousr]_` and `sk-` from a later character, the part before it checked
# behind (`in` does better where the first character is rare already, or the literal long).
KeyGroup = tuple["str | re.Pattern[str]", tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]]
SECRETS: tuple[KeyGroup, ...] = tuple(
    (start, tuple((kind, re.compile(pattern), starts) for kind, pattern, starts in keys))
    for start, keys in (
        (
            re.compile("A(?:KIA|SIA|Iza)"),
            (
                ("AWS access key id", r"AKIA[0-9A-Z]{16}(?![0-9A-Za-z])", ("AKIA",)),
                ("AWS access key id", r"ASIA[0-9A-Z]{16}(?![0-9A-Za-z])", ("ASIA",)),
                ("Google API key", r"AIza[0-9A-Za-z_-]{35}", ("AIza",)),
            ),
        ),
        (
            re.compile("_(?<=gh[pousr]_)"),
            (
                (
                    "GitHub token",
                    r"gh[pousr]_[A-Za-z0-9]{36,}",
                    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
                ),
            ),
        ),
        (
            "github_pat_",
            (("GitHub fine-grained token", r"github_pat_[A-Za-z0-9_]{22,}", ("github_pat_",)),),
        ),
        (re.compile("xox"), (("Slack token", r"xox[baprs]-[A-Za-z0-9-]{10,}", ("xox",)),)),
        (
            re.compile("k-(?<=sk-)"),
            (
                ("Anthropic API key", r"sk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",)),
                (
                    "OpenAI API key",
                    r"sk-(?:proj-|svcacct-)[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{32,}",
                    ("sk-",),
                ),
            ),
        ),
        (
            "-----BEGIN ",
            (
                (
                    "private key",
                    r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----",
                    ("-----BEGIN ",),
                ),
            ),
        ),
    )
)
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def secret_problems(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line, message) for each credential in `text`, code blocks included: a key starts
    a word (`task-…` holds no `sk-` key)."""
    found: list[tuple[int, str, str]] = []
    for start, keys in SECRETS:
        if (start not in text) if isinstance(start, str) else (start.search(text) is None):
            continue
        for kind, pattern, _ in keys:
            found.extend(
                (m.start(), kind, m.group()[:4])
                for m in pattern.finditer(text)
                if m.start() == 0 or text[m.start() - 1] not in _WORD
            )
    found.sort()
    for line, (_, kind, head) in zip(
        lines_of(text, [f[0] for f in found], first_line), found, strict=True
    ):
        yield (
            line,
            f"{kind} '{head}…' in the file: anyone who can read the file can use it; "
            f"revoke it and write a placeholder such as $API_KEY",
        )


# --- KB704: encoded payloads ---

MIN_BASE64 = 200
MIN_HEX = 128
_RUN = re.compile(rf"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{{{MIN_HEX},}}=*")  # from a run's start only
_HEX = re.compile(r"[0-9A-Fa-f]+")
# The text's UTF-8 bytes mapped to `a` for a byte a run may hold and a space for any other
# (every byte of a non-ASCII character is other): a run is then MIN_HEX `a`s in a row,
# which `bytes` finds in one fast pass where the regular expression tries every word.
_RUN_BYTES = bytes(
    0x61 if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in "+/") else 0x20
    for byte in range(256)
)
_RUN_OF_MIN_HEX = b"a" * MIN_HEX


def payload_problems(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line, message) for each long base64 or hex run in `text`, code blocks included."""
    if _RUN_OF_MIN_HEX not in text.encode("utf-8", "surrogatepass").translate(_RUN_BYTES):
        return
    found: list[tuple[int, str]] = []
    for match in _RUN.finditer(text):
        run = match.group().rstrip("=")
        has_digit = any(c.isdigit() for c in run)
        if _HEX.fullmatch(run) and has_digit:
            found.append((match.start(), f"a hex run of {len(run)} characters"))
        elif (
            len(run) >= MIN_BASE64
            and has_digit
            and any(c.isupper() for c in run)
            and any(c.islower() for c in run)
        ):
            found.append((match.start(), f"a base64 run of {len(match.group())} characters"))
    for line, (_, what) in zip(
        lines_of(text, [o for o, _ in found], first_line), found, strict=True
    ):
        yield (
            line,
            f"{what}: an encoded payload a reader cannot review; link the file it encodes "
            f"or explain it",
        )


# --- the check ---

# (line, code, message) of what KB701–KB704 find in one document
Finding = tuple[int, str, str]


def findings(text: str) -> tuple[Finding, ...]:
    """What KB701, KB703 and KB704 find in a document's `text`, in that order.

    The reader runs this as it parses each file (on several cores for a large knowledge
    base, once per change under `mkdocs serve`), with `markup_findings` on its body.
    """
    found: list[Finding] = [(line, "KB701", m) for line, m in invisible_problems(text)]
    found.extend((line, "KB703", m) for line, m in secret_problems(text))
    found.extend((line, "KB704", m) for line, m in payload_problems(text))
    return tuple(found)


def markup_findings(
    body: str, body_line: int, fences: Sequence[tuple[int, int]] | None = None
) -> tuple[Finding, ...]:
    """What KB702 and KB307 find in a body, whose code is blanked out once for both (`fences`:
    its fenced ranges when known). KB702 is reported for files in a skill folder only, which
    the reader does not know: the check leaves out the others'."""
    if "<" not in body:
        return ()
    masked = mask_code(body, fences)
    found: list[Finding] = [(line, "KB702", m) for line, m in _hidden(masked, body_line)]
    problems = list(raw_html_problems(masked))
    lines = lines_of(masked, [p.offset for p in problems], body_line)
    found.extend((line, "KB307", p.message) for line, p in zip(lines, problems, strict=True))
    return tuple(found)


def content_of(doc: Document) -> tuple[Finding, ...]:
    """What the reader's checks found in a loaded document (`Document.content`), found now for
    a document the reader did not make."""
    if doc.content is not None:
        return doc.content
    return findings(doc.text) + markup_findings(doc.body, doc.body_line)


def _documents(kb: KnowledgeBase) -> Iterator[tuple[Document, bool]]:
    """Each document to check, and whether it belongs to a skill folder."""
    for skill in kb.skills:
        yield skill.doc, True
    for doc in kb.skill_docs:
        yield doc, True
    for pattern in kb.patterns:
        yield pattern.doc, False


def check_content_safety(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB701–KB704 over every skill, pattern and Markdown file in a skill folder."""
    for doc, in_skill in _documents(kb):
        if not doc.loaded:
            continue
        found = content_of(doc)
        for code in ("KB701", "KB702", "KB703", "KB704"):
            if code == "KB702" and not in_skill:
                continue
            for line, found_code, message in found:
                if found_code == code:
                    yield diagnostic(doc.path, line, code, message)
