"""The current steps still waiting for their answer, kept by the projection (the worklists)

Orientations with no decision and CIRs with no end-of-CIR interview, one row each, kept per pathway by the read-model
projection (`projections.en_attente`): the busiest operator's lists start from these few rows instead of walking its
whole history. The table is filled here from the facts already projected, with the definition of this revision
written out (a migration does not import the code that may change after it).

Revision ID: 0011_etapes_en_attente
Revises: 0010_faits_par_premiere_date
Create Date: 2026-12-07 18:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_etapes_en_attente'
down_revision = '0010_faits_par_premiere_date'
branch_labels = None
depends_on = None

REMPLIR = """
INSERT INTO etape_en_attente (step_id, parcours_id, type, occurred_on, operateur, vers)
SELECT a.step_id, a.parcours_id, a.type, a.occurred_on, a.operateur,
       CASE WHEN a.type IN ('orientation_spe', 'orientation_agir') THEN a.texte END
FROM fait a
WHERE a.pos_fin IS NULL AND (
    (a.type IN ('orientation_spe', 'orientation_agir') AND NOT EXISTS (
        SELECT 1 FROM fait r WHERE r.lien = a.step_id AND r.pos_fin IS NULL
        AND r.type IN ('orientation_acceptee', 'orientation_refusee')))
    OR (a.type = 'cir_signe' AND NOT EXISTS (
        SELECT 1 FROM fait r WHERE r.lien = a.step_id AND r.pos_fin IS NULL AND r.type = 'entretien_fin_cir')))
"""


def upgrade() -> None:
    op.create_table('etape_en_attente',
    sa.Column('step_id', sa.String(length=36), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('vers', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('step_id', name=op.f('pk_etape_en_attente'))
    )
    op.create_index(op.f('ix_etape_en_attente_operateur'), 'etape_en_attente', ['operateur'], unique=False)
    op.create_index(op.f('ix_etape_en_attente_parcours_id'), 'etape_en_attente', ['parcours_id'], unique=False)
    op.create_index(op.f('ix_etape_en_attente_vers'), 'etape_en_attente', ['vers'], unique=False)
    op.execute(sa.text(REMPLIR))
    op.execute('ANALYZE etape_en_attente')


def downgrade() -> None:
    op.drop_index(op.f('ix_etape_en_attente_vers'), table_name='etape_en_attente')
    op.drop_index(op.f('ix_etape_en_attente_parcours_id'), table_name='etape_en_attente')
    op.drop_index(op.f('ix_etape_en_attente_operateur'), table_name='etape_en_attente')
    op.drop_table('etape_en_attente')
