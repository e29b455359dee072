"""The signed papers of a project, filed as PDFs through the filing pipeline like patrol sheets.

Five papers, each the paper of one record kind (the document kind its signatures attach to,
`signatures.PAPER_MODELS`): the site-entry review (工程安装调试进场条件审查单, signed by its
reviewer, with the round's photos), the operator training sheet (现场操作人员培训签字表, every
trainee), the external acceptance (工程外部验收单, the school's representative), the completion
report (工程安装调试完成报告, the team leader; drawn from the project's records: rounds, plan,
changes, training, acceptances, device list, hand-over items) and the hand-over receipt
(资料移交单, the school).

`produce(kind, record_id)` is each kind's producer: the pipeline runs it before the commit of a
transaction where a signature or its image arrived (documents/signing.py). It files the PDF once
every signer role of the paper (`signatures.signer_roles`) holds a complete signature whose
image is stored, as a `Document` of the school, and links it in `ProjectPaper` (unique per
record, so whichever piece arrives last files it, exactly once). Labels are Chinese whatever
the reader's language: these are the department's papers handed to the school.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app
from reportlab.lib.units import mm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import local_text
from ..documents import filing
from ..documents.models import Document, Photo, Signature
from ..documents.pdf import SignedContent, thumbnail
from ..extensions import db
from ..templating import CATEGORY_LABELS
from ..documents.pdf import zh_label
from ..training.paper import Paper
from . import handover, rules
from .models import (
    Change, CompletionReport, EntryReview, ExternalAcceptance, Handover, InternalAcceptance, Milestone, Project,
    ProjectMember, ProjectPaper, Training,
)
from .signatures import PAPER_MODELS, signer_roles

TITLES = {
    "project_entry_review": "工程安装调试进场条件审查单",
    "project_training": "现场操作人员培训签字表",
    "project_external_acceptance": "工程外部验收单",
    "project_report": "工程安装调试完成报告",
    "project_handover": "资料移交单",
}
ROLE_LABELS = {"reviewer": "审查人", "school": "学校代表", "leader": "安装调试小组组长"}
YES_NO = {True: "符合", False: "不符合"}
PASS = {True: "通过", False: "不通过"}


@dataclass
class Section:
    """A heading and a ruled table (columns: label, width in mm) or a paragraph."""

    heading: str
    columns: list[tuple[str, float]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    text: str = ""


@dataclass
class PaperContent(SignedContent):
    """What a project paper prints; the fingerprint covers every row, section and signature image."""

    title: str
    subtitle: str
    rows: list[tuple[str, str]]
    sections: list[Section]
    signers: list[dict[str, str]]
    photo_sha256s: list[str] = field(default_factory=list)

    def body(self) -> dict:
        """The printed content."""
        return {"title": self.title, "subtitle": self.subtitle, "rows": [list(r) for r in self.rows],
                "sections": [{"heading": s.heading, "columns": [c for c, _w in s.columns], "rows": s.rows,
                              "text": s.text} for s in self.sections],
                "signers": self.signers, "photos": self.photo_sha256s}


# --- content -------------------------------------------------------------------------------------


def _d(value) -> str:
    """A day as text."""
    return value.isoformat() if value else ""


def _particulars(project: Project) -> list[tuple[str, str]]:
    """The rows every project paper starts with."""
    rows = [("工程名称", project.name), ("客户名称", project.customer.name), ("工程地址", project.address or "")]
    if project.contract_no:
        rows.append(("合同/招标编号", project.contract_no))
    return rows


def _signers(kind: str, record, names: dict[str, str]) -> list[dict[str, str]]:
    """One line per signer role: the label, the signature's name and time and its image's hash."""
    found = {s.signer_role: s for s in _signatures(kind, record.id)}
    lines = []
    for role in signer_roles(kind, record):
        signature = found.get(role)
        lines.append({"role": names.get(role, role), "name": signature.signer_name if signature else "",
                      "signed_at": local_text(signature.signed_at) if signature else "",
                      "image_sha256": signature.image_sha256 if signature else ""})
    return lines


def _signatures(kind: str, record_id: str) -> list[Signature]:
    """The live signatures on a paper."""
    return list(db.session.scalars(select(Signature).where(
        Signature.document_kind == kind, Signature.document_id == record_id, Signature.deleted_at.is_(None),
    ).order_by(Signature.created_at, Signature.id)))


def _entry_review(review: EntryReview, project: Project) -> PaperContent:
    """The site-entry review of one round."""
    photos = [p.image_sha256 for p in db.session.scalars(select(Photo).where(
        Photo.document_kind == "project_entry_review", Photo.document_id == review.id, Photo.complete.is_(True),
        Photo.deleted_at.is_(None)).order_by(Photo.created_at, Photo.id))]
    rows = _particulars(project) + [("审查轮次", f"第 {review.round} 轮"), ("审查日期", _d(review.reviewed_on)),
                                    ("审查结论", "符合进场条件" if review.met else "不符合进场条件，需整改后复审"),
                                    ("备注", review.notes)]
    items = Section("审查项目", [("序号", 14), ("审查项目", 80), ("结果", 22), ("说明", 58)],
                    [[str(i), it.get("label", ""), YES_NO[bool(it.get("ok"))], it.get("note", "")]
                     for i, it in enumerate(review.items or [], start=1)])
    return PaperContent(TITLES["project_entry_review"], "运维服务部 · 新工程安装调试", rows, [items],
                        _signers("project_entry_review", review, {"reviewer": "审查人"}), photos)


def _training(training: Training, project: Project) -> PaperContent:
    """The operator training sheet: every trainee's signature on one paper."""
    rows = _particulars(project) + [("培训日期", _d(training.held_on)), ("培训讲师", training.trainer),
                                    ("培训内容", training.topics)]
    names = {f"trainee-{n}": f"学员 {n}" for n in range(1, len(training.trainees or []) + 1)}
    return PaperContent(TITLES["project_training"], "运维服务部 · 新工程安装调试", rows, [],
                        _signers("project_training", training, names))


