"""The to-do inbox: a deadline names the customer it is about (the inbox filters by
customer), and users can put an item aside until a day (inbox_snooze).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 10:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Each kind's subject, and how it leads to its customer.
BACKFILL = {
    "project": "SELECT customer_id FROM project WHERE project.id = deadline.subject_id",
    "contract": "SELECT customer_id FROM contract WHERE contract.id = deadline.subject_id",
    "visit": "SELECT id FROM customer WHERE customer.id = deadline.subject_id",
    "follow_up": (
        "SELECT visit.customer_id FROM follow_up JOIN visit ON visit.id = follow_up.visit_id"
        " WHERE follow_up.id = deadline.subject_id"
    ),
    "complaint": "SELECT customer_id FROM complaint WHERE complaint.id = deadline.subject_id",
    "document": (
        "SELECT customer_id FROM qualification_document"
        " WHERE qualification_document.id = deadline.subject_id"
    ),
}


def upgrade():
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_deadline_customer_id_customer", "customer", ["customer_id"], ["id"]
        )
        batch_op.create_index("ix_deadline_customer_open", ["customer_id", "finished_on"])
    for kind, subquery in BACKFILL.items():
        op.execute(f"UPDATE deadline SET customer_id = ({subquery}) WHERE kind = '{kind}'")
    op.create_table(
        "inbox_snooze",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name="fk_inbox_snooze_user_id_app_user"
        ),
        sa.PrimaryKeyConstraint("user_id", "item_key", name="pk_inbox_snooze"),
    )


def downgrade():
    op.drop_table("inbox_snooze")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_customer_open")
        batch_op.drop_constraint("fk_deadline_customer_id_customer", type_="foreignkey")
        batch_op.drop_column("customer_id")
