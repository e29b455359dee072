"""The demo's projects: one under way that `tech`'s device pulls, one completed that became a school
in the archive with its devices and every signed paper."""
from sqlalchemy import func, select

from webapp.archive.models import Customer, Device
from webapp.auth.models import User
from webapp.demo import load_demo_data
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.projects.models import COMPLETED, ENTRY_MET, Project
from webapp.projects.queries import projects_for, timeline
from webapp.clock import local_today


def test_the_demo_has_a_project_under_way_for_tech_and_a_completed_one_in_the_archive(app):
    load_demo_data()
    db.session.commit()
    tech = db.session.scalars(select(User).where(User.username == "tech")).one()
    under_way = db.session.scalars(select(Project).where(Project.status == ENTRY_MET)).one()
    assert under_way in projects_for(tech)
    assert timeline(under_way, local_today()).late  # the installation milestone is late
    done = db.session.scalars(select(Project).where(Project.status == COMPLETED)).one()
    school = db.session.get(Customer, done.customer_id)
    assert school.acceptance_date is not None
    assert db.session.scalar(select(func.count(Device.id)).where(Device.customer_id == school.id)) == 4
    kinds = set(db.session.scalars(select(Document.kind).where(Document.customer_id == school.id)))
    assert kinds == {"project_entry_review", "project_training", "project_external_acceptance", "project_report",
                     "project_handover"}
    assert db.session.scalar(select(func.count(Document.id)).where(Document.customer_id == under_way.customer_id)) == 3