def _external(acceptance: ExternalAcceptance, project: Project) -> PaperContent:
    """The external acceptance with marketing and the school."""
    rows = _particulars(project) + [("验收轮次", f"第 {acceptance.round} 轮"), ("验收日期", _d(acceptance.held_on)),
                                    ("验收结论", PASS[acceptance.passed]), ("参加人员", acceptance.attendees),
                                    ("验收意见", acceptance.remarks)]
    return PaperContent(TITLES["project_external_acceptance"], "运维服务部 · 新工程安装调试", rows, [],
                        _signers("project_external_acceptance", acceptance, {"school": "学校代表"}))


def _records(model, project: Project, *order) -> list:
    """A project's live records of one kind."""
    return list(db.session.scalars(select(model).where(model.project_id == project.id, model.deleted_at.is_(None))
                                   .order_by(*order)))


def _report(report: CompletionReport, project: Project) -> PaperContent:
    """The completion report: the leader's summary and the project's records as they stand."""
    team = [m.user.display_name for m in _records(ProjectMember, project, ProjectMember.created_at) if m.duty == "team"]
    acceptors = [m.user.display_name for m in _records(ProjectMember, project, ProjectMember.created_at)
                 if m.duty == "acceptance"]
    rows = _particulars(project) + [
        ("是否招标", "是" if project.tendered else "否"),
        ("执行标准", "合同约定标准" if project.standard == "contract" else "公司施工方案"),
        ("安装调试小组", "、".join(team)), ("组长", project.leader.display_name if project.leader else ""),
        ("验收小组", "、".join(acceptors)),
        ("立项时间", local_text(project.opened_at)), ("准予进场", local_text(project.entry_met_at)),
        ("内部验收通过", local_text(project.internal_passed_at)), ("外部验收通过", local_text(project.external_passed_at)),
        ("工程总结", report.summary),
    ]
    sections = [
        Section("进场条件审查", [("轮次", 16), ("日期", 28), ("结论", 30), ("审查人", 30), ("未满足项", 70)],
                [[str(r.round), _d(r.reviewed_on), YES_NO[r.met], r.reviewer_name,
                  "；".join(i.get("label", "") for i in r.items or [] if not i.get("ok"))]
                 for r in _records(EntryReview, project, EntryReview.round)]),
        Section("进度计划与实际", [("节点", 56), ("计划开始", 30), ("计划完成", 30), ("实际开始", 29), ("实际完成", 29)],
                [[m.name, _d(m.planned_start), _d(m.planned_end), _d(m.actual_start), _d(m.actual_end)]
                 for m in _records(Milestone, project, Milestone.position)]),
        Section("工程变更", [("日期", 28), ("变更内容", 60), ("原因", 46), ("对计划的影响", 40)],
                [[local_text(c.reported_at)[:10], c.what, c.why, c.effect]
                 for c in _records(Change, project, Change.reported_at)]),
        Section("现场操作人员培训", [("日期", 28), ("培训内容", 70), ("讲师", 30), ("学员", 46)],
                [[_d(t.held_on), t.topics, t.trainer, "、".join(t.trainees or [])]
                 for t in _records(Training, project, Training.held_on)]),
        Section("内部验收", [("轮次", 16), ("日期", 28), ("结论", 24), ("需整改项", 106)],
                [[str(r.round), _d(r.checked_on), PASS[r.passed],
                  "；".join(i.get("name", "") for i in r.items or [] if not i.get("ok"))]
                 for r in _records(InternalAcceptance, project, InternalAcceptance.round)]),
        Section("外部验收", [("轮次", 16), ("日期", 28), ("结论", 24), ("学校代表", 40), ("意见", 66)],
                [[str(r.round), _d(r.held_on), PASS[r.passed], r.school_representative, r.remarks]
                 for r in _records(ExternalAcceptance, project, ExternalAcceptance.round)]),
        Section("设备清单", [("安装位置", 40), ("机柜", 30), ("设备", 54), ("品牌型号", 36), ("数量", 14)],
                [[d.site_name, d.cabinet_name, f"{d.name}（{zh_label(CATEGORY_LABELS, d.category)}）",
                  f"{d.brand} {d.model}".strip(), str(d.quantity)] for d in handover.devices_of(project)]),
        Section("资料移交", [("项目", 100), ("数量", 20), ("清点", 54)],
                [[i.description, str(i.quantity), local_text(i.checked_at) if i.checked_at else "未清点"]
                 for i in handover.items_of(project)]),
    ]
    return PaperContent(TITLES["project_report"], "运维服务部 · 新工程安装调试", rows, sections,
                        _signers("project_report", report, {"leader": "安装调试小组组长"}))


