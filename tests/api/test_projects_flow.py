"""An installation project from marketing's request to a school in the archive: each transition, the
steps refused out of turn or to the wrong role, and the internal acceptance's loop."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.factories import make_customer
from tests.support.projects import DAY, ProjectPeople, items, walk
from webapp.archive.models import Cabinet, Device, HandoverItem, Site
from webapp.errors import DomainError, Forbidden
from webapp.extensions import db
from webapp.projects import handover, rounds, rules, services
from webapp.projects.models import (
    COMPLETED, ENTRY_MET, EXTERNAL_PASSED, INTERNAL_PASSED, OPENED, ExternalAcceptance, InternalAcceptance, Project,
)


def test_a_project_walks_from_opening_to_completed_and_lands_in_the_archive(app):
    people = ProjectPeople.make()
    project = walk(people, OPENED)
    assert project.status == OPENED and project.marketing_id == people.market.id
    project = walk(people, COMPLETED, project)
    assert project.status == COMPLETED and project.completed_at is not None
    customer = project.customer
    assert customer.acceptance_date.isoformat() == "2026-11-27"
    assert [s.name for s in db.session.scalars(select(Site).where(Site.customer_id == customer.id))] == ["主校区"]
    cabinet = db.session.scalars(select(Cabinet).where(Cabinet.customer_id == customer.id)).one()
    device = db.session.scalars(select(Device).where(Device.customer_id == customer.id)).one()
    assert cabinet.qr_token and device.qr_token and device.cabinet_id == cabinet.id
    assert len(db.session.scalars(select(HandoverItem).where(HandoverItem.customer_id == customer.id)).all()) == 5


def test_no_external_acceptance_before_the_internal_acceptance_passes(app):
    people = ProjectPeople.make()
    project = walk(people, ENTRY_MET)
    with pytest.raises(rules.StageError):
        rounds.record_external_acceptance(people.market, {"project_id": project.id, "held_on": DAY, "passed": True,
                                                          "school_representative": "王校长"})
    db.session.rollback()
    assert db.session.get(Project, project.id).status == ENTRY_MET
    assert db.session.scalars(select(ExternalAcceptance)).all() == []


def test_no_hand_over_and_no_archive_before_the_external_acceptance(app):
    people = ProjectPeople.make()
    project = walk(people, INTERNAL_PASSED)
    with pytest.raises(rules.StageError):
        handover.record_handover(people.member, {"project_id": project.id, "handed_on": DAY, "received_by": "李老师"})
    db.session.rollback()
    with pytest.raises(rules.StageError):
        handover.archive_project(people.office, db.session.get(Project, project.id))
    db.session.rollback()
    assert db.session.get(Project, project.id).archived_at is None
    assert db.session.scalars(select(Device)).all() == []


def test_only_the_right_role_takes_each_step(app):
    people = ProjectPeople.make()
    with pytest.raises(Forbidden):
        services.open_project(people.head, {"customer_id": make_customer().id, "name": "越权立项", "tendered": False})
    db.session.rollback()
    project = walk(people, OPENED)
    with pytest.raises(Forbidden):
        services.assign_team(people.market, project, people.leader.id, [])
    db.session.rollback()
    project = walk(people, ENTRY_MET)
    with pytest.raises(Forbidden):
        services.appoint_acceptance_team(people.office, project, [people.acceptor.id])
    db.session.rollback()
    project = walk(people, INTERNAL_PASSED)
    with pytest.raises(Forbidden):
        rounds.record_external_acceptance(people.member, {"project_id": project.id, "held_on": DAY, "passed": True,
                                                          "school_representative": "王校长"})
    db.session.rollback()
    project = walk(people, EXTERNAL_PASSED)
    with pytest.raises(Forbidden):
        handover.archive_project(people.leader, project)
    db.session.rollback()
    assert db.session.get(Project, project.id).status == EXTERNAL_PASSED


def test_internal_acceptance_loops_until_it_passes_every_round_kept(app):
    people = ProjectPeople.make()
    project = walk(people, ENTRY_MET)
    for _ in range(2):
        failed = rounds.record_internal_acceptance(people.acceptor, {"project_id": project.id, "checked_on": DAY,
                                                                     "items": items(True, False, key="name")})
        db.session.commit()
        with pytest.raises(DomainError):  # no next round before the failed items are reported rectified
            rounds.record_internal_acceptance(people.acceptor, {"project_id": project.id, "checked_on": DAY,
                                                                "items": items(True, key="name")})
        db.session.rollback()
        rounds.report_rectified(people.leader, {"round_kind": "project_internal_acceptance", "round_id": failed.id,
                                                "note": "已整改"})
        db.session.commit()
    rounds.record_internal_acceptance(people.acceptor, {"project_id": project.id, "checked_on": DAY,
                                                        "items": items(True, True, key="name")})
    db.session.commit()
    kept = db.session.scalars(select(InternalAcceptance).where(InternalAcceptance.project_id == project.id)
                              .order_by(InternalAcceptance.round)).all()
    assert [(r.round, r.passed) for r in kept] == [(1, False), (2, False), (3, True)]
    assert db.session.get(Project, project.id).status == INTERNAL_PASSED
