"""Who uses which maintenance pages."""
from __future__ import annotations

from ..auth.models import Role

EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)  # plan, reassign, edit checklists
CALENDAR_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN)  # the calendar, reviews, figures
REVIEW_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)  # accept or return a handed-in sheet
