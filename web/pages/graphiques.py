"""The dashboard's charts as accessible SVG drawn on the server: geometry here, markup in `ui/_graphique.html`.

Each `Figure` carries its title and description (the SVG's `<title>` and `<desc>`, read by screen
readers), its shapes, its legend and the table of the numbers it draws, so nothing is shown only as
a picture. Colours are classes of `static/app.css` (DSFR palette): the CSP forbids inline styles and
no script is needed. Reads `projections.tableau_de_bord.Graphiques`; imports no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parcours.vocabulaire import ResultatVolet, VoletAgir
from projections.tableau_de_bord import (
    GROUPES_DE_SORTIES,
    LIBELLES_FREINS,
    LIBELLES_TYPES_SPE,
    OBJECTIFS_DU_PROGRAMME,
    Graphiques,
    GraphiquesAgirSpe,
)

LARGEUR = 720
MARGE_LIBELLES = 230
"""Room for the category labels left of horizontal bars."""
HAUTEUR_BARRE = 22
ECART_BARRES = 10


@dataclass
class Forme:
    """One SVG element: `genre` is rect, text, line, polyline or circle; `attributs` its presentation attributes."""

    genre: str
    attributs: dict[str, Any]
    texte: str = ""
    infobulle: str = ""


@dataclass
class Figure:
    ident: str
    titre: str
    description: str
    hauteur: int
    formes: list[Forme] = field(default_factory=list)
    legende: list[tuple[str, str]] = field(default_factory=list)
    entetes: list[str] = field(default_factory=list)
    lignes: list[list[str]] = field(default_factory=list)
    largeur: int = LARGEUR

    def rect(self, x: float, y: float, largeur: float, hauteur: float, classe: str, infobulle: str = "") -> None:
        self.formes.append(Forme("rect", {"x": _n(x), "y": _n(y), "width": _n(max(largeur, 0)), "height": _n(max(hauteur, 0)),
                                          "class": classe}, infobulle=infobulle))

    def texte(self, x: float, y: float, texte: str, ancre: str = "start", classe: str = "graphique-texte") -> None:
        self.formes.append(Forme("text", {"x": _n(x), "y": _n(y), "text-anchor": ancre, "class": classe}, texte))

    def trait(self, x1: float, y1: float, x2: float, y2: float, classe: str = "graphique-axe") -> None:
        self.formes.append(Forme("line", {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), "class": classe}))


def _n(valeur: float) -> str:
    return f"{valeur:.1f}".rstrip("0").rstrip(".")


def nombre(valeur: Any) -> str:
    """A number the French way: 1 234,5; a masked figure (« < 11 », « masqué ») as it is."""
    if valeur is None:
        return "—"
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, float) and not valeur.is_integer():
        return f"{valeur:,.3f}".rstrip("0").replace(",", "\u202f").replace(".", ",")
    return f"{int(valeur):,}".replace(",", "\u202f")


def pourcentage(part: float | str | None) -> str:
    """A rate in percent with a French decimal comma; a masked rate (« masqué ») is shown as it is."""
    if isinstance(part, str):
        return part
    return "—" if part is None else f"{part * 100:.1f}".replace(".", ",") + " %"


def _barres_horizontales(figure: Figure, libelles: list[str], y0: float = 10) -> list[float]:
    """Lays out one row per label and writes the labels; returns each row's top."""
    hauts = []
    for rang, libelle in enumerate(libelles):
        y = y0 + rang * (HAUTEUR_BARRE + ECART_BARRES)
        figure.texte(MARGE_LIBELLES - 8, y + HAUTEUR_BARRE * 0.7, libelle, "end")
        hauts.append(y)
    return hauts


