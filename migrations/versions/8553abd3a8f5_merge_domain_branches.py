"""merge domain branches

Revision ID: 8553abd3a8f5
Revises: 147f7f17069b, a3601f4b272e, de794c38bae0
Create Date: 2026-11-23 17:03:37.435670

"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '8553abd3a8f5'
down_revision = ('147f7f17069b', 'a3601f4b272e', 'de794c38bae0')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
