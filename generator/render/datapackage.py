"""`data/datapackage.json` (Frictionless Data Package) and the data dictionary it shares.

One description per database table and column (`TABLES`, `COLUMNS`) serves both the
machine-readable package and the human-readable dictionary page. Amount columns carry
the unit: `"unit": "万元"` and `"factor": 10000` (multiply by the factor to get 元).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TABLES: dict[str, str] = {
    "key_figures": "关键数字：每份文件每个指标一行（收支总计、一般公共预算支出、基本支出、三公经费），"
                   "含部门、年度、预算/决算、部门/单位 — key figures, one row per document and measure",
    "line_items": "明细金额：每个打印金额恰好一行，含层级（类/款/项）、是否合计、是否计入合计（detail）、"
                  "是否推定；按表和列对 detail 行求和即得打印的合计 — every printed amount once",
    "documents": "每份部门预算公开文件一行 — one row per disclosure (department × year)",
    "staffing": "编制数、实有人数、在职/退休/离休人数及其较上年变化",
    "divisions": "内设机构（division）与二级预算单位（sub_unit）",
    "source_tables": "文件中的每张表（表一至表七、三公经费等）及其列",
    "table_rows": "每张表的每一行：科目编码、名称、单位、项目",
    "table_values": "每个金额单元格（长表）：按原文打印的金额与精确小数",
    "projects": "表七 一般公共预算项目支出的项目行",
    "performance_targets": "项目支出绩效目标表 / 部门整体绩效目标表",
    "indicators": "绩效指标（一级/二级/三级指标及指标值）",
    "sections": "文字部分：主要职能、机构设置、说明",
    "stated_figures": "说明文字中陈述的数字（如 基本支出 1136.42 万元）",
    "stated_changes": "说明文字中陈述的较上年增减",
    "glossary": "名词解释",
    "issues": "解析中发现的数据问题（slug、严重程度、位置）",
    "checks": "会计恒等式检查结果：通过（pass）、舍入（rounding）或不符（fail）",
    "table_names": "表键与标准表名",
}

COLUMNS: dict[str, str] = {
    "doc_id": "文件标识（部门拼音-年度），也是网址的一部分",
    "path": "源文件路径（相对站点目录）", "file_name": "源文件名", "sha256": "源文件 SHA-256",
    "encoding": "源文件编码", "layout": "解析所用版式", "department": "编制部门全称",
    "department_line": "部门名称所在行", "region": "地区全称", "year": "预算年度",
    "scope": "范围：部门（department）或单位（unit）",
    "unit": "金额单位（文件）或二级预算单位（行）", "line_count": "源文件行数",
    "authorized": "编制数", "actual": "实有人数", "in_service": "在职人数",
    "in_service_change": "在职人数较上年变化", "retired": "退休人数", "retired_change": "退休人数较上年变化",
    "lixiu": "离休人数", "lixiu_change": "离休人数较上年变化",
    "line": "源文件行号（1 起）", "position": "顺序号", "name": "名称", "kind": "类型",
    "table_key": "表键（summary、expense、basic …）", "title": "标题（原文）", "empty": "原文注明为空表",
    "note": "表下备注", "columns": "列键", "column_labels": "列名（原文）", "row_count": "行数",
    "row_no": "表内行号", "side": "收入（income）或支出（expense）侧", "code": "科目编码（合并后）",
    "code_raw": "科目编码（原文）", "project": "项目名称", "is_total": "是否合计行",
    "total_key": "合计行类别", "inferred": "由恒等式推定位置的列", "column_key": "列键",
    "amount": "金额（万元，精确小数，元表换算后最多 6 位小数）",
    "printed": "金额原文（按 printed_unit 所示单位，不含千分位）",
    "printed_unit": "原文金额单位（元、万元 …）", "page": "PDF 页码（1 起）",
    "box": "PDF 页面上的位置 [x0, top, x1, bottom]（磅，自左上角）", "sheet": "工作表名",
    "cell": "单元格（C7，或 Word 的 表2 行5 列3）", "project_no": "项目序号",
    "source": "来源表", "target_no": "绩效目标序号", "fiscal_amount": "财政拨款（万元）",
    "amount_label": "总额栏名（原文：年度资金总额、年度预算总额 …）",
    "other_funds": "其他资金（万元）", "goal": "绩效目标", "level1": "一级指标", "level2": "二级指标",
    "value": "指标值", "part": "部分", "text": "原文", "key": "数字键", "percent": "百分比",
    "subject": "变化主体", "direction": "方向：1 增加，-1 减少，0 持平", "term": "名词",
    "slug": "问题或检查的稳定标识", "severity": "严重程度", "message": "说明",
    "status": "检查结果", "expected": "应为（万元）", "actual_amount": "实为（万元）",
    "difference": "差额（万元）", "measure": "指标（income_total、three_public_total …，见数据字典）",
    "sub_unit": "二级预算单位",
    "level": "层级：类、款、项、单位、项目、栏目、小计、合计", "column_label": "列名（原文）",
    "detail": "计入合计的明细行（无下级）；收支总表为空", "part_lines": "未通过的检查：加总各项所在行（表格行）",
}

# Every `column_key` of table_values and line_items: 中文 — English. A key no table prints
# under its own label is named by its table's header (预算数/决算数/金额 → total or amount).
COLUMN_KEYS: dict[str, str] = {
    "total": "合计（预算数、决算数、小计）— total of the row",
    "amount": "金额（收支总表各行的预算数/决算数）— amount of a two-sided table's line",
    "basic": "基本支出 — basic expenditure", "project": "项目支出 — project expenditure",
    "personnel": "人员经费 — personnel costs", "public": "公用经费 — public (office) costs",
    "reserve": "单位预留机动经费 — reserve", "carry_forward": "结转下年 — carried forward",
    "general_public": "一般公共预算（拨款）— general public budget funds",
    "gov_fund": "政府性基金预算（拨款）— government fund budget",
    "state_capital": "国有资本经营预算 — state capital operations budget",
    "general_public_transfer": "一般公共预算调入 — general budget transfer in",
    "gov_fund_transfer": "政府性基金调入 — government fund transfer in",
    "state_capital_transfer": "国有资本经营预算调入 — state capital transfer in",
    "business": "事业收入 — institutional revenue", "operating": "事业单位经营收入 — business revenue",
    "other": "其他收入 — other revenue", "edu_fee": "财政专户（教育收费）— education fees",
    "carryover": "上年结转/结余 — carried over from last year",
    "fund_makeup": "用事业基金弥补收支差额 — deficit covered by the institution's fund",
    "superior_special": "上级专项收入 — earmarked funds from above",
    "superior_subsidy": "上级补助收入 — subsidies from above",
    "subordinate": "附属单位上缴收入 — revenue handed up by subordinate units",
    "unit_funds": "单位资金 — unit's own funds", "grand_total": "总计 — grand total",
    "fiscal_total": "财政拨款合计 — fiscal appropriations, total",
    "fiscal_subtotal": "财政拨款小计 — fiscal appropriations, subtotal",
    "fiscal_personnel": "财政拨款：人员经费 — fiscal: personnel",
    "fiscal_public": "财政拨款：公用经费 — fiscal: public costs",
    "fiscal_project": "财政拨款：项目支出 — fiscal: projects",
    "non_fiscal_total": "非财政拨款合计 — non-fiscal funds, total",
    "non_fiscal_subtotal": "非财政拨款小计 — non-fiscal funds, subtotal",
    "non_fiscal_personnel": "非财政拨款：人员经费 — non-fiscal: personnel",
    "non_fiscal_public": "非财政拨款：公用经费 — non-fiscal: public costs",
    "non_fiscal_project": "非财政拨款：项目支出 — non-fiscal: projects",
    "non_fiscal_carryover": "非财政拨款结转 — non-fiscal carry-over",
    "salaries": "工资福利支出 — wages and benefits", "goods_services": "商品和服务支出 — goods and services",
    "households": "对个人和家庭的补助 — transfers to households",
    "enterprise": "对企业补助 — subsidies to enterprises",
    "enterprise_construction": "对企业补助（基本建设）— enterprise subsidies (construction)",
    "capital": "资本性支出 — capital expenditure",
    "capital_construction": "资本性支出（基本建设）— capital expenditure (construction)",
    "social_security_fund": "对社会保障基金补助 — social security fund",
    "debt_interest": "债务利息及费用支出 — debt interest", "other_expense": "其他支出 — other expenditure",
    "overseas": "因公出国（境）费 — official travel abroad",
    "vehicle_total": "公务用车购置及运行费 — official vehicles, total",
    "vehicle_purchase": "公务用车购置费 — vehicle purchase",
    "vehicle_operation": "公务用车运行（维护）费 — vehicle operation",
    "reception": "公务接待费 — official reception",
    "total_budget": "“三公”经费预算数（决算表中）— 三公 budget figure, total",
    "overseas_budget": "因公出国（境）费预算数 — overseas travel, budget figure",
    "vehicle_total_budget": "公务用车购置及运行费预算数 — official vehicles, budget figure",
    "vehicle_purchase_budget": "公务用车购置费预算数 — vehicle purchase, budget figure",
    "vehicle_operation_budget": "公务用车运行费预算数 — vehicle operation, budget figure",
    "reception_budget": "公务接待费预算数 — reception, budget figure",
    "meeting": "会议费 — meetings", "training": "培训费 — training",
    "operating_costs": "机关运行经费 — administrative running costs",
}

AMOUNT_COLUMNS = {"amount", "fiscal_amount", "other_funds", "expected", "difference"}


def field_type(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL") or t in {"DOUBLE", "FLOAT", "REAL"}:
        return "number"
    if t in {"INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"}:
        return "integer"
    if t == "BOOLEAN":
        return "boolean"
    if t.endswith("[]"):
        return "array"
    return "string"


# Where a column means something of its own in one table.
TABLE_COLUMNS: dict[tuple[str, str], str] = {
    ("key_figures", "kind"): "budget 预算 或 final_accounts 决算",
    ("key_figures", "unit"): "amount 的单位，总是万元", ("line_items", "unit"): "amount 的单位，总是万元",
    ("key_figures", "source"): "出处：文件路径:行号（PDF 另注页码）",
    ("line_items", "source"): "出处：文件路径:行号（PDF 另注页码）",
    ("line_items", "inferred"): "该金额的列位置由恒等式推定，而非从原文读出",
    ("line_items", "is_total"): "是否合计行（三公表的第一行即部门合计）",
}


def describe_column(table: str, column: str, duck_type: str) -> dict[str, Any]:
    desc = TABLE_COLUMNS.get((table, column)) or COLUMNS.get(column, "")
    if table == "checks" and column == "actual":
        desc = COLUMNS["actual_amount"]
    field: dict[str, Any] = {"name": column, "type": field_type(duck_type), "description": desc}
    if field["type"] == "array":
        field["description"] += "（CSV 中以 | 分隔）"
    is_amount = column in AMOUNT_COLUMNS or (table == "checks" and column == "actual")
    if is_amount:
        field["unit"] = "万元"
        field["factor"] = 10000
        field["description"] += "；单位万元，乘以 factor 得元"
    if column == "printed":
        field["type"] = "string"
    return field


# Files an incremental build brings up to date rather than writes anew: their rows are a
# clean build's, their bytes (and size) not, so no page or datapackage.json states a size.
UPDATED_FILES = ("budget.duckdb", "parquet/")


def stated_size(rel: str, path: Path) -> int | None:
    """The size in bytes the data page and datapackage.json state for the file `path` (at
    `rel` under data/): none for a file whose bytes depend on the builds before (`UPDATED_FILES`)."""
    return None if rel.startswith(UPDATED_FILES) else path.stat().st_size


def parts_by_table(rels: list[str]) -> dict[tuple[str, str], list[str]]:
    """(format folder: csv, json, parquet; table) → the parts of that table in that format
    among the files `rels` (under data/), in order: the table's rows are theirs, one after
    the other (`bulk`)."""
    out: dict[tuple[str, str], list[str]] = {}
    for rel in sorted(rels):
        folder, _, rest = rel.partition("/")
        table, slash, _ = rest.partition("/")
        if slash:
            out.setdefault((folder, table), []).append(rel)
    return out


def datapackage(described: dict[str, dict[str, Any]], title: str, files: list[Path],
                data_dir: Path) -> dict[str, Any]:
    """The package: one tabular resource per table and format, plus every other data file.
    A table's resource in each format lists its parts (a multipart resource: the rows of
    the parts one after the other; each CSV part begins with its own header row)."""
    rels = [path.relative_to(data_dir).as_posix() for path in files]
    parts = parts_by_table(rels)
    resources: list[dict[str, Any]] = []
    for table, info in described.items():
        schema = {"fields": [describe_column(table, c, t) for c, t in info["columns"]]}
        base = {"title": table, "description": TABLES.get(table, ""), "schema": schema}
        resources.append({"name": f"{table}-csv", "path": parts.get(("csv", table), []), "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8-sig",
                          "profile": "tabular-data-resource", **base,
                          "description": base["description"] + "（CSV：分为若干文件，每个文件都有表头行）",
                          "dialect": {"delimiter": ",", "header": True}})
        resources.append({"name": f"{table}-json", "path": parts.get(("json", table), []), "format": "json",
                          "mediatype": "application/json", "encoding": "utf-8", **base,
                          "description": base["description"] + "（JSON：分为若干文件，每个为 {table, unit, rows}；金额为精确小数字符串）"})
        resources.append({"name": f"{table}-parquet", "path": parts.get(("parquet", table), []),
                          "format": "parquet", "mediatype": "application/vnd.apache.parquet", **base})
    described_paths = {p for r in resources for p in ([r["path"]] if isinstance(r["path"], str) else r["path"])}
    extra = {
        "budget.duckdb": ("duckdb", "application/octet-stream", "全部数据的 DuckDB 数据库文件"),
        "tables-csv/": ("zip", "application/zip",
                        "每份文件每张表的 CSV（tables/<doc_id>/<doc_id>-<table_key>.csv），每个 zip 一组文件，与各表的分文件同组"),
    }
    for path, rel in zip(files, rels):
        if rel in described_paths or rel == "datapackage.json":
            continue
        fmt, media, desc = extra.get(rel if not rel.startswith("tables-csv/") else "tables-csv/",
                                     (path.suffix.lstrip("."), "application/octet-stream", ""))
        resources.append({"name": rel.replace("/", "-").replace(".", "-").lower(), "path": rel,
                          "format": fmt, "mediatype": media, "description": desc})
    for r in resources:
        p = data_dir / r["path"] if isinstance(r["path"], str) else None
        if p is not None and p.exists() and (size := stated_size(r["path"], p)) is not None:
            r["bytes"] = size
    return {
        "name": "budget-disclosures",
        "title": title,
        "description": "部门预算公开数据。金额单位：万元（factor 10000 = 元）；金额为精确小数。",
        "licenses": [{"name": "other-pd", "title": "政府信息公开数据"}],
        "resources": resources,
    }
