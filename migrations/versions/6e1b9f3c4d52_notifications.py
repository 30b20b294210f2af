"""notifications: in-app notifications, preferences, outgoing mail queue

Revision ID: 6e1b9f3c4d52
Revises: 8553abd3a8f5
Create Date: 2026-11-23 18:00:00

Written by hand (parallel domain branches); keep ops for this domain only.
"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '6e1b9f3c4d52'
down_revision = '8553abd3a8f5'
branch_labels = ('notifications',)
depends_on = None


def _enum(*values, name, length):
    return sa.Enum(*values, name=name, native_enum=False, length=length)


CATEGORY = ('proposals', 'reviews', 'fgd', 'council', 'programmes')


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', _enum(*CATEGORY, name='category', length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('read_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.Column('mail_state', _enum('none', 'queued', 'digest', 'digested', name='mailstate', length=12), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_notification_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notification_user_id_read_at', ['user_id', 'read_at'], unique=False)
        batch_op.create_index('ix_notification_mail_state', ['mail_state'], unique=False)

    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', _enum(*CATEGORY, name='category', length=20), nullable=False),
    sa.Column('mode', _enum('immediate', 'digest', 'off', name='mailmode', length=12), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'category', name=op.f('pk_notification_preference'))
    )

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', _enum('pending', 'sent', 'failed', name='outboxstatus', length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', collab.core.db.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_outgoing_mail_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_outgoing_mail_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('due_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', collab.core.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_sent_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('kind', 'object_id', 'user_id', 'due_key', name=op.f('uq_reminder_sent_kind_object_id_user_id_due_key'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_sent_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('reminder_sent')
    op.drop_table('outgoing_mail')
    op.drop_table('notification_preference')
    op.drop_table('notification')
