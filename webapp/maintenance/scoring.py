"""Scoring a quality check (spot check, year-end inspection) per item, per section and in total.

Pure: given a template version's items and a sheet's answers, no database. An item takes part
when its template gives it `points` (its weight). What share of the points an answer earns:

- pass / flag / fail: pass 1, flag ½, fail 0;
- yes / no: 0 when the answer is the one the item flags (a finding), else 1;
- number: 0 outside the normal range, else 1;
- single choice: the option's `score` (0-1); without one, 0 for an option that flags, else 1.

"Not applicable" leaves the item out of both what was earned and what was possible, so a site
without, say, a broadcast system is not marked down for it; an item left unanswered earns
nothing. Items are grouped into sections by their `section_zh` / `section_en` label, in the
order the sections first appear.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS_FLAG_FAIL = {"pass": 1.0, "flag": 0.5, "fail": 0.0}


@dataclass
class ItemScore:
    """One scored item: what it earned out of its points (None when not applicable)."""

    key: str
    earned: float | None
    possible: float


@dataclass
class SectionScore:
    """The items of one section and their sums."""

    title_zh: str
    title_en: str
    items: list[ItemScore] = field(default_factory=list)

    @property
    def earned(self) -> float:
        """Points earned in the section."""
        return sum(i.earned for i in self.items if i.earned is not None)

    @property
    def possible(self) -> float:
        """Points possible in the section (not applicable items left out)."""
        return sum(i.possible for i in self.items if i.earned is not None)

    def title(self, locale: str) -> str:
        """The section's name in the reader's language."""
        return (self.title_en if locale == "en" else self.title_zh) or self.title_zh or self.title_en


@dataclass
class SheetScore:
    """A whole sheet's score: sections, total points and the percentage."""

    sections: list[SectionScore]

    @property
    def earned(self) -> float:
        """Points earned on the sheet."""
        return sum(s.earned for s in self.sections)

    @property
    def possible(self) -> float:
        """Points possible on the sheet."""
        return sum(s.possible for s in self.sections)

    @property
    def percent(self) -> float | None:
        """The total as a percentage (one decimal), or None when nothing could be scored."""
        if not self.possible:
            return None
        return round(100.0 * self.earned / self.possible, 1)

    def by_key(self) -> dict[str, ItemScore]:
        """Every scored item by its key."""
        return {i.key: i for s in self.sections for i in s.items}


def _number(value: Any) -> float | None:
    """A stored reading as a float."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def item_share(item: dict, answer: dict | None) -> float | None:
    """The share (0-1) of an item's points an answer earns; None when not applicable."""
    answer = answer or {}
    if answer.get("na"):
        return None
    value = answer.get("value")
    kind = item.get("type")
    if value is None:
        return 0.0
    if kind == "pass_flag_fail":
        return PASS_FLAG_FAIL.get(value, 0.0)
    if kind == "yes_no":
        return 0.0 if item.get("flag_on") and value == item["flag_on"] else 1.0
    if kind == "number":
        number = _number(value)
        if number is None:
            return 0.0
        low, high = item.get("min"), item.get("max")
        return 0.0 if (low is not None and number < low) or (high is not None and number > high) else 1.0
    if kind == "single_choice":
        option = next((o for o in item.get("options", []) if o.get("key") == value), None)
        if option is None:
            return 0.0
        if option.get("score") is not None:
            return float(option["score"])
        return 0.0 if option.get("flag") else 1.0
    return None


def is_scored(items: list[dict]) -> bool:
    """True when any item of a checklist carries points."""
    return any(item.get("points") for item in items or [])


def score_sheet(items: list[dict], answers: dict | None) -> SheetScore | None:
    """Score a sheet's answers against its template version; None for an unscored checklist."""
    if not is_scored(items):
        return None
    answers = answers or {}
    sections: list[SectionScore] = []
    index: dict[tuple[str, str], SectionScore] = {}
    for item in items:
        points = item.get("points")
        if not points:
            continue
        name = (item.get("section_zh", ""), item.get("section_en", ""))
        section = index.get(name)
        if section is None:
            section = index[name] = SectionScore(title_zh=name[0], title_en=name[1])
            sections.append(section)
        share = item_share(item, answers.get(item["key"]))
        earned = None if share is None else round(float(points) * share, 2)
        section.items.append(ItemScore(key=item["key"], earned=earned, possible=float(points)))
    return SheetScore(sections=sections)
