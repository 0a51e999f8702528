"""A contract signed on paper records what the paper states (capacity, contract demand,
supply lines, tariff, property boundary), so that the contract rules can hold it
against the archive as they hold a frozen contract.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 15:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

LINES = ("paper_line_id", "paper_backup_line_id")
OLD_EVENTS = ("drafted", "signed", "scan", "expired", "terminated")
NEW_EVENTS = ("registered", "corrected")


def _event_kinds(kinds) -> str:
    return "kind IN (%s)" % ", ".join(f"'{kind}'" for kind in kinds)


def upgrade():
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper_kva", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("paper_demand_kw", sa.Integer(), nullable=True))
        for name in LINES:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_contract_{name}_feeder_line", "feeder_line", [name], ["id"]
            )
            batch_op.create_index(f"ix_contract_{name}", [name], unique=False)
        batch_op.add_column(sa.Column("paper_tariff_code", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            "fk_contract_paper_tariff_code_tariff", "tariff", ["paper_tariff_code"], ["code"]
        )
        batch_op.create_index(
            "ix_contract_paper_tariff_code", ["paper_tariff_code"], unique=False
        )
        batch_op.add_column(sa.Column("paper_boundary", sa.String(length=200), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_contract_paper_kva"), "paper_kva IS NULL OR paper_kva > 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_contract_paper_demand"), "paper_demand_kw IS NULL OR paper_demand_kw > 0"
        )


    with op.batch_alter_table("contract_event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_event_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_contract_event_kind"), _event_kinds(OLD_EVENTS + NEW_EVENTS)
        )


def downgrade():
    op.execute(
        sa.text("DELETE FROM contract_event WHERE kind IN ('registered', 'corrected')")
    )
    with op.batch_alter_table("contract_event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_event_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_contract_event_kind"), _event_kinds(OLD_EVENTS))
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_paper_demand"), type_="check")
        batch_op.drop_constraint(op.f("ck_contract_paper_kva"), type_="check")
        batch_op.drop_column("paper_boundary")
        batch_op.drop_index("ix_contract_paper_tariff_code")
        batch_op.drop_constraint("fk_contract_paper_tariff_code_tariff", type_="foreignkey")
        batch_op.drop_column("paper_tariff_code")
        for name in reversed(LINES):
            batch_op.drop_index(f"ix_contract_{name}")
            batch_op.drop_constraint(f"fk_contract_{name}_feeder_line", type_="foreignkey")
            batch_op.drop_column(name)
        batch_op.drop_column("paper_demand_kw")
        batch_op.drop_column("paper_kva")
