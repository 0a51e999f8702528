"""A meter asset number may stand on two meters: a legacy archive holds such errors, the
import accepts them and the identity rule identity.duplicate_meter reports them. The
unique constraint becomes a plain index.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:35:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meter_asset_no", type_="unique")
        batch_op.create_index("ix_meter_asset_no", ["asset_no"], unique=False)


def downgrade():
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.drop_index("ix_meter_asset_no")
        batch_op.create_unique_constraint("uq_meter_asset_no", ["asset_no"])
