"""Scoring quality checks: per item, per section, in total; not applicable items left out."""
from __future__ import annotations

import pytest

from tests.support.factories import make_checklist, make_customer, make_sheet, make_user
from webapp.auth.models import Role
from webapp.maintenance.forms import options_from_text, options_to_text
from webapp.maintenance.scoring import score_sheet
from webapp.maintenance.services import (
    current_templates,
    install_shipped_templates,
    load_template_data,
)

RECORDS = {"section_zh": "服务记录", "section_en": "Service records"}
SITE = {"section_zh": "现场设备", "section_en": "Equipment on site"}
ITEMS = [
    {"key": "diary", "label_zh": "日记", "label_en": "Diary", "type": "yes_no", "flag_on": "no", "points": 10,
     "na_allowed": True, **RECORDS},
    {"key": "records", "label_zh": "记录", "label_en": "Records", "type": "pass_flag_fail", "points": 20, **RECORDS},
    {"key": "devices", "label_zh": "设备", "label_en": "Devices", "type": "pass_flag_fail", "points": 40, **SITE},
    {"key": "temp", "label_zh": "温度", "label_en": "Temperature", "type": "number", "min": 10, "max": 30,
     "points": 10, **SITE},
    {"key": "view", "label_zh": "评价", "label_en": "View", "type": "single_choice", "points": 20, "options": [
        {"key": "good", "label_zh": "良好", "label_en": "Good"},
        {"key": "fair", "label_zh": "一般", "label_en": "Fair", "score": 0.6},
        {"key": "poor", "label_zh": "较差", "label_en": "Poor", "flag": True}]},
    {"key": "notes", "label_zh": "说明", "label_en": "Notes", "type": "text"},
]


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the reader's language, so they run inside a request."""
    with app.test_request_context():
        yield


def _items():
    """The items as the schema stores them."""
    return load_template_data({"name_zh": "抽查", "name_en": "Spot check", "activity": "spot_check",
                               "items": ITEMS})["items"]


def test_all_good_answers_score_full_marks():
    """Pass, the right yes/no, a normal reading and a good choice earn every point."""
    result = score_sheet(_items(), {"diary": {"value": "yes"}, "records": {"value": "pass"},
                                    "devices": {"value": "pass"}, "temp": {"value": 22}, "view": {"value": "good"}})
    assert (result.earned, result.possible, result.percent) == (100, 100, 100.0)


def test_flag_earns_half_and_fail_nothing():
    """A flagged item earns half its points, a failed one none."""
    result = score_sheet(_items(), {"diary": {"value": "yes"}, "records": {"value": "flag"},
                                    "devices": {"value": "fail"}, "temp": {"value": 22}, "view": {"value": "good"}})
    assert result.by_key()["records"].earned == 10 and result.by_key()["devices"].earned == 0
    assert result.percent == 50.0


def test_a_reading_out_of_range_earns_nothing():
    """35 °C in a 10-30 range scores 0 of 10."""
    result = score_sheet(_items(), {"temp": {"value": 35}})
    assert result.by_key()["temp"].earned == 0


def test_a_choice_earns_its_share():
    """'Fair' carries score 0.6: 12 of 20; a flag option without a score earns nothing."""
    assert score_sheet(_items(), {"view": {"value": "fair"}}).by_key()["view"].earned == 12
    assert score_sheet(_items(), {"view": {"value": "poor"}}).by_key()["view"].earned == 0


def test_not_applicable_is_left_out_of_the_total():
    """N/A on the diary: the sheet is scored out of 90, not marked down."""
    result = score_sheet(_items(), {"diary": {"na": True}, "records": {"value": "pass"}, "devices": {"value": "pass"},
                                    "temp": {"value": 20}, "view": {"value": "good"}})
    assert (result.earned, result.possible, result.percent) == (90, 90, 100.0)


def test_sections_add_up_their_items():
    """Service records 30 possible, equipment on site 50, the unsectioned choice 20."""
    result = score_sheet(_items(), {"records": {"value": "pass"}})
    sums = {s.title("en"): (s.earned, s.possible) for s in result.sections}
    assert sums == {"Service records": (20, 30), "Equipment on site": (0, 50), "": (0, 20)}


def test_an_unscored_checklist_has_no_score():
    """A monthly patrol carries no points: no score at all."""
    install_shipped_templates()
    (patrol,) = current_templates("monthly_patrol")
    assert score_sheet(patrol.items, {}) is None


def test_shipped_quality_checks_are_out_of_100():
    """The shipped spot check and year-end inspection each carry 100 points in sections."""
    install_shipped_templates()
    for activity in ("spot_check", "year_end_inspection"):
        (template,) = current_templates(activity)
        assert sum(i.get("points", 0) for i in template.items) == 100
        assert all(i.get("section_zh") for i in template.items if i.get("points"))


def test_a_handed_in_spot_check_stores_its_score():
    """Submitting a scored sheet stores points earned, possible and the percentage on it."""
    quality = make_user(Role.QUALITY)
    school = make_customer()
    template = make_checklist(ITEMS, key="spot", activity="spot_check")
    sheet = make_sheet(quality, template, school, {
        "diary": {"value": "yes"}, "records": {"value": "flag", "note": "缺两次记录"}, "devices": {"value": "pass"},
        "temp": {"value": 20}, "view": {"value": "fair"}})
    assert (sheet.score_points, sheet.score_max, sheet.score) == (82, 100, 82.0)


def test_option_scores_survive_the_editor():
    """'| score=0.6' in the options text round-trips through the editor."""
    text = "good | 良好 | Good\nfair | 一般 | Fair | score=0.6\npoor | 较差 | Poor | flag"
    options = options_from_text(text)
    assert options[1]["score"] == 0.6 and options[2]["flag"] and "score" not in options[0]
    assert options_from_text(options_to_text(options)) == options
