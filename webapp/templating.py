"""Template filters and globals: local times, labels for codes (a feature's own codes are named in
its vocabulary module; this module hands them to the templates)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from .documents.pdf import number_text
from .history import timeline
from .repairs import vocabulary as repair_vocabulary

ROLE_LABELS = {
    "technician": _l("Technician"),
    "office": _l("Front desk / office"),
    "supervisor": _l("Department head"),
    "quality": _l("Quality inspector"),
    "admin": _l("Administrator"),
    "marketing": _l("Marketing"),
    "leadership": _l("Company leadership"),
    "rnd": _l("Product R&D"),
}

CATEGORY_LABELS = {
    "switch": _l("Switch"),
    "router": _l("Router"),
    "firewall": _l("Firewall"),
    "access_point": _l("Wireless access point"),
    "camera": _l("Camera"),
    "nvr": _l("Video recorder (NVR)"),
    "classroom_av": _l("Classroom AV"),
    "interactive_display": _l("Interactive display"),
    "projector": _l("Projector"),
    "access_control": _l("Access control"),
    "broadcast": _l("Broadcast"),
    "server": _l("Server"),
    "ups": _l("UPS"),
    "other": _l("Other"),
}

HANDOVER_LABELS = {
    "accessories": _l("Installation accessories"),
    "software_disc": _l("Software disc"),
    "warranty_card": _l("Warranty card"),
    "manual": _l("Installation and user manual"),
    "spare_key": _l("Spare cabinet key"),
    "other": _l("Other"),
}

CUSTOMER_KIND_LABELS = {"school": _l("School"), "organisation": _l("Organisation")}

# The menu: endpoint, label, roles that see it (None: everyone signed in).
NAV = [
    ("main.home", _l("Home"), None),
    ("pwa.app_shell", _l("Field app"), None),
    ("archive.customer_list", _l("Customers"), None),
    ("archive.device_search", _l("Devices"), None),
    ("maintenance.my_visits", _l("My visits"), ("technician", "supervisor", "quality")),
    ("maintenance.calendar", _l("Visit calendar"), ("office", "supervisor", "quality", "admin")),
    ("maintenance.template_list", _l("Checklists"), ("office", "supervisor", "quality", "admin")),
    ("maintenance.plan_list", _l("Customer plans"), ("supervisor", "admin")),
    ("maintenance.review_list", _l("Sheets to review"), ("office", "supervisor", "quality", "admin")),
    ("maintenance.diary_list", _l("Service diary"), ("office", "supervisor", "quality", "admin")),
    ("maintenance.quality_checks", _l("Quality checks"), ("office", "supervisor", "quality", "admin")),
    ("maintenance.figures", _l("Figures per technician"), ("supervisor", "admin")),
    ("repairs.inbox", _l("Repair inbox"), ("office", "supervisor", "admin")),
    ("repairs.intake", _l("Record a repair call"), ("office", "supervisor", "admin")),
    ("repairs.board", _l("Deadlines board"), ("office", "supervisor", "admin")),
    ("repairs.follow_ups", _l("Follow-up calls"), ("office", "supervisor", "admin")),
    ("repairs.my_tickets", _l("My repair tickets"), ("technician",)),
    ("knowledge.article_list", _l("Knowledge base"), None),
    ("projects.project_list", _l("Installation projects"),
     ("marketing", "supervisor", "office", "quality", "admin", "technician", "leadership")),
    ("qr.label_sheet", _l("QR labels"), ("office", "supervisor", "admin")),
    ("sync_admin.review", _l("Sync review"), ("office", "supervisor", "admin")),
    ("audit.log", _l("Audit log"), ("supervisor", "admin")),
    ("workcal.years", _l("Working calendar"), ("supervisor", "admin")),
    ("auth.user_list", _l("Users"), ("supervisor", "admin")),
    ("training.index", _l("Training and seminars"),
     ("technician", "office", "supervisor", "quality", "admin", "leadership", "rnd")),
    ("appraisal.index", _l("Appraisal"), ("technician", "supervisor", "admin")),
    ("appraisal.suggestions", _l("Suggestions"), None),
    ("reports.index", _l("Monthly reports"), ("supervisor", "admin", "leadership", "rnd")),
    ("reports.issues", _l("Product-quality problems"), ("technician", "supervisor", "admin", "leadership", "rnd")),
    ("notifications.index", _l("Notifications"), None),
    ("auth.settings", _l("Settings"), None),
]


def register(app: Flask) -> None:
    """Add filters and globals to Jinja."""

    app.add_template_global(timeline, "history_timeline")  # one date-ordered list of a record's history

    @app.template_filter("dt")
    def _dt(value: datetime | None, fmt: str = "short") -> str:
        """A UTC timestamp shown in the site's time zone."""
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("num")
    def _num(value) -> str:
        """A reading without a needless '.0', as the printed sheet shows it (30.0 → '30')."""
        return number_text(value)

    @app.template_filter("d")
    def _d(value: date | None, fmt: str = "medium") -> str:
        """A date in the reader's language."""
        return format_date(value, fmt) if value else ""

    def nav_items() -> list[tuple[str, str]]:
        """Menu entries the signed-in user may use and the app actually has."""
        from flask_login import current_user

        rules = app.view_functions
        return [
            (endpoint, label)
            for endpoint, label, roles in NAV
            if endpoint in rules and (roles is None or current_user.role in roles)
        ]

    @app.context_processor
    def _labels():
        return {
            "ROLE_LABELS": ROLE_LABELS,
            "CATEGORY_LABELS": CATEGORY_LABELS,
            "HANDOVER_LABELS": HANDOVER_LABELS,
            "CUSTOMER_KIND_LABELS": CUSTOMER_KIND_LABELS,
            **repair_vocabulary.labels(),
            "current_locale": str(get_locale() or "zh"),
            "nav_items": nav_items,
        }


def format_month(day: date) -> str:
    """A month as people write it: '2026年11月' in Chinese, 'November 2026' in English."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", day, locale=str(get_locale() or "zh"))
