"""The checklist templates the department starts with (from the seed's 主动运维服务 section).

Each is installed once as version 1; the supervisor edits them into new versions.
"""
from __future__ import annotations


def _item(key, zh, en, kind, *, required=True, na=False, photo="none", **extra) -> dict:
    """One checklist item in the stored shape."""
    return {"key": key, "label_zh": zh, "label_en": en, "type": kind, "required": required,
            "na_allowed": na, "photo": photo, **extra}


def _option(key, zh, en, flag=False) -> dict:
    """One option of a single-choice item."""
    return {"key": key, "label_zh": zh, "label_en": en, "flag": flag}


_GOOD_FAIR_POOR = [
    _option("good", "良好", "Good"),
    _option("fair", "一般", "Fair"),
    _option("poor", "较差", "Poor", flag=True),
]

# Quality checks are scored: "fair" earns 60 % of an item's points, "poor" nothing.
_GOOD_FAIR_POOR_SCORED = [
    _option("good", "良好", "Good"),
    {**_option("fair", "一般", "Fair"), "score": 0.6},
    _option("poor", "较差", "Poor", flag=True),
]
_RECORDS = {"section_zh": "服务记录", "section_en": "Service records"}
_ON_SITE = {"section_zh": "现场设备", "section_en": "Equipment on site"}

