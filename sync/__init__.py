"""The sync API of shared/SYNC.md: push, pull, blobs, conflicts, the OpenAPI document and the
office's review page. `sync` depends on `webapp`, never the reverse: the app factory only calls
`init_app`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load every sync kind and register the API, OpenAPI and review blueprints."""
    from webapp.backup import on_restore

    from . import models  # noqa: F401  (tables known before create_all / migrations)
    from .epoch import new_epoch
    from .kinds import load_all

    load_all()
    on_restore(app, "sync", new_epoch)
    from .admin import bp as admin_bp
    from .openapi import bp as openapi_bp
    from .views import bp as api_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(admin_bp)
