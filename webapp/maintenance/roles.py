"""Who uses which maintenance pages."""
from __future__ import annotations

from ..auth.models import Role

EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)  # plan, reassign, edit checklists
CALENDAR_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN)  # the calendar, reviews, figures
REVIEW_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)  # accept or return a handed-in sheet
# Fair inputs to the appraisal: who may fill which check (quality.check_performer).
QUALITY_TEAM_ROLES = (Role.QUALITY,)  # spot checks and the year-end inspection
HEAD_ROLES = (Role.SUPERVISOR,)  # the quarterly inspection, with the school's leaders
