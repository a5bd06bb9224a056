"""The facts' columns are read under the names of the fields they hold (`projections.faits.CHAMPS`)."""

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.faits import CHAMPS, champs, colonnes, noms_des_colonnes
from web.saisie.schemas import SCHEMAS_DONNEES


def test_every_field_named_in_a_fact_is_a_field_of_that_step_types_schema():
    for type_etape, champs_du_type in CHAMPS.items():
        declares = set(SCHEMAS_DONNEES[type_etape]().fields)
        assert set(champs_du_type) <= declares, type_etape


def test_an_orientation_is_written_in_generic_columns_and_read_back_under_its_fields_names():
    ecrites = colonnes(TypeEtape.ORIENTATION_SPE, {"vers": "france-travail-75", "motif_choix": "PROJET_PRO"}, {"cir": "c-1"})
    assert ecrites == {"texte": "france-travail-75", "code": "PROJET_PRO", "lien": "c-1"}
    orientation = champs(t.fait, TypeEtape.ORIENTATION_SPE)
    assert orientation.vers.name == "vers" and orientation.vers.element is t.fait.c.texte
    assert orientation.cir.element is t.fait.c.lien


def test_a_field_stored_in_a_column_of_the_same_name_is_that_column():
    assert champs(t.fait, TypeEtape.POSITIONNEMENT_LINGUISTIQUE).niveau_oral is t.fait.c.niveau_oral


def test_a_name_is_refused_when_two_step_types_keep_it_in_different_columns():
    with pytest.raises(ValueError, match="situation_pro"):
        champs(t.fait, TypeEtape.ENTRETIEN_FIN_CIR, TypeEtape.AGIR_ACCUEIL)


def test_an_unknown_field_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        champs(t.fait, TypeEtape.CONTRAT_TRAVAIL_DEBUTE).vers


def test_a_link_is_named_after_what_it_points_to():
    assert noms_des_colonnes(TypeEtape.SUIVI_SIX_MOIS)["sortie"] == "lien"
    assert noms_des_colonnes(TypeEtape.SORTIE_ACCOMPAGNEMENT)["entree"] == "lien"


def test_named_columns_select_the_stored_values(tmp_path):
    moteur = sa.create_engine(f"sqlite:///{tmp_path / 'l.db'}")
    t.metadata.create_all(moteur, tables=[t.fait])
    maintenant = datetime.now(timezone.utc)
    with moteur.begin() as c:
        c.execute(t.fait.insert(), [{
            "step_id": "s-1", "parcours_id": "p-1", "type": TypeEtape.CONTRAT_TRAVAIL_DEBUTE.value,
            "occurred_on": date(2025, 3, 1), "operateur": "ft-75", "pos_debut": 1, "rec_debut": maintenant,
            **colonnes(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, {"type_contrat": "CDD", "date_debut": "2025-03-01",
                                                          "date_fin_prevue": "2025-12-31"}, {}),
        }])
        contrat = champs(t.fait, TypeEtape.CONTRAT_TRAVAIL_DEBUTE)
        ligne = c.execute(sa.select(contrat.type_contrat, contrat.date_debut, contrat.date_fin_prevue)).one()
    assert (ligne.type_contrat, ligne.date_debut, ligne.date_fin_prevue) == ("CDD", date(2025, 3, 1), date(2025, 12, 31))
