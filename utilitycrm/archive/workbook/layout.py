"""The workbook layout: a sheet per record kind, a column per field, natural keys.

Headers are bilingual ("户号 / Account no."); references are by natural key (a line by
its number, a customer by 户号), never by database id, so a workbook moves between
systems. Coded values are written as codes; the notes sheet lists them with labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import get_locale
from sqlalchemy import Select

from utilitycrm.archive import enums
from utilitycrm.archive.models import (
    Contact,
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    QualificationDocument,
    Substation,
    Tariff,
    Transformer,
)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "text"  # text, int, decimal, date, bool, enum, ratio
    enum: type[enums.Labelled] | None = None
    required: bool = False
    note: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"

    @property
    def label(self) -> str:
        """The column's name in the reader's language."""
        locale = get_locale()
        return self.zh if locale is not None and locale.language == "zh" else self.en


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.zh} {self.key}"

    @property
    def label(self) -> str:
        """The sheet's name in the reader's language."""
        locale = get_locale()
        return self.zh if locale is not None and locale.language == "zh" else self.en

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


ACTION = Column(
    "action", "操作", "Action", note="空 = 新增或更新；delete / 删除 = 删除该行所指记录"
)


def _col(key, zh, en, kind="text", enum=None, required=False, note="") -> Column:
    return Column(key, zh, en, kind, enum, required, note)


# The archive's sheets in import order; wings append theirs with register_sheet().
SHEETS: list[Sheet] = [
    Sheet("tariffs", "电价", "Tariffs", (
        _col("code", "电价代码", "Tariff code", required=True),
        _col("name", "名称", "Name", required=True),
        _col("category", "用电类别", "Category", "enum", enums.Category, True),
        _col("voltage_kv", "电压等级", "Voltage, kV", "enum", enums.VoltageLevel, True),
        _col("structure", "电价结构", "Tariff structure", "enum", enums.TariffStructure, True),
        _col("is_time_of_use", "分时电价", "Time of use", "bool"),
        ACTION,
    ), ("code",)),
    Sheet("substations", "变电站", "Substations", (
        _col("code", "变电站编号", "Substation no.", required=True),
        _col("name", "名称", "Name", required=True),
        _col("voltage_kv", "电压等级", "Voltage, kV", "enum", enums.VoltageLevel, True),
        ACTION,
    ), ("code",)),
    Sheet("lines", "线路", "Lines", (
        _col("code", "线路编号", "Line no.", required=True),
        _col("name", "线路名称", "Line name", required=True),
        _col("substation_code", "变电站编号", "Substation no.", required=True),
        _col("voltage_kv", "电压等级", "Voltage, kV", "enum", enums.VoltageLevel, True),
        _col("rated_current_a", "额定电流", "Rated current, A", "int", required=True),
        _col("allowed_load_pct", "允许负载率%", "Allowed load, % of rating", "int"),
        ACTION,
    ), ("code",)),
    Sheet("nodes", "电网节点", "Network nodes", (
        _col("code", "节点编号", "Node no.", required=True),
        _col("name", "名称", "Name"),
        _col("kind", "类型", "Type", "enum", enums.NodeKind, True),
        _col("line_code", "线路编号", "Line no."),
        ACTION,
    ), ("code",)),
    Sheet("edges", "线段与开关", "Network edges", (
        _col("code", "编号", "Edge no.", required=True),
        _col("kind", "类型", "Type", "enum", enums.EdgeKind, True),
        _col("line_code", "线路编号", "Line no."),
        _col("from_node_code", "起点节点", "From node", required=True),
        _col("to_node_code", "终点节点", "To node", required=True),
        _col("is_closed", "合上", "Closed", "bool", required=True, note="是/否; 联络开关通常为否"),
        _col("conductor", "导线类型", "Conductor", "enum", enums.Connection),
        _col("length_m", "长度", "Length, m", "int"),
        ACTION,
    ), ("code",)),
    Sheet("customers", "客户", "Customers", (
        _col("account_no", "户号", "Account no.", required=True),
        _col("name", "户名", "Name", required=True),
        _col("address", "用电地址", "Supply address"),
        _col("id_type", "证件类型", "ID type", "enum", enums.IdType),
        _col("id_number", "证件号码", "ID number"),
        _col("contact_name", "联系人", "Contact"),
        _col("phone", "联系电话", "Phone"),
        _col("category", "用电类别", "Category", "enum", enums.Category, True),
        _col("industry_code", "行业分类", "Industry code"),
        _col("voltage_kv", "供电电压", "Voltage, kV", "enum", enums.VoltageLevel, True),
        _col("contract_capacity_kva", "合同容量", "Contract capacity, kVA", "int", required=True),
        _col("operating_capacity_kva", "运行容量", "Operating capacity, kVA", "int"),
        _col("tariff_code", "电价代码", "Tariff code"),
        _col("tariff_structure", "电价结构", "Tariff structure", "enum", enums.TariffStructure,
             note="空 = single 单一制"),
        _col("basic_charge_basis", "基本电费计收方式", "Basic charge basis", "enum",
             enums.BasicChargeBasis),
        _col("contract_demand_kw", "合同最大需量", "Contract demand, kW", "int"),
        _col("pf_standard", "功率因数考核标准", "Power-factor standard", "enum",
             enums.PowerFactorStandard, note="空 = none 不考核"),
        _col("is_time_of_use", "分时电价", "Time of use", "bool"),
        _col("importance", "重要客户等级", "Importance", "enum", enums.Importance,
             note="空 = none"),
        _col("value_class", "价值分级", "Value class", "enum", enums.ValueClass),
        _col("status", "状态", "Status", "enum", enums.CustomerStatus, note="空 = active 在用"),
        _col("account_manager", "客户经理", "Account manager", note="用户名 / user name"),
        _col("supply_transformer_code", "供电公变", "Supplying public transformer"),
        _col("relationship_notes", "客户关系备注", "Relationship notes"),
        ACTION,
    ), ("account_no",)),
    Sheet("sources", "供电电源", "Power sources", (
        _col("code", "电源编号", "Source no.", required=True),
        _col("account_no", "户号", "Account no.", required=True),
        _col("kind", "电源性质", "Kind", "enum", enums.SourceKind, True),
        _col("substation_code", "变电站编号", "Substation no."),
        _col("line_code", "线路编号", "Line no."),
        _col("line_name", "线路名称（档案记载）", "Line name as recorded"),
        _col("pole_or_bay", "杆号或间隔", "Pole or bay"),
        _col("connection", "接入方式", "Connection", "enum", enums.Connection),
        _col("property_boundary", "产权分界点", "Property boundary"),
        _col("has_generator", "自备应急发电机", "Emergency generator", "bool"),
        _col("generator_kw", "发电机容量", "Generator, kW", "int"),
        ACTION,
    ), ("code",)),
    Sheet("transformers", "受电设备", "Transformers", (
        _col("code", "设备编号", "Equipment no.", required=True),
        _col("name", "名称", "Name"),
        _col("kind", "类型", "Type", "enum", enums.TransformerKind, True),
        _col("ownership", "产权", "Ownership", "enum", enums.Ownership, True),
        _col("account_no", "户号", "Account no.", note="专变必填 / required when dedicated"),
        _col("model", "型号", "Model"),
        _col("rated_kva", "额定容量", "Rated kVA", "int", required=True),
        _col("voltage_ratio", "电压比", "Voltage ratio"),
        _col("state", "状态", "State", "enum", enums.TransformerState, True),
        _col("node_code", "挂接节点", "Network node"),
        _col("source_code", "所接电源编号", "Source no."),
        _col("commissioned_on", "投运日期", "Commissioned on", "date"),
        _col("no_load_loss_kw", "空载损耗", "No-load loss, kW", "decimal"),
        _col("load_loss_kw", "负载损耗", "Load loss, kW", "decimal"),
        ACTION,
    ), ("code",)),
    Sheet("metering_points", "计量点", "Metering points", (
        _col("code", "计量点编号", "Metering point no.", required=True),
        _col("account_no", "户号", "Account no.", required=True),
        _col("name", "名称", "Name"),
        _col("method", "计量方式", "Method", "enum", enums.MeteringMethod, True),
        _col("wiring", "接线方式", "Wiring", "enum", enums.Wiring, True),
        _col("metering_class", "计量装置类别", "Metering class", "enum", enums.MeteringClass, True),
        _col("ct_ratio", "电流互感器变比", "CT ratio", "ratio", note="如 300/5"),
        _col("pt_ratio", "电压互感器变比", "PT ratio", "ratio", note="如 10000/100"),
        _col("transformer_code", "计变损变压器", "Loss transformer no."),
        _col("adds_transformer_loss", "计收变损", "Adds transformer loss", "bool"),
        _col("has_voltage_loss_recorder", "失压计时仪", "Voltage-loss recorder", "bool"),
        ACTION,
    ), ("code",)),
    Sheet("meters", "电能表", "Meters", (
        _col("asset_no", "资产编号", "Asset no.", required=True),
        _col("metering_point_code", "计量点编号", "Metering point no.", required=True),
        _col("model", "型号", "Model"),
        _col("accuracy", "准确度等级", "Accuracy", "enum", enums.MeterAccuracy, True),
        _col("multiplier", "综合倍率", "Multiplier", "int", required=True),
        _col("installed_on", "安装日期", "Installed on", "date"),
        _col("verified_on", "检定日期", "Verified on", "date"),
        ACTION,
    ), ("asset_no", "metering_point_code")),  # one number on two points: a finding
    Sheet("contacts", "联系人", "Contacts", (
        _col("account_no", "户号", "Account no.", required=True),
        _col("name", "姓名", "Name", required=True),
        _col("title", "职务", "Position"),
        _col("phone", "电话", "Phone"),
        _col("email", "电子邮箱", "E-mail"),
        _col("is_primary", "主要联系人", "Primary", "bool"),
        ACTION,
    ), ("account_no", "name")),
    Sheet("documents", "资质证件", "Documents", (
        _col("account_no", "户号", "Account no.", required=True),
        _col("kind", "证件", "Document", "enum", enums.DocumentKind, True),
        _col("number", "编号", "Number"),
        _col("issued_on", "发证日期", "Issued on", "date"),
        _col("expires_on", "有效期至", "Expires on", "date", note="空 = 长期 / empty: no expiry"),
        _col("note", "备注", "Note"),
        ACTION,
    ), ("account_no", "kind")),
]  # fmt: skip

SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}


def sheet_label(key: str) -> str:
    """A sheet's name for people, from its key (as an import's progress records it)."""
    sheet = SHEETS_BY_KEY.get(key)
    return sheet.label if sheet is not None else key


# Sheet key -> the table its rows go into.
MODELS: dict[str, type] = {
    "tariffs": Tariff, "substations": Substation, "lines": FeederLine, "nodes": NetworkNode,
    "edges": NetworkEdge, "customers": Customer, "sources": PowerSource,
    "transformers": Transformer, "metering_points": MeteringPoint, "meters": Meter,
    "contacts": Contact, "documents": QualificationDocument,
}  # fmt: skip


# (column key, value as written, message)
CellProblem = tuple[str, object, object]


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet of records that belong to a customer, added by a wing above the archive
    (the contracts register): what the importer and the export need to know of it."""

    sheet: Sheet
    model: type
    # The rows to export in the sheet's column order, given the owner (an aliased Customer).
    query: Callable[[type[Customer]], Select]
    customer_column: object  # the model's column naming its customer
    # Its reference columns: column → (target sheet, model attribute set to the target's
    # id; None keeps the natural key as written, checked like any reference).
    references: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # The checks of the wing's forms that one row can fail.
    check_row: Callable[[dict], Iterable[CellProblem]] = lambda values: ()
    # The checks against the archive of the planned rows: (row plan, column key, message).
    check_plan: Callable[[list], Iterable[tuple[object, str, object]]] = lambda rows: ()


EXTRA_SHEETS: dict[str, ExtraSheet] = {}


def register_sheet(extra: ExtraSheet) -> None:
    """Add a wing's sheet after the archive's own (again for each app: kept once)."""
    key = extra.sheet.key
    if key not in SHEETS_BY_KEY:
        SHEETS.append(extra.sheet)
    else:
        SHEETS[SHEETS.index(SHEETS_BY_KEY[key])] = extra.sheet
    SHEETS_BY_KEY[key] = extra.sheet
    MODELS[key] = extra.model
    EXTRA_SHEETS[key] = extra
