"""Inside an expansion project's stages: the supply plan as a document, the units the
customer chose for its works, the inspections' defect lists, the grid-side works and the
documents kept with a project, the return visit (回访) after it, and the record of changes
to the time-limit profiles, now kept by administrators.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 17:10:00

"""

import sqlalchemy as sa
from alembic import op

import utilitycrm.core.database

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = utilitycrm.core.database.UTCDateTime(timezone=True)


def _user(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["app_user.id"],
                                   name=op.f(f"fk_{table}_{column}_app_user"))  # fmt: skip


def _project(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                   name=op.f(f"fk_{table}_project_id_project"))  # fmt: skip


def upgrade():
    op.create_table(
        "supply_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("pf_standard", sa.String(length=5), nullable=False),
        sa.Column("compensation_kvar", sa.Integer(), nullable=True),
        sa.Column("power_quality", sa.String(length=500), nullable=False),
        sa.Column("charges_yuan", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("charges_basis", sa.String(length=300), nullable=False),
        sa.Column("valid_months", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.String(length=1000), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'approved')", name=op.f("ck_supply_plan_status")),
        sa.CheckConstraint("compensation_kvar IS NULL OR compensation_kvar >= 0",
                           name=op.f("ck_supply_plan_kvar")),
        sa.CheckConstraint("charges_yuan IS NULL OR charges_yuan >= 0",
                           name=op.f("ck_supply_plan_charges")),
        sa.CheckConstraint("valid_months > 0", name=op.f("ck_supply_plan_validity")),
        _user("drafted_by_id", "supply_plan"),
        _user("approved_by_id", "supply_plan"),
        _project("supply_plan"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_plan")),
        sa.UniqueConstraint("number", name=op.f("uq_supply_plan_number")),
        sa.UniqueConstraint("project_id", name=op.f("uq_supply_plan_project_id")),
    )  # fmt: skip
    op.create_table(
        "customer_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=30), nullable=False),
        sa.Column("licence_no", sa.String(length=60), nullable=False),
        sa.Column("licence_class", sa.String(length=1), nullable=True),
        sa.Column("qualification", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.CheckConstraint("role IN ('designer', 'builder', 'supplier', 'tester')",
                           name=op.f("ck_customer_unit_role")),
        sa.CheckConstraint("licence_class IS NULL OR licence_class IN ('1', '2', '3', '4', '5')",
                           name=op.f("ck_customer_unit_licence_class")),
        _user("recorded_by_id", "customer_unit"),
        _project("customer_unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_unit")),
        sa.UniqueConstraint("project_id", "role", name=op.f("uq_customer_unit_project_id_role")),
    )  # fmt: skip
    op.create_index(op.f("ix_customer_unit_project_id"), "customer_unit", ["project_id"])
    op.create_table(
        "inspection_defect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage_code", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closing_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= raised_on",
                           name=op.f("ck_inspection_defect_dates")),
        _user("raised_by_id", "inspection_defect"),
        _user("closed_by_id", "inspection_defect"),
        _project("inspection_defect"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_defect")),
    )  # fmt: skip
    op.create_index("ix_inspection_defect_project_stage", "inspection_defect",
                    ["project_id", "stage_code"])  # fmt: skip
    op.create_table(
        "grid_work",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('bay', 'line_extension', 'rerouting', 'operating_mode', "
                           "'other')", name=op.f("ck_grid_work_kind")),
        sa.CheckConstraint("planned_on >= started_on", name=op.f("ck_grid_work_planned")),
        sa.CheckConstraint("done_on IS NULL OR done_on >= started_on",
                           name=op.f("ck_grid_work_done")),
        _user("created_by_id", "grid_work"),
        _user("done_by_id", "grid_work"),
        _project("grid_work"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_work")),
    )  # fmt: skip
    op.create_index(op.f("ix_grid_work_project_id"), "grid_work", ["project_id"])
    op.create_index("ix_grid_work_open_planned", "grid_work", ["done_on", "planned_on"])
    op.create_table(
        "project_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('id_document', 'property', 'load_list', 'drawings', "
                           "'inspection_photo', 'test_report', 'other')",
                           name=op.f("ck_project_attachment_kind")),
        sa.CheckConstraint("size > 0", name=op.f("ck_project_attachment_size")),
        sa.CheckConstraint("version > 0", name=op.f("ck_project_attachment_version")),
        _user("uploaded_by_id", "project_attachment"),
        _project("project_attachment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_attachment")),
        sa.UniqueConstraint("project_id", "kind", "version",
                            name=op.f("uq_project_attachment_project_id_kind_version")),
    )  # fmt: skip
    op.create_index(op.f("ix_project_attachment_project_id"), "project_attachment",
                    ["project_id"])  # fmt: skip
    op.create_table(
        "return_visit",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("satisfaction", sa.String(length=1), nullable=False),
        sa.Column("remarks", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint("followed_up_on IS NULL OR followed_up_on >= visited_on",
                           name=op.f("ck_return_visit_follow_up")),
        sa.CheckConstraint("satisfaction IN ('5', '4', '3', '2', '1')",
                           name=op.f("ck_return_visit_satisfaction")),
        _user("recorded_by_id", "return_visit"),
        _project("return_visit"),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_return_visit")),
    )  # fmt: skip
    op.create_index("ix_return_visit_visited_on", "return_visit", ["visited_on"])
    op.create_table(
        "time_limit_profile_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("before", utilitycrm.core.database.JSONDocument, nullable=True),
        sa.Column("after", utilitycrm.core.database.JSONDocument, nullable=False),
        _user("actor_id", "time_limit_profile_change"),
        sa.ForeignKeyConstraint(["profile_id"], ["time_limit_profile.id"],
                                name=op.f("fk_time_limit_profile_change_profile_id_time_limit_profile")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_limit_profile_change")),
    )  # fmt: skip
    op.create_index(op.f("ix_time_limit_profile_change_profile_id"), "time_limit_profile_change",
                    ["profile_id"])  # fmt: skip


def downgrade():
    op.drop_table("time_limit_profile_change")
    op.drop_table("return_visit")
    op.drop_table("project_attachment")
    op.drop_table("grid_work")
    op.drop_table("inspection_defect")
    op.drop_table("customer_unit")
    op.drop_table("supply_plan")