def entonnoir(donnees: Graphiques) -> Figure:
    etapes = donnees.entonnoir
    base = etapes[0][2] if etapes else 0
    figure = Figure(
        "graphique-entonnoir", "Entonnoir du parcours",
        f"Sur {nombre(base)} signataires du CIR de la période : "
        + " ; ".join(f"{libelle} {nombre(n)} ({pourcentage(n / base if base else None)})" for _, libelle, n in etapes) + ".",
        hauteur=20 + len(etapes) * (HAUTEUR_BARRE + ECART_BARRES),
        entetes=["Étape", "Personnes", "Part des signataires"],
    )
    echelle = (LARGEUR - MARGE_LIBELLES - 110) / base if base else 0
    for (_, libelle, n), y in zip(etapes, _barres_horizontales(figure, [libelle for _, libelle, _ in etapes])):
        figure.rect(MARGE_LIBELLES, y, n * echelle, HAUTEUR_BARRE, "graphique-serie-1", f"{libelle} : {nombre(n)}")
        figure.texte(MARGE_LIBELLES + n * echelle + 6, y + HAUTEUR_BARRE * 0.7,
                     f"{nombre(n)} ({pourcentage(n / base if base else None)})")
        figure.lignes.append([libelle, nombre(n), pourcentage(n / base if base else None)])
    return figure


def sorties_par_departement(donnees: Graphiques) -> Figure:
    repartition = donnees.sorties_par_departement
    totaux = [sum(groupes.values()) for _, groupes in repartition]
    figure = Figure(
        "graphique-sorties", "Sorties d'accompagnement par catégorie et par département",
        "Barres empilées, une par département de la personne : "
        + " ; ".join(f"{departement} : {nombre(total)} sorties dont "
                     + ", ".join(f"{libelle.lower()} {nombre(groupes[cle])}" for cle, libelle in GROUPES_DE_SORTIES)
                     for (departement, groupes), total in zip(repartition, totaux)) + "." if repartition
        else "Aucune sortie d'accompagnement dans la période.",
        hauteur=60 + max(len(repartition), 1) * (HAUTEUR_BARRE + ECART_BARRES),
        legende=[(f"graphique-serie-{rang}", libelle) for rang, (_, libelle) in enumerate(GROUPES_DE_SORTIES, start=1)],
        entetes=["Département", *[libelle for _, libelle in GROUPES_DE_SORTIES], "Total"],
    )
    maximum = max(totaux, default=0)
    echelle = (LARGEUR - MARGE_LIBELLES - 60) / maximum if maximum else 0
    for (departement, groupes), total, y in zip(repartition, totaux, _barres_horizontales(figure, [d for d, _ in repartition])):
        x = MARGE_LIBELLES
        for rang, (cle, libelle) in enumerate(GROUPES_DE_SORTIES, start=1):
            figure.rect(x, y, groupes[cle] * echelle, HAUTEUR_BARRE, f"graphique-serie-{rang}",
                        f"{departement} — {libelle} : {nombre(groupes[cle])}")
            x += groupes[cle] * echelle
        figure.texte(x + 6, y + HAUTEUR_BARRE * 0.7, nombre(total))
        figure.lignes.append([departement, *[nombre(groupes[cle]) for cle, _ in GROUPES_DE_SORTIES], nombre(total)])
    _legende(figure, figure.hauteur - 30)
    return figure


def _legende(figure: Figure, y: float) -> None:
    x = 10.0
    for classe, libelle in figure.legende:
        figure.rect(x, y, 14, 14, classe)
        figure.texte(x + 20, y + 11, libelle)
        x += 30 + 7 * len(libelle)


def histogramme_des_durees(donnees: Graphiques) -> Figure:
    durees = donnees.durees
    total = sum(n for _, n in durees)
    figure = Figure(
        "graphique-durees", "Durée des accompagnements terminés dans la période",
        f"Histogramme de {nombre(total)} sorties non neutres par durée d'accompagnement : "
        + " ; ".join(f"{libelle} : {nombre(n)}" for libelle, n in durees) + ".",
        hauteur=260, entetes=["Durée", "Sorties", "Part"],
    )
    bas, haut_max = 220, 30
    maximum = max((n for _, n in durees), default=0)
    largeur_barre = (LARGEUR - 60) / max(len(durees), 1)
    figure.trait(40, bas, LARGEUR - 10, bas)
    for rang, (libelle, n) in enumerate(durees):
        hauteur = (bas - haut_max) * n / maximum if maximum else 0
        x = 45 + rang * largeur_barre
        figure.rect(x, bas - hauteur, largeur_barre - 8, hauteur, "graphique-serie-1", f"{libelle} : {nombre(n)}")
        figure.texte(x + (largeur_barre - 8) / 2, bas - hauteur - 5, nombre(n), "middle")
        figure.texte(x + (largeur_barre - 8) / 2, bas + 16, libelle.replace(" à moins de ", "–").replace(" mois et plus", " et +").replace(" mois", ""), "middle")
        figure.lignes.append([libelle, nombre(n), pourcentage(n / total if total else None)])
    figure.texte(LARGEUR - 10, bas + 34, "mois d'accompagnement", "end", "graphique-texte graphique-texte--discret")
    return figure


