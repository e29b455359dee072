"""Flask CLI commands: demo data and users."""
from __future__ import annotations

import click
from flask import Flask

from .errors import DomainError
from .extensions import db


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""

    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo district once (does nothing when it is already loaded)."""
        from .demo import load_demo_data

        if load_demo_data():
            db.session.commit()
            click.echo("Demo data loaded. Sign in as tech / office / super / qc / admin with password demo1234.")
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
        from .auth.services import create_user

        try:
            user = create_user(username, display_name, role, password)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message) from err
        click.echo(f"User {user.username} ({user.role}) created.")

    @app.cli.command("check-deadlines")
    def check_deadlines_command() -> None:
        """Notify about repair deadlines at risk or overdue (idempotent; run it from a timer)."""
        from .documents.repair_form import produce_missing_repair_forms
        from .repairs.alerts import check_deadlines

        sent = check_deadlines()
        db.session.commit()
        made = produce_missing_repair_forms()
        db.session.commit()
        click.echo(f"{sent} deadline notification(s) sent; {made} signed repair form(s) produced.")

