"""document field corrections; the claim's amount for sorting the queue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_corrections",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_field_corrections_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_field_corrections_document_id"), ["document_id"], unique=False
        )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount", sa.Numeric(14, 2), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_amount"), ["amount"], unique=False)
    # Claims estimated before this revision: the newest estimate's model total (overrides
    # are applied again by the next estimate or override).
    op.execute(
        "UPDATE claims SET amount = (SELECT e.total FROM estimates e WHERE e.claim_id = claims.id"
        " ORDER BY e.created_at DESC, e.id DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_amount"))
        batch_op.drop_column("amount")
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_corrections_document_id"))
        batch_op.drop_index(batch_op.f("ix_field_corrections_claim_id"))
    op.drop_table("field_corrections")
