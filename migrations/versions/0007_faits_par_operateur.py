"""The facts of one type recorded by one operator, read through an index (the worklists)

A worklist reads the facts of a type its operator recorded (its CIRs, exits, AGIR entries): without this index the
database walks every fact of the type, every operator's, and reads each row to compare the operator.

Revision ID: 0007_faits_par_operateur
Revises: 0006_demandes_dossier
Create Date: 2026-12-07 13:30:00
"""

from alembic import op


revision = '0007_faits_par_operateur'
down_revision = '0006_demandes_dossier'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fait_type_operateur', 'fait', ['type', 'operateur'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_fait_type_operateur', table_name='fait')
