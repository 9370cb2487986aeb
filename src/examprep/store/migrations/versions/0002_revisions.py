"""item revisions on responses and item parameters

Revision ID: 0002_revisions
Revises: 0001
Create Date: 2026-11-30 09:00:00

Both columns are nullable: rows written before revisions existed read as revision 1, so the
upgrade rewrites no data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_revisions"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=True))
    with op.batch_alter_table("item_params", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item_params", schema=None) as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("revision")
