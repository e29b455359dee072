"""The report's R&D section shows each product-quality problem's photos: thumbnails on the page
(which R&D can open), the images in the PDF under the problem; a photo not yet uploaded is left out
of the PDF rather than breaking it."""
from __future__ import annotations

import io
from hashlib import sha256

import re

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.support.factories import login, make_user
from tests.support.reports import report_october
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.reports import services
from sync.blobs import receive_blob


def _jpeg(colour: str, size=(1600, 1200)) -> bytes:
    """A photo as a phone would send it."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def month(app, monkeypatch):
    """October, with two photos uploaded for T4's problem and one named that never arrived; drafted;
    an R&D user's client."""
    with app.test_request_context():
        o = report_october(monkeypatch)
        photos = [_jpeg("red"), _jpeg("navy", (1200, 1600))]
        names = [sha256(p).hexdigest() for p in photos]
        for photo, name in zip(photos, names):
            receive_blob(name, io.BytesIO(photo), len(photo), o.tech)
        o.issues["t4"].photo_ids = names + ["0" * 64]
        services.draft_report(2026, 10)
        db.session.commit()
        rd = make_user(Role.RND, "rd2")
        o.photo_names = names
        o.issue_id = o.issues["t4"].id
    client = app.test_client()
    login(client, o.head)
    o.client = client
    o.rd = rd
    return o


def _items(page: str) -> dict[str, str]:
    """The R&D section's problems: each item's markup by problem id."""
    section = page[page.index("data-rd-section"):]
    section = section[:section.index("</section>")]
    parts = re.split(r'data-issue-item="([^"]+)"', section)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_rd_section_shows_each_problems_photos_as_thumbnails(app, month):
    """The problem from T4 carries its three named photos as thumbnails; the finding's problem none."""
    items = _items(month.client.get("/reports/2026-10").get_data(as_text=True))
    assert len(items) == 2
    mine = items.pop(month.issue_id)
    assert re.findall(r'<img [^>]*data-photo="([0-9a-f]{64})"', mine) == month.photo_names + ["0" * 64]
    assert "<img" not in next(iter(items.values()))
    thumb = re.search(r'<img src="([^"]+)"', mine).group(1)
    rd = app.test_client()
    login(rd, month.rd)
    response = rd.get(thumb)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def test_the_pdf_draws_the_photos_that_arrived_under_their_problem(month):
    """Two images in the PDF (the missing one left out), print-sized rather than the phone's megapixels."""
    response = month.client.get("/reports/2026-10/report.pdf")
    assert response.status_code == 200
    images = [image for page in PdfReader(io.BytesIO(response.data)).pages for image in page.images]
    assert len(images) == 2
    assert all(max(image.image.size) <= 600 for image in images)
    assert sorted(image.image.size for image in images) == [(450, 600), (600, 450)]
