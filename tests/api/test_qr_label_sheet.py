"""The label-sheet page: pick a selection (a cabinet, a school, hand-picked devices), get an A4 PDF
whose QR codes decode back to exactly the selection's label URLs."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.support.factories import login, make_cabinet, make_customer, make_device, make_user
from tests.support.label_decoding import decode_sheet
from webapp.archive.models import Device
from webapp.auth.models import Role
from webapp.documents.label_sheet import LAYOUTS
from webapp.extensions import db


@pytest.fixture
def school(app):
    """A school with two cabinets holding three devices, one device without a label, and its technician."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer("滨江第一中学", technicians=[tech])
    cab_a = make_cabinet(customer, "A 行政楼机柜")
    cab_b = make_cabinet(customer, "B 教学楼机柜")
    devices = [
        make_device(customer, cab_a, name="核心交换机"),
        make_device(customer, cab_a, name="硬盘录像机"),
        make_device(customer, cab_b, name="接入交换机"),
    ]
    unlabelled = make_device(customer, cab_b, name="无标签的AP", with_token=False)
    return {"customer": customer, "cabinets": [cab_a, cab_b], "devices": devices, "unlabelled": unlabelled, "tech": tech}


def checked_values(html: str, name: str) -> list[str]:
    """Values of the checked checkboxes of a field, in page order."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            found.append(re.search(r'value="([^"]+)"', tag).group(1))
    return found


def office_client(client):
    """The client signed in as the front desk, asking for English."""
    login(client, make_user(Role.OFFICE))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_whole_school_sheet_decodes_to_the_selection_with_offset(client, school):
    """All cabinets and devices of a school on a 3x8 sheet from position 4: the first three cells are
    empty and each QR decodes to <base>/q/<token> of the selection, in the page's order."""
    office_client(client)
    cabinets, devices = school["cabinets"], school["devices"]
    response = client.post(
        f"/labels?customer_id={school['customer'].id}",
        data={
            "cabinet_ids": [c.id for c in cabinets],
            "device_ids": [d.id for d in devices],
            "layout": "3x8",
            "start_offset": "3",
        },
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    decoded = decode_sheet(response.data, LAYOUTS["3x8"].cells())
    expected = [f"http://localhost/q/{r.qr_token}" for r in cabinets + devices]
    assert decoded == [[None] * 3 + expected + [None] * (24 - 3 - len(expected))]


def test_labels_use_the_configured_public_address(make_app):
    """With PUBLIC_BASE_URL set, the QR holds that address, not the one the page was asked on."""
    app = make_app(PUBLIC_BASE_URL="https://om.example.cn/")
    with app.app_context():
        cabinet = make_cabinet(make_customer())
        client = app.test_client()
        login(client, make_user(Role.OFFICE))
        response = client.post(
            f"/labels?cabinet_id={cabinet.id}", data={"cabinet_ids": [cabinet.id], "layout": "2x5", "start_offset": "0"}
        )
        decoded = decode_sheet(response.data, LAYOUTS["2x5"].cells())
        assert decoded[0][0] == f"https://om.example.cn/q/{cabinet.qr_token}"


def test_sheet_text_names_the_school_and_short_codes(client, school):
    """The PDF's text layer carries the Chinese school name and the short code of each label."""
    office_client(client)
    response = client.post(
        f"/labels?customer_id={school['customer'].id}",
        data={"device_ids": [d.id for d in school["devices"]], "layout": "3x8", "start_offset": "0"},
    )
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    assert "滨江第一中学" in text
    for device in school["devices"]:
        assert device.qr_token[:8] in text


def test_customer_link_preselects_all_cabinets(client, school):
    """?customer_id= opens the school with every labelled cabinet ticked and devices offered."""
    office_client(client)
    html = client.get(f"/labels?customer_id={school['customer'].id}").get_data(as_text=True)
    assert checked_values(html, "cabinet_ids") == [c.id for c in school["cabinets"]]
    assert checked_values(html, "device_ids") == []
    for device in school["devices"]:
        assert f'value="{device.id}"' in html


def test_select_everything_ticks_cabinets_and_devices(client, school):
    """The 'everything' quick pick ticks every labelled cabinet and device."""
    office_client(client)
    html = client.get(f"/labels?customer_id={school['customer'].id}&select=all").get_data(as_text=True)
    assert len(checked_values(html, "cabinet_ids")) == 2
    assert checked_values(html, "device_ids") == [d.id for d in school["devices"]]


def test_unlabelled_records_are_listed_but_cannot_be_ticked(client, school):
    """A device without a label shows 'no label yet' and has no checkbox."""
    office_client(client)
    html = client.get(f"/labels?customer_id={school['customer'].id}").get_data(as_text=True)
    assert "无标签的AP" in html
    assert "no label yet" in html
    assert f'value="{school["unlabelled"].id}"' not in html


def test_cabinet_link_preselects_that_cabinet(client, school):
    """?cabinet_id= ticks that cabinet and offers its devices."""
    office_client(client)
    cabinet = school["cabinets"][0]
    html = client.get(f"/labels?cabinet_id={cabinet.id}").get_data(as_text=True)
    assert checked_values(html, "cabinet_ids") == [cabinet.id]
    assert "核心交换机" in html and "接入交换机" not in html


def test_device_ids_link_preselects_hand_picked_devices(client, school):
    """?device_ids=a,b ticks exactly those devices."""
    office_client(client)
    picked = [school["devices"][2].id, school["devices"][0].id]
    html = client.get(f"/labels?device_ids={','.join(picked)}").get_data(as_text=True)
    assert checked_values(html, "device_ids") == picked


def test_technician_prints_own_school_but_not_another(client, school):
    """A technician may print labels of an assigned school; another school's page is 404."""
    login(client, school["tech"])
    assert client.get(f"/labels?customer_id={school['customer'].id}").status_code == 200
    other = make_customer("别的学校")
    assert client.get(f"/labels?customer_id={other.id}").status_code == 404


def test_hand_picked_devices_of_an_unassigned_school_are_left_out(client, school):
    """Device ids of a school the technician does not care for are not offered."""
    other_device = make_device(make_customer("别的学校"), name="别校摄像机")
    login(client, school["tech"])
    mine = school["devices"][0]
    html = client.get(f"/labels?device_ids={mine.id},{other_device.id}").get_data(as_text=True)
    assert checked_values(html, "device_ids") == [mine.id]
    assert "别校摄像机" not in html


def test_posting_a_record_outside_the_selection_is_refused(client, school):
    """A device id that the page did not offer makes the form invalid: no PDF."""
    office_client(client)
    stranger = make_device(make_customer("别的学校"))
    response = client.post(
        f"/labels?customer_id={school['customer'].id}",
        data={"device_ids": [stranger.id], "layout": "3x8", "start_offset": "0"},
    )
    assert response.status_code == 422
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"layout": "3x8", "start_offset": "0"}, "Pick at least one cabinet or device."),
        ({"layout": "3x8", "start_offset": "24", "pick": 1}, "skip at most 23"),
        ({"layout": "2x5", "start_offset": "10", "pick": 1}, "skip at most 9"),
        ({"layout": "3x8", "start_offset": "-1", "pick": 1}, "Number must be at least 0."),
        ({"layout": "A0", "start_offset": "0", "pick": 1}, "Not a valid choice"),
    ],
)
def test_bad_choices_show_the_form_again(client, school, data, message):
    """No selection, an offset beyond the sheet or an unknown stock: the form says what is wrong."""
    office_client(client)
    if data.pop("pick", None):
        data["cabinet_ids"] = [school["cabinets"][0].id]
    response = client.post(f"/labels?customer_id={school['customer'].id}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_office_issues_missing_labels_for_a_school(client, school):
    """'Issue labels for them' gives every unlabelled record of the school a token."""
    office_client(client)
    response = client.post(f"/labels/customer/{school['customer'].id}/issue-missing")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, school["unlabelled"].id).qr_token
    assert all(d.qr_token for d in db.session.scalars(select(Device)))


def test_technician_cannot_issue_missing_labels(client, school):
    """Issuing labels is for the office, the supervisor and the administrator."""
    login(client, school["tech"])
    response = client.post(f"/labels/customer/{school['customer'].id}/issue-missing")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Device, school["unlabelled"].id).qr_token is None


def test_label_page_without_selection_lists_schools(client, school):
    """Opened from the menu, the page asks which school."""
    office_client(client)
    html = client.get("/labels").get_data(as_text=True)
    assert f"/labels?customer_id={school['customer'].id}" in html
