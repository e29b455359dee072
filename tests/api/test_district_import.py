"""Bringing a district in: schools, sites and contacts from one Excel sheet, all clean or nothing."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from webapp.archive.models import Contact, Customer, Site
from webapp.audit.models import AuditLog
from webapp.extensions import db

HEADERS = ["学校名称", "类型", "地址", "验收时间", "负责人", "电话", "校区名称", "校区地址",
           "联系人", "联系人职务", "联系人电话", "联系人邮箱"]


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> io.BytesIO:
    """An .xlsx with the headers and rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def upload(client, rows, headers=HEADERS):
    """Post a district file to the import page."""
    return client.post("/customers/import", data={"file": (xlsx(rows, headers), "district.xlsx")},
                       content_type="multipart/form-data")


GOOD = [
    ["城东小学", "学校", "城东路 1 号", "2024-09-01", "周主任", "0571-1111", "主校区", "城东路 1 号", "周主任", "信息中心主任", "139000001", ""],
    ["城东小学", "", "", "", "", "", "分校区", "城东路 99 号", "吴老师", "总务处", "139000002", "wu@example.cn"],
    ["城西中学", "school", "城西路 5 号", "", "", "", "", "", "", "", "", ""],
]


@pytest.fixture
def district(app):
    """Two schools already in the archive and one user per role."""
    return make_district()


def count(model) -> int:
    """How many rows a table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_clean_file_brings_in_schools_with_their_sites_and_contacts(web, district):
    """Two schools, the first with two sites and two contacts; each school's import is audited."""
    sign_in(web, district.office)
    response = upload(web, GOOD)
    assert response.status_code == 302, response.get_data(as_text=True)
    east = db.session.scalar(select(Customer).where(Customer.name == "城东小学"))
    assert east.kind == "school" and east.address == "城东路 1 号" and east.acceptance_date.isoformat() == "2024-09-01"
    assert sorted(s.name for s in db.session.scalars(select(Site).where(Site.customer_id == east.id))) == ["主校区", "分校区"]
    contacts = db.session.scalars(select(Contact).where(Contact.customer_id == east.id)).all()
    assert sorted((c.name, c.title) for c in contacts) == [("吴老师", "总务处"), ("周主任", "信息中心主任")]
    assert db.session.scalar(select(Customer).where(Customer.name == "城西中学")) is not None
    assert count(AuditLog.__table__) and db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "import", AuditLog.entity == "customer")) == 2


@pytest.mark.parametrize("bad_row,column,message", [
    (["城北小学", "幼儿园", "", "", "", "", "", "", "", "", "", ""], "Kind", "Unknown kind"),
    (["城北小学", "", "", "2024-13-01", "", "", "", "", "", "", "", ""], "Acceptance date", "YYYY-MM-DD"),
    (["东湖小学", "", "", "", "", "", "", "", "", "", "", ""], "School name", "already in the archive"),
    (["城东小学", "", "", "", "", "", "主校区", "", "", "", "", ""], "Site name", "earlier row"),
    (["城东小学", "", "另一个地址", "", "", "", "", "", "", "", "", ""], "Address", "another value"),
    (["城北小学", "", "", "", "", "", "", "", "", "", "139000003", ""], "Contact name", "Give the contact a name"),
])
def test_one_bad_row_imports_nothing_and_says_where(web, district, bad_row, column, message):
    """The report names the row and column; no school, site or contact is added."""
    before = (count(Customer), count(Site), count(Contact))
    sign_in(web, district.office)
    response = upload(web, GOOD + [bad_row])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html
    assert f'data-label="Row">5<' in html.replace("\n", "").replace("  ", "") or ">5</td>" in html
    assert column in html and message in html
    assert (count(Customer), count(Site), count(Contact)) == before


def test_a_missing_required_header_is_reported(web, district):
    """Without the school-name column the whole file is wrong."""
    sign_in(web, district.office)
    response = upload(web, [["城北路"]], headers=["地址"])
    assert response.status_code == 422
    assert "This required column is missing." in response.get_data(as_text=True)


def test_technicians_cannot_import(web, district):
    """Only the archive's editors import."""
    sign_in(web, district.tech)
    assert upload(web, GOOD).status_code == 403
    assert db.session.scalar(select(Customer).where(Customer.name == "城东小学")) is None


def test_the_template_has_the_headers_the_import_reads(web, district):
    """The downloadable template's headers are accepted as they are."""
    sign_in(web, district.office)
    response = web.get("/customers/import-template.xlsx")
    headers = [c.value for c in load_workbook(io.BytesIO(response.data)).active[1]]
    assert headers[0] == "School name *"
    assert upload(web, [["城南小学"] + [""] * 11], headers=headers).status_code == 302
