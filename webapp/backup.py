"""Backup and restore: one consistent copy of the database and of every stored file.

A backup is a folder:

    manifest.json        what is in it: database kind, schema revision, a row count per table,
                         the SHA-256 and size of every file (written last: no manifest, no backup)
    database.sqlite3     SQLite: made with SQLite's online backup API (a page-by-page copy
                         under a read lock, so writers never leave it half-updated)
    database.dump        PostgreSQL: `pg_dump --format=custom` of an exported snapshot
    blobs/ab/abcd...     signature and photo images, as the blob storage keeps them
    documents/ab/...     filed PDFs (patrol sheets, repair forms)

Why it is consistent while devices push: the database copy is one snapshot, and the files are
those the *snapshot's* rows name (`blob.stored_sha256`, `document.storage_key`), read after it.
A file is always stored before the row that names it commits, and content-addressed files never
change, so every file the snapshot needs is there to copy; files that arrive later belong to
the next backup. Row counts come from the same snapshot, so `verify` can check a restore.

Restore writes the database back, puts every file back through the storage interface (files
already present are kept: they are named by their content), then runs the restore steps other
modules registered (the sync API starts a new epoch so devices that synced with the newer
server resend what it lost; see sync/epoch.py).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from .clock import utcnow
from .documents.filing import document_storage
from .documents.storage import storage_for
from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
# Which rows name which stored files: (folder in the backup, table, key column).
FILE_SOURCES = (("blobs", "blob", "stored_sha256"), ("documents", "document", "storage_key"),
                ("blobs", "project_attachment", "sha256"))


class BackupError(Exception):
    """A backup that cannot be made, checked or restored; the message says why."""


# --- registered restore steps ---------------------------------------------------------------


def on_restore(app: Flask, name: str, step: Callable[[], str]) -> None:
    """Register a step run (in an app context, before commit) after a restore; it returns a line for the log."""
    app.extensions.setdefault("restore_steps", {})[name] = step


# --- helpers ----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """SHA-256 hex of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect() -> str:
    """'sqlite' or 'postgresql'."""
    return db.engine.dialect.name


def _table_names(conn: Connection) -> list[str]:
    """Every table in the database (alembic_version included), sorted."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    else:
        rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
    return sorted(r[0] for r in rows)


def _snapshot_facts(conn: Connection) -> dict:
    """Row counts, schema revision and the file keys the rows name, read in one snapshot."""
    tables = _table_names(conn)
    counts = {name: int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()) for name in tables}
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    keys: dict[str, list[str]] = {}
    for folder, table, column in FILE_SOURCES:
        if table in tables:
            rows = conn.execute(text(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'))
            keys[folder] = sorted(set(keys.get(folder, ())) | {r[0] for r in rows})
    return {"tables": counts, "revision": revision, "keys": keys}


def _libpq(url) -> tuple[str, dict]:
    """A libpq connection string without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _run(command: list[str], env: dict) -> None:
    """Run a PostgreSQL client tool; its error output becomes the message."""
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as err:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from err
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _sqlite_path() -> Path:
    """The file of the app's SQLite database."""
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


# --- create -----------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> dict:
    """Copy the live SQLite database with its online backup API; read the facts from the copy."""
    source = sqlite3.connect(_sqlite_path(), timeout=60)
    dest = sqlite3.connect(target / SQLITE_FILE)
    try:
        source.backup(dest)  # all pages in one step, under one read transaction
    finally:
        dest.close()
        source.close()
    engine = create_engine(f"sqlite:///{target / SQLITE_FILE}")
    try:
        with engine.connect() as conn:
            return _snapshot_facts(conn)
    finally:
        engine.dispose()


def _dump_postgres(target: Path) -> dict:
    """pg_dump an exported snapshot; row counts and file keys come from that same snapshot."""
    url, env = _libpq(db.engine.url)
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            facts = _snapshot_facts(conn)
            # The snapshot lives as long as this transaction: pg_dump must run inside it.
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target / PG_FILE}", f"--dbname={url}"], env)
    return facts


def _copy_files(target: Path, keys: dict[str, list[str]]) -> tuple[dict, list[str]]:
    """Copy each named file out of its storage; returns the manifest entries and the missing keys."""
    stores = {"blobs": storage_for(), "documents": document_storage()}
    files: dict[str, dict] = {}
    missing: list[str] = []
    for folder, names in keys.items():
        for key in names:
            data = stores[folder].get(key)
            if data is None:
                missing.append(f"{folder}/{key}")
                continue
            rel = f"{folder}/{key[:2]}/{key}"
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return files, missing


