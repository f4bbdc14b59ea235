"""The JSON Feed writer's own pretty printer gives exactly what the standard one gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from feedpub.build.jsonfeed import pretty_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=VALUES)
def test_pretty_json_is_json_dumps_with_indent_2(value: object) -> None:
    assert pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