SHIPPED_TEMPLATES = [
    {
        "template_key": "monthly_patrol",
        "name_zh": "月巡查表",
        "name_en": "Monthly patrol sheet",
        "activity": "monthly_patrol",
        "applies_to": "site",
        "description": "运维人员每月对所负责的学校进行一次巡查：系统功能运行情况、设备使用效果、安全隐患；"
                       "巡查结束后请客户在巡查单上签署意见。",
        "items": [
            _item("core_network", "核心网络及交换机运行正常", "Core network and switches running", "pass_flag_fail", photo="on_flag"),
            _item("wireless", "无线网络覆盖及上网正常", "Wi-Fi coverage and internet access working", "pass_flag_fail", na=True),
            _item("video_surveillance", "视频监控：实时画面及录像正常", "CCTV: live view and recording working", "pass_flag_fail", photo="on_flag"),
            _item("recording_days", "录像保存天数", "Days of recorded video kept", "number", na=True,
                  unit="天", min=30, max=None,
                  hint_zh="少于 30 天需说明原因", hint_en="Fewer than 30 days needs a note"),
            _item("broadcast", "广播系统：定时及分区播放正常", "Broadcast: timed and zoned playback working", "pass_flag_fail", na=True),
            _item("classroom_av", "班班通 / 多媒体教室设备使用正常", "Classroom AV and interactive displays working", "pass_flag_fail", na=True),
            _item("access_control", "门禁及人脸识别正常", "Access control and face recognition working", "pass_flag_fail", na=True),
            _item("usage_effect", "设备使用效果", "Effect of the devices in daily use", "single_choice",
                  options=_GOOD_FAIR_POOR),
            _item("room_temperature", "机房温度", "Equipment room temperature", "number",
                  unit="°C", min=10, max=30, photo="on_flag"),
            _item("ups_charge", "UPS 电池剩余电量", "UPS battery charge", "number", na=True, unit="%", min=80, max=100),
            _item("safety_hazards", "发现安全隐患（用电、消防、防雷、线缆）", "Safety hazards found (power, fire, lightning, cabling)",
                  "yes_no", flag_on="yes", photo="on_flag"),
            _item("cabinets", "机柜整洁、锁闭、散热正常", "Cabinets tidy, locked and ventilated", "pass_flag_fail", photo="on_flag"),
            _item("site_photo", "机房现场照片", "Photo of the equipment room", "photo", required=False),
            _item("findings", "发现的问题及处理情况", "Problems found and what was done", "text", required=False),
            _item("customer_satisfaction", "客户满意度", "Customer satisfaction", "single_choice", options=[
                _option("satisfied", "满意", "Satisfied"),
                _option("mostly", "基本满意", "Mostly satisfied"),
                _option("unsatisfied", "不满意", "Not satisfied", flag=True),
            ]),
        ],
    },
    {
        "template_key": "semi_annual_maintenance",
        "name_zh": "半年保养单",
        "name_en": "Semi-annual maintenance sheet",
        "activity": "semi_annual_maintenance",
        "applies_to": "site",
        "description": "每半年对学校系统设备进行一次巡查保养：系统垃圾清理、系统漏洞更新、系统优化、"
                       "系统软件升级和维护；请客户签署意见。",
        "items": [
            _item("junk_cleanup", "系统垃圾清理（服务器、录像机、工作站的临时文件与日志）",
                  "System junk cleanup (temporary files and logs on servers, NVRs, workstations)", "pass_flag_fail"),
            _item("disk_free", "清理后服务器系统盘可用空间", "Free space on the server system disk after cleanup", "number",
                  na=True, unit="%", min=20, max=100),
            _item("vulnerability_patches", "系统漏洞更新（操作系统及安全补丁）", "Vulnerability patches installed (operating system and security updates)",
                  "pass_flag_fail"),
            _item("antivirus", "病毒库已更新并完成全盘查杀", "Antivirus signatures updated and a full scan run", "yes_no",
                  na=True, flag_on="no"),
            _item("system_optimisation", "系统优化（启动项、服务、存储、数据库）", "System optimisation (start-up items, services, storage, database)",
                  "pass_flag_fail"),
            _item("config_backup", "交换机、防火墙配置已备份", "Switch and firewall configurations backed up", "yes_no", flag_on="no"),
            _item("software_upgrade", "系统软件升级和维护（记录升级后的版本号）",
                  "Software upgrade and maintenance (record the new versions)", "software_upgrade",
                  hint_zh="逐台记录升级的设备及新版本；无需升级时留空列表",
                  hint_en="Record each device upgraded and its new version; leave the list empty when none needed it"),
            _item("dust_cleaning", "设备及机柜除尘", "Dust removed from devices and cabinets", "pass_flag_fail", photo="optional"),
            _item("clock_sync", "设备时钟校准（NTP）", "Device clocks synchronised (NTP)", "yes_no", flag_on="no"),
            _item("ups_test", "UPS 放电测试", "UPS discharge test", "pass_flag_fail", na=True),
            _item("notes", "保养说明", "Maintenance notes", "text", required=False),
        ],
    },
    {
        "template_key": "quarterly_inspection",
        "name_zh": "季度检查记录",
        "name_en": "Quarterly inspection record",
        "activity": "quarterly_inspection",
        "applies_to": "site",
        "description": "由部门主管组织使用方领导对工程进行季度检查，发现故障及时处理解决。",
        "items": [
            _item("overall", "系统整体运行情况", "Overall running of the systems", "single_choice", options=_GOOD_FAIR_POOR),
            _item("open_faults", "尚未解决的故障数", "Faults still unresolved", "number", unit="", min=0, max=0,
                  hint_zh="有未解决故障时需说明", hint_en="Any unresolved fault needs a note"),
            _item("patrol_sheets", "本季度月巡查表齐全并已签字", "This quarter's monthly patrol sheets complete and signed", "yes_no",
                  flag_on="no"),
            _item("maintenance_on_time", "半年保养按时完成", "Semi-annual maintenance done on time", "yes_no", na=True, flag_on="no"),
            _item("school_feedback", "校方领导意见", "Feedback from the school's leaders", "text"),
            _item("satisfaction", "使用方满意度", "User satisfaction", "single_choice", options=[
                _option("very", "非常满意", "Very satisfied"),
                _option("satisfied", "满意", "Satisfied"),
                _option("unsatisfied", "不满意", "Not satisfied", flag=True),
            ]),
            _item("improvements", "改进建议", "Suggested improvements", "text", required=False),
        ],
    },
    {
        "template_key": "spot_check",
        "name_zh": "不定期抽查记录",
        "name_en": "Spot-check record",
        "activity": "spot_check",
        "applies_to": "site",
        "description": "质量检查小组对施工学校的运行及维护情况进行不定期抽查。各项按分值评分（正常得满分、"
                       "异常得一半、故障不得分），不适用项不计入总分。",
        "items": [
            _item("diary_kept", "服务日记记录完整", "Service diary kept up to date", "yes_no", na=True, flag_on="no",
                  points=10, **_RECORDS),
            _item("patrol_matches", "巡查记录与现场情况相符", "Patrol records match what is on site", "pass_flag_fail",
                  points=15, **_RECORDS),
            _item("archive_current", "客户档案（设备、软件版本、联系人）与现场一致",
                  "Customer archive matches the site (devices, software versions, contacts)", "pass_flag_fail",
                  points=15, **_RECORDS),
            _item("devices_sampled", "抽查设备运行正常", "Devices checked at random are working", "pass_flag_fail",
                  photo="on_flag", points=20, **_ON_SITE),
            _item("tidiness", "机房、机柜整洁，标签齐全", "Rooms and cabinets tidy, labels in place", "pass_flag_fail",
                  photo="on_flag", points=15, **_ON_SITE),
            _item("school_view", "校方对运维服务的评价", "The school's view of the service", "single_choice",
                  options=_GOOD_FAIR_POOR_SCORED, points=25, section_zh="客户评价", section_en="The school's view"),
            _item("findings", "抽查发现的问题", "Findings", "text", required=False),
        ],
    },
    {
        "template_key": "year_end_inspection",
        "name_zh": "年末大检查记录",
        "name_en": "Year-end inspection record",
        "activity": "year_end_inspection",
        "applies_to": "site",
        "description": "质量检查小组年末对各学校运行及维护情况进行全面检查，结果作为员工考核依据。"
                       "各项按分值评分，不适用项不计入总分。",
        "items": [
            _item("patrol_rate", "全年月巡查完成率", "Monthly patrols completed this year", "number", unit="%",
                  min=100, max=100, points=15, section_zh="计划执行", section_en="Planned work"),
            _item("maintenance_twice", "两次半年保养均已完成", "Both semi-annual maintenances done", "yes_no",
                  flag_on="no", points=10, section_zh="计划执行", section_en="Planned work"),
            _item("arrival_rate", "报修当天到场率", "Repairs reached on the day reported", "number", unit="%",
                  min=95, max=100, points=15, section_zh="报修响应", section_en="Repairs"),
            _item("rectified", "遗留问题已整改", "Outstanding issues rectified", "pass_flag_fail", na=True,
                  points=10, section_zh="报修响应", section_en="Repairs"),
            _item("archive_complete", "长期档案完整（维修单、巡查表已归档）",
                  "Long-term archive complete (repair forms and patrol sheets filed)", "pass_flag_fail",
                  points=15, section_zh="档案与移交", section_en="Archive and handover"),
            _item("handover_complete", "移交资料齐全（配件、光盘、保修卡、手册、备用钥匙）",
                  "Handover items complete (accessories, discs, warranty cards, manuals, spare keys)",
                  "pass_flag_fail", na=True, points=10, section_zh="档案与移交", section_en="Archive and handover"),
            _item("safety_review", "全年安全隐患排查", "Safety review of the year", "pass_flag_fail", photo="on_flag",
                  points=25, section_zh="安全", section_en="Safety"),
            _item("summary", "检查总结", "Summary", "text"),
        ],
    },
]
