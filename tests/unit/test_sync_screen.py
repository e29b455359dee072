"""The push screen: what one mutation may hold, and the storable copy a rejection keeps."""
import json

import pytest

from sync.screen import MAX_DEPTH, MAX_ITEMS, MAX_STRING, STORE_DEPTH, find_poison, json_text, screen_mutation, storable

GOOD = {"seq": 4, "kind": "diary_entry", "op": "create", "id": "0b4c5a52-3c1d-4f0e-9a57-2f7a8f3f6a10",
        "base_version": None, "data": {"customer_id": "c", "date": "2026-03-02", "text": "巡检 😀"}, "blobs": {}}


def deep(levels: int) -> dict:
    """A value nested `levels` objects deep (built without recursion)."""
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def test_ordinary_content_passes_untouched():
    """Chinese text, emoji (a surrogate pair in JSON), numbers and nesting of real sheets pass."""
    mutation, problem = screen_mutation(GOOD)
    assert problem is None and mutation == GOOD
    assert find_poison({"answers": {"upgrade": {"value": [{"device_id": "d", "to_version": "V2"}]}}}) is None


@pytest.mark.parametrize("value,code,reason", [
    ("a\x00b", "invalid_text", "nul"),
    ("a\ud800b", "invalid_text", "surrogate"),
    ("\udfff", "invalid_text", "surrogate"),
])
def test_nul_and_lone_surrogates_are_refused_where_they_are(value, code, reason):
    """The problem names its path, in `errors` and in `details`."""
    problem = find_poison({"data": {"text": value}})
    assert (problem.code, problem.details["reason"], problem.details["path"]) == (code, reason, "data.text")
    assert list(problem.errors) == ["data.text"]


def test_odd_characters_in_keys_are_refused_too():
    """A key is a string like any other."""
    assert find_poison({"data": {"ok\x00": 1}}).code == "invalid_text"
    assert find_poison({"data": {"\ud83d": 1}}).code == "invalid_text"


def test_limits_on_length_items_depth_and_numbers():
    """Just under each limit passes; just over it is refused with its own code."""
    assert find_poison({"t": "x" * MAX_STRING}) is None
    assert find_poison({"t": "x" * (MAX_STRING + 1)}).code == "too_long"
    assert find_poison({"l": [0] * MAX_ITEMS}) is None
    assert find_poison({"l": [0] * (MAX_ITEMS + 1)}).code == "too_many_items"
    assert find_poison(deep(MAX_DEPTH)) is None
    assert find_poison(deep(MAX_DEPTH + 1)).code == "too_deep"
    assert find_poison({"n": 10 ** 30}).code == "out_of_range"
    assert find_poison({"n": float("nan")}).code == "out_of_range"


def test_ten_thousand_levels_cost_no_recursion():
    """The walk is iterative: nesting far past the recursion limit is just refused."""
    assert find_poison(deep(10_000)).details["max_depth"] == MAX_DEPTH


def test_wrong_types_in_the_envelope_are_field_errors():
    """data as a list, op as a number: `invalid` with the fields named."""
    _mutation, problem = screen_mutation({**GOOD, "data": ["x"], "op": 7})
    assert problem.code == "invalid" and {"data", "op"} <= set(problem.errors)
    assert screen_mutation(["not", "an", "object"])[1].code == "invalid"


def test_the_storable_copy_writes_odd_characters_out_and_keeps_deep_data_as_text():
    """NUL and lone surrogates become visible escapes; emoji stay; depth is kept as JSON text."""
    kept = storable({"t": "a\x00b\ud800😀", "k\x00": 1, "deep": deep(100)})
    assert kept["t"] == "a\\u0000b\\ud800😀" and "k\\u0000" in kept
    text = json.dumps(kept)  # any encoder takes it now
    assert '"nested_json"' in text and text.encode("utf-8")
    node, levels = json.loads(text)["deep"], 1
    while "nested_json" not in node:
        node, levels = node["a"], levels + 1
    assert levels == STORE_DEPTH and json.loads(node["nested_json"]) == deep(100 - STORE_DEPTH + 1)


def test_json_text_matches_json_dumps_on_ordinary_values():
    """The iterative writer gives the same compact JSON as the standard library."""
    value = {"a": [1, 2.5, None, True, {"b": "中文"}], "c": [], "d": {}}
    assert json_text(value) == json.dumps(value, separators=(",", ":"))
