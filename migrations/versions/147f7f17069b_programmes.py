"""programmes

Revision ID: 147f7f17069b
Revises: df9144e943f0
Create Date: 2026-11-23 17:00:33.423873

"""
import sqlalchemy as sa
from alembic import op

import collab.core.db

# revision identifiers, used by Alembic.
revision = '147f7f17069b'
down_revision = 'df9144e943f0'
branch_labels = ('programmes',)
depends_on = None


def upgrade():
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('dimension', sa.Enum('governance', 'branding', 'economy', 'living', 'society', 'environment', name='dimensioncode', native_enum=False, length=20), nullable=False),
    sa.Column('lead_organisation_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'active', 'completed', name='programmestate', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_programme_dates_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_programme_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_organisation_id'], ['organisation.id'], name=op.f('fk_programme_lead_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme'))
    )

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_dimension'), ['dimension'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_lead_organisation_id'), ['lead_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_state'), ['state'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('funds', 'in_kind', 'expertise', 'volunteers', 'data', 'other', name='commitmentkind', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('fulfilled_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('fulfilled_on', sa.Date(), nullable=True),
    sa.Column('fulfilled_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.Column('evidence_url', sa.String(length=500), nullable=False),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('evidence_file', sa.String(length=200), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_commitment_amount_not_negative')),
    sa.CheckConstraint('fulfilled_amount IS NULL OR fulfilled_amount >= 0', name=op.f('ck_commitment_fulfilled_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_commitment_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_commitment_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment')),
    sa.UniqueConstraint('evidence_file', name=op.f('uq_commitment_evidence_file'))
    )

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_programme_id'), ['programme_id'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', name='milestonestatus', native_enum=False, length=20), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=False),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('evidence_file', sa.String(length=200), nullable=True),
    sa.Column('done_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight > 0', name=op.f('ck_milestone_weight_positive')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_milestone_owner_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_milestone_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone')),
    sa.UniqueConstraint('evidence_file', name=op.f('uq_milestone_evidence_file'))
    )

    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_programme_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_comment_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_comment'))
    )

    with op.batch_alter_table('programme_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_comment_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_item',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('masterplan_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['masterplan_item_id'], ['masterplan_item.id'], name=op.f('fk_programme_item_masterplan_item_id_masterplan_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_item_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'masterplan_item_id', name=op.f('pk_programme_item'))
    )

    with op.batch_alter_table('programme_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_item_masterplan_item_id'), ['masterplan_item_id'], unique=False)

    op.create_table('programme_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'co_owner', 'partner', name='memberrole', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('invited', 'accepted', 'declined', name='memberstatus', native_enum=False, length=20), nullable=False),
    sa.Column('invited_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_programme_member_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_member_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_member')),
    sa.UniqueConstraint('programme_id', 'organisation_id', name=op.f('uq_programme_member_programme_id_organisation_id'))
    )

    with op.batch_alter_table('programme_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_member_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_member_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_proposal',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_proposal_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'proposal_id', name=op.f('pk_programme_proposal'))
    )

    with op.batch_alter_table('programme_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_proposal_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('programme_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('photo', sa.String(length=200), nullable=True),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_programme_update_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_update_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_update')),
    sa.UniqueConstraint('photo', name=op.f('uq_programme_update_photo'))
    )

    with op.batch_alter_table('programme_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_update_programme_id'), ['programme_id'], unique=False)


def downgrade():
    op.drop_table('programme_update')
    op.drop_table('programme_proposal')
    op.drop_table('programme_member')
    op.drop_table('programme_item')
    op.drop_table('programme_comment')
    op.drop_table('milestone')
    op.drop_table('commitment')
    op.drop_table('programme')
