"""YAML text -> node tree, with line numbers and without PyYAML's guesses.

We compose nodes and read scalars ourselves instead of letting PyYAML construct
objects: its safe loader turns ``2026-05-01T10:00:00`` into a naive datetime
(dropping the offset we must keep), ``no`` into False and ``0123`` into 83, and it
forgets where each value came from. Nodes keep the original text and the line.
"""

from __future__ import annotations

import yaml

from feedpub.errors import Problem

try:  # the C composer is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    CParser = None  # type: ignore[assignment,misc]

Node = yaml.Node
ScalarNode = yaml.ScalarNode
SequenceNode = yaml.SequenceNode
MappingNode = yaml.MappingNode

_TAG = "tag:yaml.org,2002:"
# The safe loader's table: first character of a plain scalar -> (tag, pattern) to try.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
# The tags PyYAML's safe resolver assigns to plain YAML; anything else came from an
# explicit tag in the file (e.g. !!python/object), which a record never needs.
PLAIN_TAGS = frozenset(
    _TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "value")
)


def compose(text: str, path: str, first_line: int, problems: list[Problem]) -> Node | None:
    """Parse ``text`` into a node tree; on a syntax error add a problem and return None.

    ``first_line`` is the file line on which ``text`` starts (front matter starts on 2).
    """
    try:
        # Scanning events is cheap next to composing, and needed only when '&' or '*' occur.
        if ("&" in text or "*" in text) and _refuse_anchors(text, path, first_line, problems):
            return None
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(error, path, first_line))
        return None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        problems.append(Problem(path, first_line, None, f"YAML syntax error: {error}"))
        return None
    return node


if CParser is not None:

    class _Composer(CParser):
        """libyaml's composer with the safe loader's tags, resolved in fewer steps.

        CSafeLoader's Resolver is Python code that libyaml calls back three times for
        every node, a fifth of a cold build's YAML time. Records use neither of the
        features it checks there (path resolvers, wildcard resolvers), and the safe
        loader registers none, so the answer is the table lookup below, every time.
        tests/property/test_composer.py holds its trees to CSafeLoader's."""

        def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                if implicit[0] and value is not None:
                    for tag, pattern in _IMPLICIT.get(value[:1], ()):
                        if pattern.match(value):
                            return str(tag)
                return _TAG + "str"
            return _TAG + ("seq" if kind is SequenceNode else "map")

        def descend_resolver(self, parent: Node | None, index: object) -> None:
            pass  # no path resolvers to follow

        def ascend_resolver(self) -> None:
            pass

    def _compose(text: str) -> Node | None:
        composer = _Composer(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()

else:  # pragma: no cover - depends on how PyYAML was built

    def _compose(text: str) -> Node | None:
        return yaml.compose(text, Loader=_Loader)


def _refuse_anchors(text: str, path: str, first_line: int, problems: list[Problem]) -> bool:
    """Report anchors and aliases: a record never needs them, and nested aliases can
    expand to gigabytes ("billion laughs") or loop. True when one was found."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            problems.append(
                Problem(
                    path,
                    first_line + (event.start_mark.line if event.start_mark else 0),
                    None,
                    "YAML anchors and aliases (&name, *name) are not allowed",
                    "Write the value out in full",
                )
            )
            return True
    return False


# PyYAML's context for things opened and never closed.
OPENED_CONTEXTS = ("while parsing a flow", "while scanning a quoted", "while scanning a simple")


def _syntax_problem(error: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem:
    # For something opened and never closed ([, {, a quote, a key without ':'), the
    # context mark is where it was opened: the line the writer has to look at.
    opened = (error.context or "").startswith(OPENED_CONTEXTS)
    mark = (error.context_mark if opened else None) or error.problem_mark or error.context_mark
    line = first_line + mark.line if mark is not None else first_line
    problem = (error.problem or error.context or "invalid YAML").strip()
    if "\t" in problem or "tab" in problem:
        return Problem(path, line, None, "YAML syntax error: a tab character", "Indent with spaces")
    return Problem(
        path, line, None, f"YAML syntax error: {problem}", "Check the indentation and quoting"
    )


def line_of(node: Node, first_line: int) -> int:
    """The file line on which ``node`` starts."""
    return first_line + node.start_mark.line


def disallowed_tag(node: Node) -> Node | None:
    """The first node (depth first) carrying a tag a record never needs, if any."""
    if node.tag not in PLAIN_TAGS:
        return node
    if isinstance(node, SequenceNode):
        children: list[Node] = list(node.value)
    elif isinstance(node, MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        return None
    for child in children:
        found = disallowed_tag(child)
        if found is not None:
            return found
    return None


def short_tag(tag: str) -> str:
    """A tag as it was written: tag:yaml.org,2002:python/object -> !!python/object."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