def tendances(donnees: Graphiques) -> Figure:
    periodes = donnees.tendances
    figure = Figure(
        "graphique-tendances", "Entrées et sorties par période",
        "Courbes des entrées (public cible) et des sorties d'accompagnement : "
        + " ; ".join(f"{p['periode']} : {nombre(p['entrees'])} entrées, {nombre(p['sorties'])} sorties "
                     f"(taux de sortie positive {pourcentage(p['taux_sortie_positive'])})" for p in periodes) + ".",
        hauteur=290,
        legende=[("graphique-serie-1", "Entrées"), ("graphique-serie-3", "Sorties")],
        entetes=["Période", "Entrées", "Sorties", "Sorties positives", "Taux de sortie positive"],
    )
    bas, haut = 220, 20
    maximum = max((max(p["entrees"], p["sorties"]) for p in periodes), default=0)
    pas = (LARGEUR - 100) / max(len(periodes) - 1, 1)
    figure.trait(50, bas, LARGEUR - 30, bas)
    figure.trait(50, haut, 50, bas)
    figure.texte(44, haut + 4, nombre(maximum), "end")
    figure.texte(44, bas + 4, "0", "end")
    for serie, cle in ((1, "entrees"), (3, "sorties")):
        points = []
        for rang, p in enumerate(periodes):
            x = 60 + rang * pas
            y = bas - ((bas - haut) * p[cle] / maximum if maximum else 0)
            points.append(f"{_n(x)},{_n(y)}")
            figure.formes.append(Forme("circle", {"cx": _n(x), "cy": _n(y), "r": "4", "class": f"graphique-serie-{serie}"},
                                       infobulle=f"{p['periode']} — {cle} : {nombre(p[cle])}"))
        if len(points) > 1:
            figure.formes.insert(0, Forme("polyline", {"points": " ".join(points), "class": f"graphique-trait-{serie}"}))
    for rang, p in enumerate(periodes):
        figure.texte(60 + rang * pas, bas + 16, p["periode"], "middle")
        figure.lignes.append([p["periode"], nombre(p["entrees"]), nombre(p["sorties"]), nombre(p["sorties_positives"]),
                              pourcentage(p["taux_sortie_positive"])])
    _legende(figure, figure.hauteur - 30)
    return figure


def comparaison_des_departements(donnees: Graphiques) -> Figure:
    lignes = donnees.comparaison
    figure = Figure(
        "graphique-departements", "Taux de sortie positive par département",
        "Barres de 0 à 100 % : " + " ; ".join(f"{d} : {pourcentage(tx)} sur {nombre(n)} sorties non neutres" for d, n, _, tx in lignes) + "."
        if lignes else "Aucune sortie d'accompagnement dans la période.",
        hauteur=16 + max(len(lignes), 1) * (HAUTEUR_BARRE + ECART_BARRES),
        entetes=["Département", "Sorties non neutres", "Sorties positives", "Taux de sortie positive"],
    )
    etendue = LARGEUR - MARGE_LIBELLES - 130
    hauts = _barres_horizontales(figure, [d for d, *_ in lignes])
    for (departement, non_neutres, positives, tx), y in zip(lignes, hauts):
        figure.rect(MARGE_LIBELLES, y, etendue, HAUTEUR_BARRE, "graphique-fond")
        figure.rect(MARGE_LIBELLES, y, etendue * (tx or 0), HAUTEUR_BARRE, "graphique-serie-3", f"{departement} : {pourcentage(tx)}")
        figure.texte(MARGE_LIBELLES + etendue + 6, y + HAUTEUR_BARRE * 0.7, f"{pourcentage(tx)} (n = {nombre(non_neutres)})")
        figure.lignes.append([departement, nombre(non_neutres), nombre(positives), pourcentage(tx)])
    return figure