def _handover(receipt: Handover, project: Project) -> PaperContent:
    """The hand-over receipt: the items, each checked, received by the school."""
    rows = _particulars(project) + [("移交日期", _d(receipt.handed_on)), ("接收人", receipt.received_by),
                                    ("备注", receipt.notes)]
    items = Section("移交清单", [("序号", 14), ("项目", 96), ("数量", 20), ("清点时间", 44)],
                    [[str(n), i.description, str(i.quantity), local_text(i.checked_at)]
                     for n, i in enumerate(handover.items_of(project), start=1)])
    return PaperContent(TITLES["project_handover"], "运维服务部 · 新工程安装调试", rows, [items],
                        _signers("project_handover", receipt, {"school": "学校接收人"}))


BUILDERS: dict[str, Callable[[Any, Project], PaperContent]] = {
    "project_entry_review": _entry_review, "project_training": _training,
    "project_external_acceptance": _external, "project_report": _report, "project_handover": _handover,
}


# --- drawing -------------------------------------------------------------------------------------


def render_paper(content: PaperContent, images: dict[str, bytes], photos: dict[str, bytes], font_path: str) -> bytes:
    """The PDF: particulars, sections, photos, then one row per signer with the signature image."""
    paper = Paper(content.title, content.subtitle, font_path, footer=f"内容指纹 SHA-256：{content.fingerprint}")
    paper.rows(content.rows)
    for section in content.sections:
        paper.heading(section.heading)
        if section.columns:
            if section.rows:
                paper.table([(label, width * mm) for label, width in section.columns], section.rows)
            else:
                paper.text("无", grey=True)
        if section.text:
            paper.text(section.text)
    if photos:
        paper.heading("现场照片")
        cells = [photos[sha] for sha in content.photo_sha256s if sha in photos]
        for start in range(0, len(cells), 3):
            row = cells[start:start + 3]
            paper.table([("", 58 * mm)] * len(row), [row], row_h=44 * mm)
    paper.heading("签字")
    width = paper.right - paper.left
    cells = [[s["role"], s["name"], images.get(s["image_sha256"]) or "未签", s["signed_at"] or "—"]
             for s in content.signers]
    paper.table([("签字人", 34 * mm), ("姓名", 34 * mm), ("签名", width - 118 * mm), ("签字时间", 50 * mm)],
                cells, row_h=18 * mm)
    return paper.finish()


