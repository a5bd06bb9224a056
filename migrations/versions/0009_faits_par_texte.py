"""The facts of one type read by their text column, through an index (orientations received by an operator)

The worklist of pending orientations reads the orientations an operator sent (`operateur`) or received (`vers`,
column `texte`). With an index on each side of that OR, the database reads only that operator's orientations
instead of every orientation of the territory (at 100,000 people: 260 → 150 ms for the busiest operator).

Revision ID: 0009_faits_par_texte
Revises: 0008_faits_par_seconde_date
Create Date: 2026-12-07 16:10:00
"""

from alembic import op


revision = '0009_faits_par_texte'
down_revision = '0008_faits_par_seconde_date'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fait_type_texte', 'fait', ['type', 'texte'], unique=False)
    op.execute('ANALYZE fait')


def downgrade() -> None:
    op.drop_index('ix_fait_type_texte', table_name='fait')
