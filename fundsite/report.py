"""build-report.html: every problem of a build on one page a person can read.

The console keeps its one line per problem; this page groups the same problems by
file, shows each row's content beside its problem, and says how to fix each kind
of error.  build.py writes it after every run, failed or not (next to the package
folder: build-report.html at the repository root for datapackage/), and
scripts/new_notice.py apply writes one into the review folder.  Everything from the
data is escaped; the page has no script and no remote asset.
"""
from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from pathlib import Path

from fundsite.problems import Problem, summary

# How to fix each kind of problem, in the maintainers' words (see also the guide page 维护指南).
HINTS = {
    "type-error": "值的类型不对：整数列只能写数字（不要千分位逗号、不要单位），日期写成 2024-06-28，true/false 列写 true 或 false。",
    "constraint-error": "值不符合规定：必填列不能空；可选值列只能从列出的词中选一个；标识只能用小写字母、数字和单个连字符。",
    "unique-error": "这一列的值必须唯一，另一行已经用了同样的值：改用新的标识。",
    "primary-key": "标识重复或为空：每行的标识必须唯一且必填。",
    "foreign-key": "引用的标识在目标表中不存在：检查拼写，或先在目标表（如 units.csv、regions.csv、projects.csv）里加上这一行。",
    "missing-label": "表头少了一列：照 schemas/ 中的列名补回，列的顺序也要一致。",
    "extra-label": "表头多了一列或列名拼错：改成 schemas/ 中的列名。",
    "incorrect-label": "列的顺序不对：按提示的顺序排列各列。",
    "duplicate-label": "同一列名出现了两次：删去重复的列。",
    "blank-row": "空行：删掉这一行。",
    "extra-cell": "这一行的格子比表头多：多半是文字里有未加引号的英文逗号，给这一格加上双引号。",
    "missing-cell": "这一行的格子比表头少：补上缺的格子（可以留空，但逗号要有）。",
    "encoding-error": "文件编码不对：用 UTF-8（无 BOM）重新保存。Excel 请选“CSV UTF-8”，再用文本编辑器去掉 BOM，或用 WPS/LibreOffice 保存。",
    "format-error": "文件格式不对：用逗号分隔、Unix 换行（LF）的 UTF-8 CSV 保存；每行数据占一行（格子里不要换行，引号要成对）；Excel 工作簿要“另存为 CSV UTF-8”，不能直接改扩展名。",
    "too-long": "这一格超过 10,000 字：多半是把整段文件或几行粘进了一格，删去多余的部分。",
    "invalid-url": "链接只能是网址（以 http:// 或 https:// 开头），不能是 javascript: 之类。",
    "empty-file": "文件是空的：至少要有表头一行。",
    "missing-file": "找不到文件：检查文件名和 datapackage.json 中的路径。",
    "invalid-json": "JSON 写错了：检查逗号、引号和括号是否成对。",
    "package-error": "datapackage.json 的资源清单有误：每个资源要有 name 和 path。",
    "schema-error": "表结构文件有误：请找开发人员。",
    "amount-error": "金额原文（amount_raw）不是纯数字：只写原文中的数字，如 1,888.93；单位写在 amount_unit_raw。",
    "amount-mismatch": "amount_yuan 必须等于 amount_raw × 单位（万元 ×10000）：按提示的元数改正 amount_yuan，或核对 amount_raw 是否照录原文。",
    "unit-error": "同一文件的金额单位要与 documents.csv 中该文件的 money_unit_raw 一致。",
    "consistency-error": "两处数据互相矛盾：按提示改正其中一处。",
    "value-error": "指标值不完整：比较符是 ≥、≤、=、>、< 时必须填 value；比较符是 text 时必须填 value_text；range 要填 value 和 value_max。",
    "total-mismatch": "原文的合计与各分配行之和不符：先核对每个分配行的金额是否照录原文；若原文本身就不相符，在 quality_notes.csv 写一条说明，并在 stated_totals.csv 该行的 quality_note_id 填上它的标识。",
    "invalid-id": "标识只能用小写字母、数字和单个连字符（如 conghua-hrss），最长 64 个字符，不能用 index，因为它会成为网址的一部分。",
    "cycle-error": "上级关系绕成了圈：检查 parent_… 列。",
    "not-verbatim": "这个原文字段在来源文本里找不到：*_raw、raw_text、goal_text 等列必须逐字照抄原文（空格和换行可以不同，标点、全角半角、错别字都要照原样）。",
    "release-error": "发布记录（releases.json）有误：发布请用 scripts/release.py，不要手改。",
    "mkdocs-error": "网站生成失败：多半是手写页面（site_src/）里的链接或导航有误，请找开发人员。",
    "unresolved-problem": "复核文件中这一行的“待核问题”还没有清空：按问题改好这一行后清空该格；不要的行把“操作”改为“删除”。",
    "review-error": "复核文件本身有误：按提示改正。",
}
GENERIC_HINT = "按信息改正这一行；拿不准时请看网站“维护指南”页。"

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;max-width:70rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
.ok{color:#1b5e20} .bad{color:#b71c1c}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem} th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3} code{background:#f5f5f5;padding:0 .2rem} .row{font-size:.85rem;color:#444;word-break:break-all}
.hint{background:#fffde7}
"""


ROW_CHARS = 500  # a row shown under its problem is cut here: a 10,000-column header is not a hint


def _records(path: Path | None) -> list[list[str]]:
    """The CSV records of a file, or [] (read once per file per report, not once per problem)."""
    if path is None or not path.is_file():
        return []
    try:
        return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig", errors="replace"), newline="")))
    except csv.Error:
        return []


def _row_text(records: list[list[str]], line: int) -> str:
    """The content of CSV record `line` (header = 1) as "field=value; …", or ""."""
    if line < 1 or line > len(records):
        return ""
    if line == 1:
        text = "表头：" + ", ".join(records[0])
    else:
        text = "; ".join(f"{h}={v}" for h, v in zip(records[0], records[line - 1]) if v)
    return text if len(text) <= ROW_CHARS else text[:ROW_CHARS] + "…"


def resolve(display_path: str, package_dir: Path, display: str, extra: dict[str, Path] | None = None) -> Path | None:
    """The file behind a problem's display path."""
    if extra and display_path in extra:
        return extra[display_path]
    prefix = display.rstrip("/") + "/" if display not in ("", ".") else ""
    if prefix and display_path.startswith(prefix):
        return Path(package_dir) / display_path[len(prefix):]
    return None


def render(problems: list[Problem], package_dir: Path, display: str, title: str = "数据校验报告",
           files: dict[str, Path] | None = None) -> str:
    problems = sorted(set(problems))
    esc = html.escape
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>", f"<h1>{esc(title)}</h1>"]
    if not problems:
        out.append('<p class="ok">✓ 没有发现问题：数据包通过了全部校验。</p>')
    else:
        out.append(f'<p class="bad">{esc(summary(problems))}</p>')
        out.append(f"<p>共 {len(problems)} 个问题，按文件分组。每个问题下面是出问题的那一行的内容和改法。"
                   "同一类问题往往是同一个原因，先改第一个再重新运行。</p>")
        by_file: dict[str, list[Problem]] = defaultdict(list)
        for p in problems:
            by_file[p.path].append(p)
        out.append("<ul>" + "".join(f'<li><a href="#f{i}">{esc(path)}</a>（{len(ps)}）</li>'
                                    for i, (path, ps) in enumerate(by_file.items())) + "</ul>")
        for i, (path, ps) in enumerate(by_file.items()):
            out.append(f'<h2 id="f{i}">{esc(path)}</h2>')
            out.append("<table><tr><th>行</th><th>列</th><th>类型</th><th>问题与改法</th></tr>")
            records = _records(resolve(path, package_dir, display, files)) if any(p.row for p in ps) else []
            for p in ps:
                row = _row_text(records, p.row)
                out.append(f"<tr><td>{p.row or '—'}</td><td><code>{esc(p.field)}</code></td><td><code>{esc(p.kind)}</code></td>"
                           f"<td>{esc(p.message)}<div class=\"hint\">改法：{esc(HINTS.get(p.kind, GENERIC_HINT))}</div>"
                           + (f'<div class="row">该行内容：{esc(row)}</div>' if row else "") + "</td></tr>")
            out.append("</table>")
        out.append("<h2>控制台输出（同样的问题，每行一个）</h2><pre>"
                   + esc("\n".join(p.line() for p in problems) + "\n" + summary(problems)) + "</pre>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_report(path: Path, problems: list[Problem], package_dir: Path, display: str, **kwargs) -> None:
    """Write the report; a report that cannot be written never hides the build's own result."""
    try:
        Path(path).write_text(render(problems, package_dir, display, **kwargs), encoding="utf-8")
    except OSError:
        pass
