"""The field app's string catalogue: what its scripts show, in the request's language.

The app shell (`pwa.app_shell`) renders `catalogue()` into the page, and t("...") in the
scripts looks its English text up there. The strings of the core screens (customers, the
archive, the diary, scanning, signing, sync) are listed here; the repair and patrol screens
keep theirs beside their feature (`repairs/field_strings.py`, `maintenance/field_strings.py`,
`projects/field_strings.py`),
and the sync page its own (`sync_strings.py`).
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from .clock import site_zone
from .knowledge.field_strings import kb_js_strings
from .maintenance.field_strings import patrol_js_strings
from .maintenance.labels import ACTIVITY_LABELS
from .projects.field_strings import project_js_strings, project_labels
from .repairs.field_strings import repair_js_strings
from .repairs.vocabulary import CLASSIFICATION_LABELS
from .repairs.vocabulary import EVENT_LABELS as TICKET_EVENT_LABELS
from .repairs.vocabulary import STATUS_LABELS as TICKET_STATUS_LABELS
from .sync_strings import sync_js_strings
from .templating import CATEGORY_LABELS, CUSTOMER_KIND_LABELS, ROLE_LABELS


def current_lang() -> str:
    """The request language as the app names it: "zh" or "en"."""
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def catalogue() -> dict:
    """The field app's strings and labels in the request language, for the page's scripts."""
    return {
        "lang": current_lang(),
        "timezone": site_zone().key,
        "strings": js_strings(),
        "labels": {
            "category": {k: str(v) for k, v in CATEGORY_LABELS.items()},
            "ticket_status": {k: str(v) for k, v in TICKET_STATUS_LABELS.items()},
            "ticket_event": {k: str(v) for k, v in TICKET_EVENT_LABELS.items()},
            "classification": {k: str(v) for k, v in CLASSIFICATION_LABELS.items()},
            "activity": {k: str(v) for k, v in ACTIVITY_LABELS.items()},
            "customer_kind": {k: str(v) for k, v in CUSTOMER_KIND_LABELS.items()},
            "role": {k: str(v) for k, v in ROLE_LABELS.items()},
            **project_labels(),
        },
    }


def js_strings() -> dict[str, str]:
    """Every string the field app's scripts show, keyed by its English text (t("...") in JS)."""
    return (repair_js_strings() | core_js_strings() | patrol_js_strings() | sync_js_strings() | project_js_strings()
            | kb_js_strings())


