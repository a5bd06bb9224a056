"""The dashboards already computed (the steering committee's page at national scale)

One row per dashboard request: the snapshot it was counted on, when, and its content (`projections.tableaux_calcules`).
Starts empty: each request is counted on first need, or in advance by `parcours pilotage precalculer`.

Revision ID: 0012_tableaux_calcules
Revises: 0011_etapes_en_attente
Create Date: 2026-12-07 21:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_tableaux_calcules'
down_revision = '0011_etapes_en_attente'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tableau_calcule',
    sa.Column('cle', sa.String(length=64), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('effacements', sa.Integer(), nullable=False),
    sa.Column('calcule_le', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duree_s', sa.Float(), nullable=False),
    sa.Column('contenu', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('cle', name=op.f('pk_tableau_calcule'))
    )


def downgrade() -> None:
    op.drop_table('tableau_calcule')
