"""An installation project end to end in a real Chromium: marketing opens it with the approval
application, the head picks the team; the leader, offline on a tablet (800 × 1280), fails a
site-entry review, passes the second round, records a change and a training signed by two
teachers; back online the head sees the change. On the acceptor's tablet the internal acceptance
fails once; the leader reports the rectification on his, and the second round passes. The office
lists the device, marketing records the external acceptance on the office page with the school's
signature, the leader signs the completion report and checks off the hand-over items on his tablet,
the school signs the hand-over receipt there, and the school's archive holds the devices, the
project and the signed papers."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.support.factories import PASSWORD, make_customer, make_user
from tests.support.field_app import (
    BROWSER_UPDATE_CHECK, draw_signature, heard_since, meta, outbox, sign_in, wait_for_sync, wait_for_worker,
    wait_until,
)
from webapp.archive.models import Device
from webapp.auth.models import Role
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.projects.models import Change, EntryReview, InternalAcceptance, Project, Training

TABLET = {"width": 800, "height": 1280}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENTRY_KEYS = ("drawings", "building", "conduits", "equipment_room", "site_power", "schedule", "safety")
ACCEPTANCE_KEYS = ("mounting", "cabling", "cabinets", "functions", "settings", "documents", "clean_site")

pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def people(live_app):
    """Marketing, the head, the leader `tech`, an acceptor, the office and an existing school."""
    with live_app.app_context():
        users = {"market": make_user(Role.MARKETING, "market"), "head": make_user(Role.SUPERVISOR, "super"),
                 "tech": make_user(Role.TECHNICIAN, "tech"), "acceptor": make_user(Role.QUALITY, "qc"),
                 "office": make_user(Role.OFFICE, "office")}
        school = make_customer("湖滨实验学校")
        db.session.commit()
        return {**{k: u.id for k, u in users.items()}, "school": school.id, "school_name": school.name}


def office_page(browser, base: str, username: str):
    """A desk browser signed in to the office pages."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login?next=/projects/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/projects/")
    return page


def answer_round(page, keys, failing: str | None = None, note: str = "", signed: bool = True) -> None:
    """Fill a round's checklist: every item met (passed) but `failing`, with its note; the
    reviewer signs an entry review (an acceptance round is not signed on the device)."""
    page.wait_for_selector("form.project-round")
    for key in keys:
        page.click(f"label[for='a-{key}-{'no' if key == failing else 'yes'}']")
        if key == failing:
            page.fill(f"#note-{key}", note)
    if signed:
        draw_signature(page, "form.project-round canvas.signature-canvas")
    page.click("form.project-round button[type=submit]")
    page.wait_for_selector(".project-view")


def all_synced(page) -> None:
    """Wait until every entry in the device's outbox has reached the server."""
    wait_until(page, lambda: outbox(page) and all(e["state"] == "synced" for e in outbox(page)))


def pull(page, base: str, project_id: str) -> None:
    """Open the app again on the project's page and wait for the sync that brings what others did."""
    before = meta(page, "lastSync")
    page.goto(f"{base}/app/projects/{project_id}")
    wait_for_sync(page, after=before)
    page.wait_for_selector(".project-view")


def check_off_every_item(page) -> None:
    """The team checks the hand-over items off on the project page, one by one."""
    buttons = page.locator("#handover form[action$='/check'] button[type=submit]")
    while (left := buttons.count()) > 0:
        buttons.first.click()
        expect(buttons).to_have_count(left - 1)


