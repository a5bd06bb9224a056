"""The worklists at a territory's size: the home page shows each list's total and its most urgent lines, the
whole list is paged, and every line of it is the one the plain list computation gives, in its order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from parcours.comptes import Role
from parcours.vocabulaire import TypeOperateur
from projections.donnees_personnelles import preavis_de_retention
from projections.requetes import listes_de_travail
from tests.conftest import EMPREINTE, MOT_DE_PASSE, Magasins, territoire_de_demonstration
from tests.e2e.test_ui import connecter
from web.app import create_app
from web.deps import aujourdhui
from web.pages import dossier
from web.pages.dossier import TITRES_LISTES
from web.pages.etapes_operateur import listes_du_type

COMPTES = [("ofii", "ofii-dt-paris", Role.AGENT), ("resp-ofii", "ofii-dt-paris", Role.RESPONSABLE),
           ("ml", "mission-locale-paris", Role.AGENT), ("copil", "ofii-dt-paris", Role.COPIL)]
PERSONNE = re.compile(r'href="/personnes/([0-9a-f-]{36})"')
NOM_MANQUANT = re.compile(r'">[0-9a-f-]{36}</a>')


@pytest.fixture(scope="module")
def app(magasins: Magasins, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo territory (300 people) on SQLite, with an agent and a responsable of OFII Paris."""
    with magasins.copie("sqlite", tmp_path_factory.mktemp("listes") / "i", territoire_de_demonstration,
                        cookie_securise=False) as reglages:
        app = create_app({"REGLAGES": reglages, "TESTING": True})
        services = app.extensions["parcours"]
        for login, operateur, role in COMPTES:
            services.parcours.creer_utilisateur(login, operateur, role, login.upper(), EMPREINTE)
        services.rattraper()
        yield app
        services.fermer()


def listes_completes(app: Any, operateur: str, type_operateur: TypeOperateur, responsable: bool) -> dict[str, list[str]]:
    """The pathways of each list the operator kind watches, by due date, as `listes_de_travail` gives them."""
    with app.extensions["parcours"].lectures.connect() as connexion:
        listes = listes_de_travail(connexion, operateur, aujourdhui(), seulement=listes_du_type(type_operateur))
        if responsable:
            listes["anonymisations_a_venir"] = sorted(preavis_de_retention(connexion, operateur, aujourdhui()),
                                                      key=lambda ligne: ligne["echeance"])
    return {nom: [ligne["parcours_id"] for ligne in lignes] for nom, lignes in listes.items()}


def section(page: str, cle: str) -> str:
    return page.split(f'id="liste-{cle}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("login, responsable", [("ofii", False), ("resp-ofii", True)])
def test_the_home_page_shows_each_lists_total_and_its_most_urgent_lines_with_a_link_to_the_whole_list(
        app: Any, login: str, responsable: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dossier, "LIGNES_SUR_L_ACCUEIL", 2)  # the demo territory's lists are short
    client, _ = connecter(app, login, MOT_DE_PASSE)
    page = client.get("/").get_data(as_text=True)
    listes = listes_completes(app, "ofii-dt-paris", TypeOperateur.OFII, responsable)
    assert any(len(lignes) > dossier.LIGNES_SUR_L_ACCUEIL for lignes in listes.values()), "the territory has a long list"
    for cle, lignes in listes.items():
        extrait = section(page, cle)
        assert f'fr-badge--sm {"fr-badge--info" if lignes else ""}">{len(lignes)}</span>' in extrait, cle
        assert PERSONNE.findall(extrait) == lignes[:dossier.LIGNES_SUR_L_ACCUEIL], cle
        assert not NOM_MANQUANT.search(extrait), "a person is named, not shown by id"
        assert (f'href="/listes/{cle}"' in extrait) == (len(lignes) > dossier.LIGNES_SUR_L_ACCUEIL), cle
    assert ('id="liste-anonymisations_a_venir"' in page) == responsable


def test_a_whole_list_is_paged_in_due_date_order_and_its_pages_hold_exactly_its_lines(
        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dossier, "LIGNES_PAR_PAGE", 2)
    client, _ = connecter(app, "ofii", MOT_DE_PASSE)
    listes = listes_completes(app, "ofii-dt-paris", TypeOperateur.OFII, responsable=False)
    cle, lignes = max(listes.items(), key=lambda liste: len(liste[1]))
    pages = -(-len(lignes) // 2)
    assert pages >= 3
    lues = []
    for numero in range(1, pages + 1):
        reponse = client.get(f"/listes/{cle}?page={numero}")
        assert reponse.status_code == 200
        html = reponse.get_data(as_text=True)
        assert TITRES_LISTES[cle] in html and f"sur {len(lignes)}" in html
        assert ('aria-current="page" title="Page %d"' % numero) in html
        assert ("Page suivante" in html) == (numero < pages) and ("Page précédente" in html) == (numero > 1)
        lues.extend(PERSONNE.findall(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]))
        assert not NOM_MANQUANT.search(html)
    assert lues == lignes
    assert client.get(f"/listes/{cle}").get_data(as_text=True).count("<tr>") == 2 + 1  # page 1 by default, and the header
    for hors in (0, pages + 1):
        assert client.get(f"/listes/{cle}?page={hors}").status_code == 404


def test_a_list_the_operator_does_not_watch_or_does_not_exist_is_not_found_and_copil_has_no_list(app: Any) -> None:
    ofii, _ = connecter(app, "ofii", MOT_DE_PASSE)
    assert ofii.get("/listes/agir_24_mois").status_code == 404  # AGIR operators' list
    assert ofii.get("/listes/anonymisations_a_venir").status_code == 404  # a responsable's list
    assert ofii.get("/listes/inconnue").status_code == 404
    responsable, _ = connecter(app, "resp-ofii", MOT_DE_PASSE)
    assert responsable.get("/listes/anonymisations_a_venir").status_code == 200
    ml, _ = connecter(app, "ml", MOT_DE_PASSE)
    assert ml.get("/listes/entretiens_fin_cir_en_retard").status_code == 404  # OFII's list
    assert ml.get("/listes/orientations_en_attente").status_code == 200
    copil, _ = connecter(app, "copil", MOT_DE_PASSE)
    assert copil.get("/listes/orientations_en_attente").status_code == 403