def create_backup(target: Path) -> dict:
    """Write a backup into `target` (a new or empty folder); returns its manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give every backup a folder of its own")
    target.mkdir(parents=True, exist_ok=True)
    dialect = _dialect()
    if dialect == "sqlite":
        facts, db_file = _dump_sqlite(target), SQLITE_FILE
    elif dialect == "postgresql":
        facts, db_file = _dump_postgres(target), PG_FILE
    else:
        raise BackupError(f"no backup for {dialect} databases")
    files, missing = _copy_files(target, facts["keys"])
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "dialect": dialect,
        "revision": facts["revision"],
        "database": {"file": db_file, "sha256": file_sha256(target / db_file),
                     "size": (target / db_file).stat().st_size},
        "tables": facts["tables"],
        "files": files,
        "missing_files": missing,
    }
    partial = target / f".{MANIFEST}.tmp"
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, target / MANIFEST)
    return manifest


# --- verify -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest of a backup folder."""
    path = Path(source) / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: not a finished backup")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _check_database_copy(source: Path, manifest: dict) -> list[str]:
    """Open the database copy: SQLite's integrity check and row counts, or pg_restore's listing."""
    if manifest["dialect"] == "sqlite":
        path = source / SQLITE_FILE
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        try:
            with engine.connect() as conn:
                ok = conn.execute(text("PRAGMA integrity_check")).scalar()
                counts = _snapshot_facts(conn)["tables"]
        finally:
            engine.dispose()
        problems = [] if ok == "ok" else [f"database copy: integrity check says {ok}"]
        if counts != manifest["tables"]:
            problems.append("database copy: row counts differ from the manifest")
        return problems
    try:
        _run(["pg_restore", "--list", str(source / PG_FILE)], dict(os.environ))
    except BackupError as err:
        return [f"database copy: {err}"]
    return []


def _restore_into_scratch(source: Path, manifest: dict, scratch_url: str) -> list[str]:
    """Restore a PostgreSQL dump into a spare database and compare its row counts with the manifest."""
    url = make_url(scratch_url)
    own = db.engine.url
    if (url.host, url.port, url.database) == (own.host, own.port, own.database):
        raise BackupError("--restore-into must name a spare database, not the app's own")
    libpq, env = _libpq(url)
    _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
          f"--dbname={libpq}", str(source / PG_FILE)], env)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = _snapshot_facts(conn)["tables"]
    finally:
        engine.dispose()
    if {t: counts.get(t) for t in manifest["tables"]} != manifest["tables"]:
        return ["restored into the spare database, the row counts differ from the manifest"]
    return []


def verify_backup(source: Path, scratch_url: str | None = None) -> list[str]:
    """Every problem found in a backup folder (empty: the backup is good); a PostgreSQL backup is
    also restored into `scratch_url`, a spare database, when one is given."""
    source = Path(source)
    manifest = read_manifest(source)
    problems = [f"file missing from storage when the backup was made: {m}" for m in manifest["missing_files"]]
    database = manifest["database"]
    db_path = source / database["file"]
    if not db_path.exists() or file_sha256(db_path) != database["sha256"]:
        return [*problems, f"{database['file']}: missing or changed since the backup was made"]
    for rel, info in sorted(manifest["files"].items()):
        path = source / rel
        if not path.exists():
            problems.append(f"{rel}: missing")
        elif file_sha256(path) != info["sha256"] or info["sha256"] != Path(rel).name:
            problems.append(f"{rel}: content does not match its checksum")
    problems += _check_database_copy(source, manifest)
    if scratch_url and manifest["dialect"] == "postgresql" and not problems:
        problems += _restore_into_scratch(source, manifest, scratch_url)
    return problems


# --- restore ----------------------------------------------------------------------------------


def _restore_sqlite(source: Path) -> None:
    """Overwrite the app's SQLite database with the copy, page by page (SQLite's backup API)."""
    db.session.remove()
    db.engine.dispose()
    path = _sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(f"file:{source / SQLITE_FILE}?mode=ro", uri=True)
    dest = sqlite3.connect(path, timeout=60)
    try:
        copy.backup(dest)
    finally:
        dest.close()
        copy.close()


def _restore_postgres(source: Path) -> None:
    """Replace the app's tables with the dump's, in one transaction (pg_restore --clean)."""
    db.session.remove()
    db.engine.dispose()
    url, env = _libpq(db.engine.url)
    _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
          f"--dbname={url}", str(source / PG_FILE)], env)


def _restore_files(source: Path, manifest: dict) -> int:
    """Put every file of the backup back into its storage; returns how many were written."""
    stores = {"blobs": storage_for(), "documents": document_storage()}
    written = 0
    for rel in sorted(manifest["files"]):
        folder, key = rel.split("/")[0], Path(rel).name
        store = stores[folder]
        held = store.get(key)
        if held is not None and hashlib.sha256(held).hexdigest() == key:
            continue
        if held is not None:
            store.delete(key)  # a damaged copy under this name: the backup's bytes replace it
        store.put(key, (source / rel).read_bytes())
        written += 1
    return written


def restore_backup(source: Path) -> list[str]:
    """Bring back the database and files of a checked backup; returns what was done, line by line."""
    source = Path(source)
    problems = verify_backup(source)
    if problems:
        raise BackupError("the backup is damaged, nothing was restored:\n" + "\n".join(problems))
    manifest = read_manifest(source)
    if manifest["dialect"] != _dialect():
        raise BackupError(f"a {manifest['dialect']} backup cannot be restored onto {_dialect()}")
    if manifest["dialect"] == "sqlite":
        _restore_sqlite(source)
    else:
        _restore_postgres(source)
    log = [f"database restored ({sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables)"]
    log.append(f"{_restore_files(source, manifest)} file(s) written back of {len(manifest['files'])}")
    with db.engine.connect() as conn:
        counts = _snapshot_facts(conn)["tables"]
    if counts != manifest["tables"]:
        raise BackupError("after the restore the row counts differ from the manifest")
    for name, step in current_app.extensions.get("restore_steps", {}).items():
        log.append(f"{name}: {step()}")
    db.session.commit()
    return log

