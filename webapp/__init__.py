"""The Flask application factory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .security import init_security_headers

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    """Pick the language: ?lang= switch, then the user's setting, then the browser, else Chinese."""
    languages = ["zh", "en"]
    if not has_request_context():  # CLI commands, services called outside a request: no one to ask
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    return request.accept_languages.best_match(languages, default="zh") or "zh"


def instance_secret_key(instance: Path) -> str:
    """A random secret key kept in the instance folder, made on first start (only we can read it).

    Written to a temporary file and linked into place, so workers starting together all read
    the same complete key.
    """
    import os
    import secrets
    import tempfile

    path = instance / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker made it first; use theirs
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def register_papers() -> None:
    """The signed papers: their producers (documents/filing.py) and what their signatures cover
    (documents/signed_content.py)."""
    from .maintenance.sheet_pdf import register_paper as patrol_sheet
    from .maintenance.signed_sheet import register_signing as patrol_sheet_signing
    from .projects.papers import register as project_papers
    from .projects.signatures import register as project_signers
    from .repairs.quote_pdf import register_paper as signed_quote
    from .repairs.repair_form_pdf import register_paper as repair_form
    from .training.attendance_pdf import register_paper as attendance_sheet
    from .training.minutes_pdf import register_paper as seminar_minutes

    for register in (patrol_sheet, patrol_sheet_signing, repair_form, signed_quote, project_signers, project_papers,
                     attendance_sheet, seminar_minutes):
        register()


def register_history_sections() -> None:
    """The history area of the archive's pages: projects, repairs, patrols, documents, version and place changes."""
    from .audit.history import register_history as changes_history
    from .documents.history import register_history as documents_history
    from .maintenance.history import register_history as patrols_history
    from .projects.history import register_history as projects_history
    from .repairs.history import register_history as repairs_history

    for register in (projects_history, repairs_history, patrols_history, documents_history, changes_history):
        register()


def create_app(config: Any = None, overrides: dict | None = None) -> Flask:
    """Build the app: bind extensions, register blueprints, errors and CLI commands."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config or "config.Config")
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    hops = int(app.config.get("TRUST_PROXY_HOPS", 0) or 0)
    if hops:
        # Behind nginx the client's address (rate limits) and https scheme come from headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    with app.app_context():
        from .extensions import configure_engine_events

        configure_engine_events(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    compress.init_app(app)
    init_security_headers(app)

    from . import models  # noqa: F401  (every model registered before migrations look)
    from .appraisal.views import bp as appraisal_bp
    from .archive.api import bp as archive_api_bp
    from .archive.views import bp as archive_bp
    from .audit.views import bp as audit_bp
    from .auth.views import api_bp as auth_api_bp
    from .auth.views import bp as auth_bp
    from .main import bp as main_bp
    from .knowledge.views import bp as knowledge_bp
    from .maintenance.views import bp as maintenance_bp
    from .notifications.views import bp as notifications_bp
    from .projects.views import bp as projects_bp
    from .pwa import bp as pwa_bp
    from .qr.views import bp as qr_bp
    from .repairs.views import bp as repairs_bp
    from .reports.views import bp as reports_bp
    from .training.views import bp as training_bp
    from .workcal.views import bp as workcal_bp

    for blueprint in (main_bp, auth_bp, auth_api_bp, archive_bp, archive_api_bp, audit_bp, qr_bp, repairs_bp, pwa_bp, workcal_bp,
                      maintenance_bp, notifications_bp, appraisal_bp, knowledge_bp, training_bp, reports_bp, projects_bp):
        app.register_blueprint(blueprint)

    register_papers()
    register_history_sections()

    import sync  # the sync API, its OpenAPI document and the office's review page (sync_admin)

    sync.init_app(app)

    from . import cli, errors, request_body, templating

    errors.register(app)
    request_body.register(app)
    cli.register(app)
    templating.register(app)

    @app.before_request
    def _remember_device() -> None:
        """Let the audit log know which device a change comes from."""
        g.audit_client_id = request.headers.get("X-Client-Id")

    return app
