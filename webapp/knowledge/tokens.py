"""How knowledge-base text becomes search terms: the one rule table both sides read.

The rules live in `static/js/kb-rules.json`; `static/js/kb-search.js` applies the same ones on
the device, so an article the server finds for a query is the one the offline index finds
(tests/unit/test_kb_relevance.py runs both on one table of queries).

- Text is folded (NFKC: full-width letters and digits become plain ones; lower case).
- A run of Chinese characters gives its overlapping character pairs (bigrams: 开机后黑屏 ->
  开机, 机后, 后黑, 黑屏) and, with a smaller weight, its single characters. No dictionary is
  needed, so 黑屏 finds 开机后黑屏有声音 and a new product name is found the day it is written.
- A run of letters and digits joined by `- _ . /` is a model number or a word: its parts, the
  parts squashed together (DS-2CD2T47G2 -> ds2cd2t47g2) and, with a smaller weight, their
  prefixes are indexed; a query squashes the same way, so `ds2cd`, `DS-2CD` and `ds-2cd2t47`
  all find the DS-2CD2T47G2.
- `key()` is the loose form of a brand or model used to match an article to a device.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Iterable

TABLE = Path(__file__).resolve().parents[2] / "static" / "js" / "kb-rules.json"
RULES: dict = json.loads(TABLE.read_text(encoding="utf-8"))

_CJK = RULES["cjk"]
_JOIN = "".join("\\" + ch if ch in "-\\]^" else ch for ch in RULES["joiners"])
SEGMENT = re.compile(f"([{_CJK}]+)|([a-z0-9]+(?:[{_JOIN}][a-z0-9]+)*)")
JOINER = re.compile(f"[{_JOIN}]")
UNIGRAM = float(RULES["unigram_weight"])
PREFIX = float(RULES["prefix_weight"])
MIN_PREFIX = int(RULES["min_prefix"])
MAX_PREFIX = int(RULES["max_prefix"])
FIELD_WEIGHTS: dict[str, float] = {k: float(v) for k, v in RULES["fields"].items()}
TERM_LENGTH = 64


def fold(text: str) -> str:
    """NFKC and lower case: how every text is read before it is cut."""
    return unicodedata.normalize("NFKC", text or "").lower()


def key(text: str) -> str:
    """The loose form of a brand or model (DS-2CD 2T47 -> ds2cd2t47), to match articles to devices.

    Only the characters in `key_strip` go, so the SQL in `knowledge.scope` can do the same with
    `replace()` on any database."""
    out = fold(text).strip()
    for ch in RULES["key_strip"]:
        out = out.replace(ch, "")
    return out


def _add(out: dict[str, float], term: str, weight: float) -> None:
    term = term[:TERM_LENGTH]
    out[term] = out.get(term, 0.0) + weight


def terms(text: str, *, query: bool = False, full: set[str] | None = None) -> dict[str, float]:
    """The terms of a text with their weights, in the order first met (see the module docstring).

    `full`, when given, collects the whole words and character pairs (a lone Chinese character
    only when it stands alone): a result must match one of the query's."""
    out: dict[str, float] = {}
    full = set() if full is None else full
    for match in SEGMENT.finditer(fold(text)):
        han, word = match.group(1), match.group(2)
        if han:
            if len(han) == 1:
                _add(out, han, 1.0)
                full.add(han)
                continue
            full.update(han[i:i + 2] for i in range(len(han) - 1))
            for i in range(len(han) - 1):
                _add(out, han[i:i + 2], 1.0)
            for ch in han:
                _add(out, ch, UNIGRAM)
            continue
        parts = [p for p in JOINER.split(word) if p]
        squashed = "".join(parts)
        full.add(squashed[:MAX_PREFIX] if query else squashed[:TERM_LENGTH])
        if query:
            _add(out, squashed[:MAX_PREFIX], 1.0)
            continue
        exact = sorted({squashed, *parts})
        for term in exact:
            _add(out, term, 1.0)
        prefixes = {t[:n] for t in exact for n in range(MIN_PREFIX, min(len(t), MAX_PREFIX + 1))} - set(exact)
        for term in sorted(prefixes):
            _add(out, term, PREFIX)
    return out


def query_terms(text: str) -> tuple[dict[str, float], set[str]]:
    """A query's weighted terms and the set of them a result must match at least one of."""
    full: set[str] = set()
    return terms(text, query=True, full=full), full


def _as_text(value: str | Iterable[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return "\n".join(str(v) for v in value)


def document_terms(fields: dict) -> dict[str, float]:
    """The weighted terms of an article: each field's terms times the field's weight."""
    out: dict[str, float] = {}
    for name, field_weight in FIELD_WEIGHTS.items():
        for term, weight in terms(_as_text(fields.get(name))).items():
            _add(out, term, field_weight * weight)
    return out
