"""power source numbers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('power_source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
    # Existing sources are numbered after their customer and their own id: unique as is.
    op.execute(
        "UPDATE power_source SET code = (SELECT account_no FROM customer "
        "WHERE customer.id = power_source.customer_id) || '-S' || id"
    )
    with op.batch_alter_table('power_source', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_power_source_code'), ['code'])


def downgrade():
    with op.batch_alter_table('power_source', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_power_source_code'), type_='unique')
        batch_op.drop_column('code')
