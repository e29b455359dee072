"""Strings and labels of the field app's project screens (static/js: view-project, view-project-rounds,
view-project-notes, view-project-training, project-words, project-rules), for its catalogue.

webapp/field_strings.py merges them into what the app shell carries. The labels name the
project's statuses (`rules.STATUS_LABELS`), its standards, what it waits for and the checklists
the team fills offline: the site-entry conditions (进场条件) and the internal acceptance items
(内部验收项目). A round keeps each item's words as the reader saw them (the server stores the
label with the answer), so a later change to these lists never changes a filed round.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .rules import STATUS_LABELS

STANDARD_LABELS = {
    "contract": _l("The contract's standard (tendered)"),
    "company": _l("The company's own plan"),
}

# What a project waits for, by status (and two states the device tells apart): the lines of
# `rules.waiting_for` that the team's device can know offline.
WAITING_LABELS = {
    "opened": _l("The department head picks the installation team and its leader."),
    "team_assigned": _l("The team reviews the site-entry conditions."),
    "entry_failed": _l("Marketing has the school rectify the site-entry conditions."),
    "entry_met": _l("The team installs; the acceptance team accepts the work."),
    "acceptance_failed": _l("The team rectifies the failed acceptance items."),
    "internal_passed": _l("Marketing, the team leader and the school hold the external acceptance."),
    "external_passed": _l("The team checks off the hand-over items; the school signs the receipt."),
    "completed": _l("Completed"),
    "on_hold": _l("On hold"),
    "cancelled": _l("Cancelled"),
}

# 工程安装调试进场条件审查单: what must hold before the team enters the site.
ENTRY_CONDITIONS = {
    "drawings": _l("Drawings and system design confirmed with the school"),
    "building": _l("Building and decoration work ready for installation"),
    "conduits": _l("Conduits, trunking and cable trays in place"),
    "equipment_room": _l("Equipment room ready (power, air conditioning, earthing)"),
    "site_power": _l("Site power and a place to store materials arranged"),
    "schedule": _l("School contact and working hours agreed"),
    "safety": _l("Safety measures for the site in place"),
}

# 内部验收: what the acceptance team checks, item by item.
ACCEPTANCE_ITEMS = {
    "mounting": _l("Devices firmly mounted where the drawings place them"),
    "cabling": _l("Cabling neat, tied and labelled at both ends"),
    "cabinets": _l("Cabinets tidy, earthed, with their labels"),
    "functions": _l("Every system function tested and working"),
    "settings": _l("Device settings, addresses and software versions recorded"),
    "documents": _l("Drawings as built and documents complete"),
    "clean_site": _l("Site cleaned up"),
}


def project_labels() -> dict[str, dict[str, str]]:
    """The label groups the project screens read (label(group, code) in JS)."""
    groups = {
        "project_status": STATUS_LABELS,
        "project_standard": STANDARD_LABELS,
        "project_waiting": WAITING_LABELS,
        "project_entry_condition": ENTRY_CONDITIONS,
        "project_acceptance_item": ACCEPTANCE_ITEMS,
    }
    return {name: {k: str(v) for k, v in labels.items()} for name, labels in groups.items()}


def project_js_strings() -> dict[str, str]:
    """Every string the project views show, keyed by its English text."""
    return {
        "%(n)s people": _("%(n)s people"),
        "Add a trainee": _("Add a trainee"),
        "Answer every item.": _("Answer every item."),
        "At least one trainee signs.": _("At least one trainee signs."),
        "Changes": _("Changes"),
        "Contract or tender number": _("Contract or tender number"),
        "Done: %(date)s": _("Done: %(date)s"),
        "Each trainee enters their name and signs: %(who)s.": _("Each trainee enters their name and signs: %(who)s."),
        "Each trainee writes their name and signs on the tablet. The record is locked once saved.":
            _("Each trainee writes their name and signs on the tablet. The record is locked once saved."),
        "Effect on the plan": _("Effect on the plan"),
        "Enter the trainer's name.": _("Enter the trainer's name."),
        "Entry conditions met": _("Entry conditions met"),
        "Entry conditions not met": _("Entry conditions not met"),
        "Fill in the marked fields.": _("Fill in the marked fields."),
        "In progress": _("In progress"),
        "Installation project": _("Installation project"),
        "Installation projects": _("Installation projects"),
        "Internal acceptance": _("Internal acceptance"),
        "Items to rectify": _("Items to rectify"),
        "Late": _("Late"),
        "Met": _("Met"),
        "My installation projects": _("My installation projects"),
        "New round": _("New round"),
        "No acceptance round yet.": _("No acceptance round yet."),
        "No changes recorded.": _("No changes recorded."),
        "No entry review yet.": _("No entry review yet."),
        "No project in progress.": _("No project in progress."),
        "No site log yet.": _("No site log yet."),
        "No training recorded.": _("No training recorded."),
        "No work plan filed yet.": _("No work plan filed yet."),
        "Not accepted": _("Not accepted"),
        "Not done yet": _("Not done yet"),
        "Not met": _("Not met"),
        "Operator training": _("Operator training"),
        "Plan against progress": _("Plan against progress"),
        "Planned: %(date)s": _("Planned: %(date)s"),
        "Record a change": _("Record a change"),
        "Rectified": _("Rectified"),
        "Report the items rectified": _("Report the items rectified"),
        "Result": _("Result"),
        "Review the entry conditions": _("Review the entry conditions"),
        "Round %(n)s": _("Round %(n)s"),
        "Say what must be rectified.": _("Say what must be rectified."),
        "Sign to confirm the review. A signed round is locked.": _("Sign to confirm the review. A signed round is locked."),
        "Signed: %(signed)s of %(all)s": _("Signed: %(signed)s of %(all)s"),
        "Site log": _("Site log"),
        "Site-entry review": _("Site-entry review"),
        "Site-entry reviews": _("Site-entry reviews"),
        "Some items still need an answer or a note; they are marked.":
            _("Some items still need an answer or a note; they are marked."),
        "Standard": _("Standard"),
        "Team": _("Team"),
        "Team leader": _("Team leader"),
        "The acceptance team accepts again once the failed items are reported rectified.":
            _("The acceptance team accepts again once the failed items are reported rectified."),
        "The department head is told of the change as soon as it reaches the server.":
            _("The department head is told of the change as soon as it reaches the server."),
        "The reviewer enters their name and signs.": _("The reviewer enters their name and signs."),
        "The reviewer's signature": _("The reviewer's signature"),
        "This checklist is not on this device.": _("This checklist is not on this device."),
        "This project is not on this device.": _("This project is not on this device."),
        "Topics": _("Topics"),
        "Trainee %(n)s": _("Trainee %(n)s"),
        "Trainee's name": _("Trainee's name"),
        "Trainees' signatures": _("Trainees' signatures"),
        "Trainer": _("Trainer"),
        "What changed": _("What changed"),
        "What must be rectified": _("What must be rectified"),
        "What was done today": _("What was done today"),
        "What was rectified": _("What was rectified"),
        "Where it stands": _("Where it stands"),
        "Completion report and hand-over (online)": _("Completion report and hand-over (online)"),
        "Who worked on site": _("Who worked on site"),
        "Why": _("Why"),
        "Write the site log": _("Write the site log"),
        "Write what the training covered.": _("Write what the training covered."),
        "You": _("You"),
    }
