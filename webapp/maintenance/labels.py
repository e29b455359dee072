"""Translated labels for the codes of proactive service, for pages and forms."""
from flask_babel import lazy_gettext as _l

ACTIVITY_LABELS = {
    "monthly_patrol": _l("Monthly patrol"),
    "semi_annual_maintenance": _l("Semi-annual maintenance"),
    "quarterly_inspection": _l("Quarterly inspection"),
    "spot_check": _l("Spot check"),
    "year_end_inspection": _l("Year-end inspection"),
    "other": _l("Other"),
}

APPLIES_TO_LABELS = {
    "site": _l("The whole site"),
    "each_cabinet": _l("Each cabinet"),
    "devices_of_category": _l("Devices of one category"),
}

ITEM_TYPE_LABELS = {
    "pass_flag_fail": _l("Pass / flag / fail"),
    "yes_no": _l("Yes / no"),
    "number": _l("Number (reading)"),
    "text": _l("Text"),
    "single_choice": _l("Single choice"),
    "photo": _l("Photo"),
    "software_upgrade": _l("Software upgrade (records new versions on devices)"),
}

PHOTO_RULE_LABELS = {
    "none": _l("No photo"),
    "optional": _l("Photo optional"),
    "on_flag": _l("Photo required when flagged"),
    "required": _l("Photo required"),
}

VISIT_STATE_LABELS = {
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}

INSPECTION_STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "received": _l("Received"),
    "has_issues": _l("Has issues"),
    "accepted": _l("Accepted"),
}

HISTORY_ACTION_LABELS = {
    "rescheduled": _l("Rescheduled"),
    "reassigned": _l("Reassigned"),
    "cancelled": _l("Cancelled"),
    "done": _l("Done"),
    "reopened": _l("Reopened"),
    "no_signature": _l("Customer did not sign"),
}

AUTO_REASON_LABELS = {
    "plan_owner_changed": _l("The plan has a new responsible person."),
    "plan_stopped": _l("The plan was stopped."),
    "plan_restarted": _l("The plan was started again."),
}

ANSWER_LABELS = {
    "pass": _l("Pass"),
    "flag": _l("Flag"),
    "fail": _l("Fail"),
    "yes": _l("Yes"),
    "no": _l("No"),
}


def labels() -> dict:
    """Everything above, for the templates' context."""
    return {
        "ACTIVITY_LABELS": ACTIVITY_LABELS,
        "APPLIES_TO_LABELS": APPLIES_TO_LABELS,
        "ITEM_TYPE_LABELS": ITEM_TYPE_LABELS,
        "PHOTO_RULE_LABELS": PHOTO_RULE_LABELS,
        "VISIT_STATE_LABELS": VISIT_STATE_LABELS,
        "INSPECTION_STATE_LABELS": INSPECTION_STATE_LABELS,
        "HISTORY_ACTION_LABELS": HISTORY_ACTION_LABELS,
        "AUTO_REASON_LABELS": AUTO_REASON_LABELS,
        "ANSWER_LABELS": ANSWER_LABELS,
    }
