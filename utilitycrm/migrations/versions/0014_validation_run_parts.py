"""The parts of a whole-archive validation run spread over workers: each part's plan and,
once done, its compressed evaluation until the run stores the findings.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:19:26.175219

"""

from alembic import op
import sqlalchemy as sa

import utilitycrm.core.database

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "validation_run_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("plan", utilitycrm.core.database.JSONDocument, nullable=False),
        sa.Column("customers_checked", sa.Integer(), nullable=False),
        sa.Column("evaluation", sa.LargeBinary(), nullable=True),
        sa.Column(
            "finished_at", utilitycrm.core.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["validation_run.id"],
            name=op.f("fk_validation_run_part_run_id_validation_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_run_part")),
        sa.UniqueConstraint("run_id", "number", name=op.f("uq_validation_run_part_run_id_number")),
    )


def downgrade():
    op.drop_table("validation_run_part")
