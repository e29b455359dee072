"""The words of training and the seminar: kinds of training and how often each is due, the
sources of a seminar's agenda, the states of its problems, and their names.

The label tables are the only names of these codes: the pages read them, and the papers (the
attendance sheet, the minutes) read them under force_locale("zh").
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Kind(StrEnum):
    """A kind of training the seed asks the head to hold regularly (定期)."""

    VENDOR = "vendor"  # 产品供应商家的技术人员: the supplier's engineer on the products in use
    CHIEF_ENGINEER = "chief_engineer"  # 公司技术总工: products and the problems met on site
    ETHICS = "ethics"  # 职业道德
    SAFETY = "safety"  # 安全运维、文明运维 / 文明施工及安全施工


# How many months after a kind was last held it is due again. The seed says "regularly" and no
# more; these are the department's own rhythm, one place to change it.
INTERVAL_MONTHS = {Kind.VENDOR: 3, Kind.CHIEF_ENGINEER: 3, Kind.ETHICS: 6, Kind.SAFETY: 3}

KIND_LABELS = {
    Kind.VENDOR: _l("Vendor product training"),
    Kind.CHIEF_ENGINEER: _l("Chief engineer's training"),
    Kind.ETHICS: _l("Professional ethics"),
    Kind.SAFETY: _l("Safety and civil construction"),
}


class SessionState(StrEnum):
    """Where a training session stands: open for signatures, or closed (the sheet is final)."""

    OPEN = "open"
    CLOSED = "closed"


SESSION_STATE_LABELS = {SessionState.OPEN: _l("Collecting signatures"), SessionState.CLOSED: _l("Closed")}


class Source(StrEnum):
    """Where a problem on the seminar's agenda comes from."""

    DIFFICULT = "difficult"  # 疑难故障 of the month
    FACTORY_RETURN = "factory_return"  # 返厂维修 sent in the month
    REWORK = "rework"  # 返修: a repair done again after an unhappy follow-up
    REPEATED_MODEL = "repeated_model"  # one model failing again and again
    PATROL_FINDING = "patrol_finding"  # 巡查 findings
    CARRIED = "carried"  # unresolved at last month's seminar
    LESSON = "lesson"  # 心得: a colleague's own lesson
    OTHER = "other"  # raised in the meeting


SOURCE_LABELS = {
    Source.DIFFICULT: _l("Difficult fault"),
    Source.FACTORY_RETURN: _l("Factory return"),
    Source.REWORK: _l("Rework"),
    Source.REPEATED_MODEL: _l("Repeated failures of one model"),
    Source.PATROL_FINDING: _l("Patrol finding"),
    Source.CARRIED: _l("Carried over from last month"),
    Source.LESSON: _l("Lesson (心得)"),
    Source.OTHER: _l("Raised in the meeting"),
}


class ItemStatus(StrEnum):
    """A problem's status: open and in-progress problems carry over to next month's seminar."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SOLVED = "solved"


ITEM_STATUS_LABELS = {
    ItemStatus.OPEN: _l("Open"),
    ItemStatus.IN_PROGRESS: _l("In progress"),
    ItemStatus.SOLVED: _l("Solved"),
}
UNSOLVED = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


class SeminarState(StrEnum):
    """A seminar is drafted, then its minutes are issued (and no longer change)."""

    DRAFT = "draft"
    ISSUED = "issued"


SEMINAR_STATE_LABELS = {SeminarState.DRAFT: _l("Agenda drafted"), SeminarState.ISSUED: _l("Minutes issued")}


def labels() -> dict:
    """The label tables, for the templates."""
    return {
        "TRAINING_KIND_LABELS": KIND_LABELS,
        "TRAINING_STATE_LABELS": SESSION_STATE_LABELS,
        "SEMINAR_SOURCE_LABELS": SOURCE_LABELS,
        "SEMINAR_ITEM_STATUS_LABELS": ITEM_STATUS_LABELS,
        "SEMINAR_STATE_LABELS": SEMINAR_STATE_LABELS,
    }
