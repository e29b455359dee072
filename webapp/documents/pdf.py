"""Shared helpers for the papers the department prints: the Chinese font, line wrapping,
text safe in a reportlab Paragraph, images scaled into a box, photo thumbnails, and the
`SignedContent` base whose canonical JSON a paper's fingerprint covers.

Pure drawing code: given what to print, it returns flowables, lines or bytes; it reads no
database and changes nothing. Each feature draws its own paper with these
(`maintenance/sheet_pdf.py`, `repairs/repair_form_pdf.py`, `documents/label_sheet.py`).
"""
from __future__ import annotations

import hashlib
import io

from flask_babel import force_locale
from PIL import Image as PILImage
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image

from .canonical import canonical_json

THUMB_PX = 360


def register_font(font_path: str) -> str:
    """Register the Chinese TrueType font (first face of a .ttc) once; return its name."""
    name = "CJK-" + hashlib.sha1(font_path.encode()).hexdigest()[:10]
    if name not in pdfmetrics.getRegisteredFontNames():
        subfont = {"subfontIndex": 0} if font_path.lower().endswith(".ttc") else {}
        pdfmetrics.registerFont(TTFont(name, font_path, **subfont))
    return name


# Chinese line-breaking rules (GB/T 15834, as 禁则 in CJK typesetting): closing punctuation never
# begins a line, opening punctuation never ends one.
CANNOT_START = set("，。、；：？！）」』】〕〉》”’·…—%,.;:?!)]}")
CANNOT_END = set("（「『【〔〈《“‘([{")


def _carry(current: str, ch: str) -> tuple[str, str]:
    """Where to break before `ch` when it does not fit on `current`: (line to finish, start of the
    next line). Characters move down with `ch` so that the next line begins with no closing mark
    and the finished one ends with no opening mark; when only one character would be left, the
    mark hangs at the end of the line instead (a line of one mark is worse than a slight overhang)."""
    head, tail = current, ch
    while len(head) > 1 and (tail[0] in CANNOT_START or head[-1] in CANNOT_END):
        head, tail = head[:-1], head[-1] + tail
    if tail[0] in CANNOT_START or head[-1] in CANNOT_END:
        return "", current + ch
    return head, tail


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break text into lines that fit `width` points: at spaces where there are any, else anywhere
    (Chinese has no spaces) but never before closing or after opening punctuation; the last line
    ends in an ellipsis when text is left over."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current and word[0] not in CANNOT_START:
            lines.append(current)
            current = ""
        for ch in word:
            if pdfmetrics.stringWidth(current + ch, font, size) <= width or not current:
                current += ch
                continue
            done, current = _carry(current, ch)
            if done:
                lines.append(done.rstrip())
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        kept[-1] = last + "…"
        return kept
    return lines


def number_text(value: object) -> str:
    """A reading without a needless '.0': 30.0 → '30', 2.5 → '2.5' (empty for none)."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def zh_label(table: dict, code: str | None) -> str:
    """A code's name from a feature's label table, in Chinese: the language the papers are printed in."""
    if not code:
        return ""
    with force_locale("zh"):
        return str(table.get(code, code))


def esc(text: str) -> str:
    """Text safe inside a reportlab Paragraph (markup escaped, line breaks kept)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def image_flowable(data: bytes, max_w: float, max_h: float) -> Image:
    """An image scaled to fit a box, keeping its shape."""
    with PILImage.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    scale = min(max_w / width, max_h / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def thumbnail(data: bytes, px: int = THUMB_PX) -> bytes:
    """A small JPEG of a photo (long side `px`), so a paper stays light."""
    with PILImage.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.thumbnail((px, px))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        return out.getvalue()


class SignedContent:
    """What a signed paper prints; its fingerprint is the SHA-256 of `body()` in canonical JSON."""

    def body(self) -> dict:
        """The printed content the fingerprint covers (each paper says which)."""
        raise NotImplementedError

    def canonical(self) -> bytes:
        """The content as canonical JSON (sorted keys, UTF-8): what the fingerprint covers."""
        return canonical_json(self.body()).encode("utf-8")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical content."""
        return hashlib.sha256(self.canonical()).hexdigest()
