"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL, and
each one goes down and up again on a database full of realistic data."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import TestConfig
from tests.support.maintenance import (
    patrol_answers,
    patrol_school,
    sheet_mutation,
    sign_mutation,
    signature_png,
    ticket_mutation,
)
from tests.support.field_device import FieldDevice, jpeg_bytes, sha256, statuses
from webapp import create_app
from webapp.extensions import db


def scratch_database_url(tmp_path) -> str:
    """An empty database of the kind the suite runs on (a fresh one, not the shared test DB)."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    url = make_url(test_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_migrations_match_models(tmp_path):
    """`flask db upgrade` on an empty database leaves nothing for autogenerate to add."""
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": scratch_database_url(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def row_counts() -> dict[str, int]:
    """Rows per table of the app's database (alembic's own table aside)."""
    names = [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"]
    with db.engine.connect() as conn:
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() for n in sorted(names)}


def add_history(app) -> None:
    """What months of use leave behind: diary entries, a signed patrol sheet with a photo and its PDF, a ticket."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    photo, signature = jpeg_bytes(320, 240, seed=3), signature_png()
    tablet.put_blob(photo)
    tablet.put_blob(signature)
    sheet = sheet_mutation(tablet, school, patrol_answers(sha256(photo)))
    assert statuses(tablet.push([sheet, ticket_mutation(tablet, school)])) == ["applied", "applied"]
    diary = [tablet.diary(school.customer.id, text=f"第{n}次巡检记录") for n in range(5)]
    assert statuses(tablet.push([*diary, sign_mutation(tablet, sheet["id"], signature)])) == ["applied"] * 6


def test_every_migration_downgrades_and_upgrades_a_populated_database(tmp_path):
    """On the demo district plus history, each migration goes down and up again keeping every row; base and back to head too."""
    app = create_app(TestConfig, {
        "SQLALCHEMY_DATABASE_URI": scratch_database_url(tmp_path),
        "BLOB_STORAGE_DIR": str(tmp_path / "blobs"), "DOCUMENT_STORAGE_DIR": str(tmp_path / "documents"),
    })
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        add_history(app)
        db.session.commit()
        full = row_counts()
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        revisions = [r.revision for r in script.walk_revisions()]  # head first
        for revision in revisions[:-1]:  # every migration but the first has tables to keep
            db.session.remove()
            downgrade(revision="-1")
            below = row_counts()
            assert {t: n for t, n in full.items() if t in below} == below, f"downgrading {revision} lost rows"
            upgrade(revision="+1")
            again = row_counts()
            assert again.keys() == full.keys(), f"upgrading to {revision} again left out tables"
            # a table this migration creates comes back empty: its rows went with the downgrade
            assert {t: n for t, n in again.items() if t in below} == {t: full[t] for t in below}, \
                f"upgrading to {revision} again lost rows"
        db.session.remove()
        downgrade(revision="base")
        assert row_counts() == {}
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert len(revisions) >= 1 and diff == []
