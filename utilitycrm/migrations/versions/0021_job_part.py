"""A job's progress names the part of its work it is in (an import's sheet), beside its
stage: "写入档案 · 客户 · 1,200 / 81,011 行".

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part", sa.String(length=60), nullable=False,
                                      server_default=""))  # fmt: skip
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.alter_column("part", server_default=None)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("part")
