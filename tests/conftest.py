"""Shared fixtures: an app on a throw-away database (SQLite file, or PostgreSQL from TEST_DATABASE_URL)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import text

from config import TestConfig
from webapp import create_app
from webapp.extensions import db

_schema_ready: set[str] = set()


def database_url(tmp_root: Path) -> str:
    """The database the suite runs on."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


def is_postgres() -> bool:
    """True when the suite runs on PostgreSQL."""
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def empty_all_tables() -> None:
    """Remove every row, keeping the schema (much faster than drop/create on PostgreSQL)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    """One database for the whole session."""
    return database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture
def make_app(db_url, tmp_path):
    """Builder: an app bound to the test database with extra config; tables emptied after."""
    made = []

    def _make(**overrides):
        config = {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "BLOB_STORAGE_DIR": str(tmp_path / "blobs"),
            "DOCUMENT_STORAGE_DIR": str(tmp_path / "documents"),
            **overrides,
        }
        app = create_app(TestConfig, config)

        @app.before_request
        def _forget_cached_user_and_language() -> None:
            """The fixtures keep one app context open and Flask reuses it for test requests,
            so Flask-Login's user and Flask-Babel's locale cached in `g` would leak between
            requests of one test; real requests each get a fresh context."""
            g.pop("_login_user", None)
            g.pop("_flask_babel", None)

        with app.app_context():
            if db_url not in _schema_ready:
                db.drop_all()
                db.create_all()
                _schema_ready.add(db_url)
        made.append(app)
        return app

    yield _make
    for app in made[:1]:
        with app.app_context():
            db.session.rollback()
            empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app with an active app context."""
    app = make_app()
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def csrf_app(make_app):
    """The app with CSRF protection switched on, as in production."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
