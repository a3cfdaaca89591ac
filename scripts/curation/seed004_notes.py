"""Quality notes for seed 004 (source-notes.md 5.5, 5.9, 5.10), written by hand.

Each note names its rows by short keys ("p083-i02" = indicator gz-hrss-p083-i02, "p045" = project
gz-hrss-p045); source_lines are taken from those rows unless given explicitly, so the notes follow
the parser.  Missing targets (5.9) are found by the parser's output, not listed by hand.
"""
from __future__ import annotations

from fundsite.draft.text import line_span as span  # seed004.py puts the repository on sys.path

DOC_ID = "gz-hrss-targets"
PREFIX = "gz-hrss-"


def quality_notes(projects: list[dict], indicators: list[dict]) -> list[dict]:
    rows = {r["project_id"][len(PREFIX):]: r for r in projects}
    for r in indicators:
        rows[r["indicator_id"][len(PREFIX):]] = r
    notes: list[dict] = []

    def lines_of(keys) -> str:
        nums = set()
        for k in keys:
            for part in rows[k]["source_lines"].split(","):
                a, _, b = part.partition("-")
                nums.update(range(int(a), int(b or a) + 1))
        return span(nums)

    def add(keys, kind, severity, note, note_en, field="", lines=None):
        """keys: the first names the row; all of them give the source lines."""
        keys = [keys] if isinstance(keys, str) else list(keys)
        first = rows[keys[0]]
        table = "indicators" if "indicator_id" in first else "projects"
        notes.append(dict(note_id=f"qn-004-{len(notes) + 1:02d}", document_id=DOC_ID, table_name=table,
                          row_id=first.get("indicator_id") or first["project_id"], field_name=field, kind=kind,
                          severity=severity, note=note, note_en=note_en,
                          source_lines=lines or lines_of(keys)))

    # ---- the document as a whole
    notes.append(dict(note_id="qn-004-01", document_id=DOC_ID, table_name="documents", row_id=DOC_ID,
                      field_name="states_amounts", kind="missing", severity="info",
                      note="本表未载明金额：只列项目、绩效目标和绩效指标，没有预算金额；也未写年度、文号和日期。"
                           "个别指标的目标值是金额（如“≥12.5亿”“5400万元”），但不是项目预算，不得据此推算。",
                      note_en="The table states no amounts (no project budgets), no year, no document number and "
                              "no date. A few indicator targets are money figures; they are not budgets.",
                      source_lines="2-1604"))
    restarts = [r for prev, r in zip(indicators, indicators[1:])
                if r["project_id"] == prev["project_id"] and r["part"] == 1
                and r["_printed"] != prev["_printed"] + 1]
    restart_projects = sorted({r["project_id"][len(PREFIX):] for r in restarts})
    notes.append(dict(note_id="qn-004-02", document_id=DOC_ID, table_name="documents", row_id=DOC_ID,
                      field_name="", kind="ambiguous", severity="info",
                      note=f"{len(restart_projects)}个项目的绩效指标编号中途从“1、”重新开始"
                           f"（{'、'.join(p.upper() for p in restart_projects)}），可能是合并了几份指标清单；"
                           "indicators.seq 用项目内连续序号，原编号见 locator。",
                      note_en="In these projects the printed indicator numbering restarts at 1 (probably merged "
                              "lists); seq is a running counter, the printed number is kept in the locator.",
                      source_lines=span({int(x) for r in restarts for x in first_line(r)})))

    # ---- 5.10 implausible values
    shares = [f"p{n:03d}-i02" for n in range(79, 86)]
    add(["p083-i02"] + shares[:4] + shares[5:], "implausible", "warning",
        "黄埔区“全市7个区协管员按比例分摊补贴0.8%”疑为8%之误：七个区的比例21%+12%+19%+15%+0.8%+11%+15%=93.8%，"
        "若为8%则合计101%；按协管员人数45/591≈7.6%（各区人数123、67、112、88、45、66、90，合计591）。保留原值0.8。",
        "Huangpu's share 0.8% is probably 8%: the seven shares sum to 93.8% (101% with 8%), and 45 of 591 "
        "inspectors is 7.6%. The printed 0.8 is kept.", field="value")
    add("p075-i04", "implausible", "warning",
        "满意度指标“来访群众投诉率”的目标为“98%以上”，投诉率越高越差，方向颠倒；可能本意是满意率98%以上。保留原值。",
        "A complaint rate with target '98% or more' is inverted; probably a satisfaction rate was meant. Kept as "
        "printed.", field="value")
    add("p020-i06", "implausible", "warning",
        "“信息系统数据互通率”目标为“互通率100%以上”，比率不可能超过100%。保留原值（≥100%）。",
        "An interoperability rate of '100% or more' is impossible. Kept as printed (≥100%).", field="value")
    add("p048-i03", "ambiguous", "info",
        "“培训工作安全事故”目标为“0%”，事故数以百分比表示，含义不清（可能指0起）。",
        "Training safety accidents with target '0%': a count given as a percentage.", field="unit")

    # ---- 5.10 satisfaction measured as complaints, misfiled kinds
    add("p037-i03", "ambiguous", "warning",
        "满意度指标“就业服务对象满意度”的目标是“有效投诉少于10宗”，以投诉件数代替满意度。",
        "The satisfaction indicator is measured as 'fewer than 10 valid complaints'.", field="value")
    add("p060-i06", "ambiguous", "info",
        "满意度指标“提供服务的满意度”的目标是“收到投诉数量少于服务次数的2%”，以投诉比例代替满意度。",
        "The satisfaction indicator is measured as complaints below 2% of services.", field="value")
    add("p118-i03", "misfiled", "warning",
        "“服务单位对”三支一扶“人员满意度”是满意度类名称，却列为产出指标，目标却是“年度考核率达100%”，名称与目标不符；"
        "原文引号方向颠倒，规范名称已改为“三支一扶”。",
        "A satisfaction indicator filed under 产出指标 with target 'annual appraisal rate 100%'; the reversed "
        "quotes are fixed in the normalised name only.", field="level1")
    add("p118-i04", "ambiguous", "info",
        "“来访群众投诉率”的目标是叙述（“各项民生工作切实开展，群众对部门的有效投诉率下降，满意度上升”），无可核对数值。",
        "The complaint-rate target is a narrative, not a measurable value.", field="value_text")

    # ---- 5.10 name and target do not match
    for key, name, target in [
        ("p035-i04", "大厦修缮工程质量验收", "资金完成率100%"),
        ("p035-i02", "精打细算节省开支", "完成工程验收"),
        ("p072-i01", "实践培训人次数", "在校学生达48000名以上"),
        ("p074-i04", "项目工期延迟率", "按期完成建设任务"),
        ("p105-i02", "信息化建设延期率", "按计划（按时）完成"),
        ("p019-i10", "信息系统验收合格率", "验收分数90分或以上"),
        ("p020-i10", "信息系统验收合格率", "验收分数90分或以上"),
    ]:
        add(key, "conflict", "warning",
            f"指标名称“{name}”与目标值“{target}”不对应（名称所说的量与目标所说的量不同）。按原文保留。",
            f"Indicator name '{name}' does not match its target '{target}'. Kept as printed.", field="value_raw")

    # ---- 5.5 goal text contradicts the indicators
    add("p043-i05", "conflict", "warning",
        "绩效目标写“师生满意率90%”，绩效指标“师生满意率”却是95%。",
        "The goal says teacher/student satisfaction 90%, the indicator says 95%.", field="value", lines="603,607")
    add("p044-i02", "conflict", "warning",
        "绩效目标写“设备完好率99%”，绩效指标“设备完好率”却是95%。",
        "The goal says equipment intact rate 99%, the indicator says 95%.", field="value", lines="618,620")
    add("p010-i03", "conflict", "warning",
        "绩效目标写“全年新增就业人数1.8万人以上”，绩效指标“城镇新增就业人数”却是15000（未印单位）。",
        "The goal says 18,000+ new jobs, the indicator says 15000.", field="value", lines="128,132")
    add("p045", "conflict", "warning",
        "绩效目标列出七项数值目标（工作量完成率100%、系统功能模块建设完成率100%、设备故障排除率95%、信息系统验收合格率98%、"
        "系统故障处理成功率95%、安全事故发生数0、使用对象满意度95%），七条绩效指标的年度指标值却都是“无”。"
        "指标未按目标补填。",
        "The goal lists seven numeric targets while all seven indicator values are '无'. Not filled in from the goal.",
        field="goal_text", lines="630-632,634-638")

    # ---- 5.9 empty and placeholder targets (found in the parsed rows)
    for pid in sorted({r["project_id"] for r in indicators if r["operator"] == "none"}):
        hit = [r for r in indicators if r["project_id"] == pid and r["operator"] == "none"]
        keys = [r["indicator_id"][len(PREFIX):] for r in hit]
        empty = [r for r in hit if r["value_raw"] == "年度指标值："]
        printed = sorted({r["value_raw"] for r in hit} - {"年度指标值："})
        what = "、".join(([f"{len(empty)}条年度指标值为空"] if empty else [])
                        + [f"{sum(r['value_raw'] == p for r in hit)}条只印占位文字“{p}”" for p in printed])
        what += "（operator 记为 none：未列目标值；所印占位照录于 value_raw）"
        add(keys, "missing", "warning",
            f"{pid[len(PREFIX):].upper()}的{len(hit)}条指标没有目标值：{what}（{'、'.join(keys)}）。"
            + ("指标名称也是重复的占位（“物资设备质量”×4、“项目完成及时率”×6）。" if pid.endswith("p042") else ""),
            f"{len(hit)} indicators have no target value (empty or placeholder): {', '.join(keys)}.",
            field="operator")

    # ---- typos kept in *_raw and fixed only in the normalised name/text
    doubled = [r["indicator_id"][len(PREFIX):] for r in indicators if "重复印了两遍" in r["note"]]
    add(doubled, "typo", "info",
        f"指标名称“信息系统验收合格率”连印两遍（{'、'.join(doubled)}）；name_raw 照录，name 只保留一遍。",
        "The indicator name is printed twice; name_raw keeps it, name has it once.", field="name")
    add("p001-i08", "typo", "info",
        "目标值“面向行业、企业技术人员，相关专业教师等开展技术培训“的结尾引号印成左引号；value_raw 照录，value_text 已改。",
        "The closing quote is printed as an opening quote; fixed in value_text only.", field="value_text")
    add("p074-i05", "typo", "info",
        "指标名称“设备使用者满意满意度”中“满意”重复；name_raw 照录，name 作“设备使用者满意度”。",
        "Doubled word in the indicator name; fixed in name only.", field="name")
    add("p035-i06", "typo", "info",
        "指标名称“接受训人员技能水平的提升”疑漏“培”字（接受培训人员）。按原文保留。",
        "The name probably lacks a character (接受培训人员). Kept as printed.", field="name")
    add("p019", "typo", "info",
        "绩效目标的编号跳过第6项（……5、推进社保卡……；7、实现自定义报表分析），且混用“1.”与“2、”。按原文保留。",
        "The goal's own numbering skips item 6 and mixes '1.' and '2、'. Kept as printed.", field="goal_text",
        lines="237-242")

    # ---- names that are categories, values without units, money without 元
    add(["p008-i04", "p033-i03", "p057-i02"], "ambiguous", "info",
        "指标名称只是类别（“社会效益”“经济效益”“经济指标”），没有说明衡量什么（p008-i04、p033-i03、p057-i02）。",
        "The indicator name is only a category (social/economic benefit), not a measure.", field="name")
    unitless = [r["indicator_id"][len(PREFIX):] for r in indicators if r["value"] and not r["unit"]]
    add(unitless, "missing", "info",
        f"这些数值目标未印计量单位：{'、'.join(unitless)}。unit 留空，不作推断。",
        "These numeric targets print no unit; unit is left empty.", field="unit")
    add(["p013-i01", "p013-i02", "p018-i01", "p120-i02", "p104-i01"], "ambiguous", "info",
        "金额或数量只印倍数词、未印计量单位（“≥4000万”“≥500万”“≥12.5亿”“≥100万”）：p013-i01、p013-i02（补贴金额）"
        "和p018-i01、p120-i02（贷款发放总额）按文意应是万元、亿元，p104-i01（数据共享数量）单位不明。unit 照录“万”“亿”。",
        "Amounts/counts print only the multiplier (万, 亿) without a unit; kept as printed.", field="unit")

    # ---- 5.10 copied targets (kept: distinct projects, do not deduplicate)
    add(["p073", "p047"], "duplicate", "info",
        "P073（南沙区机关事业单位人员基本养老保险政府资助项目）的四个指标值与全市的P047完全相同"
        "（参保26万、领取待遇12万、增长率3%、发放率100%），疑为照抄全市数。",
        "P073 (Nansha) repeats the city-wide P047 figures exactly (260k insured, 120k beneficiaries, 3%, 100%).",
        field="", lines="664-666,997-999")
    add(["p071", "p017"], "duplicate", "info",
        "P071（城乡居民社会养老保险政府资助项目）与P017（社会保障风险储备金财政补贴项目）共用相同指标值"
        "（待遇领取58万、参保139万、完成率100%）。",
        "P071 and P017 share the same figures (580k, 1.39m, 100%).", lines="214-216,969-971")
    add(["p061"] + [f"p{n:03d}" for n in range(62, 71)], "duplicate", "info",
        "P061–P070（各区社保卡发行管理工作经费）的指标完全相同（差错率≤0.2%、12345工单办结满意率≥90%），不分区。",
        "P061-P070 (district social-security-card projects) have identical indicators.")
    add(["p086"] + [f"p{n:03d}" for n in range(87, 97)], "duplicate", "info",
        "P086–P096（各区公共服务和薪酬调查业务财政补助）的指标只在“参加培训人次”上不同，其余相同。",
        "P086-P096 differ only in the number of trainees.")
    add(["p097"] + [f"p{n:03d}" for n in range(98, 104)], "duplicate", "info",
        "P097–P103（各区完善创新创业服务机制项目财政补贴）除区名外完全相同，唯一指标为文字目标。",
        "P097-P103 are identical apart from the district; the only indicator is a text target.")

    # ---- debatable readings resolved (issue #20)
    add("p035-i01", "ambiguous", "warning",
        "P035“工程进度”的目标值印作“工程质量100%达标，按照设计图纸完成”：名称是进度，目标却是质量标准（100%达标）"
        "加完成条件。此前记为“= 100 %”，会被当作进度或完成率的数值比较；现记为文字目标（operator text，数值留空），"
        "原文照录。同一项目的“大厦修缮工程质量验收”指标印的是“资金完成率100%”，名实也不符，照录。",
        "P035 'progress of works' prints a quality standard (100% up to standard) plus a condition as its target: "
        "recorded as a text target, not as '= 100 %'.", field="operator")
    add("p001-i05", "ambiguous", "info",
        "P001“使用设备学生人次”的年度指标值印作“每周220人次”：是每周的人次，不是全年。单位记为“人次/周”"
        "（折算值同为每周），不与按年计的人次相加或比较。",
        "P001 prints 每周220人次 (per week) in the yearly column: unit recorded as 人次/周, a rate.", field="unit")
    add("p073", "missing", "info",
        "P073（南沙区机关事业单位人员基本养老保险政府资助项目）是区级项目，但表中没有别的区的同名项目，"
        "不属任何项目族（project_families），family_id 留空。",
        "P073 is a district project with no counterpart in another district: no family.", field="family_id")
    return notes


def first_line(row: dict) -> list[str]:
    return [row["source_lines"].split(",")[0].split("-")[0]]

