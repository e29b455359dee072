"""Installation projects in tests: the people of a project and a builder that walks it through the flow.

`ProjectPeople.make()` makes marketing, a head, a team (leader + member), an acceptance team member
and an office user; `walk(people, until)` opens a project and takes it step by step up to a status
(`opened`, `team_assigned`, `entry_met`, `internal_passed`, `external_passed`, `completed`), through
the verbs, committing after each step like a request would. `sign(...)` files a signature with an
image, as a device would.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sync.blobs import receive_blob
from tests.support.factories import make_customer, make_user
from tests.support.maintenance import signature_png
from webapp.auth.models import Role, User
from webapp.documents import signing
from webapp.documents.signed_content import signed_content_sha256
from webapp.extensions import db
from webapp.projects import handover, rounds, services
from webapp.projects.models import FLOW, Project

DAY = date(2026, 11, 20)


@dataclass
class ProjectPeople:
    """Who works on a test project."""

    market: User
    head: User
    leader: User
    member: User
    acceptor: User
    office: User

    @classmethod
    def make(cls) -> "ProjectPeople":
        """Fresh users in each role."""
        return cls(make_user(Role.MARKETING), make_user(Role.SUPERVISOR), make_user(Role.TECHNICIAN),
                   make_user(Role.TECHNICIAN), make_user(Role.QUALITY), make_user(Role.OFFICE))


def store_image(user: User, data: bytes | None = None) -> str:
    """Upload an image as a device would; returns its SHA-256."""
    data = data or signature_png()
    digest = hashlib.sha256(data).hexdigest()
    receive_blob(digest, io.BytesIO(data), len(data), user)
    db.session.commit()
    return digest


def sign(user: User, kind: str, document_id: str, role: str, name: str, image: bytes | None = None):
    """A signature (with its image) on a project paper, committed."""
    digest = store_image(user, image)
    signature = signing.create_signature(user, {
        "document_kind": kind, "document_id": document_id, "signer_name": name, "signer_role": role,
        "signed_at": datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc),
        "content_sha256": signed_content_sha256(kind, document_id) or "0" * 64,
        "image_sha256": digest,
    })
    db.session.commit()
    return signature


def items(*oks: bool, key: str = "label") -> list[dict]:
    """Checklist items with these verdicts."""
    return [{key: f"检查项{i + 1}", "ok": ok, "note": "" if ok else "不满足"} for i, ok in enumerate(oks)]


def open_project(people: ProjectPeople, **data) -> Project:
    """Marketing opens a project for an existing school."""
    customer = data.pop("customer", None) or make_customer()
    values = {"customer_id": customer.id, "name": "智慧校园一期", "contract_no": "ZB-2026-001", "tendered": True, **data}
    project = services.open_project(people.market, values)
    db.session.commit()
    return project


def walk(people: ProjectPeople, until: str, project: Project | None = None, **data) -> Project:
    """Open a project and take it through the flow up to `until`."""
    project = project or open_project(people, **data)
    target = FLOW.index(until)
    steps = [
        lambda: services.assign_team(people.head, project, people.leader.id, [people.member.id]),
        lambda: (services.file_plan(people.leader, project, {"scheme": "按图施工", "milestones": [
                     {"name": "布线", "planned_start": "2026-11-21", "planned_end": "2026-11-25"},
                     {"name": "设备安装", "planned_end": "2026-11-30"}]}),
                 rounds.record_entry_review(people.leader, {"project_id": project.id, "reviewed_on": DAY,
                                                            "items": items(True, True)}),
                 services.appoint_acceptance_team(people.head, project, [people.acceptor.id])),
        lambda: rounds.record_internal_acceptance(people.acceptor, {"project_id": project.id, "checked_on": DAY,
                                                                    "items": items(True, key="name")}),
        lambda: rounds.record_external_acceptance(people.market, {"project_id": project.id, "held_on": date(2026, 11, 27),
                                                                  "passed": True, "school_representative": "王校长"}),
        lambda: _finish(people, project),
    ]
    for step in steps[:target]:
        step()
        db.session.commit()
    return project


def _finish(people: ProjectPeople, project: Project) -> None:
    """Report, hand-over and archive: the project completes."""
    handover.add_device(people.office, project, {"site_name": "主校区", "cabinet_name": "1号机柜", "name": "核心交换机",
                                                 "category": "switch", "brand": "华为", "model": "S5735"})
    report = rounds.write_report(people.leader, {"project_id": project.id, "summary": "工程按期完成"})
    db.session.commit()
    sign(people.leader, "project_report", report.id, "leader", people.leader.display_name)
    for item in handover.items_of(project):
        handover.check_handover_item(people.member, item)
    receipt = handover.record_handover(people.member, {"project_id": project.id, "handed_on": date(2026, 11, 28),
                                                      "received_by": "李老师"})
    db.session.commit()
    sign(people.member, "project_handover", receipt.id, "school", "李老师")
    handover.archive_project(people.head, project)
