"""The office reads the service diary written on the devices: by technician, school and date."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import create_diary_entry


@pytest.fixture
def diary(app):
    """Entries by two technicians at two schools on two days, and one corrected entry."""
    d = make_district()
    d.tech2 = make_user(Role.TECHNICIAN, customers=[d.other])
    write = lambda user, school, day, text, **kw: create_diary_entry(  # noqa: E731
        user, {"customer_id": school.id, "date": day, "text": text, **kw})
    first = write(d.tech, d.mine, date(2026, 11, 30), "更换东湖三楼交换机电源")
    db.session.flush()
    write(d.tech, d.mine, date(2026, 11, 30), "更换东湖三楼交换机电源模块（更正）", supersedes=first.id)
    write(d.tech, d.mine, date(2026, 12, 1), "东湖巡检一切正常", device_id=d.device.id)
    write(d.tech2, d.other, date(2026, 12, 1), "西山北门枪机重新对焦")
    db.session.commit()
    return d


def listed(html: str) -> str:
    """The entries part of the page (not the filter's drop-downs)."""
    return html.split("</form>", 1)[1]


def test_the_office_reads_every_entry_by_day_with_the_correction_in_place(web, diary):
    """Newest day first; a corrected entry shows only its correction."""
    sign_in(web, diary.office)
    html = listed(web.get("/maintenance/diary").get_data(as_text=True))
    assert html.index("西山北门枪机重新对焦") < html.index("更换东湖三楼交换机电源模块（更正）")
    assert "更换东湖三楼交换机电源<" not in html and "Corrected" in html
    assert diary.device.name in html


@pytest.mark.parametrize("query,shown,hidden", [
    ("technician={tech2}", "西山北门枪机重新对焦", "东湖巡检一切正常"),
    ("school={mine}", "东湖巡检一切正常", "西山北门枪机重新对焦"),
    ("date_from=2026-11-30&date_to=2026-11-30", "电源模块", "东湖巡检一切正常"),
])
def test_the_diary_filters_by_technician_school_and_date(web, diary, query, shown, hidden):
    """Each filter keeps its entries only."""
    sign_in(web, diary.supervisor)
    html = listed(web.get("/maintenance/diary?" + query.format(tech2=diary.tech2.id, mine=diary.mine.id))
                  .get_data(as_text=True))
    assert shown in html and hidden not in html


def test_a_technician_reads_only_the_diary_of_their_schools(web, diary):
    """The diary keeps to the reader's scope."""
    sign_in(web, diary.tech)
    html = listed(web.get("/maintenance/diary").get_data(as_text=True))
    assert "东湖巡检一切正常" in html and "西山北门枪机重新对焦" not in html


def test_the_diary_exports_to_excel(web, diary):
    """One line per entry the filters keep, with day, school, technician and text."""
    sign_in(web, diary.office)
    response = web.get(f"/maintenance/diary?technician={diary.tech2.id}&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    day, school, technician, _about, text, _corrected = rows[0]
    assert (day.date(), school, technician, text) == (
        date(2026, 12, 1), "西山中学", diary.tech2.display_name, "西山北门枪机重新对焦")
