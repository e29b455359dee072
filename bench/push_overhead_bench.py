"""Push overhead (run by hand): the sync layer against calling the same verb directly, one run.

`.venv/bin/python bench/push_overhead_bench.py [--database-url URL] [--mutations 300] [--rounds 2]`

Makes a one-school district (`bench/district.py`) in the given database (default PostgreSQL
`bench_push` on 127.0.0.1; dropped and made again), then writes diary entries three ways, in
alternating rounds so load on the machine falls on all of them alike:

1. **push**: `POST /api/sync/push` in batches of 100 (the app in-process, no sockets), as tech01's
   device sends them: each mutation its own transaction, with the ledger (SYNC.md);
2. **verbs, one transaction**: `create_diary_entry` for each, one commit at the end (the aim is
   push <= 3x this);
3. **verbs, a commit each**: the same, committing after every entry (what "each mutation commits
   on its own" costs without the sync layer).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.district import PASSWORD, generate, make_app, prepare_database  # noqa: E402

BATCH = 100


def entries(customer_id: str, n: int, tag: str) -> list[dict]:
    """n diary entries' data."""
    return [{"customer_id": customer_id, "date": "2026-11-30",
             "text": f"{tag} 第{i}条：巡检弱电间，交换机与摄像机运行正常，清理机柜灰尘。"} for i in range(n)]


def by_push(app, client, client_id: str, start_seq: int, data: list[dict]) -> float:
    """Seconds to push the entries as mutations."""
    mutations = [{"seq": start_seq + i, "kind": "diary_entry", "op": "create", "id": str(uuid.uuid4()),
                  "base_version": None, "data": d, "blobs": {}} for i, d in enumerate(data)]
    started = time.perf_counter()
    for at in range(0, len(mutations), BATCH):
        body = client.post("/api/sync/push", json={"client_id": client_id, "mutations": mutations[at:at + BATCH]})
        statuses = {r["status"] for r in body.get_json()["results"]}
        assert statuses == {"applied"}, body.get_json()["results"][:2]
    return time.perf_counter() - started


def by_verbs(app, user_id: int, data: list[dict], commit_each: bool) -> float:
    """Seconds to call create_diary_entry for each entry (one commit, or one per entry)."""
    from webapp.auth.models import User
    from webapp.extensions import db
    from webapp.maintenance.diary import create_diary_entry

    with app.test_request_context():
        user = db.session.get(User, user_id)
        started = time.perf_counter()
        for d in data:
            create_diary_entry(user, {**d, "date": date.fromisoformat(d["date"])}, str(uuid.uuid4()))
            if commit_each:
                db.session.commit()
        db.session.commit()
        return time.perf_counter() - started


def main() -> None:
    """Rounds of the three, then the medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_push")
    parser.add_argument("--mutations", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    prepare_database(args.database_url)
    app = make_app(args.database_url)
    from webapp.archive.models import Customer
    from webapp.auth.models import User
    from webapp.extensions import db

    with app.app_context():
        generate(1)
        customer_id = db.session.scalars(select(Customer.id)).first()
        user_id = db.session.scalar(select(User.id).where(User.username == "tech01"))
    client = app.test_client()
    assert client.post("/api/auth/session", json={"username": "tech01", "password": PASSWORD}).status_code == 200
    client_id = str(uuid.uuid4())
    n = args.mutations
    times: dict[str, list[float]] = {"push": [], "verbs, one transaction": [], "verbs, a commit each": []}
    seq = 1
    by_verbs(app, user_id, entries(customer_id, 20, "warm"), False)  # warm caches on every path
    by_push(app, client, client_id, seq, entries(customer_id, 20, "warm"))
    seq += 20
    for r in range(args.rounds):
        times["push"].append(by_push(app, client, client_id, seq, entries(customer_id, n, f"p{r}")))
        seq += n
        times["verbs, one transaction"].append(by_verbs(app, user_id, entries(customer_id, n, f"v{r}"), False))
        times["verbs, a commit each"].append(by_verbs(app, user_id, entries(customer_id, n, f"c{r}"), True))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    engine = args.database_url.split(":", 1)[0]
    print(f"# Push overhead, {n} diary entries a round, {args.rounds} rounds, {engine}, load average {load}\n")
    base = statistics.median(times["verbs, one transaction"])
    print("| way | median | per entry | vs verbs in one transaction |")
    print("|---|---|---|---|")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} s | {median / n * 1000:.2f} ms | {median / base:.1f}x |")


if __name__ == "__main__":
    main()
