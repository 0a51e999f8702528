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
