"""Installation projects on the device: the projects of the technician's team (pull only) and
the team's site records, pushed as submissions through the projects verbs.

Scope: a technician's device pulls a project, its team, its plan and its site records when the
technician is on the project's installation or acceptance team (`rules.team_project_ids`), on
top of the customer scope (picking the team assigns its technicians to the school).

- `project`, `project_member`: read only; the office pages change them (team, status, hold).
- `project_milestone`: the plan; the team notes actual dates from the device (`record_progress`).
- `project_entry_review` (进场条件审查, a round: items met or not, notes, photos, the reviewer's
  signature), `project_log` (施工日志), `project_change` (变更, the head is told at once),
  `project_training` (培训 with every trainee's signature, `trainee-n`),
  `project_internal_acceptance` (内部验收, a round) and `project_rectification` (a failed
  acceptance round reported rectified): append-only; each is one call of its verb, which checks
  the team, the project's status and the round's number (the server numbers rounds).
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from webapp.projects import rounds, services
from webapp.projects.models import (
    Change,
    EntryReview,
    InternalAcceptance,
    LogEntry,
    Milestone,
    Project,
    ProjectMember,
    Rectification,
    Training,
)
from webapp.projects.rules import team_project_ids

from ..registry import SHARED, SUBMISSION, SyncContext, register_kind

# Set by the server on every project record: the school, the author, a round's number.
SERVER_SET = ("customer_id", "author_id", "round")
UUID = validate.Length(equal=36)


def of_my_projects(model):
    """A technician's device keeps the records of the projects whose team includes them."""

    def relevant(user) -> list:
        """Rows of projects on the user's installation or acceptance team."""
        column = model.id if model is Project else model.project_id
        return [column.in_(team_project_ids(user))]

    relevant.__doc__ = f"{model.__name__} rows of the projects whose team includes the user."
    return relevant


def record_progress(ctx: SyncContext, milestone: Milestone, changes: dict) -> Milestone:
    """A milestone's actual start or end, noted by the team."""
    return services.record_progress(ctx.user, milestone, changes)


def submitted(verb):
    """A create function handing the pushed data to one projects verb."""

    def create(ctx: SyncContext, record_id: str, data: dict) -> Any:
        """Hand the record to its projects verb (team, status and round checked there)."""
        return verb(ctx.user, data, record_id)

    create.__doc__ = f"Hand the record to `{verb.__module__}.{verb.__name__}`."
    return create


def register_submission(name: str, model, verb, *, required=(), extra=None, names_project: bool = True,
                        description: str = "") -> None:
    """Register one of the team's site records: append-only, created by its verb, in the team's scope.
    A record that does not name its project (a rectification names its round) gets it from the server."""
    project = {"project_id": fields.String(required=True, validate=UUID)} if names_project else {}
    register_kind(
        name,
        model,
        record_type=SUBMISSION,
        create=submitted(verb),
        read_only=SERVER_SET if names_project else (*SERVER_SET, "project_id"),
        create_only=(),
        required=(*project, *required),
        relevant=of_my_projects(model),
        extra_fields={**project, **(extra or {})},
        description=description,
    )


ITEMS = fields.List(fields.Dict(keys=fields.String()), required=True, validate=validate.Length(min=1, max=100))

register_kind(
    "project",
    Project,
    record_type=SHARED,
    relevant=of_my_projects(Project),
    description="An installation project of the user's team: the school, where the flow stands. Pull only.",
)
register_kind(
    "project_member",
    ProjectMember,
    record_type=SHARED,
    relevant=of_my_projects(ProjectMember),
    description="A person on a project's installation team or acceptance team (duty). Pull only.",
)
register_kind(
    "project_milestone",
    Milestone,
    record_type=SHARED,
    update=record_progress,
    read_only=[*SERVER_SET, "project_id", "position", "name", "planned_start", "planned_end"],
    relevant=of_my_projects(Milestone),
    description="A milestone of a project's work plan; the team sets its actual dates (update).",
)
register_submission(
    "project_entry_review", EntryReview, rounds.record_entry_review, required=("reviewed_on", "items"),
    extra={"items": ITEMS},
    description="A round of the site-entry review: items met or not, notes; photos and the reviewer's "
                "signature attach to it. A submission.",
)
register_submission(
    "project_log", LogEntry, services.add_log_entry, required=("date", "text"),
    description="A day's entry in a project's site log. A submission.",
)
register_submission(
    "project_change", Change, services.record_change, required=("what", "why"),
    extra={"milestones": fields.List(fields.Dict(keys=fields.String()))},
    description="A change on site (what, why, effect on the plan); the department head is told. A submission.",
)
register_submission(
    "project_training", Training, services.record_training, required=("held_on", "topics", "trainer", "trainees"),
    extra={"trainees": fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=40))},
    description="Operator training on site; each trainee signs (signature role trainee-n). A submission.",
)
register_submission(
    "project_internal_acceptance", InternalAcceptance, rounds.record_internal_acceptance,
    required=("checked_on", "items"),
    extra={"items": ITEMS},
    description="A round of internal acceptance, item by item. A submission.",
)
register_submission(
    "project_rectification", Rectification, rounds.report_rectified, required=("round_kind", "round_id", "note"),
    names_project=False,
    description="A failed round reported rectified (the team, after an internal acceptance). A submission.",
)
