"""programmes: links to proposals, discussion channel

Revision ID: 8a3d1b5e6f74
Revises: 8553abd3a8f5
Create Date: 2026-11-23 18:00:00

Written by hand (parallel domain branches); keep ops for this domain only.
"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '8a3d1b5e6f74'
down_revision = '8553abd3a8f5'
branch_labels = ('programmes_links',)
depends_on = None


def upgrade():
    # the discussion channel: a per-programme message counter, seq and client key per message
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('programme_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
    # existing messages keep their order: seq = rank within the programme; their key is unique by id
    op.execute("UPDATE programme_comment SET seq = (SELECT COUNT(*) FROM programme_comment c2 "
               "WHERE c2.programme_id = programme_comment.programme_id AND c2.id <= programme_comment.id), "
               "client_key = 'legacy-' || CAST(id AS VARCHAR(20))")
    op.execute("UPDATE programme SET last_seq = COALESCE((SELECT MAX(seq) FROM programme_comment "
               "WHERE programme_comment.programme_id = programme.id), 0)")
    with op.batch_alter_table('programme_comment', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('client_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_programme_comment_programme_id_seq'), ['programme_id', 'seq'])
        batch_op.create_unique_constraint(batch_op.f('uq_programme_comment_programme_id_author_id_client_key'),
                                          ['programme_id', 'author_id', 'client_key'])
    # links to proposals get their foreign key now that the proposals domain exists
    op.execute("DELETE FROM programme_proposal WHERE proposal_id NOT IN (SELECT id FROM proposal)")
    with op.batch_alter_table('programme_proposal', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_programme_proposal_proposal_id_proposal'), 'proposal',
                                    ['proposal_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('programme_proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programme_proposal_proposal_id_proposal'), type_='foreignkey')
    with op.batch_alter_table('programme_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_programme_comment_programme_id_author_id_client_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_programme_comment_programme_id_seq'), type_='unique')
        batch_op.drop_column('client_key')
        batch_op.drop_column('seq')
    if op.get_bind().dialect.name == 'sqlite':
        # native DROP COLUMN (SQLite >= 3.35): a batch copy would drop the programme table, and with
        # foreign keys on, that cascades to every child row (members, milestones, messages)
        op.execute('ALTER TABLE programme DROP COLUMN last_seq')
    else:
        op.drop_column('programme', 'last_seq')
