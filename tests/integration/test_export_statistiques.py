"""The anonymised statistics export on demo data: safe tables and means, metadata, optional rounding and
differential-privacy modes, and nothing written when unsafe."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from projections import export_statistiques, protection
from projections.export_statistiques import DIMENSIONS, MOYENNES, TABLEAUX, cohorte_detaillee, dimensions_de, exporter
from projections.protection import MoyennesPubliees, ProtectionImpossibleError, TablePubliee, proteger
from tests.unit.protection.test_gauss_moyennes_modes import verifier_moyennes
from tests.unit.protection.test_protection import audit_independant
from tests.conftest import BASES, Magasins, territoire_de_demonstration
from web.config import construire_services

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end

DU, AU = date(2023, 1, 1), date(2026, 10, 31)


@pytest.fixture(scope="module", params=BASES)
def services(request: pytest.FixtureRequest, magasins: Magasins, tmp_path_factory: pytest.TempPathFactory):
    """Each backend's demo territory, built once for the module (`make test` hands a module to one worker): the exports only read it."""
    dossier = tmp_path_factory.mktemp("territoire") / "instance"
    with magasins.copie(request.param, dossier, territoire_de_demonstration) as reglages:
        services = construire_services(reglages)
        yield services
        services.fermer()


@pytest.fixture(scope="module")
def export_k11(services, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:  # noqa: ANN001
    """The suppression export with k = 11 on the module's backend, written once and read by the tests of its tables."""
    dossier = tmp_path_factory.mktemp("export") / "export"
    return exporter(services.lectures, DU, AU, dossier, k=11), dossier


def lire(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8") as flux:
        return list(csv.DictReader(flux))


_AUDITEES: set[str] = set()
"""The (counts, durations, published lines) this process has audited: the audits are functions of these alone, so the
second backend's export of the same territory, when it is the same, is not audited twice (a different one is)."""


def auditer_independamment(personnes: list, durees: list, lignes: list[dict[str, str]], moyennes: list[dict[str, str]]) -> None:
    """The published counts and means pass audits written independently of the engine (`linprog`), the means' with the counts."""
    dimensions, comptes = dimensions_de(personnes), Counter(personnes)
    cellules = {tuple(l[d] for d in DIMENSIONS): l for l in lignes}
    table = TablePubliee(dimensions, list(cellules), [int(l["n"] or 0) for l in cellules.values()],
                         [l["statut"] for l in cellules.values()])
    audit_independant(dimensions, comptes, table)
    for cellule, valeur, statut in table.lignes():
        if statut in ("A", "D"):
            table.valeurs[table.cellules.index(cellule)] = sum(n for c, n in comptes.items() if all(
                code == "Total" or code == x or export_statistiques.REGION_DU_DEPARTEMENT.get(x) == code for code, x in zip(cellule, c)))
    valeurs: dict[tuple[str, ...], list[int]] = {}
    for ligne, duree in zip(personnes, durees):
        valeurs.setdefault(ligne, []).append(duree)
    (formule,) = MOYENNES.values()
    publiees = MoyennesPubliees(
        dimensions, [tuple(m[d] for d in DIMENSIONS) for m in moyennes], [], [], [m["statut_moyenne"] for m in moyennes]
    )
    for cellule in publiees.cellules:
        serie = [x for c, v in valeurs.items() for x in v if all(
            code == "Total" or code == y or export_statistiques.REGION_DU_DEPARTEMENT.get(y) == code for code, y in zip(cellule, c))]
        publiees.effectifs.append(len(serie))
        publiees.moyennes.append(sum(serie) / len(serie) if serie else None)
    for m, moyenne in zip(moyennes, publiees.moyennes):
        if m["statut"] == "V":
            assert float(m["duree_moyenne_jours"]) == round(moyenne, 1)
    verifier_moyennes(dimensions, comptes, valeurs, table, publiees)


def test_the_export_publishes_only_safe_cells_and_means_with_statuses_and_metadata(services, export_k11) -> None:  # noqa: ANN001
    metadonnees, dossier = export_k11
    lignes = lire(dossier / "statistiques.csv")
    assert {ligne["tableau"] for ligne in lignes} == set(TABLEAUX)
    for ligne in lignes:
        assert ligne["statut"] in {"V", "A", "D", "Z"}
        if ligne["n"]:
            assert int(ligne["n"]) == 0 or int(ligne["n"]) >= 11
        assert (ligne["n"] == "") == (ligne["statut"] in ("A", "D"))
    moyennes = [l for l in lignes if l["tableau"] == "departement_x_issue"]
    assert any(m["statut_moyenne"] == "V" for m in moyennes)
    for ligne in lignes:
        if ligne["tableau"] != "departement_x_issue":
            assert ligne["duree_moyenne_jours"] == ligne["statut_moyenne"] == ""
    for m in moyennes:
        assert m["statut_moyenne"] in {"V", "A", "B", "D", "Z"}
        assert (m["duree_moyenne_jours"] != "") == (m["statut_moyenne"] == "V")
        if m["statut_moyenne"] == "V":
            assert m["statut"] == "V" and int(m["n"]) >= 11
        if m["statut"] in ("A", "D"):
            assert m["statut_moyenne"] in ("A", "D")
    assert metadonnees["mode"] == "suppression" and metadonnees["regles"]["seuil_k"] == 11 and metadonnees["personnes"] > 0
    assert "duree_moyenne_jours" in metadonnees["moyennes"]["colonnes"]
    assert {"primaire_s", "gauss_s", "audit_s", "reparation_s"} <= set(metadonnees["mesures"]["comptes"])
    assert json.loads((dossier / "metadonnees.json").read_text())["position_journal"] == metadonnees["position_journal"]
    # What was written passes audits written independently of the engine, the means' one with the counts.
    personnes, durees, _ = cohorte_detaillee(services.lectures, DU, AU)
    entrees = (sorted(Counter(personnes).items()), sorted(zip(personnes, durees)), lignes)
    if repr(entrees) not in _AUDITEES:  # the other backend's export of the same territory was the same: audited already
        auditer_independamment(personnes, durees, lignes, moyennes)
        _AUDITEES.add(repr(entrees))


def test_controlled_rounding_publishes_additive_multiples_of_5_and_no_means(services, tmp_path: Path) -> None:
    metadonnees = exporter(services.lectures, DU, AU, tmp_path / "export", arrondi=5)
    assert metadonnees["mode"] == "arrondi_controle" and metadonnees["moyennes"] == "non publiées dans ce mode"
    lignes = lire(tmp_path / "export" / "statistiques.csv")
    assert all(l["duree_moyenne_jours"] == l["statut_moyenne"] == "" for l in lignes)
    personnes, _ = export_statistiques.cohorte(services.lectures, DU, AU)
    vraies = Counter()
    for personne in personnes:
        for nom, dims in TABLEAUX.items():
            vraies[(nom, *(code if dim in dims else "Total" for dim, code in zip(export_statistiques.DIMENSIONS, personne)))] += 1
    for ligne in lignes:
        assert ligne["statut"] == "V"
        n = int(ligne["n"])
        assert n % 5 == 0
    par_cle = {(l["tableau"], *(l[d] for d in export_statistiques.DIMENSIONS)): int(l["n"]) for l in lignes}
    for (nom, *cellule), valeur in par_cle.items():
        if all(code != "Total" for dim, code in zip(export_statistiques.DIMENSIONS, cellule) if dim in TABLEAUX[nom]):
            if cellule[0] in export_statistiques.REGION_DU_DEPARTEMENT or cellule[0] == "Total":
                assert abs(valeur - vraies[(nom, *cellule)]) < 5
    totaux = {nom: par_cle[(nom, "Total", "Total", "Total", "Total", "Total")] for nom in TABLEAUX}
    assert len(set(totaux.values())) == 1  # the grand total is one cell shared by every table
    for nom, dims in TABLEAUX.items():
        for dim in dims:
            n = export_statistiques.DIMENSIONS.index(dim)
            enfants = [v for cle, v in par_cle.items() if cle[0] == nom and cle[1 + n] != "Total" and cle[1 + n][:1] != "R"
                       and all(c == "Total" for m, c in enumerate(cle[1:]) if m != n)]
            assert sum(enfants) == totaux[nom], (nom, dim)


def test_differential_privacy_spends_epsilon_across_the_tables_and_is_reproducible_with_a_seed(services, tmp_path: Path) -> None:
    un = exporter(services.lectures, DU, AU, tmp_path / "un", epsilon=1.0, graine=5)
    exporter(services.lectures, DU, AU, tmp_path / "deux", epsilon=1.0, graine=5)
    assert (tmp_path / "un" / "statistiques.csv").read_bytes() == (tmp_path / "deux" / "statistiques.csv").read_bytes()
    cdp = un["confidentialite_differentielle"]
    assert un["mode"] == "confidentialite_differentielle" and "BRUITÉES" in cdp["avertissement"]
    assert set(cdp["epsilon_par_tableau"]) == set(TABLEAUX)
    assert sum(cdp["epsilon_par_tableau"].values()) == pytest.approx(1.0) and cdp["epsilon_total"] == 1.0
    lignes = lire(tmp_path / "un" / "statistiques.csv")
    # The categories are the public lists, not those present: Corsica shows although the demo has nobody there.
    assert {("2A", "departement_x_issue"), ("R94", "departement_x_statut")} <= {(l["departement"], l["tableau"]) for l in lignes}
    for ligne in lignes:
        assert ligne["n"] == "" or int(ligne["n"]) == 0 or int(ligne["n"]) >= 11
        assert ligne["duree_moyenne_jours"] == ""


def cohorte_qui_demande_la_reparation(engine, du, au, position=None):  # noqa: ANN001, ARG001
    """Two départements × three outcomes where, after the Gauss pass and the group-sum rule, two hidden
    1s are still pinned by the ≥ 1 knowledge: only the MILP repair can protect them."""
    tailles = {("75", "emploi_durable"): 30, ("75", "formation"): 30, ("75", "sortie_neutre"): 20,
               ("93", "emploi_durable"): 1, ("93", "formation"): 15, ("93", "sortie_neutre"): 1}
    lignes = [(dep, "F", "25_ans_et_plus", "refugie", issue) for (dep, issue), n in tailles.items() for _ in range(n)]
    return lignes, [100] * len(lignes), 0


def test_when_protection_fails_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_statistiques, "cohorte_detaillee", cohorte_qui_demande_la_reparation)
    lignes, _, _ = cohorte_qui_demande_la_reparation(None, DU, AU)
    table = proteger(dimensions_de(lignes), Counter(lignes), formules=list(TABLEAUX.values()))
    assert table.mesures["reparations"] >= 1  # the failure below is on the path the export really takes

    class Echec:
        status, x, message = 2, None, "infaisable"

    appels = []
    monkeypatch.setattr(protection, "milp", lambda *a, **k: appels.append(1) or Echec())
    with pytest.raises(ProtectionImpossibleError, match="aucune suppression"):
        exporter(None, DU, AU, tmp_path / "export")
    assert appels
    assert not (tmp_path / "export").exists()


def test_the_export_publishes_the_agir_and_spe_tables_protected(services, export_k11, tmp_path: Path) -> None:  # noqa: ANN001
    from projections.export_statistiques import TABLEAUX_PROGRAMMES, cohortes_programmes

    metadonnees, dossier = export_k11
    cohortes = cohortes_programmes(services.lectures, DU, AU)
    for nom, dims in TABLEAUX_PROGRAMMES.items():
        assert metadonnees["tableaux_programmes"][nom]["publie"] is True and cohortes[nom]
        lignes = lire(dossier / f"{nom}.csv")
        assert list(lignes[0]) == [*dims, "n", "statut"]
        for ligne in lignes:
            assert ligne["statut"] in {"V", "A", "D", "Z"} and (ligne["n"] == "") == (ligne["statut"] in ("A", "D"))
            assert ligne["n"] == "" or int(ligne["n"]) == 0 or int(ligne["n"]) >= 11
        total = next(ligne for ligne in lignes if ligne[dims[0]] == ligne[dims[1]] == "Total")
        assert total["statut"] == "V" and int(total["n"]) == len(cohortes[nom])
    assert {issue for _, issue in cohortes["agir_departement_x_issue"]} <= {
        "sortie_neutre", "emploi_formation_et_logement", "emploi_formation_seul", "logement_seul", "ni_emploi_formation_ni_logement"}
    assert {type_ for type_, _ in cohortes["spe_type_operateur_x_devenir"]} <= {"FRANCE_TRAVAIL", "MISSION_LOCALE", "CAP_EMPLOI", "APEC"}
    dp = exporter(services.lectures, DU, AU, tmp_path / "dp", epsilon=1.0, graine=3)
    assert dp["tableaux_programmes"]["agir_departement_x_issue"]["publie"] is False
    assert not (tmp_path / "dp" / "agir_departement_x_issue.csv").exists()