def figures(donnees: Graphiques) -> list[Figure]:
    """Every chart of the dashboard, in the order of the page."""
    return [entonnoir(donnees), sorties_par_departement(donnees), histogramme_des_durees(donnees), tendances(donnees),
            comparaison_des_departements(donnees)]


# AGIR and the employment service's return (CONTRACT §9) ------------------------------------------------

LIBELLES_VOLETS = {volet.value: volet.libelle for volet in VoletAgir}
RESULTATS_VOLETS = [(resultat.value, resultat.libelle) for resultat in ResultatVolet]
CIBLE_EMPLOI = OBJECTIFS_DU_PROGRAMME["agir.taux_emploi_formation_durable"]
CIBLE_LOGEMENT = OBJECTIFS_DU_PROGRAMME["agir.taux_logement_perenne"]


def agir_entonnoir(donnees: GraphiquesAgirSpe) -> Figure:
    a = donnees.agir
    etapes = [("Orientations", a["orientations"]), ("Accueils", a["accueils"]), ("Entrées", a["entrees"]),
              ("Sorties", a["sorties"]), ("dont objectifs atteints", a["sorties_objectifs_atteints"])]
    figure = Figure(
        "graphique-agir-entonnoir", "AGIR : de l'orientation à la sortie",
        "Nombre d'étapes AGIR datées dans la période : " + " ; ".join(f"{libelle} {nombre(n)}" for libelle, n in etapes)
        + f". Délai moyen orientation → accueil : {nombre(a['delai_moyen_accueil_jours'])} jours ; "
        f"en cours en fin de période : {nombre(a['en_cours'])}, dont {nombre(a['au_dela_24_mois'])} au-delà de 24 mois.",
        hauteur=20 + len(etapes) * (HAUTEUR_BARRE + ECART_BARRES),
        entetes=["Étape", "Nombre"],
    )
    maximum = max((n for _, n in etapes), default=0)
    echelle = (LARGEUR - MARGE_LIBELLES - 80) / maximum if maximum else 0
    for (libelle, n), y in zip(etapes, _barres_horizontales(figure, [libelle for libelle, _ in etapes])):
        figure.rect(MARGE_LIBELLES, y, n * echelle, HAUTEUR_BARRE, "graphique-serie-1", f"{libelle} : {nombre(n)}")
        figure.texte(MARGE_LIBELLES + n * echelle + 6, y + HAUTEUR_BARRE * 0.7, nombre(n))
        figure.lignes.append([libelle, nombre(n)])
    figure.lignes += [["Délai moyen orientation → accueil (jours)", nombre(a["delai_moyen_accueil_jours"])],
                      ["Accompagnements en cours en fin de période", nombre(a["en_cours"])],
                      ["dont au-delà de 24 mois", nombre(a["au_dela_24_mois"])]]
    return figure


