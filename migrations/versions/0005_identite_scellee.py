"""Identity sealed with the person's key in the read models, looked up through keyed hashes (issue 14 §4)

The clear columns (name, first name, search form of the name, birth date, household) give way to the sealed identity
and its two keyed hashes; erasures get their table (position and time), so that a report reproduced before
one says how many people it can no longer count. Sealing needs the people's keys, which a migration does not hold: the
`lecture` projection's rows are emptied and its position reset, so the next catch-up (`parcours
projections catch-up`, or the first write) replays the log into the new columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES_DE_LA_LECTURE = ('fait', 'etape', 'implication', 'personne', 'operateur', 'utilisateur', 'client_api',
                        'consultation', 'objectif', 'fait_action', 'action')


def _rejouer_la_lecture(*tables: str) -> None:
    for table in (*TABLES_DE_LA_LECTURE, *tables):
        op.execute(sa.text(f'DELETE FROM {table}'))
    op.execute(sa.text("DELETE FROM suivi_projection WHERE nom = 'lecture'"))
    op.execute(sa.text("DELETE FROM evenement_ecarte WHERE projection = 'lecture'"))


def upgrade() -> None:
    op.create_table('effacement',
    sa.Column('parcours_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('le', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('parcours_id', name=op.f('pk_effacement'))
    )
    _rejouer_la_lecture()
    op.drop_index(op.f('ix_personne_nom_recherche'), table_name='personne')
    with op.batch_alter_table('personne') as table:
        table.drop_column('nom')
        table.drop_column('prenom')
        table.drop_column('nom_recherche')
        table.drop_column('date_naissance')
        table.drop_column('menage')
        table.add_column(sa.Column('identite', sa.Text(), nullable=True))
        table.add_column(sa.Column('empreinte_doublon', sa.String(length=64), nullable=True))
        table.add_column(sa.Column('empreinte_naissance', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_personne_empreinte_doublon'), 'personne', ['empreinte_doublon'], unique=False)
    op.create_index(op.f('ix_personne_empreinte_naissance'), 'personne', ['empreinte_naissance'], unique=False)


def downgrade() -> None:
    _rejouer_la_lecture('effacement')
    op.drop_table('effacement')
    op.drop_index(op.f('ix_personne_empreinte_naissance'), table_name='personne')
    op.drop_index(op.f('ix_personne_empreinte_doublon'), table_name='personne')
    with op.batch_alter_table('personne') as table:
        table.drop_column('empreinte_naissance')
        table.drop_column('empreinte_doublon')
        table.drop_column('identite')
        table.add_column(sa.Column('nom', sa.String(length=200), nullable=True))
        table.add_column(sa.Column('prenom', sa.String(length=200), nullable=True))
        table.add_column(sa.Column('nom_recherche', sa.String(length=400), nullable=True))
        table.add_column(sa.Column('date_naissance', sa.Date(), nullable=True))
        table.add_column(sa.Column('menage', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_personne_nom_recherche'), 'personne', ['nom_recherche'], unique=False)
