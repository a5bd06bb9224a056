"""Requests for a file another operator follows (« demander le dossier »)

Revision ID: 0006_demandes_dossier
Revises: 0005
Create Date: 2026-12-06 06:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_demandes_dossier'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demande_dossier',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('demandeur', sa.String(length=80), nullable=False),
    sa.Column('motif', sa.String(length=40), nullable=False),
    sa.Column('demandee_par', sa.String(length=120), nullable=False),
    sa.Column('demandee_le', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adressee_par', sa.String(length=80), nullable=True),
    sa.Column('declinee_par', sa.String(length=80), nullable=True),
    sa.Column('motif_refus', sa.String(length=40), nullable=True),
    sa.Column('repondue_le', sa.DateTime(timezone=True), nullable=True),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demande_dossier'))
    )
    op.create_index(op.f('ix_demande_dossier_parcours_id'), 'demande_dossier', ['parcours_id'], unique=False)
    op.create_index(op.f('ix_demande_dossier_demandeur'), 'demande_dossier', ['demandeur'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_demande_dossier_demandeur'), table_name='demande_dossier')
    op.drop_index(op.f('ix_demande_dossier_parcours_id'), table_name='demande_dossier')
    op.drop_table('demande_dossier')
