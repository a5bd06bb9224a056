"""Funded actions (CONTRACT §8): the catalogue of actions and the versioned facts of their steps

Revision ID: 0003_actions
Revises: 0002
Create Date: 2026-12-06 02:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_actions'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action',
    sa.Column('action_id', sa.String(length=80), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('porteur', sa.String(length=80), nullable=False),
    sa.Column('intitule', sa.String(length=300), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('thematiques', sa.JSON(), nullable=False),
    sa.Column('departements', sa.JSON(), nullable=False),
    sa.Column('objectif_beneficiaires', sa.Integer(), nullable=False),
    sa.Column('objectif_acteurs', sa.Integer(), nullable=True),
    sa.Column('declaree_le', sa.Date(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('action_id', name=op.f('pk_action')),
    sa.UniqueConstraint('id', name=op.f('uq_action_id'))
    )
    op.create_index(op.f('ix_action_porteur'), 'action', ['porteur'], unique=False)
    op.create_index(op.f('ix_action_annee'), 'action', ['annee'], unique=False)
    op.create_table('fait_action',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('step_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('position_etape', sa.BigInteger(), nullable=False),
    sa.Column('pos_debut', sa.BigInteger(), nullable=False),
    sa.Column('rec_debut', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pos_fin', sa.BigInteger(), nullable=True),
    sa.Column('rec_fin', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valeurs', sa.JSON(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('code2', sa.String(length=40), nullable=True),
    sa.Column('nombre', sa.Float(), nullable=True),
    sa.Column('nombre2', sa.Float(), nullable=True),
    sa.Column('niveau_oral', sa.SmallInteger(), nullable=True),
    sa.Column('niveau_ecrit', sa.SmallInteger(), nullable=True),
    sa.Column('presents', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fait_action'))
    )
    op.create_index(op.f('ix_fait_action_step_id'), 'fait_action', ['step_id'], unique=False)
    op.create_index(op.f('ix_fait_action_parcours_id'), 'fait_action', ['parcours_id'], unique=False)
    op.create_index('ix_fait_action_action_type', 'fait_action', ['action', 'type'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_fait_action_action_type', table_name='fait_action')
    op.drop_index(op.f('ix_fait_action_parcours_id'), table_name='fait_action')
    op.drop_index(op.f('ix_fait_action_step_id'), table_name='fait_action')
    op.drop_table('fait_action')
    op.drop_index(op.f('ix_action_annee'), table_name='action')
    op.drop_index(op.f('ix_action_porteur'), table_name='action')
    op.drop_table('action')
