"""Offline knowledge-base benchmark (run by hand, not a test): `.venv/bin/python bench/kb_index_bench.py`.

Makes 1,000 published articles (varied from the relevance table's 18: brands, model numbers,
symptoms and steps recombined, so the vocabulary grows as a real base's does), as the device
holds them after a pull (`kb_article` records), and measures:
1. Size on the device: the records as JSON, raw and gzipped (what the pull carries and IndexedDB
   keeps), the device's index (kb-search.js's postings, built in memory from the records at the
   first search) as JSON raw and gzipped, and static/js/kb-search.js + kb-rules.json gzipped.
2. Search time on the device: static/js/kb-search.js in Node — building the index from 1,000
   records, and each relevance-table query (median of 20 runs), then the median and worst.
A phone's CPU is slower than this machine's; the note gives the figures as measured here.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = json.loads((ROOT / "tests" / "support" / "data" / "kb_relevance.json").read_text(encoding="utf-8"))
PLACES = ["教学楼", "行政楼", "实验楼", "图书馆", "体育馆", "食堂", "宿舍楼", "报告厅", "机房", "校门"]
WHEN = ["开机后", "使用一段时间后", "雷雨天后", "停电恢复后", "升级固件后", "夜间", "上课时", "周一早上"]
EXTRA = ["偶尔出现", "反复出现", "重启后恢复", "指示灯闪烁", "有异响", "发热明显", "网页无法登录", "遥控无反应"]


def articles(n: int, seed: int = 7) -> list[dict]:
    """`n` articles as pulled records ({"id", "data"})."""
    rnd = random.Random(seed)
    base = TABLE["articles"]
    out = []
    for i in range(n):
        a = base[i % len(base)]
        b = rnd.choice(base)
        suffix = f"{rnd.randint(1, 99):02d}{rnd.choice('ABCDEFGH')}"
        models = [f"{m}-{suffix}" if rnd.random() < 0.7 else m for m in a.get("models", [])]
        place, when, extra = rnd.choice(PLACES), rnd.choice(WHEN), rnd.choice(EXTRA)
        data = {
            "title": f"{place}{a['title']}（{when}{extra}）",
            "symptoms": f"{when}{a.get('symptoms', '')}，{extra}；{b.get('symptoms', '')[:20]}",
            "cause": a.get("cause", "") or b.get("cause", ""),
            "solution": a.get("solution", ""),
            "steps": list(a.get("steps", [])) + rnd.sample(list(b.get("steps", [])) or ["检查供电"], k=1),
            "device_category": a.get("device_category", ""),
            "brand": a.get("brand", ""),
            "models": models,
            "software_versions": [f"V{rnd.randint(1, 6)}.{rnd.randint(0, 9)}.{rnd.randint(0, 20)}"],
            "photos": [],
            "sources": [{"kind": "repair_ticket", "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                         "label": f"WX2026{rnd.randint(1, 12):02d}{rnd.randint(1, 9999):04d}"}],
            "status": "published", "current_version": 1, "published_version": 1,
        }
        out.append({"id": str(uuid.UUID(int=rnd.getrandbits(128))), "kind": "kb_article", "data": data})
    return out


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    records = articles(args.articles)
    queries = [q["q"] for q in TABLE["queries"]]
    raw = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()
    done = subprocess.run(["node", "bench/kb_index_bench.mjs"], cwd=ROOT, capture_output=True, check=True, timeout=600,
                          input=json.dumps({"articles": records, "queries": queries}).encode())
    out = json.loads(done.stdout)
    index = out.pop("index_json").encode()
    code = (ROOT / "static/js/kb-search.js").read_bytes() + (ROOT / "static/js/kb-rules.json").read_bytes()
    times = sorted(out["search_ms"].values())
    slowest = max(out["search_ms"], key=out["search_ms"].get)
    print(f"articles: {len(records)}")
    print(f"records (pull / IndexedDB): {len(raw) / 1024:.0f} KiB raw, {gz(raw) / 1024:.0f} KiB gzipped")
    print(f"index (in memory; as JSON): {len(index) / 1024:.0f} KiB raw, {gz(index) / 1024:.0f} KiB gzipped")
    print(f"kb-search.js + kb-rules.json: {len(code) / 1024:.1f} KiB raw, {gz(code) / 1024:.1f} KiB gzipped")
    print(f"build the index from the records: {out['build_ms']:.1f} ms")
    print(f"search, {len(times)} queries: median {times[len(times) // 2]:.2f} ms, worst {times[-1]:.2f} ms ({slowest!r})")
    print("hits (of 20 shown):", " ".join(f"{q}={n}" for q, n in list(out["hits"].items())[:8]), "...")


if __name__ == "__main__":
    sys.exit(main())
