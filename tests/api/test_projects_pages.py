"""The office pages of a project: marketing opens it with the approval application, the head picks
the teams, the page says what waits for whom; the external acceptance, completion report and
hand-over are signed on the page's pad and filed as PDFs; the bill of materials comes from Excel;
hold and cancel need a reason; the archive gets the devices once."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.support.factories import make_customer
from tests.support.projects import DAY, ProjectPeople, items, sign, walk
from tests.support.repairs import Web
from tests.support.training import data_url, pdf_text, signature
from webapp.archive.models import Device
from webapp.documents.filing import read_document
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.projects import handover, papers, rounds, services
from webapp.projects.models import (
    ENTRY_MET, EXTERNAL_PASSED, INTERNAL_PASSED, ON_HOLD, OPENED, TEAM_ASSIGNED, Attachment, Project,
    ProjectDevice,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _images(data: bytes) -> int:
    """How many images the PDF's pages draw."""
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def test_marketing_opens_a_project_with_the_approval_application_and_the_head_is_told(app):
    people = ProjectPeople.make()
    school = make_customer()
    web = Web(app, people.market)
    response = web.post("/projects/new", data={
        "customer_id": school.id, "name": "智慧教室改造", "contract_no": "ZB-9", "tendered": "y",
        "standard": "contract", "approval": (io.BytesIO(PDF), "施工审批申请单.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    project = db.session.scalars(select(Project)).one()
    assert project.status == OPENED and project.customer_id == school.id
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.kind == "approval_application" and attachment.filename == "施工审批申请单.pdf"
    note = db.session.scalars(select(Notification).where(Notification.user_id == people.head.id)).one()
    assert "智慧教室改造" in note.message
    page = Web(app, people.head).html(f"/projects/{project.id}")
    assert "picks the installation team" in page and "施工审批申请单.pdf" in page


def test_opening_without_the_application_or_a_tender_number_changes_nothing(app):
    people = ProjectPeople.make()
    web = Web(app, people.market)
    response = web.post("/projects/new", data={"new_customer": "y", "name": "新校区", "tendered": "y"},
                        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Attach the construction approval application" in page
    response = web.post("/projects/new", data={"new_customer": "y", "name": "新校区", "tendered": "y",
                                               "approval": (io.BytesIO(PDF), "a.pdf")},
                        content_type="multipart/form-data")
    assert "names its contract or tender number" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Project.id))) == 0
    assert Web(app, people.head).post("/projects/new", data={}).status_code == 403


def test_the_head_picks_the_team_then_the_acceptance_team(app):
    people = ProjectPeople.make()
    project = walk(people, OPENED)
    web = Web(app, people.head)
    response = web.post(f"/projects/{project.id}/team", data={
        "team-leader_id": str(people.leader.id), "team-member_ids": [str(people.member.id)]})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == TEAM_ASSIGNED and project.leader_id == people.leader.id
    assert Web(app, people.market).post(f"/projects/{project.id}/acceptance-team", data={}).status_code == 403
    response = web.post(f"/projects/{project.id}/acceptance-team", data={"acc-member_ids": [str(people.acceptor.id)]})
    assert response.status_code == 302
    page = web.html(f"/projects/{project.id}")
    assert people.acceptor.display_name in page and "reviews the site-entry conditions" in page


def test_a_failed_entry_round_waits_for_marketing_and_both_rounds_show(app):
    people = ProjectPeople.make()
    project = walk(people, TEAM_ASSIGNED)
    first = rounds.record_entry_review(people.leader, {"project_id": project.id, "reviewed_on": DAY,
                                                       "items": items(True, False)})
    db.session.commit()
    page = Web(app, people.head).html(f"/projects/{project.id}")
    assert "Marketing has the school rectify" in page
    response = Web(app, people.market).post(f"/projects/{project.id}/entry/{first.id}/rectified",
                                            data={"note": "学校已完成机房供电"})
    assert response.status_code == 302
    rounds.record_entry_review(people.leader, {"project_id": project.id, "reviewed_on": DAY, "items": items(True, True)})
    db.session.commit()
    page = Web(app, people.head).html(f"/projects/{project.id}")
    assert 'data-round="entry-1"' in page and 'data-round="entry-2"' in page and "学校已完成机房供电" in page


def test_hold_needs_a_reason_and_resume_returns_to_where_it_stood(app):
    people = ProjectPeople.make()
    project = walk(people, TEAM_ASSIGNED)
    web = Web(app, people.market)
    response = web.post(f"/projects/{project.id}/status/hold", data={"reason": ""})
    assert response.status_code == 422 and "Say why" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == TEAM_ASSIGNED
    web.post(f"/projects/{project.id}/status/hold", data={"reason": "学校暂停施工"})
    db.session.refresh(project)
    assert project.status == ON_HOLD and "学校暂停施工" in web.html(f"/projects/{project.id}")
    web.post(f"/projects/{project.id}/status/resume", data={})
    db.session.refresh(project)
    assert project.status == TEAM_ASSIGNED


def test_the_plan_timeline_marks_late_milestones(app):
    people = ProjectPeople.make()
    project = walk(people, ENTRY_MET)
    page = Web(app, people.head).html(f"/projects/{project.id}")
    # both milestones' planned ends (2026-11-25, 2026-11-30) are past and neither is done
    assert page.count("milestone-late") == 2 and "days late" in page


def test_the_external_acceptance_is_signed_on_the_pad_and_filed_as_a_pdf(app):
    people = ProjectPeople.make()
    project = walk(people, INTERNAL_PASSED)
    web = Web(app, people.market)
    response = web.post(f"/projects/{project.id}/external", data={
        "held_on": "2026-11-27", "passed": "yes", "school_representative": "王校长", "attendees": "市场部 赵敏",
        "remarks": "验收合格", "signature": ""})
    assert response.status_code == 200 and "Sign in the box first" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == INTERNAL_PASSED
    response = web.post(f"/projects/{project.id}/external", data={
        "held_on": "2026-11-27", "passed": "yes", "school_representative": "王校长", "attendees": "市场部 赵敏",
        "remarks": "验收合格", "signature": data_url(signature(3))})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == EXTERNAL_PASSED and project.customer.acceptance_date == date(2026, 11, 27)
    document = db.session.scalars(select(Document).where(Document.kind == "project_external_acceptance")).one()
    data = read_document(document)
    text = pdf_text(data)
    assert "工程外部验收单" in text and "王校长" in text and "验收合格" in text
    assert _images(data) == 1


def test_report_receipt_and_archive_through_the_pages(app):
    people = ProjectPeople.make()
    project = walk(people, EXTERNAL_PASSED)
    office = Web(app, people.office)
    office.post(f"/projects/{project.id}/devices", data={"dev-site_name": "主校区", "dev-cabinet_name": "1号机柜",
                                                         "dev-name": "核心交换机", "dev-category": "switch",
                                                         "dev-quantity": "1"})
    assert db.session.scalar(select(func.count(ProjectDevice.id))) == 1
    refused = Web(app, people.member).post(f"/projects/{project.id}/report", data={
        "summary": "按期完成", "signature": data_url(signature(1))})
    assert "Only the team leader takes this step" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Document.id))) == 0
    response = Web(app, people.leader).post(f"/projects/{project.id}/report", data={
        "summary": "工程按期完成，系统运行正常", "signature": data_url(signature(1))})
    assert response.status_code == 302
    member = Web(app, people.member)
    for item_id in [i.id for i in handover.items_of(project)]:
        assert member.post(f"/projects/handover-items/{item_id}/check", data={}).status_code == 302
    response = member.post(f"/projects/{project.id}/handover", data={
        "handed_on": "2026-11-28", "received_by": "李老师", "signature": data_url(signature(2))})
    assert response.status_code == 302
    response = office.post(f"/projects/{project.id}/archive", data={})
    assert response.status_code == 302
    assert office.post(f"/projects/{project.id}/archive", data={}).status_code == 302  # refused, nothing again
    db.session.refresh(project)
    assert project.status == "completed"
    assert db.session.scalar(select(func.count(Device.id)).where(Device.customer_id == project.customer_id)) == 1
    report = read_document(db.session.scalars(select(Document).where(Document.kind == "project_report")).one())
    text = pdf_text(report)
    assert "工程安装调试完成报告" in text and "工程按期完成" in text and people.leader.display_name in text
    assert "核心交换机" in text and "进场条件审查" in text and _images(report) == 1
    receipt = read_document(db.session.scalars(select(Document).where(Document.kind == "project_handover")).one())
    text = pdf_text(receipt)
    assert "资料移交单" in text and "李老师" in text and "保修卡" in text and _images(receipt) == 1
    page = office.html(f"/projects/{project.id}")
    assert f"/labels?customer_id={project.customer_id}&amp;select=all" in page
    assert "Print the QR labels" in page and page.count('data-paper="') == 2  # the walk signs neither entry review nor external acceptance
    archive_page = Web(app, people.head).html(f"/customers/{project.customer_id}")
    assert "资料移交单" in archive_page and "核心交换机" in archive_page


