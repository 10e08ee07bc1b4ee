"""KB9xx: will the right skill fire? An agent picks a skill by its description alone.

KB901 two descriptions that say nearly the same thing, KB902 a description that never says
when to use the skill, KB903 descriptions that together pass Claude Code's listing budget.
They read the skills as loaded: no file is read again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import NamedTuple

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.model import KnowledgeBase, Skill

OVERLAP = 0.3
"""KB901 fires at this Jaccard similarity of two descriptions' distinctive terms, or above."""
MIN_SHARED = 5
"""… and only when the two share at least this many terms."""
MAX_PARTNERS = 3
"""A skill's KB901 names at most this many other skills, the most similar first."""
COMMON_SHARE = 0.1
"""A term in more than this share of the descriptions (and in more than MIN_COMMON of them,
and always in more than MAX_COMMON) says what the knowledge base is about, not what sets one
skill apart, so it is left out of the comparison."""
MIN_COMMON = 5
MAX_COMMON = 50

_STOP = """a about above after again against all also an and any are as at be because been before
    being below between both but by can could did do does doing down during each e.g etc few
    for from further had has have having here how i i.e if in into is it its itself just me
    more most my no nor not now of off on once only or other our out over own same she should
    so some such than that the their them then there these they this those through to too
    under until up use used uses using very via was we were what when whenever where which
    while who whom why will with would you your yours skill skills user users ask asks asked
    want wants need needs help helps"""
STOP_WORDS = frozenset(_STOP.split())
"""English function words and the words every description uses ("use", "skill", "user")."""

_WORD = re.compile(r"\w+(?:[.+#'-]\w+)*[+#]*")
# the same words in lower-case ASCII text, found in two thirds of the time: no Unicode class
# to look up, and nothing to give back (a property test holds the two equal)
_ASCII_WORD = re.compile(r"[0-9a-z_]++(?:[.+#'-][0-9a-z_]++)*+[+#]*+")

# "Use when …", "use it for …", "whenever", "if …", "before …", "triggers on …"
_WHEN = re.compile(
    r"\b(?:when|whenever|if|before|after|during|while|trigger(?:s|ed)?|invoke[sd]?"
    r"|use(?: it| this(?: skill)?| them)? (?:for|to|on|in|with))\b",
    re.IGNORECASE,
)

_WHEN_LOWER = re.compile(_WHEN.pattern)  # the same words, for ASCII text in lower case


_ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")  # `\w`, lower case


def says_when(text: str) -> bool:
    """Whether `text` says when to use a skill (`_WHEN`, in any case). ASCII text is
    lowered and searched case-sensitively, twice as fast and the same: only characters
    outside ASCII (`K` the Kelvin sign, `ſ`) fold into the letters the words are made of.
    Most descriptions say "Use when": `when` as a whole word is looked for first, by a
    literal search (the pattern's many branches are tried at every character)."""
    if not text.isascii():
        return _WHEN.search(text) is not None
    lowered = text.lower()
    at = lowered.find("when")
    while at >= 0:
        end = at + 4
        if (at == 0 or lowered[at - 1] not in _ASCII_WORD_CHARS) and (
            end == len(lowered) or lowered[end] not in _ASCII_WORD_CHARS
        ):
            return True
        at = lowered.find("when", end)
    return _WHEN_LOWER.search(lowered) is not None


LISTING_BUDGET = 8000
"""Claude Code's skill listing budget in characters: 1 % of the context window (200,000
tokens unless the model says otherwise) at 4 characters a token (Claude Code 2.1.332)."""
MAX_ENTRY = 1536
"""Claude Code cuts each listed description (with its `when_to_use`) to this many characters."""


