"""An installation project from marketing's request to a school in the archive: each transition."""
from __future__ import annotations

from sqlalchemy import select

from tests.support.projects import ProjectPeople, walk
from webapp.archive.models import Cabinet, Device, HandoverItem, Site
from webapp.extensions import db
from webapp.projects.models import COMPLETED, OPENED


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
