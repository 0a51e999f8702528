"""The job queue's record of each job: kind, key, parameters, progress, outcome, who
started it, and the worker's heartbeat by which a dead worker's job is taken over.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:00:22.790855

"""
from alembic import op
import sqlalchemy as sa

import utilitycrm.core.database

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('params', utilitycrm.core.database.JSONDocument, nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stage', sa.String(length=200), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('result', utilitycrm.core.database.JSONDocument, nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', utilitycrm.core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_after', utilitycrm.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', utilitycrm.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', utilitycrm.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', utilitycrm.core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_job_status')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_job_actor_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('key', name=op.f('uq_job_key'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_status_id', ['status', 'id'], unique=False)
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('undo_job_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_import_batch_job_id'), ['job_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_import_batch_undo_job_id'), ['undo_job_id'])
        batch_op.create_foreign_key(batch_op.f('fk_import_batch_job_id_job'), 'job', ['job_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_import_batch_undo_job_id_job'), 'job', ['undo_job_id'], ['id'])



def downgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_batch_undo_job_id_job'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_import_batch_job_id_job'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_import_batch_undo_job_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_import_batch_job_id'), type_='unique')
        batch_op.drop_column('undo_job_id')
        batch_op.drop_column('job_id')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_status_id')

    op.drop_table('job')
