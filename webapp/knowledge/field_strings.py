"""Strings of the field app's knowledge-base screens (static/js/views-knowledge.js), for its
catalogue (webapp/field_strings.py merges them; strings other views use are listed there once)."""
from __future__ import annotations

from flask_babel import gettext as _


def kb_js_strings() -> dict[str, str]:
    """Every string only the knowledge-base screens show, keyed by its English text."""
    return {
        "%(n)s articles on this device, about the devices at your schools.":
            _("%(n)s articles on this device, about the devices at your schools."),
        "Articles that may help": _("Articles that may help"),
        "Kind of device": _("Kind of device"),
        "Knowledge base": _("Knowledge base"),
        "Known issues for this model": _("Known issues for this model"),
        "Models": _("Models"),
        "No article on this device matches this fault.": _("No article on this device matches this fault."),
        "No article on this device matches “%(q)s”.": _("No article on this device matches “%(q)s”."),
        "No known issues for this model.": _("No known issues for this model."),
        "No knowledge-base articles on this device yet.": _("No knowledge-base articles on this device yet."),
        "Search the knowledge base": _("Search the knowledge base"),
        "Software versions": _("Software versions"),
        "Solution": _("Solution"),
        "Symptom, brand or model": _("Symptom, brand or model"),
        "Symptoms": _("Symptoms"),
        "This article is not on this device.": _("This article is not on this device."),
        "Written from": _("Written from"),
    }
