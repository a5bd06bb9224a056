"""The steering committee's spreadsheet downloads: the dashboard's indicator table and the ministry's
annual evaluation table of an action, as CSV, XLSX or ODS.

Reads the request's criteria, builds the sheets (`projections.tableau_de_bord`, `projections.evaluation_annuelle`)
and answers the file with its content type and name. The routes, and who may call them, are in `web.pages.dossier`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask import abort

from projections.evaluation_annuelle import Action, evaluer, feuilles
from projections.indicateurs import LIBELLES_PUBLICS, PROGRAMMES, Demande, DemandeInvalideError
from projections.masquage import masquer
from projections.tableau_de_bord import ENTETES_DU_TABLEAU, lignes_du_tableau
from projections.tableaux_calcules import document_calcule
from projections.tableurs import FORMATS, TYPES_MIME, Feuille, ecrire, feuille_de_metadonnees
from web.deps import aujourdhui, services
from web.pages.noms import nom_operateur

def format_demande(criteres: Mapping[str, str]) -> str:
    format_ = criteres.get("format") or "xlsx"
    if format_ not in FORMATS:
        abort(422, description=f"Format inconnu « {format_} » : choisir parmi {', '.join(FORMATS)}.")
    return format_


def reponse_tableur(liste: list[Feuille], format_: str, nom: str) -> tuple[bytes, int, dict[str, str]]:
    """The file as a download named `nom.<format>`."""
    return ecrire(liste, format_), 200, {
        "Content-Type": TYPES_MIME[format_],
        "Content-Disposition": f'attachment; filename="{nom}.{format_}"',
        "Cache-Control": "no-store",
    }


LIBELLES_FILTRES = {"departement": "Département", "operateur": "Opérateur", "public": "Public", "programme": "Programme"}


def tableau_de_bord(demande: Demande, criteres: Mapping[str, str], masque: bool = False) -> Any:
    """The dashboard's indicator table (the rows the page shows, protected when `masque`) and its metadata sheet."""
    format_ = format_demande(criteres)
    services().rattraper()
    document = document_calcule(services().lectures, demande, datetime.now(UTC))
    if masque:
        document = masquer(document)
    lignes = lignes_du_tableau(services().lectures, demande, document)
    indicateurs = Feuille("Indicateurs", ENTETES_DU_TABLEAU, [list(ligne)[1:] for ligne in lignes])
    return reponse_tableur([indicateurs, metadonnees_du_tableau(document)], format_,
                           f"indicateurs-{document['periode']['du']}-{document['periode']['au']}")


def metadonnees_du_tableau(document: dict[str, Any]) -> Feuille:
    """What the table counted and as of when: period, filters, log position, "vu au", production time, version."""
    champs: list[tuple[str, Any]] = [
        ("Objet", "Indicateurs d'évaluation du tableau de bord de pilotage (CONTRACT §5)"),
        ("Du", date.fromisoformat(document["periode"]["du"])),
        ("Au", date.fromisoformat(document["periode"]["au"])),
        *((f"Filtre : {LIBELLES_FILTRES.get(cle, cle)}", _filtre(cle, valeur)) for cle, valeur in document["filtres"].items()),
        ("Position du journal", document["position_journal"]),
        ("Vu au", date.fromisoformat(document["vu_au"]) if document["vu_au"] else "tout ce qui était enregistré"),
        ("Objectifs", _portee_des_objectifs(document)),
        ("Emploi durable", f"seuil utilisé : {document['seuil_emploi_durable']}"),
        ("Protection statistique", document["masquage"]["regle"] if "masquage" in document else "aucune (chiffres de l'opérateur)"),
    ]
    return feuille_de_metadonnees(champs, datetime.now(UTC))


def _portee_des_objectifs(document: dict[str, Any]) -> str:
    annee = document["periode"]["du"][:4]
    if document["periode"]["au"][:4] != annee:
        return "aucun : les objectifs sont annuels et la période couvre plusieurs années"
    filtres = document["filtres"]
    operateur = _filtre("operateur", filtres["operateur"]) if filtres.get("operateur") else "tous les opérateurs"
    programme = f"le programme {_filtre('programme', filtres['programme'])}" if filtres.get("programme") else "tous les programmes"
    return f"valeurs-cibles {annee} fixées pour {operateur} et {programme}"


def _filtre(cle: str, valeur: Any) -> str:
    """A filter as a reader says it: operators and programmes by name, publics in words."""
    if valeur is None or valeur == []:
        return "tous"
    if isinstance(valeur, list):
        return ", ".join(_filtre(cle, v) for v in valeur)
    if cle == "operateur":
        return nom_operateur(str(valeur))
    if cle == "public":
        return LIBELLES_PUBLICS.get(str(valeur), str(valeur))
    if cle == "programme" and valeur in PROGRAMMES:
        return PROGRAMMES[valeur][0]
    return str(valeur)


def evaluation_annuelle(criteres: Mapping[str, str]) -> Any:
    """The annex table of the action the criteria name (an operator, a département or none: national), for `annee`."""
    format_ = format_demande(criteres)
    try:
        annee = int(criteres.get("annee") or aujourdhui().year - 1)
        vu_au = date.fromisoformat(criteres["vu_au"]) if criteres.get("vu_au") else None
        action = Action(criteres.get("operateur") or None, criteres.get("departement") or None, criteres.get("action") or None)
        services().rattraper()
        evaluation = evaluer(services().lectures, annee, action, vu_au)
    except (ValueError, DemandeInvalideError) as erreur:
        abort(422, description=f"Critères invalides : {erreur}")
    return reponse_tableur(feuilles(evaluation, datetime.now(UTC)), format_, f"evaluation-annuelle-{annee}-{action.portee}")
