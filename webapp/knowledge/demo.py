"""Demo articles: published ones for models at `tech`'s schools (his device pulls them), one
edited into a second version, and a draft waiting for the head."""
from __future__ import annotations

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from . import services

PUBLISHED = [
    {"title": "班班通一体机开机后黑屏有声音", "device_category": "classroom_av", "brand": "希沃", "models": ["F75EC"],
     "software_versions": ["EasiNote 5.2.4 / Android 11"],
     "symptoms": "开机后黑屏有声音，电源指示灯蓝色常亮，触摸有反馈但无图像。",
     "cause": "内置电脑（OPS）与屏幕之间的显示通道没有切回，或 OPS 分辨率被设为屏幕不支持的 4K 60Hz。",
     "solution": "用遥控器“信号源”切回 PC 通道；仍黑屏则进入 OPS 安全模式，把分辨率改为 1920×1080 60Hz。",
     "steps": ["遥控器按“信号源”，选择“内置电脑”", "长按 OPS 电源键 5 秒强制关机后再开机", "开机时按 F8 进入安全模式",
               "显示设置里把分辨率改为 1920×1080、刷新率 60Hz", "重启后确认开机画面正常"]},
    {"title": "网络摄像机夜间画面发白", "device_category": "camera", "brand": "海康威视", "models": ["DS-2CD3T46WDV3-I3"],
     "software_versions": ["V5.7.3 build 220112"],
     "symptoms": "夜间画面整体发白、看不清人脸，白天正常。",
     "cause": "红外补光照到近处墙面或雨棚反光。",
     "solution": "调整安装角度避开近处遮挡物，在网页里开启“智能补光”。",
     "steps": ["登录摄像机网页", "图像 → 补光设置 → 智能补光", "夜间回看确认"]},
    {"title": "硬盘录像机提示硬盘错误、回放没有录像", "device_category": "nvr", "brand": "海康威视", "models": ["DS-7932N-R4"],
     "symptoms": "录像机前面板报警灯亮，提示硬盘错误，部分通道回放没有录像。",
     "cause": "硬盘出现坏道（SMART 状态异常）。",
     "solution": "更换同容量监控级硬盘并初始化；更换前导出配置。",
     "steps": ["存储管理里查看 SMART 信息", "导出配置", "断电更换硬盘", "初始化新硬盘并确认录像计划"]},
    {"title": "核心交换机环路导致全校断网", "device_category": "switch", "brand": "华为", "models": ["S5735-L48T4X-A1"],
     "symptoms": "全校网络时断时续，交换机端口指示灯同时狂闪，CPU 占用很高。",
     "cause": "教室里一根网线两头插在同一台交换机上形成环路。",
     "solution": "开启环路检测（loopback-detect）和 STP，找到环路端口后拔掉网线。",
     "steps": ["display interface brief 查看哪些端口流量异常", "开启 loopback-detect", "到对应教室拔掉环路网线"]},
    {"title": "无线 AP 能连上但打不开网页", "device_category": "access_point", "brand": "锐捷", "models": ["RG-AP720-L"],
     "symptoms": "手机能连上 WiFi，但打不开网页，提示“无互联网连接”。",
     "cause": "DHCP 地址池耗尽，新终端拿不到地址。",
     "solution": "扩大地址池，把租期缩短到 2 小时。"},
    {"title": "UPS 持续蜂鸣报警", "device_category": "ups", "brand": "山特", "models": ["C3K"],
     "symptoms": "UPS 不停蜂鸣，市电正常，电池指示灯闪烁。",
     "cause": "蓄电池老化，容量不足。",
     "solution": "更换整组蓄电池，并做一次放电测试。"},
]
EDIT = {"cause": "蓄电池老化（使用超过 3 年），容量不足以通过自检。"}
DRAFT = {"title": "广播主机有电流声", "device_category": "broadcast", "brand": "ITC", "models": ["T-6700"],
         "symptoms": "教室广播音箱有嗡嗡的电流声，音量越大越明显。", "cause": "功放与音箱之间接地不良。",
         "solution": "检查接地，改用平衡线连接。"}


def _user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalar(select(User).where(User.username == username))


def load_demo_knowledge() -> None:
    """Six published articles (one in its second version) and one draft."""
    tech, office, head = _user("tech"), _user("office"), _user("super")
    articles = []
    for number, fields in enumerate(PUBLISHED):
        article = services.create_article(tech if number % 2 == 0 else office, fields)
        services.publish_article(head, article)
        articles.append(article)
    services.update_article(head, articles[-1], EDIT)
    services.create_article(tech, DRAFT)
    db.session.flush()
