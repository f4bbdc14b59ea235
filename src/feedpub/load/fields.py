"""Typed reading of YAML mappings, collecting every problem instead of stopping.

A ``Fields`` wraps one mapping node (a record, the config, a nested ``image:``) and
hands out checked values: ``fields.text("headline", required=True)``. Each mistake
becomes a ``Problem`` naming the file, the line, the field and what to write.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

from feedpub.errors import Problem
from feedpub.load.yamltext import (
    _TAG,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    compose,
    disallowed_tag,
    line_of,
    short_tag,
)
from feedpub.model import xml_safe

MAX_INTEGER = 2**53  # byte counts and pixel sizes; JSON readers lose precision above this
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")  # BCP 47, simplified
# What a URL may not hold unescaped: white space (\s is str.isspace) and RFC 3986's
# excluded characters.
_NOT_IN_URL = re.compile(r'[\s"<>\\^`{|}]')
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def describe(node: Node) -> str:
    """How a value looks to the person who wrote it, for 'expected X, got Y' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = {
        _TAG + "int": "the number",
        _TAG + "float": "the number",
        _TAG + "bool": "the yes/no value",
    }.get(node.tag)
    if kind:
        return f"{kind} {node.value}"
    if node.tag == _TAG + "null":
        return "nothing"
    return repr(node.value)


