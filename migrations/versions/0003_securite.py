"""Events a projection set aside (an event it could not apply must not stop the others); logouts

Revision ID: 0003_securite
Revises: 0002
Create Date: 2026-12-06 03:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_securite'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evenement_ecarte',
    sa.Column('projection', sa.String(length=64), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('erreur', sa.String(length=200), nullable=False),
    sa.Column('le', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('projection', 'position', name=op.f('pk_evenement_ecarte'))
    )
    op.add_column('utilisateur', sa.Column('deconnecte_le', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('utilisateur', 'deconnecte_le')
    op.drop_table('evenement_ecarte')
