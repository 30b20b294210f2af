"""merge session 2 domain branches

Revision ID: 9b4e2c6f7a85
Revises: 5c0a7d1e2b41, 6e1b9f3c4d52, 7f2c0a4d5e63, 8a3d1b5e6f74
Create Date: 2026-11-23 18:00:00

"""
from alembic import op
import sqlalchemy as sa

import collab.core.db


# revision identifiers, used by Alembic.
revision = '9b4e2c6f7a85'
down_revision = ('5c0a7d1e2b41', '6e1b9f3c4d52', '7f2c0a4d5e63', '8a3d1b5e6f74')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
