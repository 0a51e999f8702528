"""Expansion projects, their stages, the equipment they add or act on, and the
time-limit profiles that time them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive.enums import Category, MeteringMethod, SourceKind, VoltageLevel
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    MeteringPoint,
    Substation,
    Transformer,
)
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.database import JSONDocument, Versioned, coded, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects.types import (
    AttachmentKind,
    BusinessType,
    GridWorkKind,
    LicenceClass,
    PlanStatus,
    ProjectStatus,
    Satisfaction,
    StageStatus,
    UnitRole,
)


class TimeLimitProfile(db.Model):
    """Per-clock limits in working days, in effect from a date (dated configuration)."""

    __tablename__ = "time_limit_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    effective_on: Mapped[date]
    is_default: Mapped[bool] = mapped_column(default=False)
    limits: Mapped[dict[str, int]] = mapped_column("limits_json", JSONDocument)


class TimeLimitProfileChange(db.Model):
    """Who created or changed a profile, and what it said before and after."""

    __tablename__ = "time_limit_profile_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("time_limit_profile.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    before: Mapped[dict | None] = mapped_column(JSONDocument)
    after: Mapped[dict] = mapped_column(JSONDocument)

    profile: Mapped[TimeLimitProfile] = relationship()
    actor: Mapped[User | None] = relationship()


class Project(Versioned, db.Model):
    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(BusinessType.check_sql("business_type"), name="business_type"),
        CheckConstraint(ProjectStatus.check_sql("status"), name="status"),
        CheckConstraint(VoltageLevel.check_sql("voltage_kv"), name="voltage"),
        CheckConstraint(
            f"new_category IS NULL OR {Category.check_sql('new_category')}", name="new_category"
        ),
        CheckConstraint(
            f"new_voltage_kv IS NULL OR {VoltageLevel.check_sql('new_voltage_kv')}",
            name="new_voltage",
        ),
        CheckConstraint("ends_on IS NULL OR ends_on >= effective_on", name="period"),
        # Worklists: a manager's open projects; reports: by type over a period.
        Index("ix_project_status_manager", "status", "account_manager_id"),
        Index("ix_project_type_accepted", "business_type", "accepted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    business_type: Mapped[BusinessType] = mapped_column(coded(BusinessType, 20))
    status: Mapped[ProjectStatus] = mapped_column(
        coded(ProjectStatus, 10), default=ProjectStatus.ACTIVE
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    voltage_kv: Mapped[VoltageLevel] = mapped_column(coded(VoltageLevel, 5))
    is_dual_source: Mapped[bool] = mapped_column(default=False)
    is_important: Mapped[bool] = mapped_column(default=False)
    has_external_works: Mapped[bool] = mapped_column(default=False)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("time_limit_profile.id"))
    accepted_on: Mapped[date]
    completed_on: Mapped[date | None]
    cancelled_on: Mapped[date | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(500), default="")
    # What the change of use asks for (only the fields its type needs).
    effective_on: Mapped[date | None]  # the day the change takes effect
    ends_on: Mapped[date | None]  # the end of a suspension (暂停)
    new_name: Mapped[str | None] = mapped_column(String(200))
    new_id_type: Mapped[str | None] = mapped_column(String(20))
    new_id_number: Mapped[str | None] = mapped_column(String(30))
    new_address: Mapped[str | None] = mapped_column(String(300))
    new_category: Mapped[Category | None] = mapped_column(coded(Category, 30))
    new_voltage_kv: Mapped[VoltageLevel | None] = mapped_column(coded(VoltageLevel, 5))
    other_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    # The account a split (分户) creates, once completed.
    created_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    # Metering as installed at connection (装表接电), for new connections and increases.
    metering_method: Mapped[str | None] = mapped_column(String(10))
    wiring: Mapped[str | None] = mapped_column(String(5))
    metering_class: Mapped[str | None] = mapped_column(String(3))
    ct_primary_a: Mapped[int | None]
    ct_secondary_a: Mapped[int | None]
    pt_primary_v: Mapped[int | None]
    pt_secondary_v: Mapped[int | None]
    meter_asset_no: Mapped[str | None] = mapped_column(String(30))
    meter_accuracy: Mapped[str | None] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(foreign_keys=[customer_id])
    other_customer: Mapped[Customer | None] = relationship(foreign_keys=[other_customer_id])
    created_customer: Mapped[Customer | None] = relationship(foreign_keys=[created_customer_id])
    account_manager: Mapped[User | None] = relationship(foreign_keys=[account_manager_id])
    profile: Mapped[TimeLimitProfile] = relationship()
    stages: Mapped[list[ProjectStage]] = relationship(
        back_populates="project", order_by="ProjectStage.position", cascade="all"
    )
    transformers: Mapped[list[ProjectTransformer]] = relationship(
        back_populates="project", order_by="ProjectTransformer.id", cascade="all"
    )
    sources: Mapped[list[ProjectSource]] = relationship(
        back_populates="project", order_by="ProjectSource.id", cascade="all"
    )
    plan: Mapped[SupplyPlan | None] = relationship(back_populates="project", cascade="all")
    units: Mapped[list[CustomerUnit]] = relationship(
        back_populates="project", order_by="CustomerUnit.id", cascade="all"
    )
    defects: Mapped[list[InspectionDefect]] = relationship(
        back_populates="project", order_by="InspectionDefect.id", cascade="all"
    )
    grid_works: Mapped[list[GridWork]] = relationship(
        back_populates="project", order_by="GridWork.id", cascade="all"
    )
    return_visit: Mapped[ReturnVisit | None] = relationship(back_populates="project",
                                                            cascade="all")  # fmt: skip
    attachments: Mapped[list[ProjectAttachment]] = relationship(
        back_populates="project",
        order_by="(ProjectAttachment.kind, ProjectAttachment.version.desc())",
        cascade="all",
    )
    # Its clocks (read only here: the deadlines' services write them).
    deadlines: Mapped[list[Deadline]] = relationship(
        primaryjoin="and_(Deadline.kind == 'project', foreign(Deadline.subject_id) == Project.id)",
        viewonly=True,
        order_by="Deadline.id",
    )

    @property
    def type_enum(self) -> BusinessType:
        return BusinessType(self.business_type)

    @property
    def is_active(self) -> bool:
        return self.status == ProjectStatus.ACTIVE.value

    @property
    def records_metering(self) -> bool:
        """New connections and increases install metering at 装表接电."""
        return self.type_enum in (BusinessType.NEW, BusinessType.INCREASE)

    def planned_metering_point(self, **fields) -> MeteringPoint:
        """The metering point the project installs, as it records it (not yet saved)."""
        return MeteringPoint(
            method=self.metering_method,
            wiring=self.wiring,
            metering_class=self.metering_class,
            ct_primary_a=self.ct_primary_a,
            ct_secondary_a=self.ct_secondary_a,
            pt_primary_v=self.pt_primary_v,
            pt_secondary_v=self.pt_secondary_v,
            adds_transformer_loss=self.metering_method == MeteringMethod.HV_LV.value,
            **fields,
        )

    @property
    def applied_kva(self) -> int:
        return sum(t.rated_kva for t in self.transformers if t.action == "add")

    @property
    def current_stage(self) -> ProjectStage | None:
        return next((s for s in self.stages if s.status != StageStatus.DONE.value), None)

    def can_work(self, user) -> bool:
        """Open, and the user manages projects or is this project's manager."""
        return self.is_active and (
            user.can(Permission.MANAGE_PROJECTS)
            or (user.can(Permission.WORK_OWN_PROJECTS) and self.account_manager_id == user.id)
        )

    def __str__(self) -> str:
        return self.number


