"""What a receiver no longer types: the programme of the support it opens, the exit category a contract says."""

from __future__ import annotations

import pytest

from parcours.regles import REGLES_EN_BREF
from parcours.vocabulaire import TypeEtape, TypeOperateur
from web.pages.etapes_operateur import ETAPES_PAR_TYPE_OPERATEUR, groupes_du_type
from web.pages.preremplissage import DATES_DE_L_ETAPE, PREREMPLISSAGES, categorie_suggeree, programme_par_defaut


def test_every_step_type_has_its_pre_filling_and_its_rule_in_brief() -> None:
    assert set(PREREMPLISSAGES) == set(TypeEtape) and set(REGLES_EN_BREF) == set(TypeEtape)
    assert DATES_DE_L_ETAPE[TypeEtape.CONTRAT_TRAVAIL_DEBUTE] == "date_debut"


@pytest.mark.parametrize(("kind", "age", "programme"), [
    (TypeOperateur.MISSION_LOCALE, 22, "CEJ"), (TypeOperateur.MISSION_LOCALE, 30, "PACEA"),
    (TypeOperateur.FRANCE_TRAVAIL, 24, "CEJ"), (TypeOperateur.FRANCE_TRAVAIL, 43, "ACCOMPAGNEMENT_FT"),
    (TypeOperateur.CAP_EMPLOI, 40, "ACCOMPAGNEMENT_FT"), (TypeOperateur.AGIR, 30, "AGIR_EMPLOI"),
    (TypeOperateur.ASSOCIATION, 30, "ACTION_BOP104"), (TypeOperateur.APEC, 40, "AUTRE"), ("FRANCE_TRAVAIL", None, "ACCOMPAGNEMENT_FT"),
])
def test_the_programme_follows_the_receiving_operator_and_the_persons_age(kind, age, programme) -> None:  # noqa: ANN001
    assert programme_par_defaut(kind, age) == programme


@pytest.mark.parametrize(("contrat", "formation", "categorie"), [
    ({"type_contrat": "CDI", "date_debut": "2025-01-01"}, None, "EMPLOI_CDI"),
    ({"type_contrat": "CDD", "date_debut": "2025-01-01", "date_fin_prevue": "2025-06-30"}, None, "EMPLOI_DURABLE_6M_PLUS"),
    ({"type_contrat": "CDD", "date_debut": "2025-01-01", "date_fin_prevue": "2025-06-29"}, None, "EMPLOI_MOINS_6M"),
    ({"type_contrat": "INTERIM", "date_debut": "2025-01-01"}, None, "EMPLOI_MOINS_6M"),
    ({"type_contrat": "FONCTION_PUBLIQUE_TITULAIRE", "date_debut": "2025-01-01"}, None, "EMPLOI_FONCTION_PUBLIQUE"),
    ({"type_contrat": "CREATION_ENTREPRISE", "date_debut": "2025-01-01"}, None, "CREATION_ENTREPRISE"),
    (None, {"type": "QUALIFIANTE"}, "FORMATION_QUALIFIANTE"), (None, {"type": "SAVOIRS_DE_BASE"}, None), (None, None, None),
])
def test_the_exit_category_is_suggested_from_the_contract_or_training_just_recorded(contrat, formation, categorie) -> None:  # noqa: ANN001
    assert categorie_suggeree(contrat, formation) == categorie


def test_france_travail_is_not_offered_the_cir_and_the_ofii_is_not_offered_exits() -> None:
    offertes_ft = {ty for _, types in groupes_du_type(TypeOperateur.FRANCE_TRAVAIL, []) for ty in types}
    assert TypeEtape.CIR_SIGNE not in offertes_ft and TypeEtape.FORMATION_CIVIQUE_JOURNEE not in offertes_ft
    assert TypeEtape.SORTIE_ACCOMPAGNEMENT in offertes_ft
    assert TypeEtape.SORTIE_ACCOMPAGNEMENT not in ETAPES_PAR_TYPE_OPERATEUR[TypeOperateur.OFII]
    premiers = groupes_du_type(TypeOperateur.FRANCE_TRAVAIL, [TypeEtape.CONTRAT_TRAVAIL_DEBUTE])
    assert premiers[0] == ("Prochaines étapes attendues", [TypeEtape.CONTRAT_TRAVAIL_DEBUTE])
