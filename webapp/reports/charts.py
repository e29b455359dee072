"""Which figures are drawn, and the numbers of each chart: one spec read by the web page (ECharts),
the PDF (reportlab graphics) and the Excel export (openpyxl charts), so all three draw the same."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .figures import FIGURE_LABELS
from .reading import figure_of, row_label, row_value

# figure key -> (how many rows at most, which unit the bars read in)
CHARTED = {
    "repairs_by_fault": (8, "count"),
    "repairs_by_device_type": (10, "count"),
    "failure_rate": (10, "per100"),
    "deadlines": (4, "rate"),
    "visits": (4, "rate"),
    "findings": (10, "count"),
    "parts": (10, "money"),
}


@dataclass
class Chart:
    """A bar chart: categories, and this month, last month and the same month last year."""

    key: str
    title: str
    unit: str
    labels: list[str]
    series: list[tuple[str, list[float]]]

    def as_json(self) -> dict:
        """For the page's ECharts script."""
        return {"key": self.key, "title": self.title, "unit": self.unit, "labels": self.labels,
                "series": [{"name": name, "data": data} for name, data in self.series]}


def charts_of(figures: dict, rows_of=None) -> list[Chart]:
    """The charts of a figure set (`rows_of(figure_key)` may give one school's rows instead)."""
    out = []
    names = (_("This month"), _("Last month"), _("Same month last year"))
    for key, (limit, unit) in CHARTED.items():
        rows = rows_of(key) if rows_of else figure_of(figures, key)["rows"]
        rows = [r for r in rows if r["mode"] == unit and r["key"] != "total"][:limit]
        if not rows:
            continue
        series = [(name, [row_value(r["mode"], r[period]) or 0 for r in rows])
                  for name, period in zip(names, ("cur", "prev", "ly"))]
        out.append(Chart(key, str(FIGURE_LABELS[key]), unit, [row_label(key, r) for r in rows], series))
    return out
