"""Backup and restore: a consistent copy taken while devices push, restored byte for byte; a
device that synced with the lost part of the server's history resends it once (SYNC.md)."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.support.maintenance import demo_with_signed_sheet, patrol_school, signature_png
from tests.support.live_server import LiveServer
from tests.support.field_device import FieldDevice, HttpDevice, jpeg_bytes, sha256, statuses
from tests.conftest import is_postgres
from tests.unit.test_migrations import scratch_database_url
from webapp import backup
from webapp.documents.models import Blob, Document
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry

PHOTO = jpeg_bytes(320, 240, seed=5)
SIGNATURE = signature_png(480, 192)
# Rows that a push changes in place (counters, the device's last seq); every other row only appears.
MOVING_TABLES = {"sync_counter", "sync_client", "sync_setting"}


def table_rows() -> dict[str, set[tuple]]:
    """Every row of every table, as comparable tuples."""
    db.session.commit()
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = {tuple(map(repr, r)) for r in db.session.execute(select(table)).all()}
    return rows


def stored_files(app) -> dict[str, bytes]:
    """The bytes of every blob and filed document the database names."""
    blob_dir, doc_dir = Path(app.config["BLOB_STORAGE_DIR"]), Path(app.config["DOCUMENT_STORAGE_DIR"])
    files = {}
    for key in db.session.scalars(select(Blob.stored_sha256)):
        files[f"blobs/{key}"] = (blob_dir / key[:2] / key).read_bytes()
    for key in db.session.scalars(select(Document.storage_key)):
        files[f"documents/{key}"] = (doc_dir / key[:2] / key).read_bytes()
    return files


def wipe(app) -> None:
    """Lose the server: every table and every stored file."""
    db.session.remove()
    db.drop_all()
    db.engine.dispose()
    shutil.rmtree(app.config["BLOB_STORAGE_DIR"])
    shutil.rmtree(app.config["DOCUMENT_STORAGE_DIR"])
    app.extensions.pop("blob_storage", None)
    app.extensions.pop("document_storage", None)


@pytest.fixture
def populated(app):
    """The demo district, plus a signed patrol sheet (photo, signature, filed PDF) from a tablet."""
    school = demo_with_signed_sheet(app.test_client(), PHOTO, SIGNATURE)
    assert db.session.scalar(select(func.count()).select_from(Document)) >= 1, "the signed sheet was filed"
    return school


class Pusher(threading.Thread):
    """A tablet pushing diary entries, a batch at a time, until told to stop."""

    def __init__(self, url: str, school):
        """Sign in over HTTP as the school's technician."""
        super().__init__(daemon=True)
        self.device = HttpDevice(url)
        self.device.sign_in(school.tech.username)
        self.customer_id = school.customer.id
        self.acknowledged: dict[int, str] = {}
        self.batches = threading.Semaphore(0)
        self.halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        """Push until halted; remember every mutation the server acknowledged."""
        try:
            while not self.halt.is_set():
                batch = [self.device.diary(self.customer_id, text=f"日志 {n}") for n in range(5)]
                response = self.device.push(batch)
                assert response.status_code == 200, response.data
                for result in response.get_json()["results"]:
                    assert result["status"] == "applied", result
                    self.acknowledged[result["seq"]] = result["id"]
                self.batches.release()
        except BaseException as err:  # reported by the test
            self.error = err
            self.batches.release()


