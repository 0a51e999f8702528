"""The coded values of expansion projects (domain.md §4) and their labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.core.labels import LABELS, Labelled


class BusinessType(Labelled):
    NEW = "new"  # 新装
    INCREASE = "increase"  # 增容
    REDUCE = "reduce"  # 减容
    REDUCE_RESTORE = "reduce_restore"  # 减容恢复
    SUSPEND = "suspend"  # 暂停
    SUSPEND_RESTORE = "suspend_restore"  # 暂停恢复
    TEMPORARY_SWAP = "temporary_swap"  # 暂换
    RELOCATE = "relocate"  # 迁址
    MOVE_METER = "move_meter"  # 移表
    TEMPORARY_REMOVAL = "temporary_removal"  # 暂拆
    REINSTALL = "reinstall"  # 复装
    RENAME = "rename"  # 更名
    TRANSFER = "transfer"  # 过户
    SPLIT = "split"  # 分户
    MERGE = "merge"  # 并户
    CLOSE = "close"  # 销户
    VOLTAGE_CHANGE = "voltage_change"  # 改压
    CATEGORY_CHANGE = "category_change"  # 改类

    @property
    def is_change_of_use(self) -> bool:
        """变更用电: the short chain; the rest build or enlarge a supply."""
        return self not in (BusinessType.NEW, BusinessType.INCREASE)


class ProjectStatus(Labelled):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class StageStatus(Labelled):
    WAITING = "waiting"  # its starting event has not happened
    RUNNING = "running"
    DONE = "done"


LABELS[BusinessType] = {
    BusinessType.NEW: _l("New connection (新装)"),
    BusinessType.INCREASE: _l("Capacity increase (增容)"),
    BusinessType.REDUCE: _l("Capacity reduction (减容)"),
    BusinessType.REDUCE_RESTORE: _l("Reduction restored (减容恢复)"),
    BusinessType.SUSPEND: _l("Suspension (暂停)"),
    BusinessType.SUSPEND_RESTORE: _l("Suspension ended (暂停恢复)"),
    BusinessType.TEMPORARY_SWAP: _l("Temporary transformer swap (暂换)"),
    BusinessType.RELOCATE: _l("Relocation (迁址)"),
    BusinessType.MOVE_METER: _l("Meter moved (移表)"),
    BusinessType.TEMPORARY_REMOVAL: _l("Temporary removal (暂拆)"),
    BusinessType.REINSTALL: _l("Reinstallation (复装)"),
    BusinessType.RENAME: _l("Change of name (更名)"),
    BusinessType.TRANSFER: _l("Transfer to a new holder (过户)"),
    BusinessType.SPLIT: _l("Account split (分户)"),
    BusinessType.MERGE: _l("Accounts merged (并户)"),
    BusinessType.CLOSE: _l("Account closed (销户)"),
    BusinessType.VOLTAGE_CHANGE: _l("Change of voltage (改压)"),
    BusinessType.CATEGORY_CHANGE: _l("Change of category (改类)"),
}
LABELS[ProjectStatus] = {
    ProjectStatus.ACTIVE: _l("In progress"),
    ProjectStatus.COMPLETED: _l("Completed"),
    ProjectStatus.CANCELLED: _l("Cancelled"),
}
LABELS[StageStatus] = {
    StageStatus.WAITING: _l("Waiting"),
    StageStatus.RUNNING: _l("Running"),
    StageStatus.DONE: _l("Done"),
}


class PlanStatus(Labelled):
    DRAFT = "draft"
    APPROVED = "approved"


class UnitRole(Labelled):
    """The units the customer chooses (三不指定: the utility names none of them)."""

    DESIGNER = "designer"
    BUILDER = "builder"
    SUPPLIER = "supplier"
    TESTER = "tester"


class LicenceClass(Labelled):
    """承装(修、试)电力设施许可证 classes, with the highest voltage each may work on."""

    FIRST = "1"
    SECOND = "2"
    THIRD = "3"
    FOURTH = "4"
    FIFTH = "5"

    @property
    def max_kv(self) -> float | None:
        """None: any voltage."""
        return {"1": None, "2": 220.0, "3": 110.0, "4": 35.0, "5": 10.0}[self.value]


class GridWorkKind(Labelled):
    """配套电网工程: the utility's own works a connection needs."""

    BAY = "bay"
    LINE_EXTENSION = "line_extension"
    REROUTING = "rerouting"
    OPERATING_MODE = "operating_mode"
    OTHER = "other"


