"""UI strings of the queue and agent reports page (filter, tables, charts, CSV headers)."""

from __future__ import annotations

# Column headers, shared by the page and the CSV files: key -> (English, Chinese).
_COLUMNS: dict[str, tuple[str, str]] = {
    "queue": ("Queue", "队列"),
    "line": ("Line", "线路"),
    "name": ("Name", "名称"),
    "agent": ("Agent", "坐席"),
    "offered": ("Offered", "进线"),
    "answered": ("Answered", "接听"),
    "answered_in_sl": ("Answered within SL", "服务水平内接听"),
    "threshold": ("SL threshold", "服务水平阈值"),
    "service_level": ("Service level", "服务水平"),
    "abandoned": ("Abandoned", "放弃"),
    "abandon_rate": ("Abandon rate", "放弃率"),
    "overflowed": ("Overflowed", "溢出"),
    "transferred": ("Transferred/removed", "转接/移出"),
    "failed": ("Failed", "失败"),
    "waiting": ("Still waiting", "仍在等待"),
    "avg_wait": ("Average wait", "平均等待"),
    "max_wait": ("Longest wait", "最长等待"),
    "avg_answer": ("Average speed of answer", "平均应答时间"),
    "avg_talk": ("Average talk", "平均通话"),
    "avg_wrap": ("Average wrap-up", "平均话后处理"),
    "avg_handle": ("Average handle time", "平均处理时长"),
    "score_avg": ("Satisfaction", "满意度"),
    "score_count": ("Ratings", "评价数"),
    "calls": ("Calls", "通话数"),
    "offers": ("Offers", "振铃次数"),
    "missed": ("Missed", "未接"),
    "talk_time": ("Talk time", "通话时长"),
    "wrap_time": ("Wrap-up time", "话后处理时长"),
    "ring_time": ("Ringing/reserved", "振铃/预留"),
    "idle_time": ("Idle time", "空闲时长"),
    "pause_time": ("Pause time", "暂停时长"),
    "logged_in": ("Logged in", "登录时长"),
    "pause_code": ("Pause code", "暂停原因代码"),
    "pause_label": ("Pause reason", "暂停原因"),
}

