"""SYNC.md tests 2, 5, 11 and 13: concurrency, with real threads and a real server process.

They run on both databases: on PostgreSQL (the pass `make test` runs with TEST_DATABASE_URL)
they exercise row locks between connections; on SQLite the same code paths are serialised by
the database's write lock, which must give the same outcomes.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.support.live_server import LiveServer
from tests.support.field_device import FieldDevice, HttpDevice, statuses
from tests.conftest import is_postgres
from tests.support.factories import make_customer, make_user
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from sync.models import AppliedMutation, SyncClient

ROOT = Path(__file__).resolve().parents[2]


def count(model, *where) -> int:
    """Rows of a model, read fresh."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def wait_for(predicate, what: str, seconds: float = 90.0) -> None:
    """Wait until something is true (a synchronisation point, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def live(app):
    """The app on a real port."""
    server = LiveServer(app)
    yield server
    server.stop()


def test_02_two_tabs_push_same_batch_at_once(app, live):
    """Two tabs push the same batch at once: one record each."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    tab1 = HttpDevice(live.url)
    tab1.sign_in(tech)
    tab2 = HttpDevice(live.url, client_id=tab1.client_id, cookies=tab1.cookies)  # same browser, same app id
    tab2.csrf_token = tab1.csrf_token
    batch = [tab1.diary(customer.id, text=f"同批次 {i}") for i in range(20)]
    barrier = threading.Barrier(2)
    answers: dict[str, list] = {}

    def send(name: str, tab: HttpDevice) -> None:
        """Push the batch as soon as the other tab is ready too."""
        barrier.wait()
        answers[name] = statuses(tab.push(batch))

    threads = [threading.Thread(target=send, args=(n, t)) for n, t in (("a", tab1), ("b", tab2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(DiaryEntry) == 20
    assert count(AppliedMutation) == 20
    for a, b in zip(answers["a"], answers["b"]):
        assert sorted([a, b]) == ["applied", "duplicate"]


def _start_server(db_url: str, tmp: Path, name: str, pause_at: int | None = None) -> tuple[subprocess.Popen, str, Path]:
    """Run the app in its own process; returns it, its URL and the pause marker file."""
    port_file, marker = tmp / f"{name}.port", tmp / f"{name}.paused"
    args = [sys.executable, "-m", "tests.support.sync_server", db_url, str(tmp / "blobs"), str(port_file)]
    if pause_at is not None:
        args += [str(pause_at), str(marker)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    wait_for(lambda: port_file.exists() and port_file.read_text().strip(), "the server to listen")
    return proc, f"http://127.0.0.1:{port_file.read_text().strip()}", marker


def test_05_server_killed_mid_batch(app, db_url, tmp_path):
    """Server killed mid-batch: last_seq shows what committed; the resend applies the rest once."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    proc, url, marker = _start_server(db_url, tmp_path, "first", pause_at=7)
    phone = HttpDevice(url)
    phone.sign_in(tech)
    batch = [phone.diary(customer.id, text=f"第{i}条") for i in range(1, 13)]
    outcome: list = []

    def send() -> None:
        """The push whose answer never comes."""
        try:
            outcome.append(phone.push(batch).status_code)
        except OSError as err:  # connection reset when the server dies
            outcome.append(err)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        wait_for(marker.exists, "seq 7 to be inside its transaction")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    sender.join(timeout=60)
    assert outcome and not isinstance(outcome[0], int)  # the phone never got a response

    assert count(DiaryEntry) == 6  # 1-6 committed; 7 died with its transaction
    assert db.session.scalar(select(SyncClient.last_seq).where(SyncClient.client_id == phone.client_id)) == 6

    proc, phone.base_url, _ = _start_server(db_url, tmp_path, "second")
    try:
        status = phone.push([]).get_json()
        assert status["last_seq"] == 6 and status["expected_seq"] == 7
        assert statuses(phone.push(batch)) == ["duplicate"] * 6 + ["applied"] * 6
        assert statuses(phone.push(batch)) == ["duplicate"] * 12
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert count(DiaryEntry) == 12
    assert count(AppliedMutation) == 12


def test_11_late_commit_never_skipped_by_pull(app, client):
    """A late-committing transaction never makes a pull skip its row."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(client, tech)
    phone.client_id = None  # pull without device tracking, so the reading side never writes
    _, start = phone.pull_all()
    customer_id = customer.id
    a_flushed, a_may_commit = threading.Event(), threading.Event()
    made: dict[str, object] = {}

    def late_writer() -> None:
        """Takes a change_seq, then keeps its transaction open until told to commit."""
        with app.app_context():
            record = DeviceRecord(customer_id=customer_id, name="迟到的设备", category="switch")
            db.session.add(record)
            db.session.flush()
            made["a"], made["a_seq"] = record.id, record.change_seq
            a_flushed.set()
            a_may_commit.wait(30)
            db.session.commit()

    def quick_writer() -> None:
        """Starts after A and would commit first if change_seq were not handed out in order."""
        with app.app_context():
            record = DeviceRecord(customer_id=customer_id, name="抢先的设备", category="switch")
            db.session.add(record)
            db.session.commit()
            made["b"] = record.id

    a = threading.Thread(target=late_writer)
    a.start()
    assert a_flushed.wait(30)
    b = threading.Thread(target=quick_writer)
    b.start()
    if is_postgres():
        def b_is_waiting() -> bool:
            """True while B waits for A's lock on the counter row."""
            db.session.rollback()  # pg_stat_activity is a per-transaction snapshot
            return db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )) >= 1
        wait_for(b_is_waiting, "the second writer to queue behind the first")

    first = phone.pull(start).get_json()
    seen_first = {c["id"] for c in first["changes"]}
    assert made["a"] not in seen_first and "b" not in made
    assert first["cursor"] < made["a_seq"]

    a_may_commit.set()
    a.join(30)
    b.join(30)
    changes, _ = phone.pull_all(first["cursor"])
    seen = {c["id"] for c in changes}
    assert {made["a"], made["b"]} <= seen


def test_13_many_devices_push_at_once(app, live):
    """Many devices pushing at once: every acknowledged mutation present exactly once."""
    devices = []
    for n in range(8):
        tech = make_user(Role.TECHNICIAN)
        customer = make_customer(technicians=[tech])
        phone = HttpDevice(live.url)
        phone.sign_in(tech)
        devices.append((phone, customer.id))
    acknowledged: dict[str, set] = {}
    failures: list = []

    def work(index: int, phone: HttpDevice, customer_id: str) -> None:
        """Push 30 entries in batches of 5, resending some batches as if answers were lost."""
        rng = random.Random(index)
        outbox = [phone.diary(customer_id, text=f"设备{index} 第{i}条") for i in range(30)]
        acked = acknowledged.setdefault(phone.client_id, set())
        position = 0
        while position < len(outbox):
            batch = outbox[max(0, position - rng.choice((0, 0, 2))): position + 5]
            response = phone.push(batch)
            if response.status_code != 200:
                failures.append(response.status_code)
                return
            body = response.get_json()
            for result in body["results"]:
                if result["status"] in ("applied", "duplicate"):
                    acked.add(result["id"])
            if rng.random() < 0.3:
                continue  # "the answer was lost": send the same batch again
            position = body["last_seq"]

    threads = [threading.Thread(target=work, args=(i, p, c)) for i, (p, c) in enumerate(devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    all_acked = set().union(*acknowledged.values())
    assert len(all_acked) == 8 * 30
    db.session.expire_all()
    stored = db.session.scalars(select(DiaryEntry.id)).all()
    assert sorted(stored) == sorted(all_acked)  # each acknowledged entry exactly once, nothing else
    per_client = db.session.execute(
        select(AppliedMutation.client_id, func.count(), func.max(AppliedMutation.seq)).group_by(AppliedMutation.client_id)
    ).all()
    assert sorted((n, top) for _c, n, top in per_client) == [(30, 30)] * 8
