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


def seed_field_articles(app) -> dict[str, str]:
    """Published articles for the field data's camera (海康威视 DS-2CD3T46WDV3-I3) and for a model
    no school of the technician has, plus a draft: {"known", "black", "elsewhere", "draft"} -> title."""
    from tests.support.factories import make_user
    from webapp.auth.models import Role

    titles = {
        "known": "DS-2CD3T46 夜间画面发白",
        "black": "摄像机开机后黑屏有声音",
        "elsewhere": "投影仪灯泡指示灯闪红",
        "draft": "草稿：摄像机黑屏另一种情况",
    }
    with app.app_context():
        office, head = make_user(Role.OFFICE), make_user(Role.SUPERVISOR)
        known = services.create_article(office, {
            "title": titles["known"], "symptoms": "夜间画面整体发白，看不清人脸", "cause": "红外照到近处墙面反光",
            "solution": "调整角度，开启智能补光", "brand": "海康威视", "models": ["DS-2CD3T46"], "device_category": "camera"})
        black = services.create_article(office, {
            "title": titles["black"], "symptoms": "开机后黑屏有声音，网页能登录但预览黑屏", "cause": "码流设置为H.265，旧录像机不支持",
            "solution": "把主码流改为H.264", "steps": ["登录摄像机网页", "视频参数里改编码为H.264", "重启预览"],
            "brand": "海康威视", "models": ["DS-2CD"]})
        elsewhere = services.create_article(office, {
            "title": titles["elsewhere"], "symptoms": "投影仪黑屏，灯泡指示灯闪红", "solution": "更换灯泡", "models": ["CB-X06"]})
        for article in (known, black, elsewhere):
            services.publish_article(head, article)
        services.create_article(office, {"title": titles["draft"], "symptoms": "黑屏", "models": ["DS-2CD"]})
        db.session.commit()
    return titles
