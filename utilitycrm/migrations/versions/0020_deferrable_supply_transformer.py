"""A customer's supplying public transformer may be checked at the commit: an import
writes customers before the transformers of the same file, each row already naming the
other's id, instead of updating every such customer afterwards (each update rewrites the
row and all sixteen of its indexes).

PostgreSQL defers only a constraint declared deferrable; SQLite defers every key of a
transaction (PRAGMA defer_foreign_keys), and has the declaration too, as the model says.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 18:15:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

CONSTRAINT = "fk_customer_supply_transformer_id_transformer"


def _supply_transformer_key(**deferrable) -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_constraint(CONSTRAINT, type_="foreignkey")
        batch_op.create_foreign_key(
            CONSTRAINT, "transformer", ["supply_transformer_id"], ["id"], **deferrable
        )


def upgrade():
    _supply_transformer_key(deferrable=True, initially="IMMEDIATE")


def downgrade():
    _supply_transformer_key()
