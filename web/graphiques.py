"""The dashboard's charts as accessible SVG drawn on the server: geometry here, markup in `ui/_graphique.html`.

Each `Figure` carries its title and description (the SVG's `<title>` and `<desc>`, read by screen
readers), its shapes, its legend and the table of the numbers it draws, so nothing is shown only as
a picture. Colours are classes of `static/app.css` (DSFR palette): the CSP forbids inline styles and
no script is needed. Reads `projections.tableau_de_bord.Graphiques`; imports no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from projections.tableau_de_bord import GROUPES_DE_SORTIES, Graphiques

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


def pourcentage(part: float | None) -> str:
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
