"""A caseworker's experience in a real browser (Debian's chromium driven by Playwright): the hand-over without
re-typing (the fields typed are counted), the duplicate warning, each operator's own step picker, the
confirmation after every save, and no operator slug, enum code or UUID on the pages a caseworker reads.

Screenshots go to $PARCOURS_CAPTURES when it is set (none otherwise). Without /usr/bin/chromium the
tests fail, they are not skipped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from parcours.comptes import Role
from parcours.dates import add_months
from parcours.vocabulaire import ENUMERATIONS
from tests import etapes
from tests.browser.conftest import Incidents
from tests.browser.test_parcours_navigateur import capturer, champ, connecter
from tests.conftest import EMPREINTE, Magasins, enregistrer_operateurs
from tests.scenario import OPERATEURS
from web.app import create_app
from web.deps import aujourdhui
from web.saisie.schemas import lire_etape

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end

COMPTES = [("ofii", "ofii-dt-paris", Role.AGENT, "Awa Ndiaye"), ("ml", "mission-locale-paris", Role.AGENT, "Karim Benali"),
           ("ft", "france-travail-75", Role.AGENT, "Julie Bernard"), ("resp-ml", "mission-locale-paris", Role.RESPONSABLE, "Inès Roux"),
           ("asso", "asso-75", Role.AGENT, "Léa Martin")]

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
CODES_PERMIS = {
    "OFII": "the organisation's own name (« OFII — direction territoriale de Paris »)",
    "AGIR": "the programme's own name (« AGIR Paris », « Volet emploi d'AGIR »)",
    "PACEA": "the Missions locales' programme is called so, in French, by everyone",
    "OFPRA": "an acronym French caseworkers read as a name",
    "CNDA": "an acronym, spelled out in its label (« CNDA (Cour nationale du droit d'asile) »)",
    "CDI": "French usage: « CDI » is how a contract is named",
    "CDD": "French usage: « CDD » is how a contract is named",
    "A1": "a CECRL language level is read as such", "A2": "a CECRL language level", "B1": "a CECRL language level",
    **{sigle: "an acronym given after its meaning in the label, as French administrations write it (« Travailleur handicapé (RQTH) »)"
       for sigle in ("RQTH", "CEJ", "IAE", "DNA", "CPH", "CHRS", "APS")},
}
"""Codes that may appear on a page, each because it is also the word French readers use."""


class Saisie:
    """What a caseworker types or picks in a form's fields (not the step picker, not buttons): counted per form."""

    def __init__(self, page: Page) -> None:
        self.page, self.par_formulaire = page, {}

    def remplir(self, formulaire: str, nom: str, valeur: str, choix: bool = False) -> None:
        self.par_formulaire.setdefault(formulaire, []).append(nom)
        if choix:
            champ(self.page, nom).select_option(valeur)
        else:
            champ(self.page, nom).fill(valeur)

    def combien(self, formulaire: str) -> list[str]:
        return self.par_formulaire.get(formulaire, [])


