"""A synthetic, realistic demo territory: three départements, their operators, and people's pathways.

Distributions follow reference/domain.md §4 (motifs, sexes, ages, language levels, forfaits,
orientations, AGIR, housing, exits, follow-ups); every generated step obeys the hard rules of
CONTRACT §3, so it goes through the same validation as real input. Same (people, seed, instant) ⇒
same steps, step ids included. Names are invented. Must not import flask nor the database layers.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from parcours.dates import add_months, age_revolu, fenetre_suivi

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class OperateurDemo:
    id: str
    type: str
    departement: str
    nom: str


@dataclass(frozen=True)
class EtapeDemo:
    etape: dict[str, Any]
    enregistre_le: datetime


@dataclass(frozen=True)
class _Departement:
    code: str
    ville: str
    suffixe: str
    poids: float


DEPARTEMENTS = (
    _Departement("75", "Paris", "paris", 0.45),
    _Departement("93", "Bobigny", "bobigny", 0.35),
    _Departement("59", "Lille", "lille", 0.20),
)


def _operateurs(dep: _Departement) -> dict[str, OperateurDemo]:
    c, v, s = dep.code, dep.ville, dep.suffixe
    return {
        "OFII": OperateurDemo(f"ofii-dt-{s}", "OFII", c, f"OFII — direction territoriale de {v}"),
        "PREFECTURE": OperateurDemo(f"prefecture-{c}", "PREFECTURE", c, f"Préfecture ({c})"),
        "FRANCE_TRAVAIL": OperateurDemo(f"france-travail-{c}", "FRANCE_TRAVAIL", c, f"France Travail {v}"),
        "MISSION_LOCALE": OperateurDemo(f"mission-locale-{s}", "MISSION_LOCALE", c, f"Mission locale de {v}"),
        "CAP_EMPLOI": OperateurDemo(f"cap-emploi-{c}", "CAP_EMPLOI", c, f"Cap emploi {v}"),
        "AGIR": OperateurDemo(f"agir-{c}", "AGIR", c, f"AGIR {v}"),
        "ASSOCIATION": OperateurDemo(f"asso-{c}", "ASSOCIATION", c, f"Association d'accompagnement des réfugiés ({v})"),
        "LOGEMENT": OperateurDemo(f"logement-{c}", "LOGEMENT", c, f"Opérateur logement et IML ({v})"),
        "ORGANISME_FORMATION": OperateurDemo(f"langues-{c}", "ORGANISME_FORMATION", c, f"Organisme de formation linguistique ({v})"),
    }


OPERATEURS = {dep.code: _operateurs(dep) for dep in DEPARTEMENTS}


def operateurs_demo() -> list[OperateurDemo]:
    return [op for ops in OPERATEURS.values() for op in ops.values()]


PRENOMS_F = ("Amina", "Fatoumata", "Mariam", "Aïcha", "Nadia", "Sara", "Zahra", "Leila", "Hawa", "Khadija", "Olena",
             "Yasmina", "Meron", "Salma", "Rokia", "Farah", "Nour", "Aminata", "Djeneba", "Selin", "Tahmina", "Grace")
PRENOMS_M = ("Ahmad", "Mohamed", "Abdoulaye", "Yonas", "Omar", "Ali", "Ibrahima", "Karim", "Moussa", "Hassan", "Bilal",
             "Mamadou", "Samir", "Youssef", "Dawit", "Emre", "Rahim", "Jean-Baptiste", "Ousmane", "Tarek", "Nabil", "Idriss")
NOMS = ("Haidari", "Diallo", "Traoré", "Kebede", "Mansouri", "Camara", "Yilmaz", "Benali", "Sow", "Haddad", "Ahmadi",
        "Keita", "Tesfaye", "Bakari", "Nasser", "Koné", "Rahimi", "Demir", "Okafor", "Mbemba", "Popescu", "Rahman",
        "Kaya", "Cissé", "Touré", "Amiri", "Hussaini", "Kabongo", "Ndiaye", "Osmani", "Kovalenko", "Saïdi")
NATIONALITES = {
    "HUMANITAIRE": (("AFG", 30), ("SYR", 10), ("ERI", 8), ("SDN", 8), ("GIN", 7), ("TUR", 6), ("CIV", 5), ("COD", 5),
                    ("BGD", 4), ("PAK", 4), ("RUS", 3), ("HTI", 3), ("SOM", 3), ("IRN", 4)),
    "AUTRE": (("DZA", 22), ("MAR", 20), ("TUN", 12), ("CMR", 6), ("CIV", 6), ("SEN", 6), ("COM", 4), ("MLI", 5),
              ("TUR", 4), ("CHN", 4), ("UKR", 3), ("HTI", 4), ("IND", 4)),
}
AGENTS = ("a.martin", "b.nguyen", "c.dubois", "d.benaissa", "e.petit", "f.moreau", "g.lambert", "h.fontaine")
MIX_SORTIES = (
    ("EMPLOI_CDI", 8), ("EMPLOI_DURABLE_6M_PLUS", 14), ("EMPLOI_MOINS_6M", 16), ("CREATION_ENTREPRISE", 1),
    ("FORMATION_QUALIFIANTE", 3), ("FORMATION_CERTIFIANTE", 2), ("FORMATION_DIPLOMANTE", 1), ("FORMATION_PRE_QUALIFIANTE", 3),
    ("FORMATION_LINGUISTIQUE", 8), ("RECHERCHE_EMPLOI", 22), ("INACTIVITE", 6), ("ABANDON_PERDU_DE_VUE", 12),
    ("DEMENAGEMENT", 2), ("TRANSFERT", 1.5), ("DECES", 0.5),
)
POSITIVES = {"EMPLOI_CDI", "EMPLOI_FONCTION_PUBLIQUE", "CREATION_ENTREPRISE", "EMPLOI_DURABLE_6M_PLUS", "EMPLOI_MOINS_6M",
             "FORMATION_QUALIFIANTE", "FORMATION_CERTIFIANTE", "FORMATION_DIPLOMANTE", "FORMATION_PRE_QUALIFIANTE"}
PERENNES = ("LOCATAIRE_PARC_SOCIAL", "LOCATAIRE_PARC_PRIVE", "LOGEMENT_ACCOMPAGNE", "IML_MANDAT_GESTION")
NIVEAUX = ("INFRA_A1", "A1", "A2", "B1_ET_PLUS")


def _choix(rng: random.Random, ponderes: tuple[tuple[Any, float], ...]) -> Any:
    valeurs, poids = zip(*ponderes)
    return rng.choices(valeurs, weights=poids)[0]


@dataclass
class _Personne:
    """One person's steps while they are generated (sorted into recording order at the end)."""

    rng: random.Random
    dep: _Departement
    reference: dict[str, str] | None
    aujourdhui: date
    etapes: list[tuple[date, int, dict[str, Any]]] = field(default_factory=list)

    def op(self, type_: str) -> str:
        return OPERATEURS[self.dep.code][type_].id

    def ajouter(self, type_: str, jour: date, operateur: str, data: dict[str, Any], nom: str | None = None) -> str | None:
        """Add a step unless it lies in the future; returns its step_id (None when dropped)."""
        if jour > self.aujourdhui:
            return None
        step_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        etape = {"step_id": step_id, "type": type_, "occurred_on": jour.isoformat(), "operateur": operateur,
                 "agent": self.rng.choice(AGENTS), "data": data}
        if type_ != "personne_enregistree" or (self.reference and "parcours_id" in self.reference):
            etape["personne"] = self.reference
        self.etapes.append((jour, len(self.etapes), etape))
        return step_id


