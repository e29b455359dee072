"""Flask CLI commands: demo data, users, deadlines, backup and restore."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from . import backup
from .auth.services import create_user
from .demo import DEMO_USERS, load_demo_data
from .documents.filing import produce_missing
from .errors import DomainError
from .extensions import db
from .repairs.alerts import check_deadlines


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""

    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo district once (does nothing when it is already loaded)."""
        if load_demo_data():
            db.session.commit()
            names = " / ".join(username for username, *_ in DEMO_USERS)
            click.echo(f"Demo data loaded. Sign in as {names} with password demo1234.")
        else:
            click.echo("Demo data already present; nothing changed.")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--name", "display_name", default="", help="Display name")
    @click.option(
        "--role",
        type=click.Choice(["technician", "office", "supervisor", "quality", "admin"]),
        default="technician",
    )
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_user_command(username: str, display_name: str, role: str, password: str) -> None:
        """Create a user; weak passwords are refused."""
        try:
            user = create_user(username, display_name, role, password)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message) from err
        click.echo(f"User {user.username} ({user.role}) created.")

    @app.cli.command("check-deadlines")
    def check_deadlines_command() -> None:
        """Notify about repair deadlines at risk or overdue, and file any signed repair form still
        missing (idempotent; run it from a timer)."""
        sent = check_deadlines()
        db.session.commit()
        made = produce_missing("repair_ticket")
        db.session.commit()
        click.echo(f"{sent} deadline notification(s) sent; {made} signed repair form(s) produced.")

    @app.cli.group("backup")
    def backup_group() -> None:
        """Back up, check and restore the database and every stored file."""

    @backup_group.command("create")
    @click.argument("target", type=click.Path(file_okay=False))
    def backup_create(target: str) -> None:
        """Write a consistent backup into TARGET (a new folder); safe while devices sync."""
        try:
            manifest = backup.create_backup(Path(target))
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
        rows = sum(manifest["tables"].values())
        click.echo(f"Backup written to {target}: {rows} rows in {len(manifest['tables'])} tables, "
                   f"{len(manifest['files'])} files.")
        if manifest["missing_files"]:
            raise click.ClickException(
                "some files named by the database were not in storage: " + ", ".join(manifest["missing_files"])
            )

    @backup_group.command("verify")
    @click.argument("source", type=click.Path(exists=True, file_okay=False))
    @click.option("--restore-into", "scratch_url", default=None,
                  help="PostgreSQL: a spare database URL to restore into and compare row counts (it is overwritten).")
    def backup_verify(source: str, scratch_url: str | None) -> None:
        """Check a backup: every file against its checksum, the database copy, the row counts."""
        try:
            problems = backup.verify_backup(Path(source), scratch_url)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
        if problems:
            raise click.ClickException("the backup is damaged:\n" + "\n".join(problems))
        manifest = backup.read_manifest(Path(source))
        click.echo(f"Backup {source} is good ({manifest['created_at']}, {len(manifest['files'])} files checked).")

    @backup_group.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask; the current database is replaced.")
    def backup_restore(source: str, yes: bool) -> None:
        """Replace the database and bring back the files of the backup in SOURCE (stop the app first)."""
        if not yes:
            click.confirm("This replaces the current database with the backup. Go on?", abort=True)
        try:
            for line in backup.restore_backup(Path(source)):
                click.echo(line)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"Restored from {source}.")
