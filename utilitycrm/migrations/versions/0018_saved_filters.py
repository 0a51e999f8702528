"""Saved filters of the lists; the indexes the customer list's column sorts need (by
name and by contract capacity, each ending with the account number); a line's name as it
sorts (城东二线 before 城东十线), filled in from the names; meters indexed by their
verification and installation dates, for the meter list's filters.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:30:00

"""

import sqlalchemy as sa
from alembic import op

from utilitycrm.core.database import UTCDateTime
from utilitycrm.core.text import natural_key

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
    op.create_index("ix_meter_verified_on", "meter", ["verified_on"])
    op.create_index("ix_meter_installed_on", "meter", ["installed_on"])
    with op.batch_alter_table("feeder_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_sort", sa.String(length=120), nullable=True))
    lines = sa.table("feeder_line", sa.column("id"), sa.column("name"), sa.column("name_sort"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(lines.c.id, lines.c.name)).all()
    if rows:
        connection.execute(
            lines.update()
            .where(lines.c.id == sa.bindparam("line_id"))
            .values(name_sort=sa.bindparam("sorted_name")),
            [{"line_id": id_, "sorted_name": natural_key(name)} for id_, name in rows],
        )
    with op.batch_alter_table("feeder_line", schema=None) as batch_op:
        batch_op.alter_column("name_sort", existing_type=sa.String(length=120), nullable=False)
        batch_op.create_index("ix_feeder_line_name_sort", ["name_sort"])
    op.create_index(
        "ix_customer_capacity_account_no", "customer", ["contract_capacity_kva", "account_no"]
    )


def downgrade():
    op.drop_index("ix_meter_installed_on", table_name="meter")
    op.drop_index("ix_meter_verified_on", table_name="meter")
    with op.batch_alter_table("feeder_line", schema=None) as batch_op:
        batch_op.drop_index("ix_feeder_line_name_sort")
        batch_op.drop_column("name_sort")
    op.drop_index("ix_customer_capacity_account_no", table_name="customer")
    op.drop_index("ix_customer_name_account_no", table_name="customer")
    op.drop_index("ix_saved_filter_user_list", table_name="saved_filter")
    op.drop_table("saved_filter")
