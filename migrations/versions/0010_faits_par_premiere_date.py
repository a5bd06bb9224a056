"""The facts of one type read by a range of their first date, through an index (pathways soon anonymised)

The responsables' retention notice reads the first residence permits whose `valid_from` (column `date_a`) is old
enough for the pathway to be anonymised within 30 days: without this index the database walks every permit of the
territory (at 100,000 people: 250 ms for the busiest operator, to find none).

Revision ID: 0010_faits_par_premiere_date
Revises: 0009_faits_par_texte
Create Date: 2026-12-07 16:20:00
"""

from alembic import op


revision = '0010_faits_par_premiere_date'
down_revision = '0009_faits_par_texte'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fait_type_date_a', 'fait', ['type', 'date_a'], unique=False)
    op.execute('ANALYZE fait')


def downgrade() -> None:
    op.drop_index('ix_fait_type_date_a', table_name='fait')
