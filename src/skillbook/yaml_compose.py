"""YAML composed with libyaml, for frontmatter that is not plain and for the roadmap.

Strings stay strings (dates too), aliases and deep nesting are refused before libyaml
composes them, every key keeps its line, and each value is built the way PyYAML builds it,
faster. `frontmatter` imports this module only for frontmatter `plain_yaml` does not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from skillbook.plain_yaml import Parsed

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """Safe YAML that leaves dates as strings, as agent clients see them.

    PyYAML would turn `2026-13-40` into an exception and `2026-01-08` into a date object;
    keeping the text lets the checks say what is wrong with a date, at its line.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """PyYAML's tag resolution, with a shortcut for plain words (called per scalar)."""
        if (
            kind is yaml.ScalarNode
            and implicit[0]
            and value
            and _RESOLVED_FIRSTS is not None
            and value[0] not in _RESOLVED_FIRSTS
        ):
            return "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
# The first characters an implicit tag (bool, int, float, null…) can start with. A plain
# scalar starting with anything else is a string, as PyYAML's own `resolve` would find after
# looking the character up; most keys and values are such words. (None when a resolver
# applies to any first character: then every scalar goes the long way.)
_RESOLVED_FIRSTS: frozenset[str] | None = (
    None
    if None in _Loader.yaml_implicit_resolvers or _Loader.yaml_path_resolvers
    else frozenset(str(first) for first in _Loader.yaml_implicit_resolvers)
)


MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted in frontmatter and the roadmap.