CATALOG: dict[str, dict[str, str]] = {
    "nav.reports": {"en": "Reports", "zh-CN": "报表"},
    "audit.action.report.export": {"en": "report exported", "zh-CN": "导出报表"},
    "reports.title": {"en": "Queue and agent reports", "zh-CN": "队列与坐席报表"},
    "reports.intro": {
        "en": "Computed from the stored call-center event log, so restarts lose nothing. "
        "Dates are whole days in the box's local time; a call counts on the day it entered the queue.",
        "zh-CN": "根据已保存的呼叫中心事件日志计算，重启不会丢失数据。"
        "日期按设备本地时间的整天计算；呼叫计入其进入队列的那一天。",
    },
    "reports.from": {"en": "From", "zh-CN": "开始日期"},
    "reports.to": {"en": "To", "zh-CN": "结束日期"},
    "reports.queue": {"en": "Queue", "zh-CN": "队列"},
    "reports.agent": {"en": "Agent", "zh-CN": "坐席"},
    "reports.all_queues": {"en": "All queues", "zh-CN": "全部队列"},
    "reports.all_agents": {"en": "All agents", "zh-CN": "全部坐席"},
    "reports.apply": {"en": "Show", "zh-CN": "查询"},
    "reports.csv": {"en": "CSV", "zh-CN": "导出 CSV"},
    "reports.csv_hint": {
        "en": "Download this table as CSV (UTF-8, opens in Excel)",
        "zh-CN": "下载此表为 CSV 文件（UTF-8，可用 Excel 打开）",
    },
    "reports.total": {"en": "All queues", "zh-CN": "全部队列"},
    "reports.auto_pause": {"en": "Automatic (unanswered offers)", "zh-CN": "自动暂停（连续未接）"},
    "reports.error.date": {"en": "Enter a date as YYYY-MM-DD.", "zh-CN": "请按 YYYY-MM-DD 格式输入日期。"},
    "reports.error.order": {
        "en": "The end date must not be before the start date.",
        "zh-CN": "结束日期不能早于开始日期。",
    },
    "reports.error.span": {
        "en": "A report covers at most 366 days.",
        "zh-CN": "一次报表最多覆盖 366 天。",
    },
    "reports.error.number": {
        "en": "Not a queue or agent number.",
        "zh-CN": "不是有效的队列或坐席号码。",
    },
    "reports.queues_title": {"en": "Queues", "zh-CN": "队列统计"},
    "reports.hourly_title": {"en": "Calls per hour of day", "zh-CN": "按小时来电量"},
    "reports.lines_title": {
        "en": "Calls per hour of day per line (FXO lines, E1)",
        "zh-CN": "各线路按小时通话量（FXO 线路、E1）",
    },
    "reports.agents_title": {"en": "Agent workload", "zh-CN": "坐席工作量"},
    "reports.pauses_title": {"en": "Pause time by reason", "zh-CN": "按原因统计暂停时长"},
    "reports.satisfaction_title": {"en": "Satisfaction by queue and agent", "zh-CN": "按队列和坐席的满意度"},
    "reports.empty": {"en": "Nothing in this period.", "zh-CN": "该时间段内没有数据。"},
    "reports.chart.hourly": {
        "en": "Calls per hour of day, all selected queues",
        "zh-CN": "按小时来电量（所选全部队列）",
    },
    "reports.chart.hour_title": {
        "en": "Calls {hour}:00-{hour}:59: {count}",
        "zh-CN": "{hour}:00-{hour}:59 来电：{count}",
    },
    "reports.chart.rates": {
        "en": "Service level and abandon rate per queue",
        "zh-CN": "各队列服务水平与放弃率",
    },
    "reports.chart.sl_title": {"en": "{label}: service level {value}", "zh-CN": "{label}：服务水平 {value}"},
    "reports.chart.abandon_title": {
        "en": "{label}: abandon rate {value}",
        "zh-CN": "{label}：放弃率 {value}",
    },
    "reports.legend.sl": {"en": "Service level", "zh-CN": "服务水平"},
    "reports.legend.abandon": {"en": "Abandon rate", "zh-CN": "放弃率"},
    "reports.formulas_title": {"en": "How the figures are computed", "zh-CN": "统计口径"},
    "reports.formula.sl": {
        "en": "Service level = calls answered within the queue's service-level seconds "
        "/ (answered + abandoned). Short abandons are not excluded.",
        "zh-CN": "服务水平 = 在队列服务水平秒数内接听的来电 / (接听 + 放弃)。短时放弃不剔除。",
    },
    "reports.formula.abandon": {
        "en": "Abandon rate = abandoned / offered. A call answered after a transfer is never an abandon; "
        "a call that overflows counts as overflowed in the first queue and by its outcome in the next.",
        "zh-CN": "放弃率 = 放弃 / 进线。转接后被接听的来电不计为放弃；"
        "溢出的来电在原队列计为溢出，在目标队列按其结果计算。",
    },
    "reports.formula.handle": {
        "en": "Handle time = talk + wrap-up. Agent times come from agent state changes within the period.",
        "zh-CN": "处理时长 = 通话 + 话后处理。坐席各项时长按该时间段内的坐席状态变化计算。",
    },
    "reports.formula.failed": {
        "en": "Failed: the box dropped the caller (for example a restart); such calls are in neither "
        "service level nor abandon rate.",
        "zh-CN": "失败：设备中断了来电（例如重启）；此类来电不计入服务水平和放弃率。",
    },
    "reports.unit.seconds": {"en": "{label} (s)", "zh-CN": "{label}（秒）"},
    "reports.unit.percent": {"en": "{label} (%)", "zh-CN": "{label}（%）"},
    "reports.col.hour": {"en": "{hour}h", "zh-CN": "{hour}时"},
}

CATALOG.update({f"reports.col.{key}": {"en": en, "zh-CN": zh} for key, (en, zh) in _COLUMNS.items()})