@pytest.fixture
def territoire(magasins: Magasins, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", cookie_securise=False)})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    for login, operateur, role, nom in COMPTES:
        services.parcours.creer_utilisateur(login, operateur, role, nom, EMPREINTE)
    services.rattraper()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=http.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{http.server_port}", services
    http.shutdown()
    fil.join(timeout=10)
    services.fermer()


def enregistrer(services: Any, type_: str, le: str, operateur: str, data: dict[str, Any], personne: str | None = None) -> str:
    brut = etapes.etape(type_, le, operateur, data, {"parcours_id": personne} if personne else None, agent="test")
    resultat = services.enregistrer_etape(lire_etape(brut))
    services.rattraper()
    return str(resultat.parcours_id)


def yasmina_orientee(services: Any) -> str:
    """OFII's part, recorded beforehand: Yasmina (23), her first permit, her CIR and her orientation to the Mission locale."""
    personne = enregistrer(services, "personne_enregistree", "2025-01-10", "ofii-dt-paris",
                           {"nom": "Haddad", "prenom": "Yasmina", "date_naissance": "2003-05-02", "sexe": "F", "nationalite": "SYR",
                            "departement": "75"})
    enregistrer(services, "titre_sejour_delivre", "2025-01-10", "ofii-dt-paris",
                {"motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS", "valid_from": "2025-01-10",
                 "premier_titre": True}, personne)
    enregistrer(services, "cir_signe", "2025-02-03", "ofii-dt-paris", {"dt_ofii": "Paris"}, personne)
    enregistrer(services, "orientation_spe", "2025-06-02", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"},
                personne)
    return personne


def options_du_choix_d_etape(page: Page) -> list[str]:
    return [texte.strip() for texte in page.locator("#type option").all_text_contents()]


def test_the_mission_locale_takes_over_without_retyping_what_the_pathway_says(territoire, page: Page, incidents: Incidents,
                                                                               tmp_path: Path) -> None:
    base, services = territoire
    personne = yasmina_orientee(services)
    saisie = Saisie(page)
    connecter(page, base, "ml")
    page.get_by_role("link", name="Orientations reçues").click()
    expect(page.get_by_label("Accompagnement ouvert pour Yasmina Haddad")).to_have_value("CEJ")  # a Mission locale, 23 years old
    capturer(page, "20-orientation-recue-programme-propose", tmp_path)
    page.get_by_role("button", name="Accepter et ouvrir l'accompagnement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")
    expect(page.locator(".confirmation")).to_contain_text("Orientation acceptée. Accompagnement ouvert le")
    expect(page.locator("dl.resume")).to_contain_text(["Contrat d'engagement jeune (CEJ) chez Mission locale de Paris"])
    assert saisie.combien("acceptation") == []  # one click: the acceptance and the accompaniment it opens
    capturer(page, "21-accompagnement-ouvert", tmp_path)

    # The picker offers the Mission locale's steps, the expected ones first: what it tells OFII of the accepted
    # orientation (CONTRACT §9), then the steps of the support it opened.
    assert options_du_choix_d_etape(page)[:6] == [
        "Inscription au service public de l'emploi", "Premier rendez-vous au service public de l'emploi",
        "Diagnostic approfondi", "Contrat de travail débuté", "Entrée en formation", "Sortie d'accompagnement"]
    page.get_by_label("Enregistrer une étape").select_option(label="Contrat de travail débuté")
    page.get_by_role("button", name="Ouvrir le formulaire").click()
    expect(champ(page, "occurred_on")).to_have_value(aujourdhui().isoformat())
    expect(champ(page, "date_debut")).to_have_value("")  # left empty: the step's date
    saisie.remplir("contrat", "type_contrat", "CDD", choix=True)
    saisie.remplir("contrat", "date_fin_prevue", add_months(aujourdhui(), 8).isoformat())
    capturer(page, "22-contrat-sans-ressaisie", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".confirmation")).to_have_text("Étape enregistrée : Contrat de travail débuté.")
    expect(page.locator("tr").filter(has_text="Type de contrat : CDD")).to_contain_text(f"Début du contrat : {aujourdhui():%d/%m/%Y}")
    expect(page.get_by_label("Enregistrer une étape")).to_have_value("contrat_travail_debute")  # the picker keeps its choice
    # Only what is new was typed: the kind of contract and its planned end.
    assert saisie.combien("contrat") == ["type_contrat", "date_fin_prevue"]

    page.get_by_label("Enregistrer une étape").select_option(label="Sortie d'accompagnement")
    page.get_by_role("button", name="Ouvrir le formulaire").click()
    expect(champ(page, "categorie")).to_have_value("EMPLOI_DURABLE_6M_PLUS")  # an 8-month CDD: a lasting job
    expect(page.locator(".fr-callout")).to_contain_text("Situation proposée d'après le contrat")
    capturer(page, "23-sortie-categorie-proposee", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".confirmation")).to_have_text("Étape enregistrée : Sortie d'accompagnement.")
    expect(page.locator("tr").filter(has_text="Situation à la sortie")).to_contain_text("Emploi durable (6 mois ou plus)")
    assert saisie.combien("sortie") == []  # the date is the day's, the category the contract's
    assert personne in page.url
    assert incidents.liste == [], "\n".join(incidents.liste)