def generer_etapes(personnes: int, graine: int, maintenant: datetime) -> Iterator[EtapeDemo]:
    """Every step of `personnes` synthetic people, person after person, each in a valid recording order."""
    rng = random.Random(graine)
    aujourdhui = maintenant.astimezone(PARIS).date() - timedelta(days=1)
    menages: dict[str, tuple[str, int]] = {}
    for numero in range(personnes):
        dep = _choix(rng, tuple((d, d.poids) for d in DEPARTEMENTS))
        avec_numero = rng.random() < 0.95
        numero_etranger = f"{dep.code[:2]}{(numero * 7919 + graine * 104729) % 10**8:08d}" if avec_numero else None
        reference = (
            {"numero_etranger": numero_etranger} if numero_etranger
            else {"parcours_id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        )
        personne = _Personne(rng, dep, reference, aujourdhui)
        _parcours(personne, numero_etranger, menages)
        yield from _dans_l_ordre(personne, maintenant)


def _dans_l_ordre(personne: _Personne, maintenant: datetime) -> Iterator[EtapeDemo]:
    rng = personne.rng
    ordonnees = sorted(personne.etapes, key=lambda e: (e[2]["type"] != "personne_enregistree", e[0], e[1]))
    precedent = None
    for jour, _, etape in ordonnees:
        tirage = rng.random()
        delai = rng.randint(0, 10) if tirage < 0.88 else rng.randint(10, 60) if tirage < 0.98 else rng.randint(60, 200)
        heure = time(rng.randint(8, 18), rng.randint(0, 59))
        enregistre_le = datetime.combine(jour + timedelta(days=delai), heure, PARIS).astimezone(timezone.utc)
        enregistre_le = min(enregistre_le, maintenant)
        if precedent is not None:
            enregistre_le = max(enregistre_le, precedent)
        precedent = enregistre_le
        yield EtapeDemo(etape, enregistre_le)


def _parcours(p: _Personne, numero_etranger: str | None, menages: dict[str, tuple[str, int]]) -> None:
    rng = p.rng
    motif = _choix(rng, (("FAMILIAL", 53), ("HUMANITAIRE", 27), ("ECONOMIQUE", 13), ("DIVERS", 7)))
    part_hommes = {"FAMILIAL": 0.40, "HUMANITAIRE": 0.68, "ECONOMIQUE": 0.75, "DIVERS": 0.55}[motif]
    sexe = "X" if rng.random() < 0.005 else ("M" if rng.random() < part_hommes else "F")
    premier_titre = p.aujourdhui - timedelta(days=rng.randint(40, 4 * 365))
    signature = premier_titre + timedelta(days=rng.randint(20, 90))
    bande = _choix(rng, (((16, 17), 2), ((18, 25), 18), ((26, 35), 40), ((36, 45), 25), ((46, 55), 10), ((56, 70), 5)))
    age = rng.randint(*bande)
    naissance = signature - timedelta(days=365 * age + rng.randint(30, 330))
    while age_revolu(naissance, signature) < 16:
        naissance -= timedelta(days=30)
    nationalite = _choix(rng, NATIONALITES["HUMANITAIRE" if motif == "HUMANITAIRE" else "AUTRE"])
    prenoms = PRENOMS_F if sexe == "F" else PRENOMS_M if sexe == "M" else PRENOMS_F + PRENOMS_M
    identite: dict[str, Any] = {
        "nom": rng.choice(NOMS), "prenom": rng.choice(prenoms), "date_naissance": naissance.isoformat(), "sexe": sexe,
        "nationalite": nationalite, "departement": p.dep.code,
    }
    if numero_etranger:
        identite["numero_etranger"] = numero_etranger
    menage = _menage(rng, p.dep.code, menages)
    if menage:
        identite["menage"] = menage
    enregistrement = premier_titre - timedelta(days=rng.randint(0, 10))
    if p.ajouter("personne_enregistree", enregistrement, p.op("OFII"), identite) is None:
        return
    protection_le = None
    if motif == "HUMANITAIRE":
        sous_motif = _choix(rng, (("REFUGIE", 58), ("PROTECTION_SUBSIDIAIRE", 40), ("APATRIDE", 2)))
        protection_le = premier_titre - timedelta(days=rng.randint(10, 120))
        p.ajouter("protection_accordee", protection_le, p.op(rng.choice(("OFII", "ASSOCIATION"))),
                  {"type": sous_motif, "decision_date": protection_le.isoformat(), "organe": "OFPRA" if rng.random() < 0.8 else "CNDA"})
        type_titre = "CARTE_RESIDENT" if sous_motif == "REFUGIE" else "CARTE_SEJOUR_PLURIANNUELLE"
    else:
        sous_motif = _choix(rng, {
            "FAMILIAL": (("REGROUPEMENT_FAMILIAL", 30), ("CONJOINT_DE_FRANCAIS", 40), ("PARENT_ENFANT_FRANCAIS", 10),
                         ("VIE_PRIVEE_FAMILIALE_AUTRE", 15), ("FAMILLE_DE_REFUGIE", 5)),
            "ECONOMIQUE": (("SALARIE", 60), ("TRAVAILLEUR_TEMPORAIRE", 10), ("PASSEPORT_TALENT", 15), ("ENTREPRENEUR", 5), ("AUTRE", 10)),
            "DIVERS": (("VISITEUR", 30), ("MINEUR_DEVENU_MAJEUR", 40), ("AUTRE", 30)),
        }[motif])
        type_titre = _choix(rng, (("VLS_TS", 70), ("CARTE_SEJOUR_TEMPORAIRE", 30)))
    annees = 10 if type_titre == "CARTE_RESIDENT" else 4 if type_titre == "CARTE_SEJOUR_PLURIANNUELLE" else 1
    p.ajouter("titre_sejour_delivre", premier_titre, p.op("PREFECTURE"), {
        "motif": motif, "sous_motif": sous_motif, "type_titre": type_titre, "valid_from": premier_titre.isoformat(),
        "valid_to": (add_months(premier_titre, 12 * annees) - timedelta(days=1)).isoformat(), "premier_titre": True,
    })
    bpi = motif == "HUMANITAIRE"
    if rng.random() < 0.90:
        _cir(p, signature, naissance, motif, protection_le)
    elif rng.random() < 0.3:
        _logement(p, premier_titre + timedelta(days=rng.randint(5, 60)), bpi=bpi)
    if (bpi and rng.random() < 0.20) or rng.random() < 0.03:
        debut = premier_titre + timedelta(days=rng.randint(90, 360))
        _episode(p, p.op("ASSOCIATION"), debut, "ACTION_BOP104")
    if rng.random() < 0.02:
        p.ajouter("note", premier_titre + timedelta(days=rng.randint(30, 300)), p.op(rng.choice(("OFII", "ASSOCIATION"))),
                  {"texte": rng.choice(("Souhaite une formation dans le bâtiment.", "Garde d'enfants à trouver avant l'entrée en formation.",
                                        "Diplôme d'infirmière obtenu au pays : reconnaissance à étudier.")),
                   "visibilite": rng.choice(("OPERATEUR", "PARTAGEE"))})
    _corriger_ou_annuler(p)


def _menage(rng: random.Random, departement: str, menages: dict[str, tuple[str, int]]) -> str | None:
    ouvert = menages.get(departement)
    if ouvert is not None and rng.random() < 0.6:
        identifiant, restants = ouvert
        if restants <= 1:
            del menages[departement]
        else:
            menages[departement] = (identifiant, restants - 1)
        return identifiant
    if rng.random() < 0.08:
        identifiant = f"menage-{departement}-{rng.getrandbits(40):010x}"
        menages[departement] = (identifiant, rng.randint(1, 3))
        return identifiant
    return None


def _cir(p: _Personne, signature: date, naissance: date, motif: str, protection_le: date | None) -> None:
    rng = p.rng
    ofii = p.op("OFII")
    sous_a1 = rng.random() < {"HUMANITAIRE": 0.75, "FAMILIAL": 0.5, "ECONOMIQUE": 0.2, "DIVERS": 0.4}[motif]
    if sous_a1:
        oral, ecrit = rng.choice((("INFRA_A1", "INFRA_A1"), ("A1", "INFRA_A1"), ("INFRA_A1", "A1")))
        nlns = ecrit == "INFRA_A1" and rng.random() < 0.35
    else:
        oral, ecrit = rng.choice(NIVEAUX[1:]), rng.choice(NIVEAUX[1:])
        nlns = False
    p.ajouter("positionnement_linguistique", signature, ofii, {"niveau_oral": oral, "niveau_ecrit": ecrit, "non_lecteur_non_scripteur": nlns})
    donnees_cir: dict[str, Any] = {"dt_ofii": p.dep.ville}
    if age_revolu(naissance, signature) < 18:
        donnees_cir["representant_legal"] = f"{rng.choice(PRENOMS_F + PRENOMS_M)} {rng.choice(NOMS)}"
    if p.ajouter("cir_signe", signature, ofii, donnees_cir) is None:
        return
    jour = signature + timedelta(days=rng.randint(7, 40))
    derniere_journee = jour
    for numero in (1, 2, 3, 4):
        present = rng.random() < 0.93
        p.ajouter("formation_civique_journee", jour, ofii, {"jour": numero, "present": present})
        if not present and rng.random() < 0.7:
            p.ajouter("formation_civique_journee", jour + timedelta(days=14), ofii, {"jour": numero, "present": True})
        derniere_journee = jour
        jour += timedelta(days=7)
    fin_formations = derniere_journee
    if sous_a1:
        forfait = 600 if nlns else _choix(p.rng, ((100, 20), (200, 30), (400, 35)))
        fin = _formation(p, signature, "CIR_OBLIGATOIRE", forfait, "A1", oral, ecrit)
        fin_formations = max(fin_formations, fin or signature)
    elif rng.random() < 0.4:
        p.ajouter("dispense_formation_linguistique", signature, ofii, {"motif": "NIVEAU_ATTEINT_AU_TEST"})
        if min(NIVEAUX.index(oral), NIVEAUX.index(ecrit)) < 2 and rng.random() < 0.5:
            fin = _formation(p, signature + timedelta(days=30), "COMPLEMENTAIRE_A2", 100, "A2", oral, ecrit)
            fin_formations = max(fin_formations, fin or signature)
    entretien = fin_formations + timedelta(days=rng.randint(30, 90))
    situation = _choix(rng, (("EMPLOI", 25), ("FORMATION", 5), ("RECHERCHE_EMPLOI", 55), ("INACTIF", 15)))
    if p.ajouter("entretien_fin_cir", entretien, ofii, {"situation_pro": situation}) is not None:
        _orientation(p, entretien, naissance, situation)
    if protection_le is not None and rng.random() < 0.6 and protection_le.year in (signature.year, signature.year - 1):
        _agir(p, signature)


def _formation(p: _Personne, prescription: date, type_: str, forfait: int, cible: str, oral: str, ecrit: str) -> date | None:
    """Prescription, monthly hours, evaluations and end of a language training; returns its end date."""
    rng = p.rng
    if p.ajouter("formation_linguistique_prescrite", prescription, p.op("OFII"),
                 {"type": type_, "forfait_h": forfait, "niveau_cible": cible}) is None:
        return None
    organisme = p.op("ORGANISME_FORMATION")
    rang_cible = NIVEAUX.index("B1_ET_PLUS" if cible == "B1" else cible)
    atteint = rng.random() < ({100: 0.88, 200: 0.78, 400: 0.62, 600: 0.40}[forfait] if type_ == "CIR_OBLIGATOIRE" else 0.7)
    abandon = rng.random() < 0.12
    assidu = rng.random() < 0.75
    mois = max(1, math.ceil(forfait / 60))
    par_mois = forfait / mois
    debut = prescription + timedelta(days=rng.randint(30, 90))
    anticipe = atteint and not abandon and mois >= 2 and rng.random() < 0.3
    duree = rng.randint(1, mois - 1) if (abandon or anticipe) and mois >= 2 else mois
    jour = debut
    for m in range(duree):
        taux = rng.uniform(0.82, 1.0) if assidu else rng.uniform(0.45, 0.79)
        periode_fin = jour + timedelta(days=29)
        p.ajouter("formation_linguistique_heures", periode_fin + timedelta(days=1), organisme, {
            "periode_debut": jour.isoformat(), "periode_fin": periode_fin.isoformat(),
            "heures_planifiees": round(par_mois), "heures_realisees": math.floor(par_mois * taux),
        })
        jour = periode_fin + timedelta(days=1)
        if mois >= 2 and m == duree // 2 and not abandon:
            niveau = _evaluation(rng, oral, ecrit, rang_cible, atteint and (anticipe or rng.random() < 0.5))
            p.ajouter("evaluation_linguistique", jour, organisme, {"type": "INTERMEDIAIRE", **niveau, "score": rng.randint(20, 95)})
            if anticipe and min(NIVEAUX.index(niveau["niveau_oral"]), NIVEAUX.index(niveau["niveau_ecrit"])) >= rang_cible:
                p.ajouter("formation_linguistique_terminee", jour + timedelta(days=1), organisme, {"motif": "NIVEAU_CIBLE_ATTEINT_ANTICIPE"})
                return jour + timedelta(days=1)
    fin = jour + timedelta(days=2)
    if abandon:
        p.ajouter("formation_linguistique_terminee", fin, organisme, {"motif": rng.choice(("ABANDON", "ABANDON", "DEMENAGEMENT", "AUTRE"))})
        return fin
    p.ajouter("evaluation_linguistique", fin - timedelta(days=1), organisme,
              {"type": "FINALE", **_evaluation(rng, oral, ecrit, rang_cible, atteint), "score": rng.randint(20, 95)})
    p.ajouter("formation_linguistique_terminee", fin, organisme, {"motif": "FORFAIT_REALISE"})
    return fin


def _evaluation(rng: random.Random, oral: str, ecrit: str, rang_cible: int, atteint: bool) -> dict[str, str]:
    if atteint:
        return {"niveau_oral": NIVEAUX[max(rang_cible, NIVEAUX.index(oral), min(3, rang_cible + (rng.random() < 0.2)))],
                "niveau_ecrit": NIVEAUX[max(rang_cible, NIVEAUX.index(ecrit))]}
    bas = max(0, rang_cible - 1)
    return {"niveau_oral": NIVEAUX[max(NIVEAUX.index(oral), rang_cible)], "niveau_ecrit": NIVEAUX[min(NIVEAUX.index(ecrit), bas)]}


def _orientation(p: _Personne, entretien: date, naissance: date, situation: str) -> None:
    rng = p.rng
    ofii = p.op("OFII")
    if situation == "RECHERCHE_EMPLOI" and rng.random() < 0.85:
        moins_de_26 = age_revolu(naissance, entretien) < 26
        if moins_de_26:
            vers, motif = ("CAP_EMPLOI", "RQTH") if rng.random() < 0.03 else ("MISSION_LOCALE", "AGE_MOINS_26")
        else:
            vers, motif = ("CAP_EMPLOI", "RQTH") if rng.random() < 0.08 else ("FRANCE_TRAVAIL", "DEFAUT")
        orientation = p.ajouter("orientation_spe", entretien, ofii, {"vers": p.op(vers), "motif_choix": motif})
        if orientation is None:
            return
        reponse = entretien + timedelta(days=rng.randint(1, 40))
        if rng.random() < 0.1:
            p.ajouter("orientation_refusee", reponse, p.op(vers),
                      {"orientation_step_id": orientation, "motif": rng.choice(("La personne a trouvé un emploi.", "Injoignable après trois relances.", "Déménagement hors du département."))})
            return
        if p.ajouter("orientation_acceptee", reponse, p.op(vers), {"orientation_step_id": orientation}) is None:
            return
        programme = {"MISSION_LOCALE": "CEJ" if rng.random() < 0.5 else "PACEA", "FRANCE_TRAVAIL": "ACCOMPAGNEMENT_FT", "CAP_EMPLOI": "AUTRE"}[vers]
        _episode(p, p.op(vers), reponse + timedelta(days=rng.randint(0, 20)), programme)
    elif situation != "FORMATION" or rng.random() < 0.5:
        motif = {"EMPLOI": "EN_EMPLOI", "INACTIF": "NE_RECHERCHE_PAS"}.get(situation, "AUTRE")
        p.ajouter("dispense_orientation_spe", entretien, ofii, {"demande_expresse": True, "motif": motif})


def _episode(p: _Personne, operateur: str, entree: date, programme: str) -> None:
    """Employment support: entry, a contract or a training matching the exit, exit, 6-month follow-up."""
    rng = p.rng
    if p.ajouter("accompagnement_emploi_debute", entree, operateur, {"programme": programme}) is None:
        return
    jours = max(20, int(30.4375 * math.exp(rng.gauss(math.log(9), 0.623))))
    sortie = entree + timedelta(days=jours)
    categorie = _choix(rng, MIX_SORTIES)
    debut = max(entree, sortie - timedelta(days=rng.randint(0, 30)))
    if categorie == "EMPLOI_CDI":
        p.ajouter("contrat_travail_debute", debut, operateur, {"type_contrat": "CDI", "date_debut": debut.isoformat()})
    elif categorie == "CREATION_ENTREPRISE":
        p.ajouter("contrat_travail_debute", debut, operateur, {"type_contrat": "CREATION_ENTREPRISE", "date_debut": debut.isoformat()})
    elif categorie == "EMPLOI_DURABLE_6M_PLUS":
        type_contrat = rng.choice(("CDD", "CDD", "APPRENTISSAGE", "INTERIM"))
        fin = add_months(debut, rng.randint(6, 18))
        p.ajouter("contrat_travail_debute", debut, operateur, {"type_contrat": type_contrat, "date_debut": debut.isoformat(), "date_fin_prevue": fin.isoformat()})
    elif categorie == "EMPLOI_MOINS_6M":
        type_contrat = rng.choice(("CDD", "INTERIM", "IAE", "CONTRAT_AIDE"))
        fin = debut + timedelta(days=rng.randint(20, 150))
        p.ajouter("contrat_travail_debute", debut, operateur, {"type_contrat": type_contrat, "date_debut": debut.isoformat(), "date_fin_prevue": fin.isoformat()})
    elif categorie.startswith("FORMATION_"):
        type_formation = {"FORMATION_QUALIFIANTE": "QUALIFIANTE", "FORMATION_CERTIFIANTE": "CERTIFIANTE", "FORMATION_DIPLOMANTE": "DIPLOMANTE",
                          "FORMATION_PRE_QUALIFIANTE": "PRE_QUALIFIANTE", "FORMATION_LINGUISTIQUE": "FLE_A_VISEE_PRO"}[categorie]
        p.ajouter("entree_formation", debut, operateur, {"type": type_formation, "date_debut": debut.isoformat(),
                                                          "date_fin_prevue": add_months(debut, rng.randint(3, 10)).isoformat()})
    sortie_id = p.ajouter("sortie_accompagnement", sortie, operateur, {"categorie": categorie})
    if sortie_id is None:
        return
    debut_fenetre, fin_fenetre = fenetre_suivi(sortie)
    if debut_fenetre > p.aujourdhui or rng.random() >= 0.85:
        return
    jour = debut_fenetre + timedelta(days=rng.randint(0, (min(fin_fenetre, p.aujourdhui) - debut_fenetre).days))
    if rng.random() < 0.65:
        positif = rng.random() < (0.8 if categorie in POSITIVES else 0.2)
        situation = rng.choice(("EMPLOI_CDI", "EMPLOI_DURABLE_6M_PLUS", "EMPLOI_MOINS_6M", "FORMATION_QUALIFIANTE")) if positif \
            else rng.choice(("RECHERCHE_EMPLOI", "INACTIVITE", "FORMATION_LINGUISTIQUE"))
        p.ajouter("suivi_six_mois", jour, operateur, {"sortie_step_id": sortie_id, "repondant": True, "categorie": situation})
    else:
        p.ajouter("suivi_six_mois", jour, operateur, {"sortie_step_id": sortie_id, "repondant": False})


def _logement(p: _Personne, jour: date, bpi: bool) -> str:
    rng = p.rng
    if bpi:
        situation = _choix(rng, (("DNA", 39), ("HEBERGE_TIERS", 20), ("HEBERGEMENT_URGENCE", 15), ("CPH", 8),
                                 ("LOCATAIRE_PARC_PRIVE", 6), ("LOCATAIRE_PARC_SOCIAL", 6), ("AUTRE", 6)))
    else:
        situation = _choix(rng, (("HEBERGE_TIERS", 35), ("LOCATAIRE_PARC_PRIVE", 35), ("LOCATAIRE_PARC_SOCIAL", 15), ("AUTRE", 15)))
    p.ajouter("situation_logement", jour, p.op(rng.choice(("LOGEMENT", "ASSOCIATION"))), {"situation": situation})
    return situation


def _agir(p: _Personne, signature: date) -> None:
    rng = p.rng
    agir = p.op("AGIR")
    orientation = p.ajouter("orientation_agir", signature, p.op("OFII"), {"vers": agir})
    if orientation is None or rng.random() >= 0.8:
        return
    p.ajouter("orientation_acceptee", signature + timedelta(days=rng.randint(1, 10)), agir, {"orientation_step_id": orientation})
    entree = signature + timedelta(days=rng.randint(11, 35))
    volets = ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"] if rng.random() < 0.55 else sorted(
        rng.sample(["DROITS", "LOGEMENT", "EMPLOI_FORMATION"], rng.randint(1, 2)))
    if p.ajouter("agir_entree", entree, agir, {"volets": volets}) is None:
        return
    logement = _logement(p, entree, bpi=True)
    sortie = entree + timedelta(days=rng.randint(360, 730))
    perenne = logement in PERENNES
    if not perenne and rng.random() < 0.55:
        acces = entree + timedelta(days=rng.randint(90, 600))
        if acces < sortie:
            p.ajouter("situation_logement", acces, p.op("LOGEMENT"), {"situation": rng.choice(PERENNES)})
            perenne = True
    emploi_durable = False
    if perenne and rng.random() < 0.5:
        embauche = sortie - timedelta(days=rng.randint(10, 120))
        p.ajouter("contrat_travail_debute", embauche, agir, {"type_contrat": "CDI", "date_debut": embauche.isoformat()})
        emploi_durable = True
    if perenne and emploi_durable:
        motif = "OBJECTIFS_ATTEINTS"
    else:
        motif = _choix(rng, (("DUREE_MAX", 35), ("ABANDON", 15), ("PERDU_DE_VUE", 15), ("DEMENAGEMENT", 10), ("AUTRE", 25)))
    p.ajouter("agir_sortie", sortie, agir, {"motif": motif})


def _corriger_ou_annuler(p: _Personne) -> None:
    """A few corrections of a housing situation (to a sibling of the same kind) and voids of a duplicate."""
    rng = p.rng
    logements = [(jour, etape) for jour, _, etape in p.etapes if etape["type"] == "situation_logement"]
    if not logements:
        return
    jour, cible = rng.choice(logements)
    freres = {"LOCATAIRE_PARC_SOCIAL": "LOCATAIRE_PARC_PRIVE", "LOCATAIRE_PARC_PRIVE": "LOCATAIRE_PARC_SOCIAL",
              "DNA": "CPH", "CPH": "DNA", "HEBERGE_TIERS": "AUTRE", "AUTRE": "HEBERGE_TIERS",
              "HEBERGEMENT_URGENCE": "SANS_ABRI", "LOGEMENT_ACCOMPAGNE": "IML_MANDAT_GESTION", "IML_MANDAT_GESTION": "LOGEMENT_ACCOMPAGNE"}
    tirage = rng.random()
    if tirage < 0.05 and cible["data"]["situation"] in freres:
        p.ajouter("evenement_corrige", jour + timedelta(days=rng.randint(1, 30)), cible["operateur"], {
            "cible_step_id": cible["step_id"], "champs": {"situation": freres[cible["data"]["situation"]]},
            "motif": "Erreur de saisie de la situation de logement."})
    elif tirage < 0.08:
        doublon = p.ajouter("situation_logement", jour + timedelta(days=1), cible["operateur"], dict(cible["data"]))
        if doublon is not None:
            p.ajouter("evenement_annule", jour + timedelta(days=rng.randint(2, 20)), cible["operateur"],
                      {"cible_step_id": doublon, "motif": "Saisie en double."})
