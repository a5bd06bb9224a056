"""CONTRACT §10, the corrections to §5: the « emploi durable » threshold switch (`PARCOURS_EMPLOI_DURABLE_STRICT`),
the « catégorie sans contrat » flag and its data-quality count, and learner-hours never printed as the annex's
« heures de formation dispensées ». (Assiduity against the forfait: `test_indicateurs_langue.py`.)"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from parcours.dates import contrat_durable
from projections.evaluation_annuelle import HEURES_DISPENSEES, evaluer
from projections.requetes import listes_de_travail
from tests import etapes
from web.saisie.schemas import lire_etape

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def contrat(t: Territoire, qui: str, le: str, type_contrat: str, debut: str, fin: str | None) -> str:
    data = {"type_contrat": type_contrat, "date_debut": debut}
    if fin is not None:
        data["date_fin_prevue"] = fin
    return t.etape("contrat_travail_debute", le, "france-travail-75", data, qui)


def test_the_strict_threshold_needs_six_whole_months_where_the_default_accepts_one_day_less() -> None:
    # 01/01/2025 + 6 months = 01/07/2025: the default takes 30/06/2025, « plus de 6 mois » needs 01/07/2025.
    assert contrat_durable(date(2025, 1, 1), date(2025, 6, 30))
    assert not contrat_durable(date(2025, 1, 1), date(2025, 6, 30), strict=True)
    assert contrat_durable(date(2025, 1, 1), date(2025, 7, 1), strict=True)
    # 31/08/2024 + 6 months clamps to 28/02/2025.
    assert not contrat_durable(date(2024, 8, 31), date(2025, 2, 27), strict=True)
    assert contrat_durable(date(2024, 8, 31), date(2025, 2, 28), strict=True)


def _trois_sorties_durables(t: Territoire) -> None:
    # a — CDD 01/02/2025 → 31/07/2025: 6 months − 1 day, durable by default only.
    a = t.personne()
    t.entree(a, "2025-01-15")
    contrat(t, a, "2025-02-01", "CDD", "2025-02-01", "2025-07-31")
    t.sortie(a, "2025-02-10", "EMPLOI_DURABLE_6M_PLUS")
    # b — CDD 01/02/2025 → 01/08/2025: six whole months, durable under both thresholds.
    b = t.personne()
    t.entree(b, "2025-01-15")
    contrat(t, b, "2025-02-01", "CDD", "2025-02-01", "2025-08-01")
    t.sortie(b, "2025-02-10", "EMPLOI_DURABLE_6M_PLUS")
    # c — a CDI: always durable.
    c = t.personne()
    t.entree(c, "2025-01-15")
    contrat(t, c, "2025-02-01", "CDI", "2025-02-01", None)
    t.sortie(c, "2025-02-10", "EMPLOI_CDI")


def test_by_default_a_fixed_term_contract_of_six_months_less_one_day_is_a_lasting_job(
    territoire: Territoire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARCOURS_EMPLOI_DURABLE_STRICT", raising=False)
    _trois_sorties_durables(territoire)
    document = territoire.indicateurs(*PERIODE)
    emploi = document["accompagnement_emploi"]
    assert (emploi["sorties_positives"], emploi["dont_emploi_durable"], emploi["sorties_emploi_sans_contrat"]) == (3, 3, 0)
    assert document["seuil_emploi_durable"].startswith("6 mois ou plus")


@pytest.mark.parametrize("chemin", ["agregat_sql", "ligne_a_ligne"])
def test_the_strict_switch_counts_only_contracts_of_more_than_six_months_and_says_so(
    territoire: Territoire, monkeypatch: pytest.MonkeyPatch, chemin: str
) -> None:
    monkeypatch.setenv("PARCOURS_EMPLOI_DURABLE_STRICT", "1")
    _trois_sorties_durables(territoire)
    # The département filter takes the row-by-row path; without it, the SQL aggregate.
    filtres = {"departement": "75"} if chemin == "ligne_a_ligne" else {}
    document = territoire.indicateurs(*PERIODE, **filtres)
    emploi = document["accompagnement_emploi"]
    # a's 6 months − 1 day is no longer « plus de 6 mois »: still a positive exit, no longer a lasting job.
    assert (emploi["sorties_positives"], emploi["dont_emploi_durable"]) == (3, 2)
    assert document["seuil_emploi_durable"].startswith("plus de 6 mois")


def test_an_employment_exit_without_a_contract_in_its_episode_is_accepted_flagged_listed_and_counted(
    territoire: Territoire,
) -> None:
    t = territoire
    # a — EMPLOI_MOINS_6M with no contract at all: flagged, listed, counted.
    a = t.personne()
    t.entree(a, "2025-03-01")
    resultat = t.parcours.enregistrer_etape(lire_etape(etapes.sortie(a, jour="2025-04-01", categorie="EMPLOI_MOINS_6M")))
    assert resultat.statut == "acceptee"
    assert [d["code"] for d in resultat.drapeaux] == ["CATEGORIE_SANS_CONTRAT"]
    assert "catégorie sans contrat" in resultat.drapeaux[0]["message"]
    # b — a contract signed before the episode does not belong to it: flagged too.
    b = t.personne()
    contrat(t, b, "2025-02-01", "CDD", "2025-02-01", "2025-03-31")
    t.episode(b, "2025-03-01", "2025-04-01", "EMPLOI_MOINS_6M")
    # c — a contract recorded in the episode (between entry and exit): not flagged.
    c = t.personne()
    t.entree(c, "2025-03-01")
    contrat(t, c, "2025-03-20", "CDD", "2025-03-20", "2025-05-31")
    t.sortie(c, "2025-04-01", "EMPLOI_MOINS_6M")
    # d — a non-employment category needs no contract.
    t.episode(t.personne(), "2025-03-01", "2025-04-01", "RECHERCHE_EMPLOI")
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    assert (emploi["sorties"], emploi["sorties_positives"], emploi["sorties_emploi_sans_contrat"]) == (4, 3, 2)
    with t.lectures.connect() as connexion:
        liste = listes_de_travail(connexion, "france-travail-75", date(2025, 6, 1))["sorties_sans_contrat"]
    assert len(liste) == 2  # a and b
    assert all("catégorie sans contrat" in ligne["detail"] and ligne["formulaire"]["type"] == "contrat_travail_debute"
               for ligne in liste)
    # Recording the missing contract (dated in the episode) clears a from the count and the list.
    contrat(t, a, "2025-03-15", "CDD", "2025-03-15", "2025-04-30")
    assert t.indicateurs(*PERIODE)["accompagnement_emploi"]["sorties_emploi_sans_contrat"] == 1
    with t.lectures.connect() as connexion:
        assert len(listes_de_travail(connexion, "france-travail-75", date(2025, 6, 1))["sorties_sans_contrat"]) == 1


def test_learner_hours_are_never_printed_as_the_annex_hours_delivered(territoire: Territoire) -> None:
    territoire.formation(territoire.personne(), heures=[("2025-02-15", 100, 90)])
    assert territoire.indicateurs(*PERIODE)["langue"]["heures_realisees"] == 90
    # The annex's hours delivered come from the funded actions' sessions (CONTRACT §8), never from learner-hours.
    dispensees = [ligne for ligne in evaluer(territoire.lectures, 2025).lignes if ligne.libelle == HEURES_DISPENSEES]
    assert dispensees and all(ligne.realise != 90 for ligne in dispensees)


def test_the_strict_switch_also_moves_the_dashboard_charts_and_the_statistics_export(
    territoire: Territoire, monkeypatch: pytest.MonkeyPatch
) -> None:
    from projections.export_statistiques import cohorte
    from projections.indicateurs import Cliche, Demande, LectureDuCliche
    from projections.tableau_de_bord import _sorties_de_la_periode, groupe_de_sortie

    _trois_sorties_durables(territoire)
    territoire.indicateurs(*PERIODE)  # catches the read model up

    def groupes() -> list[str]:
        with territoire.lectures.connect() as connexion:
            ctx = LectureDuCliche(connexion, Demande(date(2025, 1, 1), date(2025, 12, 31)), Cliche(10**9, None))
            return sorted(groupe_de_sortie(categorie) for _, categorie, _ in _sorties_de_la_periode(ctx))

    def issues() -> list[str]:
        return sorted(ligne[-1] for ligne in cohorte(territoire.lectures, date(2025, 1, 1), date(2025, 12, 31))[0])

    monkeypatch.delenv("PARCOURS_EMPLOI_DURABLE_STRICT", raising=False)
    assert groupes() == ["emploi_durable"] * 3 and issues() == ["emploi_durable"] * 3
    monkeypatch.setenv("PARCOURS_EMPLOI_DURABLE_STRICT", "1")
    # a's contract of 6 months − 1 day: a job, not a lasting one, under « plus de 6 mois ».
    assert groupes() == ["emploi_court", "emploi_durable", "emploi_durable"]
    assert issues() == ["emploi_durable", "emploi_durable", "emploi_moins_6_mois"]