def agir_cibles(donnees: GraphiquesAgirSpe) -> Figure:
    lignes = [("Ensemble", donnees.agir), *donnees.agir_par_departement]
    barres = [(f"{nom} — emploi ou formation", a["taux_emploi_formation_durable"], CIBLE_EMPLOI, a) for nom, a in lignes] + \
             [(f"{nom} — logement pérenne", a["taux_logement_perenne"], CIBLE_LOGEMENT, a) for nom, a in lignes]
    barres.sort(key=lambda b: (b[0].split(" — ")[0] != "Ensemble", b[0]))
    figure = Figure(
        "graphique-agir-cibles", "AGIR : sorties en emploi ou formation durable et en logement pérenne, face aux cibles",
        f"Parts des sorties non neutres (cibles du programme : {pourcentage(CIBLE_EMPLOI)} en emploi ou formation durable, "
        f"{pourcentage(CIBLE_LOGEMENT)} en logement pérenne ; trait vertical) : "
        + " ; ".join(f"{libelle} {pourcentage(tx)}" for libelle, tx, _, _ in barres) + ".",
        hauteur=16 + len(barres) * (HAUTEUR_BARRE + ECART_BARRES),
        entetes=["Territoire", "Sorties", "Sorties neutres", "Emploi ou formation durable", "Taux (cible 60 %)",
                 "Logement pérenne", "Taux (cible 80 %)"],
    )
    etendue = LARGEUR - MARGE_LIBELLES - 130
    for (libelle, tx, cible, _), y in zip(barres, _barres_horizontales(figure, [b[0] for b in barres])):
        figure.rect(MARGE_LIBELLES, y, etendue, HAUTEUR_BARRE, "graphique-fond")
        serie = "graphique-serie-3" if tx is not None and tx >= cible else "graphique-serie-4"
        figure.rect(MARGE_LIBELLES, y, etendue * (tx or 0), HAUTEUR_BARRE, serie, f"{libelle} : {pourcentage(tx)}")
        figure.trait(MARGE_LIBELLES + etendue * cible, y - 3, MARGE_LIBELLES + etendue * cible, y + HAUTEUR_BARRE + 3, "graphique-cible")
        figure.texte(MARGE_LIBELLES + etendue + 6, y + HAUTEUR_BARRE * 0.7, f"{pourcentage(tx)} (cible {pourcentage(cible)})")
    for nom, a in lignes:
        figure.lignes.append([nom, nombre(a["sorties"]), nombre(a["sorties_neutres"]), nombre(a["sorties_emploi_formation_durable"]),
                              pourcentage(a["taux_emploi_formation_durable"]), nombre(a["sorties_logement_perenne"]),
                              pourcentage(a["taux_logement_perenne"])])
    return figure


def agir_volets(donnees: GraphiquesAgirSpe) -> Figure:
    volets = donnees.volets
    totaux = [sum(r.values()) for _, r in volets]
    figure = Figure(
        "graphique-agir-volets", "AGIR : résultat des volets clôturés dans la période",
        "Barres empilées par volet : " + " ; ".join(
            f"{LIBELLES_VOLETS[v]} : " + ", ".join(f"{libelle.lower()} {nombre(r[cle])}" for cle, libelle in RESULTATS_VOLETS)
            for v, r in volets) + ".",
        hauteur=60 + len(volets) * (HAUTEUR_BARRE + ECART_BARRES),
        legende=[(f"graphique-serie-{rang}", libelle) for rang, (_, libelle) in zip((3, 4, 5), RESULTATS_VOLETS)],
        entetes=["Volet", *[libelle for _, libelle in RESULTATS_VOLETS], "Total", "Part atteinte"],
    )
    maximum = max(totaux, default=0)
    echelle = (LARGEUR - MARGE_LIBELLES - 60) / maximum if maximum else 0
    for (volet, resultats), total, y in zip(volets, totaux, _barres_horizontales(figure, [LIBELLES_VOLETS[v] for v, _ in volets])):
        x = MARGE_LIBELLES
        for rang, (cle, libelle) in zip((3, 4, 5), RESULTATS_VOLETS):
            figure.rect(x, y, resultats[cle] * echelle, HAUTEUR_BARRE, f"graphique-serie-{rang}",
                        f"{LIBELLES_VOLETS[volet]} — {libelle} : {nombre(resultats[cle])}")
            x += resultats[cle] * echelle
        figure.texte(x + 6, y + HAUTEUR_BARRE * 0.7, nombre(total))
        figure.lignes.append([LIBELLES_VOLETS[volet], *[nombre(resultats[cle]) for cle, _ in RESULTATS_VOLETS], nombre(total),
                              pourcentage(resultats["ATTEINT"] / total if total else None)])
    _legende(figure, figure.hauteur - 30)
    return figure


