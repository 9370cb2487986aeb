"""confidence on answers: sure, unsure or guess, when the learner gives it

Revision ID: 0004_confidence
Revises: 0003_security
Create Date: 2026-12-06 14:00:00

The column is nullable: answers given without a confidence (all earlier ones) read as None,
so the upgrade rewrites no data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_confidence"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("confidence")