def test_entry_review_and_training_papers_carry_every_signer(app):
    people = ProjectPeople.make()
    project = walk(people, TEAM_ASSIGNED)
    services.file_plan(people.leader, project, {"scheme": "按图施工", "milestones": [
        {"name": "布线", "planned_end": "2026-11-25"}]})
    review = rounds.record_entry_review(people.leader, {"project_id": project.id, "reviewed_on": DAY,
                                                        "items": items(True, True), "reviewer_name": "张工"})
    db.session.commit()
    sign(people.leader, "project_entry_review", review.id, "reviewer", "张工")
    data = read_document(papers.paper_of("project_entry_review", review.id))
    text = pdf_text(data)
    assert "工程安装调试进场条件审查单" in text and "张工" in text and "符合进场条件" in text and _images(data) == 1
    training = services.record_training(people.leader, {"project_id": project.id, "held_on": DAY, "topics": "门禁系统操作",
                                                        "trainer": "张工", "trainees": ["刘老师", "陈老师"]})
    db.session.commit()
    sign(people.leader, "project_training", training.id, "trainee-1", "刘老师")
    assert papers.paper_of("project_training", training.id) is None  # one trainee still to sign
    sign(people.leader, "project_training", training.id, "trainee-2", "陈老师", image=signature(9))
    data = read_document(papers.paper_of("project_training", training.id))
    text = pdf_text(data)
    assert "现场操作人员培训签字表" in text and "刘老师" in text and "陈老师" in text and _images(data) == 2
    assert papers.produce("project_training", training.id).id == papers.paper_of("project_training", training.id).id
    assert db.session.scalar(select(func.count(Document.id)).where(Document.kind == "project_training")) == 1