def core_js_strings() -> dict[str, str]:
    """The strings of the core screens: customers, archive, diary, scanning, signing, sync."""
    return {
        "Acceptance date": _("Acceptance date"),
        "Address": _("Address"),
        "Brand": _("Brand"),
        "Cabinet": _("Cabinet"),
        "Cabinets": _("Cabinets"),
        "Cabinets: %(cabinets)s · Devices: %(devices)s": _("Cabinets: %(cabinets)s · Devices: %(devices)s"),
        "Camera view": _("Camera view"),
        "Choose photos": _("Choose photos"),
        "Choose the date.": _("Choose the date."),
        "Clear": _("Clear"),
        "Code": _("Code"),
        "Conflict": _("Conflict"),
        "Connecting…": _("Connecting…"),
        "Contacts": _("Contacts"),
        "Could not save on this device: %(reason)s": _("Could not save on this device: %(reason)s"),
        "Customer": _("Customer"),
        "Customer representative": _("Customer representative"),
        "Customer signature": _("Customer signature"),
        "Customers": _("Customers"),
        "Date": _("Date"),
        "Device": _("Device"),
        "Devices": _("Devices"),
        "Devices: %(n)s": _("Devices: %(n)s"),
        "Diary entry": _("Diary entry"),
        "Dismiss (the office keeps the server's copy)": _("Dismiss (the office keeps the server's copy)"),
        "Enter the name and role of the person who signed.": _("Enter the name and role of the person who signed."),
        "Export unsynced items": _("Export unsynced items"),
        "Field app": _("Field app"),
        "Filter devices": _("Filter devices"),
        "Find": _("Find"),
        "Get the customer's signature": _("Get the customer's signature"),
        "IP address": _("IP address"),
        "Image not on this device yet": _("Image not on this device yet"),
        "In warranty": _("In warranty"),
        "Installed on": _("Installed on"),
        "Items of another user waiting on this device: %(n)s. They are sent when that user signs in.": _("Items of another user waiting on this device: %(n)s. They are sent when that user signs in."),
        "Kept by the browser (persistent)": _("Kept by the browser (persistent)"),
        "Label code": _("Label code"),
        "Label code %(code)s does not belong to any cabinet or device on this device. It may be a customer not assigned to you, or a label made after the last sync.": _("Label code %(code)s does not belong to any cabinet or device on this device. It may be a customer not assigned to you, or a label made after the last sync."),
        "Last successful sync": _("Last successful sync"),
        "Let the customer read the entry, then sign below. A signed entry is locked.": _("Let the customer read the entry, then sign below. A signed entry is locked."),
        "Location": _("Location"),
        "May be cleared by the browser if space runs low; sync often": _("May be cleared by the browser if space runs low; sync often"),
        "Model": _("Model"),
        "My customers": _("My customers"),
        "Never": _("Never"),
        "New diary entry": _("New diary entry"),
        "New version of a diary entry": _("New version of a diary entry"),
        "No cabinets recorded.": _("No cabinets recorded."),
        "No contacts recorded.": _("No contacts recorded."),
        "No customers are assigned to you yet.": _("No customers are assigned to you yet."),
        "No devices recorded.": _("No devices recorded."),
        "No diary entries yet.": _("No diary entries yet."),
        "No diary entry yet today. Open a customer, cabinet or device to write one.": _("No diary entry yet today. Open a customer, cabinet or device to write one."),
        "No open repair tickets.": _("No open repair tickets."),
        "No photos.": _("No photos."),
        "No repair tickets for this device.": _("No repair tickets for this device."),
        "No sites recorded.": _("No sites recorded."),
        "Not found": _("Not found"),
        "Not on this device": _("Not on this device"),
        "Not signed yet.": _("Not signed yet."),
        "Not synced yet": _("Not synced yet"),
        "Notes": _("Notes"),
        "Nothing on this device matches “%(q)s”.": _("Nothing on this device matches “%(q)s”."),
        "Nothing written on this device yet.": _("Nothing written on this device yet."),
        "O&M Service": _("O&M Service"),
        "Office pages": _("Office pages"),
        "On the server": _("On the server"),
        "Open a customer, cabinet or device first.": _("Open a customer, cabinet or device first."),
        "Open repair tickets": _("Open repair tickets"),
        "Open the label online": _("Open the label online"),
        "Or type the code printed under the QR": _("Or type the code printed under the QR"),
        "Out of warranty": _("Out of warranty"),
        "Person in charge": _("Person in charge"),
        "Phone": _("Phone"),
        "Photo": _("Photo"),
        "Photo %(n)s": _("Photo %(n)s"),
        "Photos": _("Photos"),
        "Point the camera at the QR label.": _("Point the camera at the QR label."),
        "Protocol": _("Protocol"),
        "Quantity": _("Quantity"),
        "Queued": _("Queued"),
        "Receiving changes…": _("Receiving changes…"),
        "Rejected": _("Rejected"),
        "Remove photo %(n)s": _("Remove photo %(n)s"),
        "Repair ticket": _("Repair ticket"),
        "Repair tickets": _("Repair tickets"),
        "Replaces": _("Replaces"),
        "Room": _("Room"),
        "Save on this device": _("Save on this device"),
        "Saved %(time)s": _("Saved %(time)s"),
        "Scan a label": _("Scan a label"),
        "Scan again": _("Scan again"),
        "Scanned label": _("Scanned label"),
        "Search": _("Search"),
        "Search customers, cabinets, devices": _("Search customers, cabinets, devices"),
        "Sending": _("Sending"),
        "Sending…": _("Sending…"),
        "Serial number": _("Serial number"),
        "Service diary": _("Service diary"),
        "Show more": _("Show more"),
        "Sign and lock": _("Sign and lock"),
        "Sign in": _("Sign in"),
        "Sign in again": _("Sign in again"),
        "Sign out": _("Sign out"),
        "Sign the diary entry": _("Sign the diary entry"),
        "Signature": _("Signature"),
        "Signature of %(name)s": _("Signature of %(name)s"),
        "Signature pad": _("Signature pad"),
        "Signed": _("Signed"),
        "Signed by %(name)s (%(role)s) at %(time)s": _("Signed by %(name)s (%(role)s) at %(time)s"),
        "Signed — locked": _("Signed — locked"),
        "Signer's name": _("Signer's name"),
        "Signer's role": _("Signer's role"),
        "Site": _("Site"),
        "Sites": _("Sites"),
        "Software version": _("Software version"),
        "Something went wrong": _("Something went wrong"),
        "Starting the camera…": _("Starting the camera…"),
        "Storage": _("Storage"),
        "Supplier": _("Supplier"),
        "Sync": _("Sync"),
        "Sync now": _("Sync now"),
        "Synced": _("Synced"),
        "Syncing…": _("Syncing…"),
        "Take photo": _("Take photo"),
        "The camera is not available (%(reason)s). Type the label code instead.": _("The camera is not available (%(reason)s). Type the label code instead."),
        "The customer signs on the pad; enter their name and role.": _("The customer signs on the pad; enter their name and role."),
        "The last %(n)s attempts failed (%(reason)s). Your items stay on this device.": _("The last %(n)s attempts failed (%(reason)s). Your items stay on this device."),
        "The signed entry stays as it was; this new entry replaces it.": _("The signed entry stays as it was; this new entry replaces it."),
        "This QR code is not a label of this service.": _("This QR code is not a label of this service."),
        "This cabinet is not on this device.": _("This cabinet is not on this device."),
        "This customer is not on this device.": _("This customer is not on this device."),
        "This device holds no data yet. Connect to the network and sign in once; after that the app works offline.": _("This device holds no data yet. Connect to the network and sign in once; after that the app works offline."),
        "This diary entry is not on this device.": _("This diary entry is not on this device."),
        "This equipment record is not on this device.": _("This equipment record is not on this device."),
        "This file is not a photo the app can read.": _("This file is not a photo the app can read."),
        "This label is not on this device": _("This label is not on this device"),
        "This page is not part of the app.": _("This page is not part of the app."),
        "Today": _("Today"),
        "Today's service diary": _("Today's service diary"),
        "Undo": _("Undo"),
        "Uploading photos and signatures…": _("Uploading photos and signatures…"),
        "Waiting to sync": _("Waiting to sync"),
        "Warranty until": _("Warranty until"),
        "What was done": _("What was done"),
        "Write a new version": _("Write a new version"),
        "Write what you did today.": _("Write what you did today."),
        "You are offline. Everything stays on this device until the network is back.": _("You are offline. Everything stays on this device until the network is back."),
        "Your sign-in has expired. Nothing is lost: sign in again and sync resumes where it stopped.": _("Your sign-in has expired. Nothing is lost: sign in again and sync resumes where it stopped."),
        "You signed in with a temporary password. Nothing is lost: choose your own password and sync resumes where it stopped.": _("You signed in with a temporary password. Nothing is lost: choose your own password and sync resumes where it stopped."),
        "Change password": _("Change password"),
        "synced %(time)s": _("synced %(time)s"),
        # uxfield: signing on a phone held sideways
        "Done signing": _("Done signing"),
        "Tap the pad to sign on the whole screen.": _("Tap the pad to sign on the whole screen."),
    }
