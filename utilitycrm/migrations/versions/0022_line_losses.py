"""Line losses and open capacity: each line's head (关口) readings (energy, peak demand) and
each 台区's readings per month, the month's losses computed from them against the
archive, a line's own allowed load share, and a chief's override of a line's open
capacity for a project.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:40:00

"""

import sqlalchemy as sa
from alembic import op

import utilitycrm.core.database

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UTC = utilitycrm.core.database.UTCDateTime(timezone=True)
JSON = utilitycrm.core.database.JSONDocument


def upgrade():
    with op.batch_alter_table("feeder_line") as batch_op:
        batch_op.add_column(sa.Column("allowed_load_pct", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_feeder_line_allowed_load_pct"),
            "allowed_load_pct IS NULL OR allowed_load_pct BETWEEN 1 AND 100",
        )
    op.create_table(
        "line_reading",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("supplied_kwh", sa.BigInteger(), nullable=False),
        sa.Column("peak_kw", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("peak_kw IS NULL OR peak_kw >= 0", name=op.f("ck_line_reading_peak")),
        sa.CheckConstraint("supplied_kwh >= 0", name=op.f("ck_line_reading_supplied")),
        sa.ForeignKeyConstraint(["line_id"], ["feeder_line.id"],
                                name=op.f("fk_line_reading_line_id_feeder_line")),
        sa.PrimaryKeyConstraint("line_id", "month", name=op.f("pk_line_reading")),
    )  # fmt: skip
    op.create_index(op.f("ix_line_reading_month"), "line_reading", ["month"])
    op.create_table(
        "area_reading",
        sa.Column("transformer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("supplied_kwh", sa.BigInteger(), nullable=False),
        sa.Column("sold_kwh", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("sold_kwh >= 0", name=op.f("ck_area_reading_sold")),
        sa.CheckConstraint("supplied_kwh >= 0", name=op.f("ck_area_reading_supplied")),
        sa.ForeignKeyConstraint(["transformer_id"], ["transformer.id"],
                                name=op.f("fk_area_reading_transformer_id_transformer")),
        sa.PrimaryKeyConstraint("transformer_id", "month", name=op.f("pk_area_reading")),
    )  # fmt: skip
    op.create_index(op.f("ix_area_reading_month"), "area_reading", ["month"])
    op.create_table(
        "loss_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("transformer_id", sa.Integer(), nullable=True),
        sa.Column("supplied_kwh", sa.BigInteger(), nullable=True),
        sa.Column("sold_kwh", sa.BigInteger(), nullable=False),
        sa.Column("rate", sa.Double(), nullable=True),
        sa.Column("band", sa.String(length=12), nullable=False),
        sa.Column("excess", sa.Double(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.CheckConstraint("band IN ('normal', 'negative', 'high', 'no_reading')",
                           name=op.f("ck_loss_result_band")),
        sa.CheckConstraint("kind IN ('line', 'area')", name=op.f("ck_loss_result_kind")),
        sa.ForeignKeyConstraint(["line_id"], ["feeder_line.id"],
                                name=op.f("fk_loss_result_line_id_feeder_line")),
        sa.ForeignKeyConstraint(["transformer_id"], ["transformer.id"],
                                name=op.f("fk_loss_result_transformer_id_transformer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_result")),
    )  # fmt: skip
    op.create_index("ix_loss_result_line_month", "loss_result", ["line_id", "month"])
    op.create_index("ix_loss_result_month_kind_band", "loss_result", ["month", "kind", "band"])
    op.create_index("ix_loss_result_transformer_month", "loss_result",
                    ["transformer_id", "month"])  # fmt: skip
    op.create_table(
        "loss_computation",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("limits", JSON, nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"],
                                name=op.f("fk_loss_computation_actor_id_app_user")),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_loss_computation")),
    )  # fmt: skip


    op.create_table(
        "capacity_override",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"],
                                name=op.f("fk_capacity_override_actor_id_app_user")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_capacity_override_project_id_project")),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_capacity_override")),
    )  # fmt: skip


def downgrade():
    op.drop_table("capacity_override")
    op.drop_table("loss_computation")
    op.drop_table("loss_result")
    op.drop_table("area_reading")
    op.drop_table("line_reading")
    with op.batch_alter_table("feeder_line") as batch_op:
        batch_op.drop_constraint(op.f("ck_feeder_line_allowed_load_pct"), type_="check")
        batch_op.drop_column("allowed_load_pct")