class Fields:
    """The keys of one YAML mapping, read with types checked and problems collected."""

    def __init__(
        self,
        node: MappingNode,
        *,
        path: str,
        first_line: int,
        problems: list[Problem],
        prefix: str = "",
    ) -> None:
        self.path = path
        self.first_line = first_line
        self.problems = problems
        self.prefix = prefix
        self.line = line_of(node, first_line)
        self._items: dict[str, tuple[Node, Node]] = {}
        self._misspelt: set[str] = set()  # known keys an unknown key was a near miss for
        for key_node, value_node in node.value:
            self._add_key(key_node, value_node)

    def _add_key(self, key_node: Node, value_node: Node) -> None:
        if not isinstance(key_node, ScalarNode) or key_node.tag not in (_TAG + "str",):
            self.problem(key_node, None, f"a key must be a plain name, got {describe(key_node)}")
            return
        key = key_node.value
        if key in self._items:
            first = line_of(self._items[key][0], self.first_line)
            self.problem(key_node, key, f"appears twice (first on line {first})", "Keep one")
            return
        self._items[key] = (key_node, value_node)

    # -- problems -------------------------------------------------------------------------

    def field_name(self, key: str | None) -> str | None:
        if key is None:
            return self.prefix or None
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, node: Node | None, key: str | None, message: str, hint: str = "") -> None:
        line = self.line if node is None else line_of(node, self.first_line)
        self.problems.append(Problem(self.path, line, self.field_name(key), message, hint))

    def tag_problem(self, node: Node, key: str | None) -> None:
        if node.tag == _TAG + "merge":
            self.problem(
                node, key, "YAML merge keys (<<) are not allowed", "Write the keys out in full"
            )
        else:
            self.problem(
                node,
                key,
                f"YAML tag {short_tag(node.tag)} is not allowed",
                "Records hold plain text, numbers and lists only",
            )

    def line_for(self, key: str) -> int:
        if key in self._items:
            return line_of(self._items[key][0], self.first_line)
        return self.line

    def reject_unknown(self, allowed: Collection[str]) -> None:
        """Report every key not in ``allowed``, with the closest known key as a hint."""
        for key, (key_node, _) in self._items.items():
            if key in allowed:
                continue
            import difflib  # for mistakes only

            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
            hint = f"Did you mean '{close[0]}'?" if close else _known_keys_hint(allowed)
            self._misspelt.update(close)
            self.problem(key_node, key, "unknown key", hint)

    # -- typed access ---------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return key in self._items

    def each_mapping(
        self, key: str, *, problem: str, hint: str, item_problem: str, required: bool = False
    ) -> Iterator[Fields]:
        """The mappings of the list under ``key``, each as Fields named ``key[i]``; a
        problem for a list that is not one (or, when ``required``, missing or empty) and
        for each item that is not a mapping."""
        node = self.node(key)
        if node is None and not required:
            return
        if not isinstance(node, SequenceNode) or (required and not node.value):
            self.problem(node, key, problem, hint)
            return
        for index, item in enumerate(node.value):
            name = f"{key}[{index}]"
            if not isinstance(item, MappingNode):
                self.problem(item, name, item_problem)
                continue
            yield Fields(
                item, path=self.path, first_line=self.first_line, problems=self.problems,
                prefix=name,
            )  # fmt: skip

    def node(self, key: str) -> Node | None:
        item = self._items.get(key)
        return item[1] if item else None

    def _present(self, key: str, required: bool, what: str) -> Node | None:
        """The value node of ``key``; reports a missing required key or an empty value."""
        item = self._items.get(key)
        if item is None:
            # A misspelt key was already reported with a "did you mean": one line is enough.
            if required and key not in self._misspelt:
                self.problem(None, key, "is required but missing", f"Add '{key}: {what}'")
            return None
        key_node, value = item
        tagged = disallowed_tag(value)
        if tagged is not None:
            self.tag_problem(tagged, key)
            return None
        if _is_empty(value):
            if required:
                self.problem(key_node, key, "is empty", f"Write {what}")
            return None
        return value

    def text(
        self, key: str, *, required: bool = False, what: str = "some text", hint: str = ""
    ) -> str | None:
        """A scalar written as text (dates too: we parse them ourselves). ``hint`` says
        how to write a value of the wrong type, where quoting it would not help."""
        value = self._present(key, required, what)
        if value is None:
            return None
        if not isinstance(value, ScalarNode) or value.tag not in (
            _TAG + "str",
            _TAG + "timestamp",
        ):
            if hint:
                self.problem(value, key, f"expected {what}, got {describe(value)}", hint)
            else:
                quote = "Put the value in quotes" if isinstance(value, ScalarNode) else ""
                self.problem(
                    value, key, f"expected text, got {describe(value)}", quote or f"Write {what}"
                )
            return None
        text = xml_safe(value.value).strip()
        if not text:
            if required:
                self.problem(value, key, "is empty", f"Write {what}")
            return None
        return text

    def integer(self, key: str, *, minimum: int = 0) -> int | None:
        value = self._present(key, False, "a whole number")
        if value is None:
            return None
        if not isinstance(value, ScalarNode) or value.tag != _TAG + "int":
            self.problem(value, key, f"expected a whole number, got {describe(value)}")
            return None
        number = _yaml_int(value.value)
        if number is None or number > MAX_INTEGER:
            self.problem(
                value,
                key,
                f"{value.value!r} is not a whole number feedpub can use",
                f"Write a plain number from {minimum} to {MAX_INTEGER}",
            )
            return None
        if number < minimum:
            self.problem(
                value,
                key,
                f"must be at least {minimum}, got {number}",
                f"Write a whole number of {minimum} or more",
            )
            return None
        return number

    def text_list(
        self, key: str, *, required: bool = False, what: str = "a list of names"
    ) -> tuple[str, ...] | None:
        """A list of texts; a single text is taken as a list of one."""
        value = self._present(key, required, what)
        if value is None:
            return None
        if isinstance(value, ScalarNode):
            single = self.text(key, required=required, what=what)
            return None if single is None else (single,)
        if not isinstance(value, SequenceNode):
            self.problem(value, key, f"expected {what}, got {describe(value)}")
            return None
        items: list[str] = []
        for index, element in enumerate(value.value):
            item = self._list_item(key, index, element)
            if item is not None and item not in items:
                items.append(item)
        if required and not items:
            self.problem(value, key, "is empty", f"Write {what}")
            return None
        return tuple(items)

    def _list_item(self, key: str, index: int, element: Node) -> str | None:
        name = f"{key}[{index}]"
        if _is_empty(element):
            self.problem(element, name, "is empty", "Remove it or write the text")
            return None
        if not isinstance(element, ScalarNode):
            self.problem(
                element,
                name,
                f"expected text, got {describe(element)}",
                "Write each item as text in one flat list",
            )
            return None
        if element.tag != _TAG + "str":
            self.problem(element, name, f"expected text, got {describe(element)}", "Quote it")
            return None
        text = xml_safe(element.value).strip()
        if not text:
            self.problem(element, name, "is empty", "Remove it or write the text")
            return None
        return text

    def mapping(self, key: str, *, required: bool = False, what: str = "") -> Fields | None:
        value = self._present(key, required, what or "a mapping")
        if value is None:
            return None
        if not isinstance(value, MappingNode):
            self.problem(value, key, f"expected {what or 'a mapping'}, got {describe(value)}")
            return None
        return Fields(
            value,
            path=self.path,
            first_line=self.first_line,
            problems=self.problems,
            prefix=self.field_name(key) or key,
        )

    def items(self) -> Iterator[tuple[str, Node]]:
        for key, (_, value) in self._items.items():
            yield key, value