def spe_delais(donnees: GraphiquesAgirSpe) -> Figure:
    types = list(donnees.spe["par_type_operateur"].items())
    figure = Figure(
        "graphique-spe-delais", "Service public de l'emploi : délais par type d'opérateur destinataire",
        "Délais moyens en jours depuis l'orientation, pour les orientations de la période : " + " ; ".join(
            f"{LIBELLES_TYPES_SPE[k]} : réponse {nombre(c['delai_moyen_reponse_jours'])} j, premier rendez-vous "
            f"{nombre(c['delai_moyen_premier_rdv_jours'])} j" for k, c in types) + ".",
        hauteur=60 + len(types) * (HAUTEUR_BARRE + ECART_BARRES),
        legende=[("graphique-serie-1", "Délai de réponse"), ("graphique-serie-2", "Délai du premier rendez-vous honoré")],
        entetes=["Type d'opérateur", "Orientations", "Acceptées", "Refusées", "Sans réponse", "Délai moyen de réponse (j)",
                 "Inscrits", "Premier rendez-vous honoré", "Délai moyen du premier rendez-vous (j)", "Diagnostics"],
    )
    maximum = max((c[cle] or 0 for _, c in types for cle in ("delai_moyen_reponse_jours", "delai_moyen_premier_rdv_jours")), default=0)
    echelle = (LARGEUR - MARGE_LIBELLES - 90) / maximum if maximum else 0
    for (cle_type, c), y in zip(types, _barres_horizontales(figure, [LIBELLES_TYPES_SPE[k] for k, _ in types])):
        for decalage, (serie, cle) in enumerate(((1, "delai_moyen_reponse_jours"), (2, "delai_moyen_premier_rdv_jours"))):
            valeur = c[cle] or 0
            hauteur = HAUTEUR_BARRE / 2
            figure.rect(MARGE_LIBELLES, y + decalage * hauteur, valeur * echelle, hauteur - 1, f"graphique-serie-{serie}",
                        f"{LIBELLES_TYPES_SPE[cle_type]} — {cle.replace('_', ' ')} : {nombre(c[cle])} j")
            figure.texte(MARGE_LIBELLES + valeur * echelle + 6, y + decalage * hauteur + hauteur * 0.8, f"{nombre(c[cle])} j")
        figure.lignes.append([LIBELLES_TYPES_SPE[cle_type], nombre(c["orientations"]), nombre(c["acceptees"]), nombre(c["refusees"]),
                              nombre(c["sans_reponse"]), nombre(c["delai_moyen_reponse_jours"]), nombre(c["inscrits"]),
                              nombre(c["premier_rdv_honore"]), nombre(c["delai_moyen_premier_rdv_jours"]), nombre(c["diagnostics"])])
    _legende(figure, figure.hauteur - 30)
    return figure


def spe_freins(donnees: GraphiquesAgirSpe) -> Figure:
    freins = donnees.spe["freins"]
    types = list(donnees.spe["par_type_operateur"].items())
    diagnostics = donnees.spe["diagnostics"]
    figure = Figure(
        "graphique-spe-freins", "Service public de l'emploi : freins repérés aux diagnostics approfondis",
        f"Sur {nombre(diagnostics)} diagnostics : " + " ; ".join(
            f"{LIBELLES_FREINS[f]} {nombre(n)} ({pourcentage(n / diagnostics if diagnostics else None)})" for f, n in freins.items()) + ".",
        hauteur=20 + len(freins) * (HAUTEUR_BARRE + ECART_BARRES),
        entetes=["Frein", "Diagnostics", "Part", *[LIBELLES_TYPES_SPE[k] for k, _ in types]],
    )
    maximum = max(freins.values(), default=0)
    echelle = (LARGEUR - MARGE_LIBELLES - 110) / maximum if maximum else 0
    for (frein, n), y in zip(freins.items(), _barres_horizontales(figure, [LIBELLES_FREINS[f] for f in freins])):
        figure.rect(MARGE_LIBELLES, y, n * echelle, HAUTEUR_BARRE, "graphique-serie-2", f"{LIBELLES_FREINS[frein]} : {nombre(n)}")
        figure.texte(MARGE_LIBELLES + n * echelle + 6, y + HAUTEUR_BARRE * 0.7,
                     f"{nombre(n)} ({pourcentage(n / diagnostics if diagnostics else None)})")
        figure.lignes.append([LIBELLES_FREINS[frein], nombre(n), pourcentage(n / diagnostics if diagnostics else None),
                              *[nombre(c["freins"][frein]) for _, c in types]])
    return figure


def figures_agir_spe(donnees: GraphiquesAgirSpe) -> dict[str, list[Figure]]:
    """The AGIR and SPE sections of the dashboard, each a list of charts."""
    return {
        "AGIR": [agir_entonnoir(donnees), agir_cibles(donnees), agir_volets(donnees)],
        "Retour du service public de l'emploi": [spe_delais(donnees), spe_freins(donnees)],
    }
