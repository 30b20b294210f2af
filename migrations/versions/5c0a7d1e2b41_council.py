"""council: sittings, agenda, seats, ballots, hash-chained vote record

Revision ID: 5c0a7d1e2b41
Revises: 8553abd3a8f5
Create Date: 2026-11-23 18:00:00

Written by hand (parallel domain branches); keep ops for this domain only.
"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '5c0a7d1e2b41'
down_revision = '8553abd3a8f5'
branch_labels = ('council',)
depends_on = None


def upgrade():
    op.create_table('council_vote_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_vote_chain_head'))
    )
    op.create_table('council_sitting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('majority_rule', sa.String(length=20), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('live_tally', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('scheduled', 'open', 'closed', name='sittingstate', native_enum=False, length=12), nullable=False),
    sa.Column('opened_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quorum_percent > 0 AND quorum_percent <= 100', name=op.f('ck_council_sitting_quorum_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_council_sitting_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_sitting'))
    )
    with op.batch_alter_table('council_sitting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_sitting_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_sitting_state'), ['state'], unique=False)

    op.create_table('council_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('accepted', 'rejected', 'no_quorum', name='result', native_enum=False, length=12), nullable=True),
    sa.Column('approve', sa.Integer(), nullable=False),
    sa.Column('reject', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('recused', sa.Integer(), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('decided_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_council_agenda_item_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'], name=op.f('fk_council_agenda_item_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_agenda_item')),
    sa.UniqueConstraint('sitting_id', 'proposal_id', name=op.f('uq_council_agenda_item_sitting_id_proposal_id'))
    )
    with op.batch_alter_table('council_agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_agenda_item_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_agenda_item_sitting_id'), ['sitting_id'], unique=False)

    op.create_table('council_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('approve', 'reject', 'abstain', 'recused', name='choice', native_enum=False, length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_council_ballot_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'], name=op.f('fk_council_ballot_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_council_ballot_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_ballot')),
    sa.UniqueConstraint('sitting_id', 'proposal_id', 'user_id', name=op.f('uq_council_ballot_sitting_id_proposal_id_user_id'))
    )
    with op.batch_alter_table('council_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_ballot_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_ballot_sitting_id'), ['sitting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_ballot_user_id'), ['user_id'], unique=False)

    op.create_table('council_sitting_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'], name=op.f('fk_council_sitting_member_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_council_sitting_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_sitting_member')),
    sa.UniqueConstraint('sitting_id', 'user_id', name=op.f('uq_council_sitting_member_sitting_id_user_id'))
    )
    with op.batch_alter_table('council_sitting_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_sitting_member_sitting_id'), ['sitting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_sitting_member_user_id'), ['user_id'], unique=False)

    op.create_table('council_vote_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_council_vote_event_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'], name=op.f('fk_council_vote_event_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_council_vote_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_vote_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_council_vote_event_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_council_vote_event_seq'))
    )
    with op.batch_alter_table('council_vote_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_vote_event_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_vote_event_sitting_id'), ['sitting_id'], unique=False)

    # masterplan_item.proposal_id: a plain ADD COLUMN without a foreign key (a batch rebuild of
    # masterplan_item on SQLite would drop a table that programme_item references with CASCADE)
    op.add_column('masterplan_item', sa.Column('proposal_id', sa.Integer(), nullable=True))
    op.create_index('ix_masterplan_item_proposal_id', 'masterplan_item', ['proposal_id'], unique=True)


def downgrade():
    op.drop_index('ix_masterplan_item_proposal_id', table_name='masterplan_item')
    op.drop_column('masterplan_item', 'proposal_id')
    for table in ('council_vote_event', 'council_sitting_member', 'council_ballot', 'council_agenda_item',
                  'council_sitting', 'council_vote_chain_head'):
        op.drop_table(table)
