"""Forms of the repair pages (the inbox filter; issue 5 adds the phone intake here)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .models import TICKET_SOURCES


class InboxFilterForm(FlaskForm):
    """Which tickets the inbox lists: open / all / closed, from which source."""

    class Meta:
        """A GET filter: no CSRF token needed."""

        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("open", _l("Open")), SelectChoice("all", _l("All")), SelectChoice("closed", _l("Closed"))],
        default="open",
    )
    source = SelectField(_l("Source"), choices=[SelectChoice("", _l("Any source"))] + [SelectChoice(s) for s in TICKET_SOURCES], default="")