def _fold(word: str) -> str:
    """A word as a term: its plural folded, or "" when it is too short or a stop word."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word if len(word) >= 3 and word not in STOP_WORDS else ""


_FOLDED: dict[str, str] = {}  # word -> _fold(word): descriptions repeat their words


def terms(text: str) -> frozenset[str]:
    """The content words of `text`: lower case, 3 characters or more, no stop word, a plural
    `-s` or `-ies` folded into its singular (`patterns` -> `pattern`, `policies` -> `policy`)."""
    if len(_FOLDED) > 200_000:  # a bound for a long-lived process (mkdocs serve)
        _FOLDED.clear()
    found = set()
    lowered = text.lower()
    for word in (_ASCII_WORD if lowered.isascii() else _WORD).findall(lowered):
        term = _FOLDED.get(word)
        if term is None:
            term = _FOLDED[word] = _fold(word)
        if term:
            found.add(term)
    return frozenset(found)


def listing_text(skill: Skill) -> str:
    """What Claude Code lists of a skill: its description, then ` - ` and its `when_to_use`."""
    when = (skill.doc.frontmatter or {}).get("when_to_use")
    return f"{skill.description} - {when}" if isinstance(when, str) and when else skill.description


class Overlap(NamedTuple):
    """Two skills whose descriptions overlap: `a` is reported naming `b`."""

    a: Skill
    b: Skill
    score: float  # Jaccard similarity of their distinctive terms
    shared: tuple[str, ...]  # sorted


def _listed(kb: KnowledgeBase) -> list[Skill]:
    return [s for s in kb.skills if s.doc.frontmatter is not None and s.description.strip()]


def overlaps(kb: KnowledgeBase) -> list[Overlap]:
    """Every reported overlap, both ways: for each skill, the MAX_PARTNERS most similar.

    Terms common to the knowledge base are left out (COMMON_SHARE), which also bounds the
    work: each term is compared across at most MAX_COMMON skills. Identical descriptions
    always overlap, whatever their terms.
    """
    skills = _listed(kb)
    texts = [listing_text(s) for s in skills]
    sets = [terms(text) for text in texts]
    frequency: dict[str, int] = {}
    for found in sets:
        for term in found:
            frequency[term] = frequency.get(term, 0) + 1
    limit = min(MAX_COMMON, max(MIN_COMMON, math.floor(COMMON_SHARE * len(skills))))
    common = {term for term, count in frequency.items() if count > limit}
    distinct = [found - common for found in sets]
    pairs: dict[tuple[int, int], float] = {}
    postings: dict[str, list[int]] = {}
    for i, found in enumerate(distinct):
        counts: dict[int, int] = {}
        for term in found:
            for j in postings.setdefault(term, []):
                counts[j] = counts.get(j, 0) + 1
            postings[term].append(i)
        for j, count in counts.items():
            if count >= MIN_SHARED:
                score = count / len(found | distinct[j])
                if score >= OVERLAP:
                    pairs[(j, i)] = score
    same: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        same.setdefault(" ".join(text.lower().split()), []).append(i)
    for group in same.values():
        for i in group:
            for j in islice((j for j in group if j != i), MAX_PARTNERS):
                pairs[(min(i, j), max(i, j))] = 1.0
    partners: dict[int, list[tuple[float, int]]] = {}
    for (i, j), score in pairs.items():
        partners.setdefault(i, []).append((score, j))
        partners.setdefault(j, []).append((score, i))
    found_overlaps = []
    for i, others in sorted(partners.items()):
        others.sort(key=lambda o: (-o[0], skills[o[1]].name))
        for score, j in others[:MAX_PARTNERS]:
            shared = tuple(sorted(distinct[i] & distinct[j])) or tuple(sorted(sets[i]))
            found_overlaps.append(Overlap(skills[i], skills[j], score, shared))
    return found_overlaps


def overlap_diagnostic(overlap: Overlap) -> Diagnostic:
    """KB901 at the description of `overlap.a`."""
    shared = ", ".join(overlap.shared[:8]) + (", …" if len(overlap.shared) > 8 else "")
    return diagnostic(
        overlap.a.path,
        overlap.a.doc.line_of("description"),
        "KB901",
        f"description overlaps skill '{overlap.b.name}' ({overlap.score:.0%} of their "
        f"distinctive terms shared: {shared}): an agent may pick either; say what sets "
        f"this one apart",
    )


def check_when(skill: Skill, profile: str) -> Iterator[Diagnostic]:
    """KB902: a description that never says when to use the skill."""
    if says_when(skill.description):
        return
    when = (skill.doc.frontmatter or {}).get("when_to_use")
    if profile == "claude-code" and isinstance(when, str) and when.strip():
        return
    yield diagnostic(
        skill.path,
        skill.doc.line_of("description"),
        "KB902",
        "description never says when to use the skill (no 'when', 'if' or 'use for'): "
        "add a 'Use when …' clause naming the tasks it is for",
    )


def listing_length(skills: Iterable[Skill]) -> tuple[int, int]:
    """How many characters Claude Code's skill listing takes for `skills`, and how many
    skills it lists: `- name: description` lines joined by newlines, each description cut to
    MAX_ENTRY; a skill with `disable-model-invocation: true` is not listed."""
    total = count = 0
    for skill in skills:
        if (skill.doc.frontmatter or {}).get("disable-model-invocation") is True:
            continue
        entry = min(len(listing_text(skill)), MAX_ENTRY)
        total += len(f"- {skill.name}: ") + entry
        count += 1
    return total + max(0, count - 1), count


def check_budget(skills: Sequence[Skill]) -> Iterator[Diagnostic]:
    """KB903: the skills' listing is over Claude Code's budget; reported at the longest."""
    total, count = listing_length(skills)
    if total <= LISTING_BUDGET:
        return
    longest = max(skills, key=lambda s: (len(listing_text(s)), s.path))
    yield diagnostic(
        longest.path,
        longest.doc.line_of("description"),
        "KB903",
        f"the {count} skills' descriptions take {total:,} characters in Claude Code's skill "
        f"listing, over its budget of {LISTING_BUDGET:,} (1% of a 200,000-token context): "
        f"some will be listed by name only; this description is the longest "
        f"({len(listing_text(longest)):,} characters)",
    )


def check_selection(
    kb: KnowledgeBase, profile: str = "agentskills", found: Sequence[Overlap] | None = None
) -> Iterator[Diagnostic]:
    """KB901–KB903 for every skill with readable frontmatter and a description
    (`found`: the overlaps when they are already known)."""
    skills = _listed(kb)
    for overlap in overlaps(kb) if found is None else found:
        yield overlap_diagnostic(overlap)
    for skill in skills:
        yield from check_when(skill, profile)
    yield from check_budget(skills)


def shown_overlaps(
    found: Sequence[Overlap], reported: Iterable[Diagnostic]
) -> Mapping[str, tuple[str, ...]]:
    """Skill path -> the names of the skills it overlaps, for the overlaps still reported
    (the `checks` option and a baseline may leave some out)."""
    kept = {(d.path, d.line, d.message) for d in reported if d.code == "KB901"}
    shown: dict[str, tuple[str, ...]] = {}
    for overlap in found:
        d = overlap_diagnostic(overlap)
        if (d.path, d.line, d.message) in kept:
            shown[d.path] = (*shown.get(d.path, ()), overlap.b.name)
    return shown
