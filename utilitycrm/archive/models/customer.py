"""The customer (用电客户), its tariff, contacts and qualification documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive.enums import (
    BasicChargeBasis,
    Category,
    CustomerStatus,
    DocumentKind,
    IdType,
    Importance,
    PowerFactorStandard,
    TariffStructure,
    ValueClass,
    VoltageLevel,
)
from utilitycrm.archive.models.history import Audited
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.database import Versioned, bigram_index, coded, pattern_index, utcnow
from utilitycrm.core.extensions import db

if TYPE_CHECKING:
    from utilitycrm.archive.models.equipment import MeteringPoint, PowerSource, Transformer


class Tariff(Audited, Versioned, db.Model):
    """An entry of the utility's tariff catalogue (电价代码)."""

    __tablename__ = "tariff"
    __table_args__ = (
        CheckConstraint(Category.check_sql("category"), name="category"),
        CheckConstraint(VoltageLevel.check_sql("voltage_kv"), name="voltage"),
        CheckConstraint(TariffStructure.check_sql("structure"), name="structure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[Category] = mapped_column(coded(Category, 30))
    voltage_kv: Mapped[VoltageLevel] = mapped_column(coded(VoltageLevel, 5))
    structure: Mapped[TariffStructure] = mapped_column(coded(TariffStructure, 10))
    is_time_of_use: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Customer(Audited, Versioned, db.Model):
    __tablename__ = "customer"
    __table_args__ = (
        CheckConstraint(Category.check_sql("category"), name="category"),
        CheckConstraint(VoltageLevel.check_sql("voltage_kv"), name="voltage"),
        CheckConstraint(CustomerStatus.check_sql("status"), name="status"),
        CheckConstraint(TariffStructure.check_sql("tariff_structure"), name="tariff_structure"),
        CheckConstraint(
            f"basic_charge_basis IS NULL OR {BasicChargeBasis.check_sql('basic_charge_basis')}",
            name="basic_charge_basis",
        ),
        CheckConstraint(PowerFactorStandard.check_sql("pf_standard"), name="pf_standard"),
        CheckConstraint(Importance.check_sql("importance"), name="importance"),
        CheckConstraint(
            f"value_class IS NULL OR {ValueClass.check_sql('value_class')}", name="value_class"
        ),
        CheckConstraint(f"id_type IS NULL OR {IdType.check_sql('id_type')}", name="id_type"),
        CheckConstraint(
            "contract_capacity_kva >= 0 AND operating_capacity_kva >= 0", name="capacity"
        ),
        CheckConstraint(
            "contract_demand_kw IS NULL OR contract_demand_kw > 0", name="contract_demand"
        ),
        # Filters of the customer list; each leads with the filter, then the sort key.
        Index("ix_customer_status_account_no", "status", "account_no"),
        Index("ix_customer_category_account_no", "category", "account_no"),
        Index("ix_customer_voltage_account_no", "voltage_kv", "account_no"),
        Index("ix_customer_manager_account_no", "account_manager_id", "account_no"),
        Index("ix_customer_value_class_account_no", "value_class", "account_no"),
        Index("ix_customer_importance_account_no", "importance", "account_no"),
        # Column sorts of the customer list (`archive.queries.CUSTOMER_SORTS`).
        Index("ix_customer_name_account_no", "name", "account_no"),
        Index("ix_customer_capacity_account_no", "contract_capacity_kva", "account_no"),
        pattern_index("customer", "account_no"),
        pattern_index("customer", "name"),
        # Search anywhere in the name or address (`archive.queries`).
        bigram_index("ix_customer_search_bigrams", "name", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    id_type: Mapped[IdType | None] = mapped_column(coded(IdType, 20))
    id_number: Mapped[str | None] = mapped_column(String(30))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[Category] = mapped_column(coded(Category, 30))
    industry_code: Mapped[str | None] = mapped_column(String(10))
    voltage_kv: Mapped[VoltageLevel] = mapped_column(coded(VoltageLevel, 5))
    contract_capacity_kva: Mapped[int] = mapped_column(default=0)
    operating_capacity_kva: Mapped[int] = mapped_column(default=0)
    tariff_code: Mapped[str | None] = mapped_column(ForeignKey("tariff.code"), index=True)
    tariff_structure: Mapped[TariffStructure] = mapped_column(
        coded(TariffStructure, 10), default=TariffStructure.SINGLE
    )
    basic_charge_basis: Mapped[BasicChargeBasis | None] = mapped_column(coded(BasicChargeBasis, 10))
    contract_demand_kw: Mapped[int | None]
    pf_standard: Mapped[PowerFactorStandard] = mapped_column(
        coded(PowerFactorStandard, 5), default=PowerFactorStandard.NONE
    )
    is_time_of_use: Mapped[bool] = mapped_column(default=False)
    importance: Mapped[Importance] = mapped_column(coded(Importance, 10), default=Importance.NONE)
    value_class: Mapped[ValueClass | None] = mapped_column(coded(ValueClass, 1))
    status: Mapped[CustomerStatus] = mapped_column(
        coded(CustomerStatus, 10), default=CustomerStatus.ACTIVE
    )
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # For customers on a public transformer (台区): the transformer that supplies them.
    # Deferrable, for an import that writes the customers before their transformers.
    supply_transformer_id: Mapped[int | None] = mapped_column(
        ForeignKey("transformer.id", use_alter=True, deferrable=True, initially="IMMEDIATE"),
        index=True,
    )
    relationship_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]

    account_manager: Mapped[User | None] = relationship()
    tariff: Mapped[Tariff | None] = relationship()
    sources: Mapped[list[PowerSource]] = relationship(
        back_populates="customer", order_by="PowerSource.id"
    )
    transformers: Mapped[list[Transformer]] = relationship(
        back_populates="customer",
        foreign_keys="Transformer.customer_id",
        order_by="Transformer.id",
    )
    metering_points: Mapped[list[MeteringPoint]] = relationship(
        back_populates="customer", order_by="MeteringPoint.id"
    )
    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", order_by="Contact.id")
    documents: Mapped[list[QualificationDocument]] = relationship(
        back_populates="customer", order_by="QualificationDocument.expires_on"
    )

    def audit_customer_id(self) -> int | None:
        return self.id

    @classmethod
    def audit_customer_ids(cls, rows: list) -> list[int | None]:
        return [row["id"] for row in rows]

    def can_edit(self, user) -> bool:
        return not self.is_closed and user.can(Permission.EDIT_ARCHIVE)

    def can_edit_relationship(self, user) -> bool:
        """Contacts, documents and relationship fields: archive staff, or the own manager."""
        if self.is_closed:
            return False
        return user.can(Permission.EDIT_ARCHIVE) or (
            user.can(Permission.EDIT_OWN_RELATIONSHIPS) and self.account_manager_id == user.id
        )

    @property
    def is_closed(self) -> bool:
        return self.status == CustomerStatus.CLOSED.value

    def __str__(self) -> str:
        return f"{self.account_no} {self.name}"


class Contact(Audited, Versioned, db.Model):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    is_primary: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class QualificationDocument(Audited, Versioned, db.Model):
    __tablename__ = "qualification_document"
    __table_args__ = (
        CheckConstraint(DocumentKind.check_sql("kind"), name="kind"),
        CheckConstraint(
            "expires_on IS NULL OR issued_on IS NULL OR expires_on >= issued_on", name="dates"
        ),
        Index("ix_qualification_document_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(coded(DocumentKind, 30))
    number: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[date | None]
    # None: valid without limit (长期).
    expires_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(300))

    customer: Mapped[Customer] = relationship(back_populates="documents")
