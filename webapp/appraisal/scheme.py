"""The appraisal's arithmetic: which measures there are, what a scheme's weights mean, and how a
month's figures become a score. Pure: given the measured figures and the weights, no database.

Two kinds of measure:
- **rates** (`RATES`): a share between 0 and 1 of work done well — visits on time out of due,
  repair deadlines met out of due, factory returns back within 10 working days, the quality
  checks' average score, the follow-up calls' average rating. Each earns its weight × share. A
  rate with nothing to measure this month (no factory return, no check) is left out of both
  what was earned and what was possible, as scoring.py leaves out "not applicable" items, so
  nobody is marked down for work that did not come his way. The base score is 100 × earned /
  possible.
- **counts** (`COUNTS`): points per event — a sheet returned with issues, a rework for which the
  person was held responsible (usually negative), a suggestion filed or adopted (positive).

total = base + the counts' points + the head's adjustments (each with its reason).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError

RATES = ("visits_on_time", "repair_deadlines", "factory_returns", "quality_score", "follow_up")
COUNTS = ("returned_sheet", "rework", "suggestion", "adopted_suggestion")
MEASURES = RATES + COUNTS
DEFAULT_WEIGHTS: dict[str, float] = {
    "visits_on_time": 30, "repair_deadlines": 25, "factory_returns": 10, "quality_score": 15, "follow_up": 20,
    "returned_sheet": -2, "rework": -5, "suggestion": 1, "adopted_suggestion": 2,
}
MEASURE_LABELS = {
    "visits_on_time": _l("Patrols and maintenance on time"),
    "repair_deadlines": _l("Repair deadlines met"),
    "factory_returns": _l("Factory returns on time"),
    "quality_score": _l("Quality checks of the schools"),
    "follow_up": _l("Follow-up ratings"),
    "returned_sheet": _l("Sheets returned with issues"),
    "rework": _l("Reworks held responsible for"),
    "suggestion": _l("Suggestions made"),
    "adopted_suggestion": _l("Suggestions adopted"),
}
WEIGHT_HINTS = {
    "visits_on_time": _l("Points for all due patrols and maintenance done on time (a monthly patrol needs the customer's signature or a reason)."),
    "repair_deadlines": _l("Points for every same-day arrival, same-day fix and same-day escalation met."),
    "factory_returns": _l("Points for every factory return back within 10 working days."),
    "quality_score": _l("Points at an average quality-check score of 100."),
    "follow_up": _l("Points at an average follow-up rating of 5 (very good)."),
    "returned_sheet": _l("Points per sheet returned with issues (negative to deduct)."),
    "rework": _l("Points per rework the person was held responsible for (negative to deduct)."),
    "suggestion": _l("Points per suggestion filed."),
    "adopted_suggestion": _l("Extra points per suggestion the head adopted."),
}
MAX_WEIGHT = 100


def check_weights(raw: dict[str, Any]) -> dict[str, float]:
    """The weights of a new scheme, checked: every measure given, rates 0..100 with some above 0,
    counts -100..100. Raises DomainError (`invalid_weights`, messages per measure)."""
    errors: dict[str, list[str]] = {}
    weights: dict[str, float] = {}
    for key in MEASURES:
        value = (raw or {}).get(key)
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[key] = [_("Enter a number.")]
            continue
        low = 0 if key in RATES else -MAX_WEIGHT
        if not low <= number <= MAX_WEIGHT or number != number:
            errors[key] = [_("Between %(low)s and %(high)s.", low=low, high=MAX_WEIGHT)]
            continue
        weights[key] = round(number, 2)
    if not errors and not any(weights[k] > 0 for k in RATES):
        errors[RATES[0]] = [_("At least one rate needs points.")]
    if errors:
        raise DomainError(_("Please correct the marked weights."), code="invalid_weights", errors=errors)
    return weights


@dataclass
class Record:
    """One record behind a figure, for the link: its kind ('visit', 'sheet', 'ticket', 'suggestion'),
    its id, what to call it and how it counted."""

    kind: str
    id: str
    label: str
    outcome: str
    counted: bool = True


@dataclass
class Figure:
    """One measure of one person's month: what was counted, what it earned, and the records."""

    key: str
    done: float = 0  # rates: the good part (on time, met, score sum); counts: how many
    out_of: float = 0  # rates: what was due (or how many scores / ratings); counts: unused
    scale: float = 1  # rates: the best possible value of one item (100 for a score, 5 for a rating)
    weight: float = 0
    records: list[Record] = field(default_factory=list)

    @property
    def is_rate(self) -> bool:
        """A share of work done well (as opposed to points per event)."""
        return self.key in RATES

    @property
    def label(self) -> str:
        """The measure's name."""
        return str(MEASURE_LABELS[self.key])

    @property
    def applies(self) -> bool:
        """A rate with something to measure (counts always apply)."""
        return not self.is_rate or self.out_of > 0

    @property
    def share(self) -> float | None:
        """A rate's share of the best (0..1); None when nothing was measured."""
        if not self.is_rate or not self.out_of:
            return None
        return self.done / (self.out_of * self.scale)

    @property
    def average(self) -> float | None:
        """For scores and ratings: the average (one decimal)."""
        return round(self.done / self.out_of, 2) if self.out_of else None

    @property
    def points(self) -> float:
        """What the figure earned: weight × share for a rate, weight × count for a count."""
        if self.is_rate:
            return round(self.weight * self.share, 2) if self.share is not None else 0.0
        return round(self.weight * self.done, 2)

    @property
    def possible(self) -> float:
        """A rate's weight when it applies (0 otherwise); counts have no ceiling."""
        return self.weight if self.is_rate and self.applies else 0.0


@dataclass
class MonthScore:
    """The arithmetic of one person's month."""

    figures: list[Figure]
    adjustments: float = 0.0

    @property
    def earned(self) -> float:
        """Points the rates earned."""
        return round(sum(f.points for f in self.figures if f.is_rate), 2)

    @property
    def possible(self) -> float:
        """Points the rates that apply could have earned."""
        return round(sum(f.possible for f in self.figures), 2)

    @property
    def base(self) -> float | None:
        """100 × earned / possible (one decimal), None when no rate applied."""
        return round(100.0 * self.earned / self.possible, 1) if self.possible else None

    @property
    def count_points(self) -> float:
        """Points of the counts (returned sheets, reworks, suggestions)."""
        return round(sum(f.points for f in self.figures if not f.is_rate), 2)

    @property
    def total(self) -> float:
        """Base + counts + adjustments (one decimal)."""
        return round((self.base or 0.0) + self.count_points + self.adjustments, 1)


def score_month(figures: dict[str, Figure], weights: dict[str, float], adjustments: float = 0.0) -> MonthScore:
    """Weigh a month's figures with a scheme's weights (a weight missing from an old scheme is 0)."""
    ordered = []
    for key in MEASURES:
        figure = figures.get(key) or Figure(key)
        figure.weight = float(weights.get(key, 0))
        ordered.append(figure)
    return MonthScore(ordered, round(adjustments, 2))
