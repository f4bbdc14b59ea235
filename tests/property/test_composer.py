"""The loader composes front matter with its own resolver (yamltext._Composer); every
node tree must be the safe loader's: the same kinds, tags, values and lines."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feedpub.load import yamltext

# What the loader would be without its own resolver: libyaml's, where PyYAML has it
# (the case that matters), else the pure-Python loader yamltext then falls back to.
SAFE = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

ROOT = Path(__file__).resolve().parents[2]


def shape(node: yaml.Node | None, seen: set[int] | None = None) -> object:
    """What the loader reads of a node: its kind, tag, value and where it starts. A
    node met again (an alias: the hostile corpus has loops and bombs) is written as
    where it starts."""
    if node is None:
        return None
    seen = set() if seen is None else seen
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, where)
    if id(node) in seen:
        return ("again", where)
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, [shape(item, seen) for item in node.value], where)
    pairs = [(shape(key, seen), shape(value, seen)) for key, value in node.value]
    return ("map", node.tag, pairs, where)


def reference(text: str) -> object:
    try:
        return shape(yaml.compose(text, Loader=SAFE))
    except yaml.YAMLError as error:
        return type(error).__name__, str(error)


def ours(text: str) -> object:
    try:
        return shape(yamltext._compose(text))
    except yaml.YAMLError as error:
        return type(error).__name__, str(error)


def test_the_safe_loader_has_no_resolvers_the_composer_leaves_out() -> None:
    assert None not in SAFE.yaml_implicit_resolvers  # wildcards
    assert not SAFE.yaml_path_resolvers
    assert SAFE.yaml_implicit_resolvers is yamltext._IMPLICIT


def test_every_shipped_record_composes_as_with_csafeloader() -> None:
    records = sorted((ROOT / "articles").rglob("*.md")) + sorted(
        (ROOT / "tests" / "corpus").rglob("*.md")
    )
    assert len(records) > 20
    for record in records:
        text = record.read_bytes().decode("utf-8", errors="replace")
        front = text.split("\n---", 1)[0].removeprefix("---")
        assert ours(front) == reference(front), record


# Values that each of the safe loader's implicit tags claims, and near misses.
SCALARS = st.sampled_from(
    ["yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null", "NULL", "", "0", "-1",
     "+12", "0x1f", "0o17", "017", "1_000", "1:30", "3.14", "-.inf", ".NaN", "1e3", "6.8e+05",
     "2026-05-01", "2026-05-01T10:00:00+03:30", "2026-5-1 10:00", "<<", "=", "!", "&", "*",
     "Tehran", "'quoted'", '"double"', "!!str 12", "!!python/object x", "a: b", "[a, b]",
     "{city: Tehran}", "- x", "| x", "TEHRAN (FNA) –", "قطعنامه", "tags"]
)  # fmt: skip
KEYS = st.sampled_from(["id", "headline", "sections", "yes", "1", "~", "? x", "<<"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key, value = draw(KEYS), draw(SCALARS)
        form = draw(st.sampled_from(["plain", "list", "flow", "block", "nested"]))
        if form == "plain":
            lines.append(f"{key}: {value}")
        elif form == "list":
            lines.append(f"{key}: [{value}, {draw(SCALARS)}]")
        elif form == "flow":
            lines.append(f"{key}: {{a: {value}, b: {draw(SCALARS)}}}")
        elif form == "block":
            lines += [f"{key}:", f"  - {value}", f"  - {draw(SCALARS)}"]
        else:
            lines += [f"{key}:", f"  a: {value}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(documents(), st.text(max_size=40)))
@example(text="headline: yes\npublished: 2026-05-01T10:00:00+03:30\nwidth: 0123\n")
@example(text="")
@example(text="a: &x 1\nb: *x\n")
def test_any_text_composes_as_with_csafeloader(text: str) -> None:
    assert ours(text) == reference(text)
