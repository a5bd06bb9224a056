"""Objectives of the steering committee (target value per indicator, year, operator and programme)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 19:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('objectif',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('indicateur', sa.String(length=120), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=True),
    sa.Column('programme', sa.String(length=20), nullable=True),
    sa.Column('valeur', sa.Float(), nullable=False),
    sa.Column('fixe_par', sa.String(length=120), nullable=False),
    sa.Column('fixe_le', sa.DateTime(timezone=True), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objectif'))
    )
    op.create_index(op.f('ix_objectif_annee'), 'objectif', ['annee'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_objectif_annee'), table_name='objectif')
    op.drop_table('objectif')