def test_registering_someone_already_known_warns_and_links_to_the_file_or_names_who_follows_it(territoire, page: Page,
                                                                                               incidents: Incidents, tmp_path: Path) -> None:
    base, services = territoire
    yasmina_orientee(services)
    enregistrer(services, "personne_enregistree", "2025-03-01", "asso-75",
                {"nom": "Karimi", "prenom": "Omid", "date_naissance": "1985-03-01", "sexe": "M", "nationalite": "AFG", "departement": "75"})
    connecter(page, base, "ofii")

    def enregistrer_a_nouveau(nom: str, prenom: str, naissance: str, sexe: str) -> None:
        page.goto(f"{base}/personnes/nouvelle")
        for cle, valeur in (("nom", nom), ("prenom", prenom), ("date_naissance", naissance)):
            champ(page, cle).fill(valeur)
        champ(page, "sexe").select_option(sexe)
        champ(page, "nationalite").select_option(label="Afghanistan")
        page.get_by_role("button", name="Enregistrer").click()

    enregistrer_a_nouveau("HADDAD", "Yasmina", "2003-05-02", "F")  # case and nationality differ: still the same person
    avertissement = page.locator(".doublons")
    expect(avertissement).to_contain_text("Un dossier existe peut-être déjà")
    capturer(page, "24-doublon-visible", tmp_path)
    avertissement.get_by_role("link", name="Ouvrir le dossier de Yasmina Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")

    enregistrer_a_nouveau("Karimi", "Omid", "1985-03-01", "M")
    expect(avertissement).to_contain_text("Votre structure ne suit pas ce dossier : demandez à Association d'accompagnement de vous l'adresser")
    expect(avertissement.get_by_role("link")).to_have_count(0)  # not involved: no way into the file
    capturer(page, "25-doublon-non-visible", tmp_path)
    page.get_by_label("Il s'agit d'une autre personne : enregistrer quand même").check(force=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".confirmation")).to_contain_text("Personne enregistrée : Omid Karimi.")
    assert incidents.liste == [], "\n".join(incidents.liste)


def test_a_file_another_structure_follows_is_asked_for_and_handed_over_without_retyping(territoire, page: Page,
                                                                                        incidents: Incidents, tmp_path: Path) -> None:
    base, services = territoire
    enregistrer(services, "personne_enregistree", "2025-03-01", "asso-75",
                {"nom": "Karimi", "prenom": "Omid", "date_naissance": "1985-03-01", "sexe": "M", "nationalite": "AFG", "departement": "75"})
    connecter(page, base, "ofii")
    page.goto(f"{base}/personnes/nouvelle")
    for cle, valeur in (("nom", "Karimi"), ("prenom", "Omid"), ("date_naissance", "1985-03-01")):
        champ(page, cle).fill(valeur)
    champ(page, "sexe").select_option("M")
    champ(page, "nationalite").select_option(label="Afghanistan")
    page.get_by_role("button", name="Enregistrer").click()
    avertissement = page.locator(".doublons")
    avertissement.get_by_label("Motif de la demande").select_option(label="La personne s'est présentée à notre structure")
    avertissement.get_by_role("button", name="Demander le dossier de Omid Karimi").click()
    expect(page.locator(".confirmation")).to_contain_text("Demande de dossier envoyée à Association d'accompagnement.")
    expect(page.locator(".demandes-envoyees")).to_contain_text("En attente")
    expect(page.locator(".demandes-envoyees")).not_to_contain_text("Karimi")
    capturer(page, "26-demande-de-dossier-envoyee", tmp_path)
    page.get_by_role("button", name="Se déconnecter").click()

    connecter(page, base, "asso")
    recues = page.locator(".demandes-recues")
    expect(recues).to_contain_text("Omid Karimi")
    expect(recues).to_contain_text("OFII — direction territoriale de Paris")
    capturer(page, "27-demande-de-dossier-recue", tmp_path)
    recues.get_by_role("button", name="Adresser le dossier de Omid Karimi à OFII — direction territoriale de Paris").click()
    expect(page.locator(".confirmation")).to_contain_text("Dossier adressé à OFII — direction territoriale de Paris")
    page.get_by_role("button", name="Se déconnecter").click()

    connecter(page, base, "ofii")
    page.locator(".demandes-envoyees").get_by_role("link", name="Dossier adressé : Omid Karimi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omid Karimi")  # the file, nothing re-typed
    capturer(page, "28-dossier-adresse", tmp_path)
    assert incidents.liste == [], "\n".join(incidents.liste)