def _bom(rows: list[list]) -> io.BytesIO:
    """A bill of materials as an .xlsx upload."""
    book = Workbook()
    sheet = book.active
    sheet.append(["站点", "设备名称", "类别", "品牌", "型号", "数量", "序列号", "机柜"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_the_bill_of_materials_imports_every_row_or_none(app):
    people = ProjectPeople.make()
    project = walk(people, ENTRY_MET)
    web = Web(app, people.office)
    bad = _bom([["主校区", "录播主机", "classroom_av", "奥威亚", "AVA-1", 1, "S1", "1号机柜"],
                ["", "摄像机", "camera", "海康", "DS-2", "两", "S2", ""]])
    response = web.post(f"/projects/{project.id}/devices/import", data={"bom-file": (bad, "bom.xlsx")},
                        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Row 3" in page and "nothing was imported" in page
    assert db.session.scalar(select(func.count(ProjectDevice.id))) == 0
    good = _bom([["主校区", "录播主机", "classroom_av", "奥威亚", "AVA-1", 1, "S1", "1号机柜"],
                 ["主校区", "摄像机", "camera", "海康", "DS-2", 2, "S2", "1号机柜"]])
    response = web.post(f"/projects/{project.id}/devices/import", data={"bom-file": (good, "bom.xlsx")},
                        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 302, page[page.find('class="problems"'):][:800]
    rows = db.session.scalars(select(ProjectDevice).order_by(ProjectDevice.name)).all()
    assert [(r.site_name, r.cabinet_name, r.name, r.quantity) for r in rows] == [
        ("主校区", "1号机柜", "录播主机", 1), ("主校区", "1号机柜", "摄像机", 2)]
