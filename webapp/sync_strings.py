"""Strings of the field app's sync page, update banner and first-sync notes (view-sync.js, sw-client.js, view-today.js)."""
from __future__ import annotations

from flask_babel import gettext as _


def sync_js_strings() -> dict[str, str]:
    """The sync page's and the update banner's strings in the request language."""
    return {
        "Save or leave the form you are filling in first, then reload.":
            _("Save or leave the form you are filling in first, then reload."),
        "Sync is not working.": _("Sync is not working."),
        "It has failed %(n)s times in a row since %(time)s: %(reason)s":
            _("It has failed %(n)s times in a row since %(time)s: %(reason)s"),
        "Items waiting on this device: %(n)s. They are safe here; if this goes on, export them and send the file to the office.":
            _("Items waiting on this device: %(n)s. They are safe here; if this goes on, export them and send the file to the office."),
        "Nothing is waiting on this device.": _("Nothing is waiting on this device."),
        "Repair tickets are still arriving with the first sync.":
            _("Repair tickets are still arriving with the first sync."),
        "Your schools are still arriving with the first sync.":
            _("Your schools are still arriving with the first sync."),
        "the server cannot be reached (no network, or the server is down).":
            _("the server cannot be reached (no network, or the server is down)."),
        "the server has a problem (%(reason)s). Tell the office.":
            _("the server has a problem (%(reason)s). Tell the office."),
        "the server refused the request (%(reason)s). Tell the office.":
            _("the server refused the request (%(reason)s). Tell the office."),
        # uxfield: every kind in words, and a heading that is not the checklist's "items"
        "Sheet": _("Sheet"),
        "Repair step": _("Repair step"),
        "Records on this device": _("Records on this device"),
    }
