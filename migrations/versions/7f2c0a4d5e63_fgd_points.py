"""fgd: discussion points turned into draft proposals

Revision ID: 7f2c0a4d5e63
Revises: 8553abd3a8f5
Create Date: 2026-11-23 18:00:00

Written by hand (parallel domain branches); keep ops for this domain only.
"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '7f2c0a4d5e63'
down_revision = '8553abd3a8f5'
branch_labels = ('fgd_points',)
depends_on = None


def upgrade():
    op.create_table('fgd_point_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_fgd_point_proposal_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['fgd_message.id'], name=op.f('fk_fgd_point_proposal_message_id_fgd_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_fgd_point_proposal_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['fgd_session.id'], name=op.f('fk_fgd_point_proposal_session_id_fgd_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fgd_point_proposal')),
    sa.UniqueConstraint('message_id', name=op.f('uq_fgd_point_proposal_message_id')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_fgd_point_proposal_proposal_id'))
    )
    with op.batch_alter_table('fgd_point_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fgd_point_proposal_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fgd_point_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fgd_point_proposal_session_id'))

    op.drop_table('fgd_point_proposal')
