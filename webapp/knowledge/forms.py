"""The article form (the office pages): lists are written one entry a line."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..archive.models import DEVICE_CATEGORIES
from ..templating import CATEGORY_LABELS


class ArticleForm(FlaskForm):
    """An article's content; the services check it again (one set of rules)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    symptoms = TextAreaField(_l("Symptoms"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    cause = TextAreaField(_l("Cause"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    solution = TextAreaField(_l("Solution"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    steps = TextAreaField(_l("Steps (one a line)"), validators=[Optional(), Length(max=15000)], render_kw={"rows": 5})
    device_category = SelectField(_l("Kind of device"), validators=[Optional()])
    brand = StringField(_l("Brand"), validators=[Optional(), Length(max=100)])
    models = TextAreaField(_l("Models (one a line; a model covers every model that starts with it)"),
                           validators=[Optional(), Length(max=2100)], render_kw={"rows": 2, "spellcheck": "false"})
    software_versions = TextAreaField(_l("Software versions (one a line)"), validators=[Optional(), Length(max=2100)],
                                      render_kw={"rows": 2, "spellcheck": "false"})
    base_version = HiddenField()

    def __init__(self, *args, **kwargs):
        """Offer the device categories with their names."""
        super().__init__(*args, **kwargs)
        self.device_category.choices = [("", "—")] + [(c, str(CATEGORY_LABELS.get(c, c))) for c in DEVICE_CATEGORIES]

    def fill(self, content: dict) -> None:
        """Show an article's (or a prefill's) content, lists one entry a line."""
        for name in ("title", "symptoms", "cause", "solution", "device_category", "brand"):
            getattr(self, name).data = content.get(name) or ""
        for name in ("steps", "models", "software_versions"):
            getattr(self, name).data = "\n".join(content.get(name) or [])

    def content(self) -> dict:
        """The content as the services take it."""
        return {name: getattr(self, name).data or "" for name in
                ("title", "symptoms", "cause", "solution", "steps", "device_category", "brand", "models", "software_versions")}


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only): publish, write from a ticket."""