def test_a_project_from_marketing_to_the_archive(browser, live_server, live_app, people, tmp_path, screenshot_dir):
    base = live_server.url
    # marketing opens the project for an existing school, the approval application attached
    market = office_page(browser, base, "market")
    market.goto(f"{base}/projects/new")
    market.select_option("#customer_id", people["school"])
    market.fill("#name", "湖滨实验学校智慧校园")
    market.fill("#contract_no", "ZB-2026-200")
    market.check("#tendered")
    approval = tmp_path / "施工审批申请单.pdf"
    approval.write_bytes(PDF)
    market.set_input_files("#approval", str(approval))
    market.click("main form button.btn-primary[type=submit]")
    expect(market.locator("h1")).to_contain_text("湖滨实验学校智慧校园")
    project_id = market.url.rsplit("/", 1)[-1].split("#")[0]

    # the head is told, picks the team (leader tech) and appoints the acceptance team
    head = office_page(browser, base, "super")
    head.goto(f"{base}/notifications")
    expect(head.locator(".note-message").first).to_contain_text("湖滨实验学校智慧校园")
    head.goto(f"{base}/projects/{project_id}")
    head.select_option("#team-leader_id", str(people["tech"]))
    head.click("form[data-form=team] button[type=submit]")
    expect(head.locator(".flash-success")).to_be_visible()
    head.check(f"form[data-form=acceptance] input[value='{people['acceptor']}']")
    head.click("form[data-form=acceptance] button[type=submit]")
    expect(head.locator(".flash-success")).to_be_visible()

    # the leader's tablet pulls the project, then goes offline
    tablet_context = browser.new_context(viewport=TABLET)
    tablet = tablet_context.new_page()
    sign_in(tablet, base, "tech")
    wait_for_worker(tablet)
    first = wait_for_sync(tablet)
    tablet.reload()
    tablet.wait_for_selector(f"[data-project='{project_id}']")
    wait_for_sync(tablet, after=first)
    tablet_context.set_offline(True)
    heard = len(live_server.requests)
    tablet.goto(f"{base}/app/projects/{project_id}")
    tablet.wait_for_selector(".project-view[data-status=team_assigned]")

    tablet.click("a[data-form=entry-review]")
    answer_round(tablet, ENTRY_KEYS, failing="equipment_room", note="机房空调未安装")
    expect(tablet.locator("[data-waiting=entry_failed]")).to_be_visible()
    tablet.click("a[data-form=entry-review]")
    answer_round(tablet, ENTRY_KEYS)
    tablet.wait_for_selector(".project-view[data-status=entry_met]")

    tablet.click("a[data-form=change]")
    tablet.fill("#change_what", "录播教室由 2 间增至 3 间")
    tablet.fill("#change_why", "学校新增录播需求")
    tablet.fill("#change_effect", "安装推迟 2 天")
    tablet.click("main form button.btn-primary[type=submit]")
    tablet.wait_for_selector(".project-view")

    tablet.click("a[data-form=training]")
    tablet.fill("#training_topics", "门禁平台日常操作")
    tablet.fill("#trainee_1_name", "吴老师")
    draw_signature(tablet, "[data-trainee='1'] canvas.signature-canvas")
    tablet.click("button.add-trainee")
    tablet.fill("#trainee_2_name", "郑老师")
    draw_signature(tablet, "[data-trainee='2'] canvas.signature-canvas")
    tablet.click("form.project-training button[type=submit]")
    tablet.wait_for_selector(".project-view")
    expect(tablet.locator(".project-record[data-kind=project_training]")).to_contain_text("门禁平台日常操作")
    tablet.screenshot(path=str(screenshot_dir / "project-tablet-offline-800.png"), full_page=True)
    assert [r for r in heard_since(live_server, heard) if r != BROWSER_UPDATE_CHECK] == []

    # back online: everything arrives; the head sees the change at once
    tablet_context.set_offline(False)
    all_synced(tablet)
    head.goto(f"{base}/notifications")
    expect(head.locator(".note-message").first).to_contain_text("录播教室由 2 间增至 3 间")
    head.goto(f"{base}/projects/{project_id}")
    expect(head.locator("[data-change]")).to_contain_text("学校新增录播需求")
    expect(head.locator("[data-round=entry-1]")).to_contain_text("机房空调未安装")
    expect(head.locator("[data-round=entry-2]")).to_be_visible()

    with live_app.app_context():
        assert db.session.get(Project, project_id).status == "entry_met"
        assert db.session.scalar(select(func.count(EntryReview.id)).where(EntryReview.project_id == project_id)) == 2
        assert db.session.scalar(select(func.count(Change.id)).where(Change.project_id == project_id)) == 1
        training = db.session.scalars(select(Training).where(Training.project_id == project_id)).one()
        assert training.trainees == ["吴老师", "郑老师"]

    # the acceptor's tablet: the first internal acceptance round fails on the cabling
    acceptor = browser.new_context(viewport=TABLET).new_page()
    sign_in(acceptor, base, "qc")
    wait_for_sync(acceptor)
    acceptor.goto(f"{base}/app/projects/{project_id}")
    acceptor.click("a[data-form=acceptance]")
    answer_round(acceptor, ACCEPTANCE_KEYS, failing="cabling", note="机柜理线凌乱", signed=False)
    expect(acceptor.locator("[data-waiting=acceptance_failed]")).to_be_visible()
    expect(acceptor.locator("a[data-form=acceptance]")).to_have_count(0)
    all_synced(acceptor)

    # the leader's tablet brings the failed round; he reports the items rectified
    pull(tablet, base, project_id)
    tablet.click("a[data-form=rectify]")
    expect(tablet.locator(".failed-items")).to_contain_text("机柜理线凌乱")
    tablet.fill("#rectify_note", "已重新理线并贴标签")
    tablet.click("form.project-rectify button[type=submit]")
    tablet.wait_for_selector(".project-view")
    all_synced(tablet)

    # the acceptor's tablet brings the rectification; the second round passes
    pull(acceptor, base, project_id)
    acceptor.click("a[data-form=acceptance]")
    answer_round(acceptor, ACCEPTANCE_KEYS, signed=False)
    acceptor.wait_for_selector(".project-view[data-status=internal_passed]")
    all_synced(acceptor)
    head.goto(f"{base}/projects/{project_id}")
    expect(head.locator("[data-round=internal-1]")).to_contain_text("机柜理线凌乱")
    expect(head.locator("[data-round=internal-1]")).to_contain_text("已重新理线并贴标签")
    expect(head.locator("[data-round=internal-2]")).to_be_visible()
    expect(head.locator("[data-status=internal_passed]")).to_be_visible()

    # the office lists the installed device on the project page
    office = office_page(browser, base, "office")
    office.goto(f"{base}/projects/{project_id}#devices")
    office.locator("#devices details summary").first.click()
    office.fill("#dev-site_name", "主校区")
    office.fill("#dev-cabinet_name", "1号机柜")
    office.fill("#dev-name", "核心交换机")
    office.select_option("#dev-category", "switch")
    office.fill("#dev-brand", "华为")
    office.fill("#dev-model", "S5735")
    office.click("form[data-form=device] button[type=submit]")
    expect(office.locator("[data-device='核心交换机']")).to_be_visible()

    # marketing records the external acceptance; the school's representative signs on the page
    market.goto(f"{base}/projects/{project_id}")
    market.click(f"a[href$='/projects/{project_id}/external']")
    market.wait_for_selector("form[data-signature-form][data-ready]")
    market.fill("#school_representative", "王校长")
    market.fill("#remarks", "系统运行正常，同意验收")
    draw_signature(market)
    market.click("[data-submit]")
    expect(market.locator(".flash-success")).to_be_visible()
    expect(market.locator("[data-status=external_passed]")).to_be_visible()

    # on his tablet the leader signs the completion report and checks the hand-over items off
    pull(tablet, base, project_id)
    tablet.click(f"a[data-office-page='{project_id}']")
    tablet.click(f"a[href$='/projects/{project_id}/report']")
    tablet.wait_for_selector("form[data-signature-form][data-ready]")
    tablet.fill("#summary", "工程按期完成，录播教室增至 3 间")
    draw_signature(tablet)
    tablet.click("[data-submit]")
    expect(tablet.locator(".flash-success")).to_be_visible()
    expect(tablet.locator("#completion")).to_contain_text("工程按期完成")
    check_off_every_item(tablet)
    expect(tablet.locator("#handover [data-item]")).to_have_count(5)
    expect(tablet.locator("#handover .tag-ok")).to_have_count(5)

    # the school signs the hand-over receipt on the leader's tablet; the office takes it into the archive
    tablet.click(f"a[href$='/projects/{project_id}/handover']")
    tablet.wait_for_selector("form[data-signature-form][data-ready]")
    tablet.fill("#received_by", "李老师")
    draw_signature(tablet)
    tablet.click("[data-submit]")
    expect(tablet.locator(".flash-success")).to_be_visible()
    office.goto(f"{base}/projects/{project_id}")
    office.click("form[action$='/archive'] button[type=submit]")
    office.wait_for_url(f"**/customers/{people['school']}")
    expect(office.locator("body")).to_contain_text("核心交换机")
    expect(office.locator("body")).to_contain_text("资料移交单")
    office.screenshot(path=str(screenshot_dir / "project-archive-1280.png"), full_page=True)

    with live_app.app_context():
        assert db.session.get(Project, project_id).status == "completed"
        rounds = db.session.scalars(select(InternalAcceptance.passed).where(InternalAcceptance.project_id == project_id)
                                    .order_by(InternalAcceptance.round)).all()
        assert rounds == [False, True]
        assert db.session.scalar(select(func.count(Device.id)).where(Device.customer_id == people["school"])) == 1
        kinds = set(db.session.scalars(select(Document.kind).where(Document.customer_id == people["school"])))
        assert kinds == {"project_entry_review", "project_training", "project_external_acceptance",
                         "project_report", "project_handover"}
