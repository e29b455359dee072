"""A school's archive page shows where it came from: its installation project in the timeline, the
project's original files linked, and the signed papers the hand-over filed, each with its PDF; a file
of another type or over the size limit is never kept."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.support.projects import ProjectPeople, walk
from tests.support.repairs import Web
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.projects import attachments
from webapp.projects.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_after_the_hand_over_the_archive_page_shows_the_project_its_files_and_its_papers(app):
    people = ProjectPeople.make()
    project = walk(people, "opened", name="湖滨智慧校园")
    attachments.add_attachment(people.market, project, "drawing", "弱电施工图.pdf", PDF)
    db.session.commit()
    walk(people, "completed", project=project)
    drawing = db.session.scalars(select(Attachment)).one()
    papers = db.session.scalars(select(Document).where(Document.customer_id == project.customer_id)).all()
    assert {d.kind for d in papers} == {"project_report", "project_handover"}

    html = Web(app, people.office).html(f"/customers/{project.customer_id}")
    assert 'data-history="projects"' in html
    assert "Installation project opened: 湖滨智慧校园" in html
    assert "Handed over into the archive: 湖滨智慧校园" in html
    assert f'href="/projects/{project.id}"' in html
    assert f'href="/projects/attachments/{drawing.id}"' in html and "弱电施工图.pdf" in html
    assert "工程安装调试完成报告、资料移交单" in html
    for paper in papers:
        assert f'href="/repairs/documents/{paper.id}"' in html and paper.title in html
    assert Web(app, people.office).get(f"/projects/attachments/{drawing.id}").data == PDF


def test_a_project_under_way_shows_as_opened_without_a_hand_over(app):
    people = ProjectPeople.make()
    project = walk(people, "entry_met", name="城东小学改造")
    html = Web(app, people.head).html(f"/customers/{project.customer_id}")
    assert "Installation project opened: 城东小学改造" in html
    assert "Handed over into the archive" not in html


def test_a_file_of_another_type_or_over_the_limit_is_refused_and_nothing_kept(app):
    people = ProjectPeople.make()
    project = walk(people, "opened")
    app.config["PROJECT_ATTACHMENT_MAX_BYTES"] = 1024
    web = Web(app, people.market)
    disguised = web.post(f"/projects/{project.id}/attachments", data={
        "kind": "drawing", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "图纸.pdf")}, content_type="multipart/form-data")
    assert disguised.status_code == 422 and "This type of file is not accepted." in disguised.get_data(as_text=True)
    large = web.post(f"/projects/{project.id}/attachments", data={
        "kind": "drawing", "file": (io.BytesIO(PDF + b"0" * 2048), "图纸.pdf")}, content_type="multipart/form-data")
    assert large.status_code == 422 and "The file is too large." in large.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).all() == []
