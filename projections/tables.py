"""The read-model tables (SQLAlchemy Core): Alembic's target metadata, fed only from the event log.

- `suivi_projection`: how far in the log each projection has applied (committed with its rows).
- `operateur`, `personne`, `etape`, `implication`: the caseworker side (operators, identity,
  timeline, who is involved in which pathway). Identity is only ever sealed with the person's key and
  looked up through keyed hashes (`projections.identites`).
- `utilisateur`, `client_api`, `consultation`: accounts, partner tokens, the access journal.
- `tableau_calcule`: the dashboards already computed, each with the snapshot it saw (the only table not fed by the log).
- `objectif`: the target values the steering committee set (latest value of each), for the dashboard.
- `fait`: one row per *version* of a step's effective values, for the indicators. A correction
  closes the current version and opens a new one; a void closes it. Each version knows the log
  position and recording time that opened and closed it, so any past report can be reproduced.

Must not import flask or `web`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

UUID_TEXTE = sa.String(36)
HORODATAGE = sa.DateTime(timezone=True)

suivi_projection = sa.Table(
    "suivi_projection",
    metadata,
    sa.Column("nom", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
)

personne = sa.Table(
    "personne",
    metadata,
    sa.Column("parcours_id", UUID_TEXTE, primary_key=True),
    sa.Column("identite", sa.Text),
    sa.Column("empreinte_doublon", sa.String(64), index=True),
    sa.Column("empreinte_naissance", sa.String(64), index=True),
    sa.Column("sexe", sa.String(1)),
    sa.Column("nationalite", sa.String(3)),
    sa.Column("departement", sa.String(3), index=True),
    sa.Column("enregistre_par", sa.String(80)),
    sa.Column("enregistre_le", HORODATAGE),
    sa.Column("position", sa.BigInteger, nullable=False),
)

etape = sa.Table(
    "etape",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("step_id", UUID_TEXTE, nullable=False, unique=True),
    sa.Column("parcours_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False),
    sa.Column("agent", sa.String(120), nullable=False),
    sa.Column("enregistre_le", HORODATAGE, nullable=False),
    sa.Column("donnees", sa.JSON, nullable=False),
    sa.Column("liens", sa.JSON, nullable=False),
    sa.Column("drapeaux", sa.JSON, nullable=False),
    sa.Column("cible_step_id", UUID_TEXTE, index=True),
    sa.Column("annulee_par", UUID_TEXTE),
)

operateur = sa.Table(
    "operateur",
    metadata,
    sa.Column("slug", sa.String(80), primary_key=True),
    sa.Column("id", UUID_TEXTE, nullable=False, unique=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("departement", sa.String(3), nullable=False),
    sa.Column("nom", sa.String(200), nullable=False),
    sa.Column("libelle_source", sa.String(40)),
)

implication = sa.Table(
    "implication",
    metadata,
    sa.Column("parcours_id", UUID_TEXTE, primary_key=True),
    sa.Column("operateur", sa.String(80), primary_key=True, index=True),
    sa.Column("depuis", HORODATAGE, nullable=False),
)

fait = sa.Table(
    "fait",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("step_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("parcours_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False),
    sa.Column("pos_debut", sa.BigInteger, nullable=False),
    sa.Column("rec_debut", HORODATAGE, nullable=False),
    sa.Column("pos_fin", sa.BigInteger),
    sa.Column("rec_fin", HORODATAGE),
    sa.Column("code", sa.String(40)),
    sa.Column("code2", sa.String(40)),
    sa.Column("date_a", sa.Date),
    sa.Column("date_b", sa.Date),
    sa.Column("nombre_a", sa.Float),
    sa.Column("nombre_b", sa.Float),
    sa.Column("booleen", sa.Boolean),
    sa.Column("texte", sa.String(80)),
    sa.Column("texte2", sa.String(80)),
    sa.Column("niveau_oral", sa.SmallInteger),
    sa.Column("niveau_ecrit", sa.SmallInteger),
    sa.Column("lien", UUID_TEXTE),
    sa.Index("ix_fait_type_occurred_on", "type", "occurred_on"),
    sa.Index("ix_fait_type_operateur", "type", "operateur"),
    sa.Index("ix_fait_type_date_a", "type", "date_a"),
    sa.Index("ix_fait_type_date_b", "type", "date_b"),
    sa.Index("ix_fait_type_texte", "type", "texte"),
    sa.Index("ix_fait_lien_type", "lien", "type"),
)

etape_en_attente = sa.Table(
    "etape_en_attente",
    metadata,
    sa.Column("step_id", UUID_TEXTE, primary_key=True),
    sa.Column("parcours_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False, index=True),
    sa.Column("vers", sa.String(80), index=True),
)
"""The current steps still waiting for their answer (`projections.en_attente`): orientations with no decision, CIRs
with no end-of-CIR interview; `vers`: the operator an orientation names. Kept per pathway by the projection, in the
transaction of the events that touch it, so the busiest operator's worklists start from these few rows instead of its
whole history (at 100,000 people: 5,248 of its 38,900 CIRs)."""

tableau_calcule = sa.Table(
    "tableau_calcule",
    metadata,
    sa.Column("cle", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("effacements", sa.Integer, nullable=False),
    sa.Column("calcule_le", HORODATAGE, nullable=False),
    sa.Column("duree_s", sa.Float, nullable=False),
    sa.Column("contenu", sa.Text, nullable=False),
)
"""The dashboards already computed (`projections.tableaux_calcules`), one per request (`cle`, a digest of the request
and of the counting code): the snapshot it was counted on (`position`, the erasures then), when, and the content.
Derived from the other tables, not from the log: a rebuild leaves it, and a row that no longer fits is counted again."""

utilisateur = sa.Table(
    "utilisateur",
    metadata,
    sa.Column("login", sa.String(120), primary_key=True),
    sa.Column("id", UUID_TEXTE, nullable=False, unique=True),
    sa.Column("operateur", sa.String(80), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("nom", sa.String(200), nullable=False),
    sa.Column("empreinte_mot_de_passe", sa.String(200), nullable=False),
    sa.Column("actif", sa.Boolean, nullable=False),
    sa.Column("echecs_consecutifs", sa.Integer, nullable=False),
    sa.Column("dernier_echec", HORODATAGE),
    sa.Column("deconnecte_le", HORODATAGE),
)

client_api = sa.Table(
    "client_api",
    metadata,
    sa.Column("id", UUID_TEXTE, primary_key=True),
    sa.Column("nom", sa.String(200), nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False),
    sa.Column("portees", sa.JSON, nullable=False),
    sa.Column("empreinte_jeton", sa.String(64), nullable=False, unique=True),
    sa.Column("revoque", sa.Boolean, nullable=False),
    sa.Column("cree_le", HORODATAGE, nullable=False),
)

consultation = sa.Table(
    "consultation",
    metadata,
    sa.Column("id", UUID_TEXTE, primary_key=True),
    sa.Column("le", HORODATAGE, nullable=False),
    sa.Column("login", sa.String(120), nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False, index=True),
    sa.Column("parcours_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("ressource", sa.String(200), nullable=False),
    sa.Column("motif", sa.String(500)),
)

objectif = sa.Table(
    "objectif",
    metadata,
    sa.Column("id", UUID_TEXTE, primary_key=True),
    sa.Column("annee", sa.Integer, nullable=False, index=True),
    sa.Column("indicateur", sa.String(120), nullable=False),
    sa.Column("operateur", sa.String(80)),
    sa.Column("programme", sa.String(20)),
    sa.Column("valeur", sa.Float, nullable=False),
    sa.Column("fixe_par", sa.String(120), nullable=False),
    sa.Column("fixe_le", HORODATAGE, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
)

# Funded actions (CONTRACT §8) -------------------------------------------------------------------------------------

action = sa.Table(
    "action",
    metadata,
    sa.Column("action_id", sa.String(80), primary_key=True),
    sa.Column("id", UUID_TEXTE, nullable=False, unique=True),
    sa.Column("porteur", sa.String(80), nullable=False, index=True),
    sa.Column("intitule", sa.String(300), nullable=False),
    sa.Column("annee", sa.Integer, nullable=False, index=True),
    sa.Column("thematiques", sa.JSON, nullable=False),
    sa.Column("departements", sa.JSON, nullable=False),
    sa.Column("objectif_beneficiaires", sa.Integer, nullable=False),
    sa.Column("objectif_acteurs", sa.Integer),
    sa.Column("declaree_le", sa.Date, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
)
"""The catalogue of declared actions, as currently corrected (lists, pages); figures read `fait_action`."""

fait_action = sa.Table(
    "fait_action",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("step_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("parcours_id", UUID_TEXTE, index=True),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("operateur", sa.String(80), nullable=False),
    sa.Column("position_etape", sa.BigInteger, nullable=False),
    sa.Column("pos_debut", sa.BigInteger, nullable=False),
    sa.Column("rec_debut", HORODATAGE, nullable=False),
    sa.Column("pos_fin", sa.BigInteger),
    sa.Column("rec_fin", HORODATAGE),
    sa.Column("valeurs", sa.JSON, nullable=False),
    sa.Column("code", sa.String(40)),
    sa.Column("code2", sa.String(40)),
    sa.Column("nombre", sa.Float),
    sa.Column("nombre2", sa.Float),
    sa.Column("niveau_oral", sa.SmallInteger),
    sa.Column("niveau_ecrit", sa.SmallInteger),
    sa.Column("presents", sa.Text),
    sa.Index("ix_fait_action_action_type", "action", "type"),
)
"""One row per version of every step recorded on or tied to an action (`parcours_id`: the person, if any;
`valeurs`: the effective data), versioned like `fait`. The figures of the types read in numbers are also in
columns (`projections.lecture_actions.CHAMPS`): a département's 20,000 sessions are summed without parsing JSON,
their roll call (`presents`) as comma-separated pathway ids."""

effacement = sa.Table(
    "effacement",
    metadata,
    sa.Column("parcours_id", UUID_TEXTE, primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("le", HORODATAGE, nullable=False),
)
"""Each erasure's log position and time (the bare pathway id, as the access journal keeps it): a report reproduced at a
position or a day before an erasure can no longer count that person, and says how many such people there are."""

evenement_ecarte = sa.Table(
    "evenement_ecarte",
    metadata,
    sa.Column("projection", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("erreur", sa.String(200), nullable=False),
    sa.Column("le", HORODATAGE, nullable=False),
)
"""Events a projection could not apply, set aside so that the others go on (one bad event must never stop
every login). Only the position, the event's kind and the error's class are kept: never a value."""

demande_dossier = sa.Table(
    "demande_dossier",
    metadata,
    sa.Column("id", UUID_TEXTE, primary_key=True),
    sa.Column("parcours_id", UUID_TEXTE, nullable=False, index=True),
    sa.Column("demandeur", sa.String(80), nullable=False, index=True),
    sa.Column("motif", sa.String(40), nullable=False),
    sa.Column("demandee_par", sa.String(120), nullable=False),
    sa.Column("demandee_le", HORODATAGE, nullable=False),
    sa.Column("adressee_par", sa.String(80)),
    sa.Column("declinee_par", sa.String(80)),
    sa.Column("motif_refus", sa.String(40)),
    sa.Column("repondue_le", HORODATAGE),
    sa.Column("position", sa.BigInteger, nullable=False),
)
"""Requests for a file another operator follows (`parcours.demandes`), with their answer if declined; a request
is handed over when its requester becomes involved in the pathway (`implication`)."""
