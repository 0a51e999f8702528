"""JSON documents stored as JSON: JSONB on PostgreSQL, JSON on SQLite, for a run's scope,
counts and indicators, a finding's objects and parameters, a contract's frozen data, a
threshold set's values, a time-limit profile's limits and an import batch's counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa

import utilitycrm.core.database


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = {
    "validation_run": (("scope", False), ("counts", False), ("indicators", False)),
    "finding": (("objects", False), ("params", False)),
    "contract": (("data_json", True),),
    "threshold_set": (("values", False),),
    "time_limit_profile": (("limits_json", False),),
    "import_batch": (("counts", False),),
}


def _alter(to_json: bool) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                new, old = utilitycrm.core.database.JSONDocument, sa.Text()
                if not to_json:
                    new, old = old, new
                batch_op.alter_column(
                    column,
                    existing_type=old,
                    type_=new,
                    existing_nullable=nullable,
                    postgresql_using=f'"{column}"::{"jsonb" if to_json else "text"}',
                )


def upgrade():
    _alter(to_json=True)


def downgrade():
    _alter(to_json=False)