def test_each_operator_is_offered_its_own_step_types_with_their_rule_before_it_is_broken(territoire, page: Page,
                                                                                          incidents: Incidents, tmp_path: Path) -> None:
    base, services = territoire
    personne = yasmina_orientee(services)
    connecter(page, base, "ofii")
    page.goto(f"{base}/personnes/{personne}")
    offertes = options_du_choix_d_etape(page)
    assert "Contrat d'intégration républicaine signé" in offertes and "Sortie d'accompagnement" not in offertes
    assert offertes[0] == "Positionnement linguistique"  # the CIR is signed: the positioning comes next
    page.get_by_role("button", name="Se déconnecter").click()

    connecter(page, base, "ml")
    page.goto(f"{base}/personnes/{personne}")
    offertes = options_du_choix_d_etape(page)
    assert offertes[0] == "Orientation acceptée"  # the answer it owes comes first
    assert "Contrat d'intégration républicaine signé" not in offertes and "Journée de formation civique" not in offertes
    expect(page.locator(".etapes-attendues")).to_contain_text("Seulement par la structure destinataire, une fois.")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Entretiens de fin de CIR en retard")).to_have_count(0)  # the OFII's list, not theirs
    expect(page.get_by_role("heading", level=1)).to_have_text("Listes de travail — Mission locale de Paris")
    capturer(page, "26-listes-de-la-mission-locale", tmp_path)
    page.goto(f"{base}/personnes/{personne}/etapes/nouvelle?type=sortie_accompagnement")
    expect(page.locator(".regle-en-bref")).to_contain_text("Clôt l'accompagnement ouvert de votre structure")
    expect(page.locator(".fr-callout")).to_contain_text("Aucun accompagnement en cours dans votre structure : la sortie sera refusée.")
    assert incidents.liste == [], "\n".join(incidents.liste)


def _codes_interdits() -> set[str]:
    codes = {valeur for enumeration in ENUMERATIONS for valeur in enumeration.valeurs()}
    return {c for c in codes if len(c) > 1 and c not in CODES_PERMIS}


def test_no_page_a_caseworker_reads_shows_an_operator_slug_an_enum_code_or_a_uuid(territoire, page: Page,
                                                                                   incidents: Incidents, tmp_path: Path) -> None:
    base, services = territoire
    personne = yasmina_orientee(services)
    enregistrer(services, "protection_accordee", "2025-01-20", "ofii-dt-paris",
                {"type": "REFUGIE", "decision_date": "2025-01-15", "organe": "OFPRA"}, personne)
    enregistrer(services, "orientation_agir", "2025-06-03", "ofii-dt-paris", {"vers": "agir-75"}, personne)
    enregistrer(services, "orientation_refusee", "2025-06-20", "agir-75",
                {"orientation_step_id": services.lectures.connect().exec_driver_sql(
                    "select step_id from etape where type = 'orientation_agir'").scalar(), "motif": "Injoignable"}, personne)
    slugs = {identifiant for identifiant, *_ in OPERATEURS}
    interdits = _codes_interdits()

    def verifier(adresse: str) -> None:
        page.goto(f"{base}{adresse}")
        texte = page.locator("body").inner_text()
        trouves = sorted({s for s in slugs if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", texte)}
                         | {c for c in interdits if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", texte)}
                         | set(UUID.findall(texte)))
        assert not trouves, f"{adresse} montre des codes : {trouves}"

    connecter(page, base, "ofii")
    for adresse in ("/", f"/personnes/{personne}", "/orientations", "/orientations/envoyees", "/recherche?nom=haddad",
                    f"/personnes/{personne}/etapes/nouvelle?type=orientation_spe",
                    f"/personnes/{personne}/etapes/nouvelle?type=evenement_corrige", "/personnes/nouvelle"):
        verifier(adresse)
    page.goto(f"{base}/personnes/{personne}")
    expect(page.locator("dl.resume")).to_contain_text(["orientation vers AGIR Paris refusée le 20/06/2025 (Injoignable)"])
    capturer(page, "27-personne-sans-code", tmp_path)
    page.get_by_role("button", name="Se déconnecter").click()
    connecter(page, base, "ml")
    page.get_by_role("link", name="Orientations reçues").click()
    page.get_by_role("button", name="Accepter et ouvrir l'accompagnement").click()
    for adresse in ("/", f"/personnes/{personne}", "/orientations", f"/personnes/{personne}/etapes/nouvelle?type=suivi_six_mois",
                    "/page-qui-n-existe-pas"):
        verifier(adresse)
    page.get_by_role("button", name="Se déconnecter").click()
    connecter(page, base, "resp-ml")
    for adresse in ("/journal", "/utilisateurs", f"/personnes/{personne}"):
        verifier(adresse)
    expect(page.locator("body")).to_contain_text("Karim Benali a consulté le dossier de Y. Haddad")
    capturer(page, "28-journal-en-phrases", tmp_path)
    page.goto(f"{base}/page-qui-n-existe-pas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")  # French, not werkzeug's English
    assert incidents.liste == [], "\n".join(incidents.liste)