# --- producing -----------------------------------------------------------------------------------


def paper_of(kind: str, record_id: str) -> Document | None:
    """The filed document of a project record, if any."""
    link = db.session.scalars(select(ProjectPaper).where(ProjectPaper.record_kind == kind,
                                                         ProjectPaper.record_id == record_id)).first()
    return link.document if link is not None else None


def produce(kind: str, record_id: str) -> Document | None:
    """File a project paper once every signer role holds a complete signature (idempotent)."""
    db.session.flush()
    record = db.session.get(PAPER_MODELS[kind], record_id)
    if record is None or record.deleted_at is not None:
        return None
    project = db.session.get(Project, record.project_id, with_for_update=True, populate_existing=True)
    filed = paper_of(kind, record.id)
    if filed is not None:
        return filed
    signatures = {s.signer_role: s for s in _signatures(kind, record.id)}
    images = {}
    for role in signer_roles(kind, record):
        png = filing.signature_image(signatures.get(role))
        if png is None:
            return None
        images[signatures[role].image_sha256] = png
    content = BUILDERS[kind](record, project)
    photos = {}
    for sha in content.photo_sha256s:
        data = filing.image_bytes(sha)
        if data is not None:
            photos[sha] = thumbnail(data)
    pdf = render_paper(content, images, photos, current_app.config["PDF_FONT_PATH"])
    title = f"{content.title} {project.name}"
    if getattr(record, "round", None):
        title += f" 第{record.round}轮"
    first = next(iter(signatures.values()))
    document = filing.file_pdf(pdf, kind=kind, title=title, customer_id=project.customer_id,
                               content_sha256=content.fingerprint, signature_id=first.id)
    try:
        with db.session.begin_nested():
            db.session.add(ProjectPaper(project_id=project.id, record_kind=kind, record_id=record.id,
                                        document_id=document.id))
    except IntegrityError:
        return paper_of(kind, record.id)
    return document


def waiting(kind: str) -> Callable[[], list[str]]:
    """The records of a kind with a complete signature and no filed paper (the catch-up's list)."""
    model = PAPER_MODELS[kind]

    def ids() -> list[str]:
        return list(db.session.scalars(select(model.id).where(
            model.deleted_at.is_(None),
            ~select(ProjectPaper.id).where(ProjectPaper.record_kind == kind, ProjectPaper.record_id == model.id).exists(),
            select(Signature.id).where(Signature.document_kind == kind, Signature.document_id == model.id,
                                       Signature.complete.is_(True)).exists(),
        ).order_by(model.id)))

    ids.__doc__ = f"{model.__name__} records signed but not filed."
    return ids


def filed_papers(project: Project) -> dict[str, Document]:
    """The project's filed papers by the id of the record they belong to."""
    links = db.session.scalars(select(ProjectPaper).where(ProjectPaper.project_id == project.id))
    return {link.record_id: link.document for link in links}


def register() -> None:
    """Each project paper is the paper of its record kind (called once by the app factory)."""
    for kind in PAPER_MODELS:
        filing.register_producer(kind, lambda record_id, kind=kind: produce(kind, record_id), waiting=waiting(kind))
