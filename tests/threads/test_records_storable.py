"""The quick test of what a database can store agrees with the walk that names the field."""

from __future__ import annotations

import math

import pytest

from threads.formats.records import NonFinite, _problem, _storable

CASES = [
    "plain text 😀",
    {"claims": [{"start": 0, "end": 5, "note": "", "stance": None, "gold": True}]},
    {"claims": [{"attributes": {"Type": "x"}, "relations": [{"claim": 3}]}]},
    [1, 2.5, None, False, "a", [["b"]]],
    "NUL \x00 inside",
    "lone \ud800 surrogate",
    {"key \x00": "value"},
    {"a": [{"b": ["c", {"d": "\udfff"}]}]},
    {"score": math.nan},
    [{"score": math.inf}],
    {"x": [NonFinite.read("Infinity")]},
    {"deep": {"deeper": {"deepest": -math.inf}}},
]


@pytest.mark.parametrize("value", CASES)
def test_the_quick_test_agrees_with_the_walk_that_names_the_field(value):
    assert _storable(value) is (_problem(value, "field") is None)
