"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestConfig
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
