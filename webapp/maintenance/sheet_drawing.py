"""The patrol sheet drawn: header, the items table, score, photos, opinion, signature, fingerprint.

Pure drawing code: `render_patrol_sheet` is given the sheet's content (`sheet_pdf.SheetContent`),
the signature image and photo thumbnails, and returns PDF bytes (A4, as many pages as needed).
It reads no database and knows no request.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..documents.pdf import esc, image_flowable, register_font

if TYPE_CHECKING:
    from .sheet_pdf import SheetContent

INK = colors.black
GREY = colors.Color(0.35, 0.35, 0.35)
LINE = colors.Color(0.7, 0.7, 0.7)
FLAG_BG = colors.Color(1.0, 0.93, 0.85)
FLAG_INK = colors.Color(0.7, 0.25, 0.0)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    """Paragraph styles in the Chinese font (CJK line breaking)."""
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12.5, wordWrap="CJK", textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=23),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, textColor=GREY),
        "en": ParagraphStyle("en", parent=base, fontSize=7, leading=9, textColor=GREY),
        "label": ParagraphStyle("label", parent=base, textColor=GREY),
        "flag": ParagraphStyle("flag", parent=base, textColor=FLAG_INK),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, textColor=GREY),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=15, spaceBefore=4, spaceAfter=3),
    }


def render_patrol_sheet(content: SheetContent, signature_png: bytes, photos: dict[str, bytes], font_path: str) -> bytes:
    """The PDF: header, the items table, score, opinion, signature, fingerprint (A4, as many pages as needed)."""
    font = register_font(font_path)
    st = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=18 * mm,
        title=f"{content.title_zh} {content.header[0][1] if content.header else ''}", author="运维服务部",
        invariant=True,
    )
    width = A4[0] - 30 * mm
    story: list = [
        Paragraph(esc(content.title_zh), st["title"]),
        Paragraph(esc(content.title_en) + " · 运维服务部", st["sub"]),
        Spacer(1, 4 * mm),
    ]
    head = Table(
        [[Paragraph(esc(k), st["label"]), Paragraph(esc(v), st["base"])] for k, v in content.header],
        colWidths=[28 * mm, width - 28 * mm],
    )
    head.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [head, Spacer(1, 5 * mm)]

    has_score = any(r.score for r in content.rows)
    col_no, col_answer, col_score = 8 * mm, 34 * mm, (18 * mm if has_score else 0)
    col_item = (width - col_no - col_answer - col_score) * 0.48
    col_note = width - col_no - col_answer - col_score - col_item
    header_row = [Paragraph("#", st["label"]), Paragraph("检查项目 <font size=7>Item</font>", st["label"]),
                  Paragraph("结果 <font size=7>Result</font>", st["label"]),
                  Paragraph("说明 / 照片 <font size=7>Notes, photos</font>", st["label"])]
    if has_score:
        header_row.append(Paragraph("得分", st["label"]))
    data = [header_row]
    styles = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, row in enumerate(content.rows, start=1):
        item_cell = [Paragraph(esc(row.label_zh), st["base"]), Paragraph(esc(row.label_en), st["en"])]
        if row.detail:
            item_cell.append(Paragraph(esc(row.detail), st["en"]))
        result = [Paragraph(esc(row.answer), st["flag"] if row.flagged else st["base"])]
        if row.flagged:
            result.append(Paragraph("【问题】 <font size=7>Finding</font>", st["flag"]))
        notes: list = []
        if row.note:
            notes.append(Paragraph(esc(row.note), st["base"]))
        if row.ticket:
            notes.append(Paragraph(esc(f"已转维修单 {row.ticket}"), st["small"]))
        thumbs = [image_flowable(photos[p], 24 * mm, 18 * mm) for p in row.photo_ids if p in photos]
        if thumbs:
            notes.append(Table([thumbs], hAlign="LEFT", style=[("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                                 ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        missing = [p for p in row.photo_ids if p not in photos]
        if missing:
            notes.append(Paragraph(f"照片 {len(missing)} 张尚未上传", st["small"]))
        line = [Paragraph(str(row.number), st["label"]), item_cell, result, notes or ""]
        if has_score:
            line.append(Paragraph(esc(row.score), st["base"]))
        data.append(line)
        if row.flagged:
            styles.append(("BACKGROUND", (2, index), (2, index), FLAG_BG))
    widths = [col_no, col_item, col_answer, col_note] + ([col_score] if has_score else [])
    items = Table(data, colWidths=widths, repeatRows=1)
    items.setStyle(TableStyle(styles))
    story += [items, Spacer(1, 4 * mm)]

    if content.score_lines:
        story.append(Paragraph("评分 <font size=8>Score</font>", st["h2"]))
        score = Table([[Paragraph(esc(k), st["label"]), Paragraph(esc(v), st["base"])] for k, v in content.score_lines],
                      colWidths=[50 * mm, width - 50 * mm])
        score.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE)]))
        story += [score, Spacer(1, 3 * mm)]

    extra = [image_flowable(photos[p], 40 * mm, 30 * mm) for p in content.extra_photo_ids if p in photos]
    if extra:
        story.append(Paragraph("现场照片 <font size=8>Photos</font>", st["h2"]))
        rows = [extra[i:i + 4] for i in range(0, len(extra), 4)]
        story += [Table(rows, hAlign="LEFT"), Spacer(1, 3 * mm)]

    sign_box_w, sign_box_h = 70 * mm, 28 * mm
    signature = image_flowable(signature_png, sign_box_w, sign_box_h)
    sign_table = Table(
        [[Paragraph("客户意见<br/><font size=7>Customer's opinion</font>", st["label"]),
          Paragraph(esc(content.opinion) or "—", st["base"])],
         [Paragraph("客户签名<br/><font size=7>Signature</font>", st["label"]), signature],
         [Paragraph("签字人", st["label"]), Paragraph(esc(content.signer_name), st["base"])],
         [Paragraph("签字时间", st["label"]), Paragraph(esc(content.signed_at), st["base"])]],
        colWidths=[28 * mm, width - 28 * mm],
    )
    sign_table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(KeepTogether([Paragraph("客户确认 <font size=8>Customer's confirmation</font>", st["h2"]), sign_table]))
    story += [
        Spacer(1, 5 * mm),
        Paragraph(f"内容指纹 SHA-256：{content.fingerprint}", st["small"]),
        Paragraph(f"签名图像 SHA-256：{content.signature_sha256}", st["small"]),
        Paragraph(f"设备签署内容 SHA-256：{content.signed_content_sha256}", st["small"]),
    ]

    def footer(canvas, document) -> None:
        """Page number and the sheet's name on every page."""
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(15 * mm, 10 * mm, f"{content.title_zh} · {content.header[0][1] if content.header else ''}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