def _yaml_int(text: str) -> int | None:
    """A YAML 1.1 integer as written (decimal, 0x.., 0o.., _ separators); None if it is not
    one we read (base 60 such as 1:30, an explicit !!int on text, thousands of digits)."""
    digits = text.replace("_", "")
    if len(digits) > 20:
        return None
    try:
        return int(digits, 10)
    except ValueError:
        pass
    try:
        return int(digits, 0)
    except ValueError:
        return None


def _is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null"


def _known_keys_hint(allowed: Collection[str]) -> str:
    return "Known keys: " + ", ".join(sorted(allowed))


def read_mapping_file(path: Path, display: str, problems: list[Problem]) -> Fields | None:
    """The top-level mapping of a whole YAML file (config, sections), or None with problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(
            Problem(display, None, None, "file not found", "Create it or pass its path")
        )
        return None
    except IsADirectoryError:
        problems.append(Problem(display, None, None, "is a folder, not a file",
                                "Pass the YAML file's own path"))  # fmt: skip
        return None
    except UnicodeDecodeError as error:
        line = text_line(path, error.start)
        problems.append(Problem(display, line, None, "is not UTF-8 text",
                                "Save it as UTF-8"))  # fmt: skip
        return None
    except OSError as error:
        problems.append(Problem(display, None, None, f"cannot be read ({error.strerror})"))
        return None
    node = compose(text, display, 1, problems)
    if node is None and not problems:
        problems.append(Problem(display, 1, None, "the file is empty", "Write the settings in it"))
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        problems.append(Problem(display, 1, None, "expected a mapping of keys to values"))
        return None
    return Fields(node, path=display, first_line=1, problems=problems)


def text_line(path: Path, offset: int) -> int | None:
    """The line of byte ``offset`` in the file at ``path``, if it can be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(offset).count(b"\n") + 1
    except OSError:
        return None


def language(fields: Fields, key: str) -> str | None:
    """An optional language tag such as en, fa or pt-BR."""
    value = fields.text(key)
    if value is not None and not LANGUAGE_TAG.fullmatch(value):
        fields.problem(
            fields.node(key),
            key,
            f"{value!r} is not a language tag",
            "Use a code such as en, fa or ar",
        )
        return None
    return value


def absolute_url(
    fields: Fields, key: str, *, required: bool = False, folder: bool = False
) -> str | None:
    """An absolute http(s) URL with a host; with ``folder``, no query or fragment and a
    trailing '/' added, so that paths can be appended to it."""
    value = fields.text(key, required=required, what="an absolute URL such as https://example.org/")
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    uri = value if value.isascii() or not valid else uri_from_iri(value, parts.netloc)
    if not valid or uri is None or _NOT_IN_URL.search(value):
        fields.problem(
            fields.node(key),
            key,
            f"expected an absolute http(s) URL, got {value!r}",
            "Write the full address, such as https://example.org/",
        )
        return None
    if folder and (parts.query or parts.fragment):
        fields.problem(
            fields.node(key),
            key,
            f"{value!r} has a query or fragment",
            "Give the folder's address only; feed paths are appended to it",
        )
        return None
    return uri if not folder or uri.endswith("/") else uri + "/"


def uri_from_iri(iri: str, netloc: str) -> str | None:
    """An IRI written as the URI it stands for (RFC 3987, 3.1): the host name in IDNA
    ("xn--" labels), every other non-ASCII character percent-encoded as UTF-8. RSS
    and JSON Feed readers take URIs only; Persian paths are common in this trade.
    None: the host name cannot be written in IDNA."""
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        scheme, _, rest = iri.partition("//")
        iri = f"{scheme}//{userinfo}{at}{ascii_host}{colon}{port}{rest[len(netloc) :]}"
    return _NOT_ASCII.sub(lambda run: quote(run.group(), safe=""), iri)
