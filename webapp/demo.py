"""Demo data that looks like a real district: three schools, their cabinets and devices, users."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from .appraisal.demo import load_demo_appraisal
from .archive.models import Cabinet, Contact, Customer, Device, HandoverItem, Room, Site
from .archive.qr import issue_token
from .auth.models import Role, User
from .auth.services import create_user
from .demo_history import load_demo_history
from .extensions import db
from .knowledge.demo import load_demo_knowledge
from .maintenance.demo import load_demo_maintenance
from .projects.demo import load_demo_projects
from .repairs.demo import load_demo_repairs
from .reports.demo import load_demo_reports
from .training.demo import load_demo_training

DEMO_USERS = [
    ("tech", "张伟", Role.TECHNICIAN, "13800000001"),
    ("tech2", "李娜", Role.TECHNICIAN, "13800000002"),
    ("office", "王芳", Role.OFFICE, "13800000003"),
    ("super", "刘强", Role.SUPERVISOR, "13800000004"),
    ("qc", "陈静", Role.QUALITY, "13800000005"),
    ("admin", "系统管理员", Role.ADMIN, None),
    ("market", "赵敏", Role.MARKETING, "13800000006"),
    ("leader", "孙总", Role.LEADERSHIP, "13800000007"),
    ("rd", "周工", Role.RND, "13800000008"),
]

SCHOOLS = [
    {
        "name": "滨江第一中学",
        "address": "滨江区江南大道 1288 号",
        "person_in_charge": "周建国（信息中心主任）",
        "phone": "0571-86600001",
        "acceptance_date": date(2023, 8, 25),
        "sites": {"主校区": ["行政楼", "教学楼A", "教学楼B", "实验楼"], "体育馆": ["体育馆"]},
        "contacts": [("周建国", "信息中心主任", "13905710001"), ("吴敏", "总务处", "13905710002")],
    },
    {
        "name": "城南实验小学",
        "address": "城南区学院路 56 号",
        "person_in_charge": "孙丽（副校长）",
        "phone": "0571-86600002",
        "acceptance_date": date(2024, 1, 12),
        "sites": {"本部": ["综合楼", "教学楼", "食堂"], "东校区": ["东区教学楼"]},
        "contacts": [("孙丽", "副校长", "13905710011"), ("郑浩", "电教老师", "13905710012")],
    },
    {
        "name": "西湖区职业技术学校",
        "address": "西湖区文三路 300 号",
        "person_in_charge": "黄海（网络管理员）",
        "phone": "0571-86600003",
        "acceptance_date": date(2022, 9, 1),
        "sites": {"校本部": ["图书信息楼", "实训楼1", "实训楼2", "宿舍区"]},
        "contacts": [("黄海", "网络管理员", "13905710021"), ("林晓", "办公室", "13905710022")],
    },
]

# category, name (zh), brand, models with their software version, protocol, supplier
CATALOGUE = [
    ("switch", "核心交换机", "华为", [("S5735-L48T4X-A1", "V200R021C10SPC600")], "SNMP v2c / SSH", "杭州网联科技有限公司"),
    ("switch", "接入交换机", "H3C", [("S5130S-52S-EI", "Comware 7.1.070 R3507"), ("S5120V3-28P-LI", "R1103")], "SNMP v2c / Telnet", "浙江华三代理商"),
    ("switch", "POE交换机", "锐捷", [("RG-S2910-24GT4XS-E", "RGOS 11.4(1)B12P3")], "SNMP v2c / SSH", "杭州网联科技有限公司"),
    ("access_point", "无线AP", "华为", [("AirEngine 5761-11", "V200R022C00SPC100")], "CAPWAP / 802.11ax", "杭州网联科技有限公司"),
    ("access_point", "无线AP", "锐捷", [("RG-AP720-L", "AP_RGOS 11.9(6)W3B3")], "CAPWAP / 802.11ac", "杭州网联科技有限公司"),
    ("camera", "网络摄像机", "海康威视", [("DS-2CD3T46WDV3-I3", "V5.7.3 build 220112"), ("DS-2CD3346WDV3-I", "V5.7.12")], "ONVIF / RTSP / GB28181", "海康威视浙江分公司"),
    ("camera", "网络摄像机", "大华", [("DH-IPC-HFW2433M-I1", "V2.820.0000000.13.R")], "ONVIF / RTSP", "大华股份杭州办事处"),
    ("nvr", "网络硬盘录像机", "海康威视", [("DS-7932N-R4", "V4.62.210")], "ONVIF / GB28181", "海康威视浙江分公司"),
    ("classroom_av", "班班通一体机", "希沃", [("F75EC", "EasiNote 5.2.4 / Android 11")], "HDMI / TCP/IP", "希沃教育浙江服务中心"),
    ("interactive_display", "交互式平板", "鸿合", [("HD-I7590E", "V3.1.6")], "HDMI / RS-232", "鸿合科技代理商"),
    ("projector", "投影机", "爱普生", [("CB-FH52", "Firmware 1.02")], "RS-232 / PJLink", "爱普生投影代理"),
    ("access_control", "门禁一体机", "海康威视", [("DS-K1T671M", "V3.2.30")], "Wiegand / TCP/IP", "海康威视浙江分公司"),
    ("access_control", "人脸识别终端", "中控智慧", [("ProFace X", "ZAM180-NF50VB-Ver1.3.0")], "Wiegand / HTTP", "中控智慧代理商"),
    ("broadcast", "IP网络广播主机", "ITC", [("T-6700", "V6.7.2")], "SIP / TCP/IP", "广州保伦代理"),
    ("broadcast", "功放", "迪士普", [("MAG6182", "—")], "模拟音频 / RS-485", "迪士普浙江代理"),
    ("server", "服务器", "戴尔", [("PowerEdge R750", "iDRAC 6.10.30.00 / Windows Server 2019")], "IPMI / HTTPS", "杭州网联科技有限公司"),
    ("ups", "UPS电源", "山特", [("C3K", "—")], "SNMP (卡)", "山特电源代理"),
    ("firewall", "防火墙", "深信服", [("AF-1000-B1350", "AF 8.0.85")], "HTTPS / SSH", "深信服浙江代理"),
]


def _serial(rng: random.Random, prefix: str) -> str:
    """A plausible serial number."""
    return prefix + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))


def _devices_for_cabinet(rng: random.Random, is_core: bool) -> list[tuple]:
    """Pick what stands in a cabinet: network kit in every one, more in the core room."""
    picks = [CATALOGUE[0]] if is_core else [rng.choice(CATALOGUE[1:3])]
    pool = CATALOGUE[3:]
    picks += rng.sample(pool, 6 if is_core else 5)
    return picks


def load_demo_data(seed: int = 2026) -> bool:
    """Create the demo district once; returns False when demo data is already there."""
    if db.session.scalar(select(User).where(User.username == "tech")) is not None:
        return False
    rng = random.Random(seed)
    users = {}
    for username, name, role, phone in DEMO_USERS:
        users[username] = create_user(username, name, role, "demo1234", check_strength=False, phone=phone)
    db.session.flush()

    for index, school in enumerate(SCHOOLS):
        customer = Customer(
            name=school["name"], kind="school", address=school["address"],
            acceptance_date=school["acceptance_date"], person_in_charge=school["person_in_charge"],
            phone=school["phone"],
        )
        db.session.add(customer)
        db.session.flush()
        for name, title, phone in school["contacts"]:
            db.session.add(Contact(customer_id=customer.id, name=name, title=title, phone=phone))
        rooms = []
        for site_name, buildings in school["sites"].items():
            site = Site(customer_id=customer.id, name=site_name, address=school["address"])
            db.session.add(site)
            db.session.flush()
            for building in buildings:
                for floor, suffix in (("1", "弱电间"), ("3", "弱电间")):
                    room = Room(customer_id=customer.id, site_id=site.id, name=f"{building}{floor}F{suffix}", floor=floor)
                    db.session.add(room)
                    rooms.append(room)
        db.session.flush()
        cabinet_total = 15
        device_no = 0
        for number in range(1, cabinet_total + 1):
            room = rooms[(number - 1) % len(rooms)]
            is_core = number == 1
            cabinet = Cabinet(
                customer_id=customer.id, site_id=room.site_id, room_id=room.id,
                name="核心机柜" if is_core else f"{room.name}机柜{number:02d}",
                code=f"JG-{index + 1}{number:02d}", location=room.name,
            )
            db.session.add(cabinet)
            db.session.flush()
            issue_token(cabinet)
            installed = school["acceptance_date"] - timedelta(days=rng.randint(10, 40))
            for category, label, brand, models, protocol, supplier in _devices_for_cabinet(rng, is_core):
                model, version = rng.choice(models)
                device_no += 1
                quantity = rng.choice([1, 1, 1, 2, 4]) if category in {"camera", "access_point"} else 1
                device = Device(
                    customer_id=customer.id, cabinet_id=cabinet.id, room_id=room.id,
                    name=f"{label}-{device_no:03d}", category=category, brand=brand, model=model,
                    quantity=quantity, protocol=protocol, software_version=version,
                    serial=_serial(rng, brand[:1].upper() if brand.isascii() else "S"),
                    ip_address=f"10.{index + 1}.{number}.{device_no % 250 + 2}",
                    install_date=installed, warranty_end=installed + timedelta(days=365 * rng.choice([1, 3, 3, 5])),
                    supplier=supplier,
                )
                db.session.add(device)
                db.session.flush()
                issue_token(device)
        for kind, description, quantity in [
            ("accessories", "机柜安装配件（螺丝、托盘、理线架）", 15),
            ("software_disc", "视频监控客户端软件光盘", 2),
            ("warranty_card", "设备保修卡", 30),
            ("manual", "安装使用手册", 12),
            ("spare_key", "机柜备用钥匙", cabinet_total),
        ]:
            db.session.add(HandoverItem(
                customer_id=customer.id, kind=kind, description=description, quantity=quantity,
                handed_to=school["contacts"][0][0], handed_on=school["acceptance_date"],
            ))
        owner = users["tech"] if index < 2 else users["tech2"]
        customer.technicians.append(owner)
    db.session.flush()
    load_demo_maintenance()
    load_demo_repairs()
    load_demo_history()
    load_demo_appraisal()
    load_demo_knowledge()
    load_demo_training()
    load_demo_projects()
    load_demo_reports()
    return True
