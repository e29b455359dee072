"""October 2026 for the monthly report: the appraisal's month (tests/support/appraisal.py: tickets
across National Day, patrols, maintenance, spot checks, follow-ups, a rework) plus what the
report counts beyond it. `report_october()` only builds; each test computes its numbers by hand.

Added here:
- devices: model A (海康威视 DS-2CD3T46, camera) 40 at s1 and 10 at s3 (50 installed); model B
  (希沃 F75EC, classroom AV) 4 at s1. T1, T2 and T2's rework are on A; T3 and T4 on B; T5 none;
- T5 (difficult) decided by the head and resolved on 22 Oct with parts: 2 × 电源适配器 at 35.50
  and 1 × HDMI线 at 20.00 (91.00, 3 parts);
- two patrol sheets flagging "works": s3 on 27 Oct, s1 on 29 Oct;
- product-quality problems: from T4 (B) on 23 Oct and from s3's finding on 27 Oct (no device);
- last year: one ticket at s1 on A, reported 15 Oct 2025, never classified.
"""
from __future__ import annotations

from tests.support.appraisal import PATROL_ITEMS, October, bj, october, stamped
from tests.support.factories import make_checklist, make_device, make_sheet
from tests.support.repair_builders import make_ticket
from webapp.extensions import db
from webapp.repairs.events import record_event
from webapp.reports import services as report_services

PARTS = [{"name": "电源适配器 12V", "qty": 2, "unit_cost": "35.50"}, {"name": "HDMI线", "qty": 1, "unit_cost": 20}]


def report_october(monkeypatch) -> October:
    """Build the month (see the module docstring); committed."""
    o = october(monkeypatch)
    s1, s3 = o.schools["s1"], o.schools["s3"]
    a1 = make_device(s1, category="camera", brand="海康威视", model="DS-2CD3T46", quantity=40)
    make_device(s3, category="camera", brand="海康威视", model="DS-2CD3T46", quantity=10)
    b1 = make_device(s1, category="classroom_av", brand="希沃", model="F75EC", quantity=4)
    o.devices = {"a1": a1, "b1": b1}
    for key in ("t1", "t2", "t2_rework"):
        o.tickets[key].device_id = a1.id
    # the office opened the rework on 16 Oct (the appraisal's story stamps the verbs, not the row)
    o.tickets["t2_rework"].created_at = o.tickets["t2_rework"].reported_at
    for key in ("t3", "t4"):
        o.tickets[key].device_id = b1.id
    db.session.commit()
    t5 = o.tickets["t5"]
    record_event(t5, "escalation_decision", {"decided_with": "colleagues", "solution": "更换电源"}, o.head, now=bj(10, 21, 15))
    record_event(t5, "resolved", {"fault_found": "电源坏", "action": "换电源", "parts": PARTS}, o.tech2, now=bj(10, 22, 10))
    patrol = make_checklist(PATROL_ITEMS, key="report_patrol")
    o.sheets["flag_s3"] = make_sheet(o.tech, patrol, s3, {"works": {"value": "flag", "note": "风扇异响"}},
                                     finished_at=bj(10, 27, 10))
    o.sheets["flag_s1"] = make_sheet(o.tech, patrol, s1, {"works": {"value": "fail", "note": "交换机掉线"}},
                                     finished_at=bj(10, 29, 10))
    db.session.commit()
    with stamped(monkeypatch, bj(10, 23, 12), report_services):
        o.issues = {"t4": report_services.raise_from_ticket(o.tickets["t4"], o.tech, "一体机反复黑屏，已第二次返厂")}
    with stamped(monkeypatch, bj(10, 27, 12), report_services):
        o.issues["s3"] = report_services.raise_from_finding(o.sheets["flag_s3"], "works", o.tech, "机柜风扇批次问题")
    o.tickets["last_year"] = make_ticket(s1, assigned_to=o.tech, reported_at=bj(10, 15, 9, y=2025))
    o.tickets["last_year"].device_id = a1.id
    db.session.commit()
    return o