class ProjectStage(db.Model):
    __tablename__ = "project_stage"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint(StageStatus.check_sql("status"), name="status"),
        CheckConstraint("finished_on IS NULL OR finished_on >= started_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    status: Mapped[StageStatus] = mapped_column(coded(StageStatus, 10), default=StageStatus.WAITING)
    started_on: Mapped[date | None]
    finished_on: Mapped[date | None]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    project: Mapped[Project] = relationship(back_populates="stages")
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    finished_by: Mapped[User | None] = relationship(foreign_keys=[finished_by_id])


class ProjectTransformer(db.Model):
    """A transformer the project adds (action add), or an existing one it acts on."""

    __tablename__ = "project_transformer"
    __table_args__ = (
        CheckConstraint("rated_kva > 0", name="rated_kva"),
        CheckConstraint("action = 'add' OR transformer_id IS NOT NULL", name="existing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # add, or the type's act on an existing
    transformer_id: Mapped[int | None] = mapped_column(ForeignKey("transformer.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(30))  # for an added one; None: numbered
    name: Mapped[str] = mapped_column(String(80), default="")
    rated_kva: Mapped[int]
    model: Mapped[str | None] = mapped_column(String(50))

    project: Mapped[Project] = relationship(back_populates="transformers")
    transformer: Mapped[Transformer | None] = relationship()


class ProjectSource(db.Model):
    """A supply the project builds: where it connects and where ownership changes."""

    __tablename__ = "project_source"
    __table_args__ = (CheckConstraint(SourceKind.check_sql("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[SourceKind] = mapped_column(coded(SourceKind, 10), default=SourceKind.MAIN)
    substation_id: Mapped[int | None] = mapped_column(ForeignKey("substation.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"))
    pole_or_bay: Mapped[str | None] = mapped_column(String(60))
    property_boundary: Mapped[str | None] = mapped_column(String(300))

    project: Mapped[Project] = relationship(back_populates="sources")
    substation: Mapped[Substation | None] = relationship()
    line: Mapped[FeederLine | None] = relationship()


class SupplyPlan(db.Model):
    """供电方案: what the project's sources, transformers and metering scheme do not hold
    themselves; approved once, then frozen as a numbered PDF (the customer's copy)."""

    __tablename__ = "supply_plan"
    __table_args__ = (
        CheckConstraint(PlanStatus.check_sql("status"), name="status"),
        CheckConstraint("compensation_kvar IS NULL OR compensation_kvar >= 0", name="kvar"),
        CheckConstraint("charges_yuan IS NULL OR charges_yuan >= 0", name="charges"),
        CheckConstraint("valid_months > 0", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[PlanStatus] = mapped_column(coded(PlanStatus, 10), default=PlanStatus.DRAFT)
    pf_standard: Mapped[str] = mapped_column(String(5))
    compensation_kvar: Mapped[int | None]
    power_quality: Mapped[str] = mapped_column(String(500), default="")
    charges_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    charges_basis: Mapped[str] = mapped_column(String(300), default="")
    valid_months: Mapped[int]
    remarks: Mapped[str] = mapped_column(String(1000), default="")
    drafted_on: Mapped[date]
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project] = relationship(back_populates="plan")
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED.value


class CustomerUnit(db.Model):
    """A unit the customer chose for its own works (三不指定), with its licence as the
    customer's papers state it: typed in, never picked from a list of the utility's."""

    __tablename__ = "customer_unit"
    __table_args__ = (
        UniqueConstraint("project_id", "role"),
        CheckConstraint(UnitRole.check_sql("role"), name="role"),
        CheckConstraint(
            f"licence_class IS NULL OR {LicenceClass.check_sql('licence_class')}",
            name="licence_class",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    role: Mapped[UnitRole] = mapped_column(coded(UnitRole, 10))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(30), default="")  # 统一社会信用代码
    licence_no: Mapped[str] = mapped_column(String(60), default="")
    licence_class: Mapped[LicenceClass | None] = mapped_column(coded(LicenceClass, 1))
    qualification: Mapped[str] = mapped_column(String(200), default="")  # a designer's 资质
    valid_until: Mapped[date | None]
    contact: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="units")
    recorded_by: Mapped[User | None] = relationship()


class InspectionDefect(db.Model):
    """An item of an inspection's defect list (整改意见), open until the customer has
    rectified it and staff closed it."""

    __tablename__ = "inspection_defect"
    __table_args__ = (
        CheckConstraint("closed_on IS NULL OR closed_on >= raised_on", name="dates"),
        Index("ix_inspection_defect_project_stage", "project_id", "stage_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    stage_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    raised_on: Mapped[date]
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closing_note: Mapped[str] = mapped_column(String(500), default="")

    project: Mapped[Project] = relationship(back_populates="defects")
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class GridWork(db.Model):
    """A grid-side work (配套电网工程) the connection waits for: the utility's time."""

    __tablename__ = "grid_work"
    __table_args__ = (
        CheckConstraint(GridWorkKind.check_sql("kind"), name="kind"),
        CheckConstraint("planned_on >= started_on", name="planned"),
        CheckConstraint("done_on IS NULL OR done_on >= started_on", name="done"),
        Index("ix_grid_work_open_planned", "done_on", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[GridWorkKind] = mapped_column(coded(GridWorkKind, 20))
    description: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(100))  # who builds it: 运检部, 调控中心 …
    started_on: Mapped[date]
    planned_on: Mapped[date]
    done_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    project: Mapped[Project] = relationship(back_populates="grid_works")

    def is_late(self, today: date) -> bool:
        """Past its planned day and not done, or done after it."""
        return (self.done_on or today) > self.planned_on


class ProjectAttachment(db.Model):
    """A document kept with the project, typed and versioned: a new upload of a kind is
    its next version, the earlier ones stay. Kept in the database (never under the web
    root), its type known from its content."""

    __tablename__ = "project_attachment"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", "version"),
        CheckConstraint(AttachmentKind.check_sql("kind"), name="kind"),
        CheckConstraint("version > 0", name="version"),
        CheckConstraint("size > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(coded(AttachmentKind, 20))
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()


class ReturnVisit(db.Model):
    """回访: the customer's rating of the project, asked after it is archived; a
    dissatisfied one is followed up and the follow-up's outcome recorded."""

    __tablename__ = "return_visit"
    __table_args__ = (
        CheckConstraint(Satisfaction.check_sql("satisfaction"), name="satisfaction"),
        CheckConstraint("followed_up_on IS NULL OR followed_up_on >= visited_on", name="follow_up"),
        Index("ix_return_visit_visited_on", "visited_on"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    visited_on: Mapped[date]
    satisfaction: Mapped[Satisfaction] = mapped_column(coded(Satisfaction, 1))
    remarks: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    followed_up_on: Mapped[date | None]
    follow_up_note: Mapped[str] = mapped_column(String(500), default="")

    project: Mapped[Project] = relationship(back_populates="return_visit")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def rating(self) -> Satisfaction:
        return Satisfaction(self.satisfaction)

    @property
    def needs_follow_up(self) -> bool:
        return self.rating.is_dissatisfied and self.followed_up_on is None
