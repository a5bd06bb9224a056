"""The facts of one type read by a range of their second date, through an index (permits ending soon)

The worklist of residence permits ending within 60 days reads the permits whose `valid_to` (column `date_b`) falls in
that window: without this index the database walks every permit of the territory.

Revision ID: 0008_faits_par_seconde_date
Revises: 0007_faits_par_operateur
Create Date: 2026-12-07 14:30:00
"""

from alembic import op


revision = '0008_faits_par_seconde_date'
down_revision = '0007_faits_par_operateur'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fait_type_date_b', 'fait', ['type', 'date_b'], unique=False)
    # Without statistics for the new index, SQLite plans the permits' worklist worse than without the index.
    op.execute('ANALYZE fait')


def downgrade() -> None:
    op.drop_index('ix_fait_type_date_b', table_name='fait')
