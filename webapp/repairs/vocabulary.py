"""The words of a repair ticket's life: its steps, statuses and kinds of fault, and their names.

The codes are StrEnums, so `Event.ASSIGNED` (a step) and `Status.ASSIGNED` (where a ticket
stands) read apart while both are the string "assigned" in the database and on the wire. The
label tables here are the only names of these codes: the pages, the field app's catalogue and
the signed repair form (under force_locale("zh")) all read them.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Event(StrEnum):
    """A kind of step in a ticket's life (`repair_event.type`)."""

    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    ARRIVED = "arrived"
    CLASSIFIED = "classified"
    SUPERVISOR_INFORMED = "supervisor_informed"
    ESCALATION_DECISION = "escalation_decision"
    SENT_TO_FACTORY = "sent_to_factory"
    RETURNED_FROM_FACTORY = "returned_from_factory"
    QUOTE_RECORDED = "quote_recorded"
    QUOTE_APPROVED = "quote_approved"
    QUOTE_DECLINED = "quote_declined"
    RESOLVED = "resolved"
    CUSTOMER_SIGNED = "customer_signed"
    FOLLOW_UP_RECORDED = "follow_up_recorded"
    CLOSED = "closed"
    REWORK_OPENED = "rework_opened"


class Status(StrEnum):
    """Where a ticket stands (`repair_ticket.status`), the fold of its steps."""

    REPORTED = "reported"
    ASSIGNED = "assigned"
    REWORK = "rework"
    ON_SITE = "on_site"
    CLASSIFIED = "classified"
    ESCALATED = "escalated"
    WAITING_FACTORY = "waiting_factory"
    BACK_FROM_FACTORY = "back_from_factory"
    WAITING_APPROVAL = "waiting_approval"
    APPROVED = "approved"
    RESOLVED = "resolved"
    SIGNED = "signed"
    FOLLOWED_UP = "followed_up"
    UNSATISFIED = "unsatisfied"
    CLOSED = "closed"


class Fault(StrEnum):
    """The kind of fault the technician classifies on site (`repair_ticket.category`)."""

    GENERAL = "general"
    FACTORY_RETURN = "factory_return"
    DIFFICULT = "difficult"
    VANDALISM = "vandalism"
    OUT_OF_WARRANTY = "out_of_warranty"


EVENT_TYPES = tuple(Event)
STATUSES = tuple(Status)
CLASSIFICATIONS = tuple(Fault)
QUOTE_CLASSES = (Fault.VANDALISM, Fault.OUT_OF_WARRANTY)
# Filed categories beyond the kinds of fault: why a ticket was closed with nothing repaired by it.
QUOTE_DECLINED_CATEGORY = "quote_declined"
REWORKED_CATEGORY = "reworked"  # closed because the repair is done again under a linked ticket
FOLLOW_UP_RESULTS = ("satisfied", "not_satisfied")
DECIDED_WITH = ("colleagues", "vendor")

BEFORE_ARRIVAL = frozenset({Status.REPORTED, Status.ASSIGNED, Status.REWORK})
AT_WORK = frozenset({Status.ON_SITE, Status.CLASSIFIED, Status.ESCALATED, Status.WAITING_FACTORY,
                     Status.BACK_FROM_FACTORY, Status.WAITING_APPROVAL, Status.APPROVED})
REPAIRED = frozenset({Status.RESOLVED, Status.SIGNED, Status.FOLLOWED_UP, Status.UNSATISFIED})
OPEN_STATUSES = tuple(s for s in Status if s != Status.CLOSED)

STATUS_LABELS = {
    Status.REPORTED: _l("Reported"),
    Status.ASSIGNED: _l("Assigned"),
    Status.REWORK: _l("Rework"),
    Status.ON_SITE: _l("On site"),
    Status.CLASSIFIED: _l("Classified"),
    Status.ESCALATED: _l("Escalated to the supervisor"),
    Status.WAITING_FACTORY: _l("At the factory"),
    Status.BACK_FROM_FACTORY: _l("Back from the factory"),
    Status.WAITING_APPROVAL: _l("Waiting for quote approval"),
    Status.APPROVED: _l("Quote approved"),
    Status.RESOLVED: _l("Resolved"),
    Status.SIGNED: _l("Signed by the customer"),
    Status.FOLLOWED_UP: _l("Followed up"),
    Status.UNSATISFIED: _l("Customer not satisfied"),
    Status.CLOSED: _l("Closed"),
}
CLASSIFICATION_LABELS = {
    Fault.GENERAL: _l("General problem"),
    Fault.FACTORY_RETURN: _l("Factory return"),
    Fault.DIFFICULT: _l("Difficult fault"),
    Fault.VANDALISM: _l("Vandalism"),
    Fault.OUT_OF_WARRANTY: _l("Out of warranty"),
    QUOTE_DECLINED_CATEGORY: _l("Quote declined"),
    REWORKED_CATEGORY: _l("Reworked under a new ticket"),
}
EVENT_LABELS = {
    Event.ASSIGNED: _l("Assigned"),
    Event.ACCEPTED: _l("Ticket accepted"),
    Event.ARRIVED: _l("Arrived on site"),
    Event.CLASSIFIED: _l("Fault classified"),
    Event.SUPERVISOR_INFORMED: _l("Supervisor informed"),
    Event.ESCALATION_DECISION: _l("Solution decided"),
    Event.SENT_TO_FACTORY: _l("Sent to the factory"),
    Event.RETURNED_FROM_FACTORY: _l("Back from the factory"),
    Event.QUOTE_RECORDED: _l("Quote recorded"),
    Event.QUOTE_APPROVED: _l("Quote approved"),
    Event.QUOTE_DECLINED: _l("Quote declined"),
    Event.RESOLVED: _l("Resolved"),
    Event.CUSTOMER_SIGNED: _l("Signed by the customer"),
    Event.FOLLOW_UP_RECORDED: _l("Follow-up call"),
    Event.CLOSED: _l("Closed and filed"),
    Event.REWORK_OPENED: _l("Rework opened"),
}
SOURCE_LABELS = {
    "phone": _l("Phone call"),
    "public_qr": _l("Public QR page"),
    "office": _l("Office"),
    "patrol": _l("Found on patrol"),
    "technician": _l("Technician"),
    "rework": _l("Rework"),
}


def labels() -> dict:
    """The tables above, for the templates' context."""
    return {
        "TICKET_STATUS_LABELS": STATUS_LABELS,
        "TICKET_EVENT_LABELS": EVENT_LABELS,
        "TICKET_SOURCE_LABELS": SOURCE_LABELS,
        "CLASSIFICATION_LABELS": CLASSIFICATION_LABELS,
    }
