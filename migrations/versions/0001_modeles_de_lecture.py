"""Read models: operators, people, timeline, involvement, fact versions, accounts, API clients, access journal

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 11:52:59.557983
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client_api',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('portees', sa.JSON(), nullable=False),
    sa.Column('empreinte_jeton', sa.String(length=64), nullable=False),
    sa.Column('revoque', sa.Boolean(), nullable=False),
    sa.Column('cree_le', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_api')),
    sa.UniqueConstraint('empreinte_jeton', name=op.f('uq_client_api_empreinte_jeton'))
    )
    op.create_table('consultation',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('le', sa.DateTime(timezone=True), nullable=False),
    sa.Column('login', sa.String(length=120), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('ressource', sa.String(length=200), nullable=False),
    sa.Column('motif', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation'))
    )
    op.create_index(op.f('ix_consultation_operateur'), 'consultation', ['operateur'], unique=False)
    op.create_index(op.f('ix_consultation_parcours_id'), 'consultation', ['parcours_id'], unique=False)
    op.create_table('etape',
    sa.Column('position', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('step_id', sa.String(length=36), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('agent', sa.String(length=120), nullable=False),
    sa.Column('enregistre_le', sa.DateTime(timezone=True), nullable=False),
    sa.Column('donnees', sa.JSON(), nullable=False),
    sa.Column('liens', sa.JSON(), nullable=False),
    sa.Column('drapeaux', sa.JSON(), nullable=False),
    sa.Column('cible_step_id', sa.String(length=36), nullable=True),
    sa.Column('annulee_par', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_etape')),
    sa.UniqueConstraint('step_id', name=op.f('uq_etape_step_id'))
    )
    op.create_index(op.f('ix_etape_cible_step_id'), 'etape', ['cible_step_id'], unique=False)
    op.create_index(op.f('ix_etape_parcours_id'), 'etape', ['parcours_id'], unique=False)
    op.create_table('fait',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('step_id', sa.String(length=36), nullable=False),
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('pos_debut', sa.BigInteger(), nullable=False),
    sa.Column('rec_debut', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pos_fin', sa.BigInteger(), nullable=True),
    sa.Column('rec_fin', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('code2', sa.String(length=40), nullable=True),
    sa.Column('date_a', sa.Date(), nullable=True),
    sa.Column('date_b', sa.Date(), nullable=True),
    sa.Column('nombre_a', sa.Float(), nullable=True),
    sa.Column('nombre_b', sa.Float(), nullable=True),
    sa.Column('booleen', sa.Boolean(), nullable=True),
    sa.Column('texte', sa.String(length=80), nullable=True),
    sa.Column('texte2', sa.String(length=80), nullable=True),
    sa.Column('niveau_oral', sa.SmallInteger(), nullable=True),
    sa.Column('niveau_ecrit', sa.SmallInteger(), nullable=True),
    sa.Column('lien', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fait'))
    )
    op.create_index('ix_fait_lien_type', 'fait', ['lien', 'type'], unique=False)
    op.create_index(op.f('ix_fait_parcours_id'), 'fait', ['parcours_id'], unique=False)
    op.create_index(op.f('ix_fait_step_id'), 'fait', ['step_id'], unique=False)
    op.create_index('ix_fait_type_occurred_on', 'fait', ['type', 'occurred_on'], unique=False)
    op.create_table('implication',
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('depuis', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('parcours_id', 'operateur', name=op.f('pk_implication'))
    )
    op.create_index(op.f('ix_implication_operateur'), 'implication', ['operateur'], unique=False)
    op.create_table('operateur',
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('libelle_source', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_operateur')),
    sa.UniqueConstraint('id', name=op.f('uq_operateur_id'))
    )
    op.create_table('personne',
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=True),
    sa.Column('prenom', sa.String(length=200), nullable=True),
    sa.Column('nom_recherche', sa.String(length=400), nullable=True),
    sa.Column('date_naissance', sa.Date(), nullable=True),
    sa.Column('sexe', sa.String(length=1), nullable=True),
    sa.Column('nationalite', sa.String(length=3), nullable=True),
    sa.Column('departement', sa.String(length=3), nullable=True),
    sa.Column('menage', sa.String(length=64), nullable=True),
    sa.Column('enregistre_par', sa.String(length=80), nullable=True),
    sa.Column('enregistre_le', sa.DateTime(timezone=True), nullable=True),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('parcours_id', name=op.f('pk_personne'))
    )
    op.create_index(op.f('ix_personne_departement'), 'personne', ['departement'], unique=False)
    op.create_index(op.f('ix_personne_nom_recherche'), 'personne', ['nom_recherche'], unique=False)
    op.create_table('suivi_projection',
    sa.Column('nom', sa.String(length=64), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('nom', name=op.f('pk_suivi_projection'))
    )
    op.create_table('utilisateur',
    sa.Column('login', sa.String(length=120), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('operateur', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('empreinte_mot_de_passe', sa.String(length=200), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('echecs_consecutifs', sa.Integer(), nullable=False),
    sa.Column('dernier_echec', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_utilisateur')),
    sa.UniqueConstraint('id', name=op.f('uq_utilisateur_id'))
    )
    op.create_index(op.f('ix_utilisateur_operateur'), 'utilisateur', ['operateur'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_utilisateur_operateur'), table_name='utilisateur')
    op.drop_table('utilisateur')
    op.drop_table('suivi_projection')
    op.drop_index(op.f('ix_personne_nom_recherche'), table_name='personne')
    op.drop_index(op.f('ix_personne_departement'), table_name='personne')
    op.drop_table('personne')
    op.drop_table('operateur')
    op.drop_index(op.f('ix_implication_operateur'), table_name='implication')
    op.drop_table('implication')
    op.drop_index('ix_fait_type_occurred_on', table_name='fait')
    op.drop_index(op.f('ix_fait_step_id'), table_name='fait')
    op.drop_index(op.f('ix_fait_parcours_id'), table_name='fait')
    op.drop_index('ix_fait_lien_type', table_name='fait')
    op.drop_table('fait')
    op.drop_index(op.f('ix_etape_parcours_id'), table_name='etape')
    op.drop_index(op.f('ix_etape_cible_step_id'), table_name='etape')
    op.drop_table('etape')
    op.drop_index(op.f('ix_consultation_parcours_id'), table_name='consultation')
    op.drop_index(op.f('ix_consultation_operateur'), table_name='consultation')
    op.drop_table('consultation')
    op.drop_table('client_api')