LABELS[PlanStatus] = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.APPROVED: _l("Approved"),
}
LABELS[UnitRole] = {
    UnitRole.DESIGNER: _l("Designer (设计单位)"),
    UnitRole.BUILDER: _l("Builder (施工单位)"),
    UnitRole.SUPPLIER: _l("Equipment supplier (设备供应单位)"),
    UnitRole.TESTER: _l("Testing unit (试验单位)"),
}
LABELS[LicenceClass] = {
    LicenceClass.FIRST: _l("Class 1 (一级), any voltage"),
    LicenceClass.SECOND: _l("Class 2 (二级), up to 220 kV"),
    LicenceClass.THIRD: _l("Class 3 (三级), up to 110 kV"),
    LicenceClass.FOURTH: _l("Class 4 (四级), up to 35 kV"),
    LicenceClass.FIFTH: _l("Class 5 (五级), up to 10 kV"),
}
LABELS[GridWorkKind] = {
    GridWorkKind.BAY: _l("Substation bay (间隔)"),
    GridWorkKind.LINE_EXTENSION: _l("Line extension (线路延伸)"),
    GridWorkKind.REROUTING: _l("Line re-routing (线路改造)"),
    GridWorkKind.OPERATING_MODE: _l("Change of operating mode (运行方式调整)"),
    GridWorkKind.OTHER: _l("Other grid-side work"),
}


class AttachmentKind(Labelled):
    """What a project keeps: the application's materials, drawings, inspection records."""

    ID_DOCUMENT = "id_document"  # 主体资格证明: business licence or ID card
    PROPERTY = "property"  # 用电地址产权证明
    LOAD_LIST = "load_list"  # 用电设备清单
    DRAWINGS = "drawings"
    INSPECTION_PHOTO = "inspection_photo"
    TEST_REPORT = "test_report"  # 交接试验报告
    OTHER = "other"


LABELS[AttachmentKind] = {
    AttachmentKind.ID_DOCUMENT: _l("Licence or ID of the applicant (主体资格证明)"),
    AttachmentKind.PROPERTY: _l("Proof of the property (产权证明)"),
    AttachmentKind.LOAD_LIST: _l("List of the loads (用电设备清单)"),
    AttachmentKind.DRAWINGS: _l("Design drawings (设计图纸)"),
    AttachmentKind.INSPECTION_PHOTO: _l("Inspection photo (现场照片)"),
    AttachmentKind.TEST_REPORT: _l("Commissioning test report (交接试验报告)"),
    AttachmentKind.OTHER: _l("Other document"),
}


class Satisfaction(Labelled):
    """The customer's rating at the return visit (回访), best first."""

    VERY_SATISFIED = "5"
    SATISFIED = "4"
    NEUTRAL = "3"
    DISSATISFIED = "2"
    VERY_DISSATISFIED = "1"

    @property
    def is_satisfied(self) -> bool:
        return int(self.value) >= 4

    @property
    def is_dissatisfied(self) -> bool:
        return int(self.value) <= 2


LABELS[Satisfaction] = {
    Satisfaction.VERY_SATISFIED: _l("Very satisfied (非常满意)"),
    Satisfaction.SATISFIED: _l("Satisfied (满意)"),
    Satisfaction.NEUTRAL: _l("Neither (一般)"),
    Satisfaction.DISSATISFIED: _l("Dissatisfied (不满意)"),
    Satisfaction.VERY_DISSATISFIED: _l("Very dissatisfied (非常不满意)"),
}
