"""Helpers for the knowledge-base tests: the relevance table, a resolved difficult ticket, the
device's search run in Node."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.repairs import Shop, advance, phone_ticket
from webapp.extensions import db
from webapp.knowledge import services
from webapp.knowledge.models import Article

ROOT = Path(__file__).resolve().parents[2]
RELEVANCE = json.loads((ROOT / "tests" / "support" / "data" / "kb_relevance.json").read_text(encoding="utf-8"))
CONTENT_KEYS = ("title", "symptoms", "cause", "solution", "steps", "device_category", "brand", "models", "software_versions")


def article_fields(entry: dict) -> dict:
    """An article's content from a relevance-table entry."""
    return {k: entry.get(k, [] if k in ("steps", "models", "software_versions") else "") for k in CONTENT_KEYS}


def publish_corpus(author, head) -> dict[str, Article]:
    """Every article of the relevance table, written and published: {key: article}."""
    out = {}
    for entry in RELEVANCE["articles"]:
        article = services.create_article(author, article_fields(entry))
        services.publish_article(head, article)
        out[entry["key"]] = article
    db.session.commit()
    return out


def resolved_difficult_ticket(shop: Shop, description: str = "录播主机开机后黑屏，有声音"):
    """A phone ticket classified difficult, decided by the supervisor and resolved with a repair form."""
    ticket = phone_ticket(shop, description)
    return advance(
        ticket,
        ("arrived", {}, shop.tech),
        ("classified", {"classification": "difficult"}, shop.tech),
        ("supervisor_informed", {}, shop.tech),
        ("escalation_decision", {"decided_with": "vendor", "vendor_name": "海康售后", "solution": "进入安全模式回退显卡驱动"},
         shop.supervisor),
        ("resolved", {"fault_found": "开机黑屏但有开机声音", "cause": "显卡驱动不兼容", "action": "回退驱动，分辨率改为1080p",
                      "parts_used": "无"}, shop.tech),
    )


def device_search(articles: list[dict], queries: list[str], texts: list[str] = (), limit: int = 3) -> dict:
    """Run static/js/kb-search.js in Node: {"results": {q: [ids]}, "terms": {text: [[term, w]]}}."""
    payload = json.dumps({"articles": articles, "queries": list(queries), "texts": list(texts), "limit": limit})
    done = subprocess.run(["node", "tests/support/kb_search.mjs"], cwd=ROOT, input=payload, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)
