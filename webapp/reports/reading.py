"""Reading a computed (or frozen) set of figures: a row's name, its headline number and how a
cell writes it, one figure, one school's share. The pages, the PDF and the Excel export all
read figures through these, so the three say the same thing."""
from __future__ import annotations

from .figures import ROW_LABELS


def ratio(numbers: list) -> float | None:
    """The number a row's mode means, from [v, t, q] (None when there is nothing to divide by)."""
    v, t, _q = numbers
    return v if t is None else (v / t if t else None)


def row_value(mode: str, numbers: list) -> float | None:
    """A row's headline number: the count, the rate in %, the average, per 100 units, the cost."""
    v, t, _q = numbers
    if mode in ("count", "money"):
        return round(v, 2)
    if not t:
        return None
    if mode == "rate":
        return round(100 * v / t, 1)
    if mode == "per100":
        return round(100 * v / t, 2)
    return round(v / t, 2)


def row_text(mode: str, numbers: list) -> str:
    """A row's numbers as a cell reads them: '7 / 8 (87.5%)', '4.5', '¥120.00 (3)', '2.5 (4 / 160)'."""
    v, t, q = numbers
    value = row_value(mode, numbers)
    if mode == "count":
        return f"{v:g}"
    if mode == "money":
        return f"¥{v:,.2f}" + (f" ({q:g})" if q else "")
    if value is None:
        return "—"
    if mode == "rate":
        return f"{v:g} / {t:g} ({value:g}%)"
    if mode == "per100":
        return f"{value:g} ({v:g} / {t:g})"
    return f"{value:g} ({t:g})"


def row_label(figure: str, row: dict) -> str:
    """A row's name in the reader's language (codes translated, names as computed)."""
    table = ROW_LABELS.get(figure, {})
    return str(table[row["key"]]) if row["key"] in table else row["label"]


def figure_of(figures: dict, key: str) -> dict:
    """One figure of a computed (or frozen) set by key."""
    return next(f for f in figures["figures"] if f["key"] == key)


def school_rows(figures: dict, figure: str, school_id: str) -> list[dict]:
    """A figure's rows seen from one school (its shares as the row numbers), rows it has none of left out."""
    out = []
    for row in figure_of(figures, figure)["rows"]:
        share = row["schools"].get(school_id)
        if share is None:
            continue
        out.append({**row, "cur": share["cur"], "prev": share["prev"], "ly": share["ly"], "schools": {}})
    return out
