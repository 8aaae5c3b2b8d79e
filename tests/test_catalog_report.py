"""The completeness report's JSON is laid out exactly as the json module lays it out."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codefolio.catalog.report import indented_json

_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_VALUES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@given(_VALUES)
def test_the_report_json_is_what_json_dumps_writes_with_indent_1(value: object) -> None:
    assert "".join(indented_json(value)) == json.dumps(value, indent=1, ensure_ascii=False)


def test_a_key_that_is_not_text_is_refused() -> None:
    with pytest.raises(TypeError, match="must be text"):
        indented_json({1: "one"})