libyaml composes nodes recursively: a few thousand levels crash the interpreter. Real
frontmatter is two levels deep, a roadmap five.
"""

# every level of nesting starts at one of `[ { - : ?`: fewer of them, no deep nesting


def hazard(yaml_text: str) -> tuple[str, int] | None:
    """What makes `yaml_text` unsafe to compose, with its 0-based line, or None.

    Aliases are refused outright: `*ref` shares a node, so a few lines can stand for billions
    of values ("billion laughs") once anything walks them, and plain frontmatter never needs
    them. Nesting deeper than MAX_DEPTH is refused before libyaml recurses into it. Both are
    looked for only when the text could hold them, which for ordinary files costs one scan.
    """
    may_alias = "&" in yaml_text and "*" in yaml_text
    count = yaml_text.count
    may_nest = count("[") + count("{") + count("-") + count(":") + count("?") > MAX_DEPTH
    if not (may_alias or may_nest):
        return None
    loader = _Loader(yaml_text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                return (
                    f"aliases (*{event.anchor}) are not allowed: write the value out",
                    _line(event),
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return f"nested more than {MAX_DEPTH} levels deep", _line(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):  # newer libyaml stops at 1,000 levels itself
            mark = exc.problem_mark
            return f"nested more than {MAX_DEPTH} levels deep", mark.line if mark else 0
        return None  # composing reports the syntax error with its line
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _line(event: yaml.Event) -> int:
    return event.start_mark.line if event.start_mark is not None else 0


# Errors PyYAML's converters raise for values such as `!!int x`, `!!timestamp ""` or an
# integer of 5,000 digits: not YAML errors, but a value that cannot be read all the same.
CONSTRUCTION_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
)
_YAML_BREAK = re.compile("[\n\x85\u2028\u2029]")


def _same(line: int) -> int:
    return line


def line_counter(yaml_text: str) -> Callable[[int], int]:
    """Maps a YAML line index (0-based) to the number of `\n` before that line.

    libyaml also breaks lines at U+0085, U+2028 and U+2029; editors, Markdown and the
    rest of skillbook count `\n` only.
    """
    if "\x85" not in yaml_text and "\u2028" not in yaml_text and "\u2029" not in yaml_text:
        return _same
    starts = [0] + [m.end() for m in _YAML_BREAK.finditer(yaml_text)]

    def count(line: int) -> int:
        offset = starts[min(line, len(starts) - 1)]
        return yaml_text.count("\n", 0, offset)

    return count


def parse_composed(yaml_text: str, first_line: int) -> Parsed:
    """`parse_yaml` by composing the text with libyaml, whatever it holds."""
    lines = line_counter(yaml_text)
    refused = hazard(yaml_text)
    if refused is not None:
        message, line = refused
        return Parsed(None, {}, (message, first_line + lines(line)))
    loader = _Loader(yaml_text)
    node: yaml.Node | None = None
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None)
        key_lines: dict[str, int] = {}
        duplicates: list[tuple[str, int, int]] = []
        _record_keys(node, first_line, None if lines is _same else lines, "", key_lines, duplicates)
        data = _construct(node, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + lines(mark.line if mark else 0)
        problem = _explain(exc.problem or exc.context or "invalid YAML")
        if exc.context and exc.problem and exc.context_mark is not None:
            problem += f" ({exc.context} on line {first_line + lines(exc.context_mark.line)})"
        return Parsed(None, {}, (problem, line))
    except yaml.reader.ReaderError as exc:  # a control character: its position, not a mark
        line = first_line + yaml_text.count("\n", 0, exc.position)
        return Parsed(None, {}, (f"character {exc.character!r} is not allowed in YAML", line))
    except yaml.YAMLError as exc:  # pragma: no cover - other unmarked errors are rare
        return Parsed(None, {}, (str(exc).splitlines()[0], first_line))
    except CONSTRUCTION_ERRORS as exc:
        line = first_line + lines(_failing_line(node))
        return Parsed(None, {}, (f"a value cannot be read: {exc}".splitlines()[0], line))
    finally:
        loader.dispose()
    return Parsed(data, key_lines, None, tuple(duplicates))


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_VALUE = "tag:yaml.org,2002:value"  # a plain `=`


def _construct(node: yaml.Node, loader: Any) -> Any:
    """The node's value: plain strings, lists and mappings built here, the rest by PyYAML.

    The same values PyYAML's `construct_document` gives (last duplicate key wins, unhashable
    keys refused), in a third of the time: most frontmatter is strings in a mapping, and
    PyYAML's general machinery costs more than the parse itself. Merge keys never reach
    here: they need aliases, which are refused.
    """
    tag = node.tag
    if tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value
    if tag == _SEQ and isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader) for item in node.value]
    if tag == _MAP and isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # PyYAML's flatten_mapping reads a `=` key as the string "="
            key = key_node.value if key_node.tag == _VALUE else _construct(key_node, loader)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
            result[key] = _construct(value_node, loader)
        return result
    return loader.construct_object(node, deep=True)


def _failing_line(node: yaml.Node | None) -> int:
    """The YAML line of the first top-level value that cannot be constructed (else 0)."""
    if not isinstance(node, yaml.MappingNode):
        return node.start_mark.line if node is not None and node.start_mark else 0
    for key_node, value_node in node.value:
        probe = _Loader("")
        try:
            probe.construct_object(value_node, deep=True)
        except (*CONSTRUCTION_ERRORS, yaml.YAMLError):
            return key_node.start_mark.line if key_node.start_mark else 0
        finally:
            probe.dispose()
    return 0


_UNKNOWN_TAG = "could not determine a constructor for the tag "


def _explain(problem: str) -> str:
    """Say plainly why a tag such as `!!python/object` is refused."""
    if problem.startswith(_UNKNOWN_TAG):
        tag = problem[len(_UNKNOWN_TAG) :].strip("'").replace("tag:yaml.org,2002:", "!!")
        return (
            f"the tag '{tag}' is not allowed: only plain YAML (strings, numbers, booleans, "
            f"lists, mappings) is read"
        )
    return problem


def _record_keys(
    node: yaml.Node,
    first_line: int,
    lines: Callable[[int], int] | None,
    prefix: str,
    key_lines: dict[str, int],
    duplicates: list[tuple[str, int, int]],
) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = prefix + str(key_node.value)
        line = first_line + (lines(key_node.start_mark.line) if lines else key_node.start_mark.line)
        if key in key_lines:
            duplicates.append((key, line, key_lines[key]))
        else:
            key_lines[key] = line
        if not prefix:  # one level deep is enough: `metadata.tags`
            _record_keys(value_node, first_line, lines, key + ".", key_lines, duplicates)