def test_backup_during_a_push_restores_every_row_and_file_byte_for_byte(app, populated, tmp_path):
    """A backup taken while a tablet pushes restores, after losing everything, every row and file as it was."""
    before = table_rows()
    files = stored_files(app)
    live = LiveServer(app)
    pusher = Pusher(live.url, populated)
    pusher.start()
    try:
        for _ in range(2):
            pusher.batches.acquire()
        acknowledged_before = dict(pusher.acknowledged)
        manifest = backup.create_backup(tmp_path / "backup")
        pusher.batches.acquire()  # the pushes went on during the copy
    finally:
        pusher.halt.set()
        pusher.join()
        live.stop()
    assert pusher.error is None, pusher.error
    assert backup.verify_backup(tmp_path / "backup") == []
    wipe(app)

    log = backup.restore_backup(tmp_path / "backup")

    assert log[-1].startswith("sync: new sync epoch")
    after = table_rows()
    for table, rows in before.items():
        if table not in MOVING_TABLES:
            assert rows <= after[table], f"{table}: rows from before the backup are missing or changed"
    counts = {t: len(r) for t, r in after.items() if t != "sync_setting"}  # + the new epoch
    assert counts == {t: manifest["tables"][t] for t in counts}
    assert stored_files(app) == files
    restored_ids = set(db.session.scalars(select(DiaryEntry.id).where(DiaryEntry.customer_id == populated.customer.id)))
    assert set(acknowledged_before.values()) <= restored_ids
    client_id = pusher.device.client_id
    last_seq = db.session.scalar(text("SELECT last_seq FROM sync_client WHERE client_id = :c"), {"c": client_id})
    assert len(restored_ids) == last_seq, "the copy is one snapshot: the device's last_seq matches its entries"


def test_device_ahead_of_a_restored_server_resends_what_it_lost_once(app, tmp_path):
    """After a restore, a device whose cursor is ahead is told so (410, the server's last seq, a new epoch); its resend applies once."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    first = [tablet.diary(school.customer.id, text=f"备份前 {n}") for n in range(3)]
    assert statuses(tablet.push(first)) == ["applied"] * 3
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "create", str(tmp_path / "nightly")])
    assert made.exit_code == 0, made.output
    later = [tablet.diary(school.customer.id, text=f"备份后 {n}") for n in range(2)]
    assert statuses(tablet.push(later)) == ["applied"] * 2
    body = tablet.pull().get_json()
    old_epoch, cursor = body["epoch"], body["cursor"]
    assert body["last_seq"] == 5
    assert runner.invoke(args=["backup", "verify", str(tmp_path / "nightly")]).exit_code == 0
    wipe(app)

    restored = runner.invoke(args=["backup", "restore", "--yes", str(tmp_path / "nightly")])
    assert restored.exit_code == 0, restored.output

    gone = tablet.pull(cursor)
    assert gone.status_code == 410
    error = gone.get_json()["error"]
    assert error["code"] == "cursor_unknown"
    assert error["details"]["last_seq"] == 3
    assert error["details"]["epoch"] != old_epoch
    assert statuses(tablet.push(first + later)) == ["duplicate"] * 3 + ["applied"] * 2
    texts = sorted(c["data"]["text"] for c in tablet.pull_all(0)[0] if c["kind"] == "diary_entry")
    assert texts == sorted(m["data"]["text"] for m in first + later)


def test_a_damaged_backup_is_refused_and_changes_nothing(app, tmp_path):
    """A backup whose file no longer matches its checksum is reported by verify, and restore refuses it."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    tablet.put_blob(PHOTO)
    backup.create_backup(tmp_path / "b")
    (stored,) = [p for p in (tmp_path / "b" / "blobs").rglob("*") if p.is_file()]
    stored.write_bytes(stored.read_bytes()[:-10])

    problems = backup.verify_backup(tmp_path / "b")

    assert problems == [f"blobs/{stored.parent.name}/{stored.name}: content does not match its checksum"]
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore_backup(tmp_path / "b")
    assert db.session.get(Blob, sha256(PHOTO)) is not None


@pytest.mark.skipif(not is_postgres(), reason="a pg_dump backup; the PostgreSQL pass of `make test` runs this")
def test_verify_restores_a_postgresql_backup_into_a_spare_database(app, tmp_path):
    """`flask backup verify --restore-into` restores the dump into a spare database and finds the manifest's row counts."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    assert statuses(tablet.push([tablet.diary(school.customer.id)])) == ["applied"]
    backup.create_backup(tmp_path / "b")
    spare = scratch_database_url(tmp_path)

    checked = app.test_cli_runner().invoke(args=["backup", "verify", str(tmp_path / "b"), "--restore-into", spare])

    assert checked.exit_code == 0, checked.output
    own = app.test_cli_runner().invoke(args=["backup", "verify", str(tmp_path / "b"), "--restore-into",
                                             app.config["SQLALCHEMY_DATABASE_URI"]])
    assert own.exit_code != 0 and "spare database" in own.output
