"""Saved filters of the lists, and the indexes the customer list's column sorts need
(by name and by contract capacity, each ending with the account number).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:30:00

"""

import sqlalchemy as sa
from alembic import op

from utilitycrm.core.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name="fk_saved_filter_user_id_app_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_saved_filter"),
    )
    op.create_index(
        "ix_saved_filter_user_list", "saved_filter", ["user_id", "endpoint", "name"], unique=True
    )
    op.create_index("ix_customer_name_account_no", "customer", ["name", "account_no"])
    op.create_index(
        "ix_customer_capacity_account_no", "customer", ["contract_capacity_kva", "account_no"]
    )


def downgrade():
    op.drop_index("ix_customer_capacity_account_no", table_name="customer")
    op.drop_index("ix_customer_name_account_no", table_name="customer")
    op.drop_index("ix_saved_filter_user_list", table_name="saved_filter")
    op.drop_table("saved_filter")
