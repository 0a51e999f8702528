"""The contract registry: numbered contracts, their frozen files and what happened to them.

A draft is rendered from the archive whenever it is asked for. Signing freezes it: the
PDF as the customer signed it, its SHA-256, the JSON of the data it was made from and the
template version are stored and never rendered again. The files live in their own table
so that lists of contracts never read them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.archive.models.history import Audited
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.contracts.types import ContractEventKind, ContractKind, ContractStatus
from utilitycrm.core.database import JSONDocument, Versioned, coded, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.projects.models import Project


class Contract(Audited, Versioned, db.Model):
    """A register entry; audited like the archive (its changes show in the customer's
    history, and an import that brought it in can be undone)."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint(ContractKind.check_sql("kind"), name="kind"),
        CheckConstraint(ContractStatus.check_sql("status"), name="status"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on > starts_on", name="term"),
        CheckConstraint("paper_kva IS NULL OR paper_kva > 0", name="paper_kva"),
        CheckConstraint("paper_demand_kw IS NULL OR paper_demand_kw > 0", name="paper_demand"),
        # Expiry lists and the renewal reminders: contracts in one state by their end.
        Index("ix_contract_status_ends_on", "status", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[ContractKind] = mapped_column(coded(ContractKind, 5))
    status: Mapped[ContractStatus] = mapped_column(
        coded(ContractStatus, 12), default=ContractStatus.DRAFT
    )
    # The language the contract is printed in (and was signed in).
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    # The expansion project whose contract stage asked for it.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    # The contract this one renews or replaces; signing this one ends that one.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    signed_on: Mapped[date | None]
    customer_signatory: Mapped[str | None] = mapped_column(String(50))
    utility_signatory: Mapped[str | None] = mapped_column(String(50))
    # Frozen at signing.
    template_version: Mapped[str | None] = mapped_column(String(20))
    frozen_data: Mapped[dict | None] = mapped_column("data_json", JSONDocument)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # The newest scan of the signed paper (its file is in contract_file).
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    # What a contract signed on paper states (a contract signed here freezes its data
    # instead): compared with the archive as a frozen contract's terms are.
    paper_kva: Mapped[int | None]
    paper_demand_kw: Mapped[int | None]
    paper_line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"), index=True)
    paper_backup_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("feeder_line.id"), index=True
    )
    paper_tariff_code: Mapped[str | None] = mapped_column(ForeignKey("tariff.code"), index=True)
    paper_boundary: Mapped[str | None] = mapped_column(String(200))
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User | None] = relationship()
    project: Mapped[Project | None] = relationship()
    replaces: Mapped[Contract | None] = relationship(remote_side=[id])
    paper_line: Mapped[FeederLine | None] = relationship(foreign_keys=[paper_line_id])
    paper_backup_line: Mapped[FeederLine | None] = relationship(foreign_keys=[paper_backup_line_id])
    files: Mapped[list[ContractFile]] = relationship(
        back_populates="contract", order_by="ContractFile.id"
    )
    events: Mapped[list[ContractEvent]] = relationship(
        back_populates="contract", order_by="ContractEvent.id"
    )

    @property
    def kind_enum(self) -> ContractKind:
        return ContractKind(self.kind)

    @property
    def status_enum(self) -> ContractStatus:
        return ContractStatus(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == ContractStatus.DRAFT.value

    @property
    def is_signed(self) -> bool:
        return self.status == ContractStatus.SIGNED.value

    @property
    def is_paper(self) -> bool:
        """Signed on paper outside utilitycrm: no frozen data, its terms typed in."""
        return self.frozen_data is None and self.status != ContractStatus.DRAFT.value

    def file(self, role: str) -> ContractFile | None:
        """The newest file of a role (a later scan replaces an earlier one on the page)."""
        return next((f for f in reversed(self.files) if f.role == role), None)

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def can_draft_for(user, customer) -> bool:
        """Contract staff, or the customer's own account manager."""
        return user.can(Permission.MANAGE_CONTRACTS) or (
            user.can(Permission.WORK_OWN_CONTRACTS) and customer.account_manager_id == user.id
        )

    @staticmethod
    def may_register(user) -> bool:
        """Whether the user may register contracts at all (whose, once the customer is known)."""
        return user.can(Permission.MANAGE_CONTRACTS) or user.can(Permission.WORK_OWN_CONTRACTS)

    def can_work(self, user) -> bool:
        return self.can_draft_for(user, self.customer)


class ContractFile(db.Model):
    """A stored file: the frozen PDF (role "signed") or a scan of the signed paper."""

    __tablename__ = "contract_file"
    __table_args__ = (CheckConstraint("role IN ('signed', 'scan')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()


class ContractEvent(db.Model):
    """What happened to a contract, by whom: the registry's own history."""

    __tablename__ = "contract_event"
    __table_args__ = (CheckConstraint(ContractEventKind.check_sql("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    kind: Mapped[ContractEventKind] = mapped_column(coded(ContractEventKind, 12))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    contract: Mapped[Contract] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
