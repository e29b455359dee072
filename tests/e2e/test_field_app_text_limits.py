"""Length limits on what people type in the field app count Unicode code points, as the server
does, and never cut a string inside a surrogate pair. (Chromium's own maxlength counts UTF-16
units: 500 allows only 250 emoji, and at 499 CJK characters an emoji no longer fits.)"""
from __future__ import annotations

import pytest

from tests.e2e.test_field_app_units import run_node

EMOJI = "\U0001f600"


def test_cutting_keeps_whole_code_points():
    """firstCodePoints cuts after whole characters; codePointLength counts an emoji once."""
    out = run_node(
        "import { codePointLength, firstCodePoints } from './static/js/text-limits.js';"
        f"const e = {EMOJI!r};"
        "const cut = firstCodePoints('好'.repeat(499) + e + e, 500);"
        "console.log(JSON.stringify([codePointLength(e.repeat(3)), codePointLength(''), codePointLength(null),"
        " cut.length, codePointLength(cut), cut.slice(-2) === e, firstCodePoints('ab' + e + 'c', 3),"
        " firstCodePoints('ab' + e, 2), firstCodePoints('abc', 5)]));"
    )
    assert out == [3, 0, 0, 501, 500, True, "ab" + EMOJI, "ab", "abc"]


@pytest.fixture
def limited(live_server, page):
    """A page of the app's origin with a textarea kept to 5 code points by limitLength."""
    page.goto(f"{live_server.url}/offline")
    page.evaluate(
        """async () => {
          const { limitLength } = await import('/static/js/text-limits.js');
          const box = document.createElement('textarea');
          box.id = 'limited';
          document.body.append(box);
          limitLength(box, 5);
        }"""
    )
    page.focus("#limited")
    return page


def value_of(page) -> list:
    """The textarea's value, its code points, and whether it holds a lone surrogate."""
    return page.eval_on_selector(
        "#limited", "(e) => [e.value, [...e.value].length, /[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?:^|[^\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/.test(e.value)]"
    )


def test_typing_past_the_limit_keeps_emoji_whole(limited):
    """Typing 'abc' and three emoji into a 5-character box keeps abc and two whole emoji."""
    limited.keyboard.type("abc" + EMOJI * 3)
    assert value_of(limited) == ["abc" + EMOJI * 2, 5, False]


def test_pasting_in_the_middle_keeps_what_was_there(limited):
    """Text put in the middle of a full box keeps the earlier text and takes what fits of the new."""
    limited.keyboard.type(EMOJI + "d")
    limited.keyboard.press("ArrowLeft")
    limited.keyboard.insert_text("xy" + EMOJI * 4)
    assert value_of(limited) == [EMOJI + "xy" + EMOJI + "d", 5, False]


def test_filling_at_once_is_cut_on_a_code_point(limited):
    """A value set in one go (an input method, autofill) is cut to 5 code points, not 5 units."""
    limited.fill("#limited", EMOJI * 7)
    assert value_of(limited) == [EMOJI * 5, 5, False]
