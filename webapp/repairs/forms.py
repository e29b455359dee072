"""Forms of the repair pages (the inbox filter; issue 5 adds the phone intake here)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from .models import TICKET_SOURCES

STATUS_FILTERS = ("open", "all", "closed")


class InboxFilterForm(FlaskForm):
    """Which tickets the inbox lists: open / all / closed, from which source."""

    class Meta:
        """A GET filter: no CSRF token needed."""

        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[("open", _l("Open")), ("all", _l("All")), ("closed", _l("Closed"))],
        default="open",
    )
    source = SelectField(_l("Source"), choices=[("", _l("Any source"))] + [(s, s) for s in TICKET_SOURCES], default="")
