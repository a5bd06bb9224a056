"""Synthetic, realistic demo territory: three départements, their operators, and people's pathways.

Paris (75), Seine-Saint-Denis (93) and Nord (59), each with its OFII directorate, préfecture, France
Travail, Mission locale, Cap emploi, AGIR operator, association, housing operator and language
training body. People follow the distributions of reference/domain.md §4 (motifs, sexes, ages,
positioning, forfaits, attendance, orientations, AGIR, housing, exits, 6-month follow-ups) and every
generated step obeys the hard rules of CONTRACT §3, so it goes through the same validation as real
input. Same (people, seed, instant) ⇒ same steps, step ids included. Names are invented.

Pure generation: must not import flask or the database layers (standard library, `parcours.vocabulaire`
and `parcours.dates` only). Randomness comes only from `random.Random(graine)`, never the global one.
"""

from __future__ import annotations

import math
import random
import uuid
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from parcours.dates import JOURS_PAR_MOIS, add_months, age_revolu, contrat_durable, fenetre_suivi
from parcours.regles import contrat_durable_actif, formation_durable_active
from parcours.vocabulaire import (
    LOGEMENTS_PERENNES,
    SORTIES_NEUTRES,
    SORTIES_POSITIVES,
    SOUS_MOTIFS,
    CategorieSortie,
    DemarcheQualification,
    Frein,
    MotifChoixSpe,
    MotifDispenseFormation,
    MotifDispenseOrientation,
    MotifFinFormation,
    MotifRefusAgir,
    MotifSejour,
    MotifSortieAgir,
    NiveauCible,
    NiveauLangue,
    OrganeProtection,
    Programme,
    ResultatVolet,
    Sexe,
    SituationLogement,
    SituationPro,
    StatutDemarche,
    TypeContrat,
    TypeEtape,
    TypeEvaluation,
    TypeFormationLinguistique,
    TypeFormationPro,
    TypeOperateur,
    TypeProtection,
    TypeTitre,
    Visibilite,
    VoletAgir,
)


@dataclass(frozen=True)
class OperateurDemo:
    id: str
    type: str
    departement: str
    nom: str


@dataclass(frozen=True)
class EtapeDemo:
    etape: dict[str, Any]
    """A CONTRACT §3 step, JSON-serialisable (dates as "YYYY-MM-DD", enumerations as their values)."""
    enregistre_le: datetime
    """Simulated recording time (UTC): on or after `occurred_on`, never after the generation instant."""


# The territory ---------------------------------------------------------------------------------------------------

T = TypeOperateur


@dataclass(frozen=True)
class _Departement:
    code: str
    ville: str
    """The city of the OFII territorial directorate (`dt_ofii`)."""
    suffixe: str
    poids: float
    noms: dict[TypeOperateur, str]


DEPARTEMENTS: tuple[_Departement, ...] = (
    _Departement("75", "Paris", "paris", 0.45, {
        T.OFII: "OFII — Direction territoriale de Paris",
        T.PREFECTURE: "Préfecture de police de Paris — Direction de l'immigration",
        T.FRANCE_TRAVAIL: "France Travail Paris",
        T.MISSION_LOCALE: "Mission locale de Paris",
        T.CAP_EMPLOI: "Cap emploi Paris",
        T.AGIR: "AGIR Paris — Plateforme d'accompagnement global des réfugiés",
        T.ASSOCIATION: "Association Passerelles Intégration Paris (action BOP 104)",
        T.LOGEMENT: "Habitat et Insertion Paris — intermédiation locative",
        T.ORGANISME_FORMATION: "Institut Langues et Intégration Paris",
    }),
    _Departement("93", "Bobigny", "bobigny", 0.35, {
        T.OFII: "OFII — Direction territoriale de Bobigny",
        T.PREFECTURE: "Préfecture de la Seine-Saint-Denis",
        T.FRANCE_TRAVAIL: "France Travail Seine-Saint-Denis",
        T.MISSION_LOCALE: "Mission locale de Bobigny",
        T.CAP_EMPLOI: "Cap emploi Seine-Saint-Denis",
        T.AGIR: "AGIR Seine-Saint-Denis",
        T.ASSOCIATION: "Association Horizons Solidaires 93 (action BOP 104)",
        T.LOGEMENT: "Toit Partagé 93 — logement accompagné",
        T.ORGANISME_FORMATION: "Centre de formation Parole et Avenir 93",
    }),
    _Departement("59", "Lille", "lille", 0.20, {
        T.OFII: "OFII — Direction territoriale de Lille",
        T.PREFECTURE: "Préfecture du Nord",
        T.FRANCE_TRAVAIL: "France Travail Nord",
        T.MISSION_LOCALE: "Mission locale de Lille",
        T.CAP_EMPLOI: "Cap emploi Nord",
        T.AGIR: "AGIR Nord",
        T.ASSOCIATION: "Association Trait d'Union Nord (action BOP 104)",
        T.LOGEMENT: "Habitat Solidaire Nord — intermédiation locative",
        T.ORGANISME_FORMATION: "Organisme de formation Langues Lille Métropole",
    }),
)


def _identifiant(dep: _Departement, type_: TypeOperateur) -> str:
    c, s = dep.code, dep.suffixe
    return {
        T.OFII: f"ofii-dt-{s}",
        T.PREFECTURE: f"prefecture-{c}",
        T.FRANCE_TRAVAIL: f"france-travail-{c}",
        T.MISSION_LOCALE: f"mission-locale-{s}",
        T.CAP_EMPLOI: f"cap-emploi-{c}",
        T.AGIR: f"agir-{c}",
        T.ASSOCIATION: f"asso-{c}",
        T.LOGEMENT: f"logement-{c}",
        T.ORGANISME_FORMATION: f"langues-{c}",
    }[type_]


OPERATEURS: dict[str, dict[TypeOperateur, OperateurDemo]] = {
    dep.code: {
        type_: OperateurDemo(_identifiant(dep, type_), type_.value, dep.code, nom) for type_, nom in dep.noms.items()
    }
    for dep in DEPARTEMENTS
}
"""Département code → operator kind → operator."""


def operateurs_demo() -> list[OperateurDemo]:
    """Every operator of the demo territory (CONTRACT §2), département after département."""
    return [op for ops in OPERATEURS.values() for op in ops.values()]


_NOMS_AGENTS = (
    "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau", "simon",
    "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier", "morel",
    "girard", "andre", "mercier", "dupont", "lambert", "bonnet", "francois", "martinez", "benali", "nguyen",
    "diallo", "haddad", "traore", "mendes", "fontaine", "chevalier", "rousseau", "blanc", "guerin", "boyer",
    "gauthier", "perrin", "robin", "clement", "morin", "benaissa", "lemoine", "da-silva", "kone",
)


def _agents(operateur: str) -> tuple[str, ...]:
    """A stable handful of agent logins per operator ("a.martin"), the same whatever the seed."""
    tirage = random.Random(f"agents/{operateur}")
    return tuple(
        f"{tirage.choice('abcdefghijklmnoprstvy')}.{tirage.choice(_NOMS_AGENTS)}" for _ in range(tirage.randint(3, 6))
    )


AGENTS: dict[str, tuple[str, ...]] = {op.id: _agents(op.id) for op in operateurs_demo()}


# Weighted draws --------------------------------------------------------------------------------------------------


class _Table:
    """Values with weights, drawn with one uniform number (cumulative weights computed once)."""

    __slots__ = ("cumul", "total", "valeurs")

    def __init__(self, ponderes: Sequence[tuple[Any, float]]) -> None:
        self.valeurs = tuple(v for v, _ in ponderes)
        cumul, total = [], 0.0
        for _, poids in ponderes:
            total += poids
            cumul.append(total)
        self.cumul, self.total = tuple(cumul), total

    def tirer(self, rng: random.Random) -> Any:
        return self.valeurs[min(bisect(self.cumul, rng.random() * self.total), len(self.valeurs) - 1)]


# People: names and nationalities ---------------------------------------------------------------------------------

_NOMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # group: (first names M, first names F, last names) — common names, combined at random
    "persan": (
        ("Ahmad", "Mohammad", "Abdul", "Farid", "Hamid", "Jawad", "Mustafa", "Nasir", "Sayed", "Wahid", "Habib",
         "Samiullah", "Zabihullah", "Reza", "Omid", "Javid", "Shafiq", "Naveed"),
        ("Fatima", "Zahra", "Maryam", "Shabnam", "Nargis", "Farzana", "Parwana", "Mursal", "Sadia", "Laila",
         "Freshta", "Mahsa", "Roya", "Homa", "Nilofar"),
        ("Ahmadi", "Hakimi", "Haidari", "Karimi", "Mohammadi", "Nazari", "Rahimi", "Sultani", "Hashimi", "Amiri",
         "Noori", "Safi", "Sharifi", "Rezaei", "Jafari", "Azizi", "Sadat", "Qaderi", "Hosseini", "Yousufi"),
    ),
    "machrek": (
        ("Mohamed", "Ahmed", "Omar", "Khaled", "Ibrahim", "Yassin", "Abdelrahman", "Hussein", "Mahmoud", "Adam",
         "Ishag", "Yagoub", "Mazen", "Fadi", "Anas", "Hamza", "Tarek", "Osman"),
        ("Amira", "Fatima", "Rania", "Nour", "Hiba", "Layla", "Rasha", "Mariam", "Huda", "Aya", "Reem", "Samah",
         "Asma", "Hanan", "Safa"),
        ("Al-Ahmad", "Hamdan", "Osman", "Abdallah", "Ishag", "Hassan", "Abakar", "Suleiman", "Al-Khatib", "Darwish",
         "Haddad", "Khalil", "Nasser", "Youssef", "Al-Hussein", "Mansour", "Saleh", "Ibrahim", "Abdelkarim"),
    ),
    "maghreb": (
        ("Mohamed", "Karim", "Samir", "Youssef", "Rachid", "Nabil", "Mehdi", "Walid", "Bilal", "Sofiane", "Amine",
         "Yacine", "Hicham", "Mourad", "Anis", "Said", "Ayoub", "Nassim"),
        ("Amina", "Leila", "Salma", "Yasmina", "Meriem", "Imane", "Nadia", "Samira", "Houda", "Khadija", "Sara",
         "Soumaya", "Warda", "Ines", "Nesrine", "Kenza"),
        ("Benali", "Mansouri", "Saidi", "Bouzid", "Cherif", "Hamdi", "Rahmani", "Belkacem", "Ziani", "Idrissi",
         "El Amrani", "Ben Youssef", "Trabelsi", "Jaziri", "Boukhari", "Amrani", "Benchikh", "Ouali", "Tazi"),
    ),
    "afrique_ouest": (
        ("Mamadou", "Ibrahima", "Moussa", "Abdoulaye", "Ousmane", "Sekou", "Alpha", "Boubacar", "Lamine",
         "Souleymane", "Kouadio", "Yao", "Koffi", "Mory", "Cheick", "Bakary", "Amadou"),
        ("Fatoumata", "Aminata", "Mariama", "Kadiatou", "Hawa", "Aïssatou", "Rokia", "Djeneba", "Adjoua", "Awa",
         "Mariam", "Nene", "Oumou", "Assitan", "Affoue"),
        ("Diallo", "Bah", "Barry", "Camara", "Condé", "Sow", "Traoré", "Koné", "Touré", "Kouassi", "Coulibaly",
         "Keita", "Cissé", "Konaté", "Diabaté", "Soumah", "Sylla", "Bamba", "Ouattara", "Diakité"),
    ),
    "afrique_centrale": (
        ("Jean-Baptiste", "Patrick", "Emmanuel", "Christian", "Joseph", "Serge", "Blaise", "Fabrice", "Jonathan",
         "Junior", "Hervé", "Olivier", "Trésor", "Guy-Roger", "Landry"),
        ("Grace", "Esther", "Marie-Claire", "Christelle", "Sandrine", "Nadège", "Ruth", "Bénédicte", "Divine",
         "Mireille", "Merveille", "Prisca", "Gloria", "Josiane"),
        ("Mbemba", "Kabongo", "Ilunga", "Mukendi", "Tshibangu", "Ngono", "Fotso", "Tchoumi", "Mbala", "Mvondo",
         "Kalonji", "Nzuzi", "Mbuyi", "Essomba", "Tchatchoua", "Lukusa", "Ondoua", "Kasongo"),
    ),
    "haiti": (
        ("Jean-Claude", "Wilson", "Peterson", "Ricardo", "Jimmy", "Frantz", "Jocelyn", "Stanley", "Woodly",
         "Kervens", "Jean-Robert", "Wisly"),
        ("Fabiola", "Nadège", "Mirlande", "Rose-Marie", "Darline", "Guerline", "Wideline", "Sabine", "Marjorie",
         "Nathalie", "Ketia", "Rachelle"),
        ("Jean-Louis", "Pierre-Louis", "Joseph", "Saint-Fleur", "Dorvil", "Charles", "Augustin", "Estimé",
         "Célestin", "Noël", "Jean-Baptiste", "Belizaire", "Fils-Aimé", "Dorélien"),
    ),
    "corne": (
        ("Yonas", "Dawit", "Tesfaye", "Mehari", "Filmon", "Samuel", "Biniam", "Abdirahman", "Abdi", "Mohamed",
         "Henok", "Robel", "Mussie", "Awet"),
        ("Meron", "Helen", "Selam", "Saba", "Lidya", "Hiwet", "Senait", "Ruth", "Hodan", "Fardowsa", "Ayan",
         "Luwam", "Yordanos"),
        ("Tesfay", "Gebremedhin", "Haile", "Kidane", "Berhane", "Tekle", "Mengistu", "Abraha", "Woldemariam",
         "Yohannes", "Ghirmay", "Warsame", "Farah", "Hersi", "Jama", "Mehari", "Tesfamariam"),
    ),
    "turc": (
        ("Mehmet", "Mustafa", "Emre", "Hasan", "Murat", "Ali", "Serkan", "Baran", "Kemal", "Yusuf", "Ahmet",
         "Rojhat", "Berkay"),
        ("Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Selin", "Gül", "Merve", "Rojda", "Hatice", "Berfin",
         "Dilan"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan", "Kılıç",
         "Aslan", "Polat", "Korkmaz", "Güneş"),
    ),
    "slave": (
        ("Oleksandr", "Andriy", "Dmytro", "Serhiy", "Ivan", "Mykola", "Ruslan", "Magomed", "Islam", "Aslan",
         "Artem", "Bogdan", "Khasan"),
        ("Olena", "Iryna", "Natalia", "Oksana", "Tetiana", "Svitlana", "Anna", "Yulia", "Madina", "Khava",
         "Zarema", "Malika", "Kateryna"),
        ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachuk", "Melnyk", "Kovalchuk", "Savchuk", "Lysenko",
         "Marchenko", "Kravets", "Boyko", "Moroz", "Ibragimov", "Musaev", "Alkhanov", "Saidov", "Abdulaev",
         "Israilov"),
    ),
    "asie_sud": (
        ("Mohammad", "Rahim", "Imran", "Asif", "Faisal", "Shahid", "Rafiq", "Tanvir", "Arif", "Kamran", "Sohel",
         "Zubair", "Mizanur"),
        ("Nasrin", "Shirin", "Ayesha", "Rukhsana", "Sadia", "Tahmina", "Sumaiya", "Nusrat", "Shamima", "Farhana",
         "Mahnoor", "Rabia"),
        ("Rahman", "Hossain", "Islam", "Ahmed", "Uddin", "Chowdhury", "Khan", "Hussain", "Malik", "Qureshi", "Iqbal",
         "Siddiqui", "Sarker", "Mia", "Butt"),
    ),
    "chine": (
        ("Wei", "Jun", "Hao", "Ming", "Lei", "Jian", "Qiang", "Bo"),
        ("Mei", "Xiu", "Lan", "Yan", "Jing", "Hui", "Ling", "Fang"),
        ("Wang", "Li", "Zhang", "Chen", "Liu", "Yang", "Huang", "Zhou", "Wu", "Xu"),
    ),
    "inde": (
        ("Rajesh", "Amit", "Vikram", "Suresh", "Arjun", "Gurpreet", "Harpreet", "Sanjay", "Ravi"),
        ("Priya", "Anjali", "Kavita", "Sunita", "Deepa", "Manpreet", "Lakshmi", "Neha"),
        ("Singh", "Kumar", "Sharma", "Patel", "Reddy", "Nair", "Gill", "Sandhu", "Iyer"),
    ),
}

_GROUPE_DU_PAYS = {
    "AFG": "persan", "IRN": "persan",
    "SYR": "machrek", "IRQ": "machrek", "YEM": "machrek", "SDN": "machrek",
    "DZA": "maghreb", "MAR": "maghreb", "TUN": "maghreb", "COM": "maghreb",
    "GIN": "afrique_ouest", "CIV": "afrique_ouest", "SEN": "afrique_ouest", "MLI": "afrique_ouest",
    "COD": "afrique_centrale", "CMR": "afrique_centrale",
    "HTI": "haiti",
    "ERI": "corne", "ETH": "corne", "SOM": "corne",
    "TUR": "turc",
    "UKR": "slave", "RUS": "slave",
    "BGD": "asie_sud", "PAK": "asie_sud",
    "CHN": "chine", "IND": "inde",
}

_NATIONALITES_BPI = _Table((
    ("AFG", 28), ("SYR", 7), ("SDN", 9), ("ERI", 6), ("GIN", 6), ("CIV", 5), ("TUR", 6), ("COD", 5), ("BGD", 4),
    ("PAK", 3), ("RUS", 3), ("HTI", 3), ("SOM", 3), ("ETH", 2), ("CMR", 2), ("IRN", 3), ("IRQ", 2), ("YEM", 1),
))
"""Protected people (AGIR: Afghanistan 30 %, Turkey 6 %, Guinea 5 %); never Ukrainians (temporary protection)."""
_NATIONALITES_AUTRES = _Table((
    ("DZA", 20), ("MAR", 17), ("TUN", 10), ("CIV", 5), ("SEN", 5), ("MLI", 4), ("CMR", 6), ("COD", 3), ("GIN", 3),
    ("TUR", 5), ("UKR", 4), ("HTI", 4), ("COM", 3), ("CHN", 3), ("IND", 2), ("BGD", 2), ("PAK", 2), ("RUS", 2),
))


def _nom_de_famille(nom: str, sexe: str, nationalite: str) -> str:
    """Russian and Chechen surnames take the feminine ending."""
    if sexe == Sexe.F.value and nationalite == "RUS" and nom.endswith(("ov", "ev")):
        return nom + "a"
    return nom


# Distributions of reference/domain.md §4 -------------------------------------------------------------------------

M = MotifSejour
_MOTIFS = _Table(((M.FAMILIAL, 53), (M.HUMANITAIRE, 27), (M.ECONOMIQUE, 13), (M.DIVERS, 7)))
_PART_HOMMES = {M.FAMILIAL: 0.40, M.HUMANITAIRE: 0.68, M.ECONOMIQUE: 0.75, M.DIVERS: 0.55}
_PROTECTIONS = _Table(((TypeProtection.REFUGIE, 58), (TypeProtection.PROTECTION_SUBSIDIAIRE, 40),
                       (TypeProtection.APATRIDE, 2)))
_SOUS_MOTIFS_CIR = {
    M.FAMILIAL: _Table((("REGROUPEMENT_FAMILIAL", 30), ("CONJOINT_DE_FRANCAIS", 38), ("PARENT_ENFANT_FRANCAIS", 12),
                        ("VIE_PRIVEE_FAMILIALE_AUTRE", 12), ("FAMILLE_DE_REFUGIE", 6), ("AUTRE", 2))),
    M.ECONOMIQUE: _Table((("SALARIE", 75), ("ENTREPRENEUR", 10), ("AUTRE", 15))),
    M.DIVERS: _Table((("MINEUR_DEVENU_MAJEUR", 60), ("AUTRE", 40))),
}
"""Sub-motifs of CIR signatories: the L413-5 exemptions (temporary worker, talent passport, visitor) sign none."""
_SOUS_MOTIFS_SANS_CIR = {
    M.FAMILIAL: _SOUS_MOTIFS_CIR[M.FAMILIAL],
    M.ECONOMIQUE: _Table((("TRAVAILLEUR_TEMPORAIRE", 35), ("PASSEPORT_TALENT", 45), ("SALARIE", 20))),
    M.DIVERS: _Table((("VISITEUR", 70), ("AUTRE", 30))),
}
assert all(
    set(table.valeurs) <= set(SOUS_MOTIFS[motif])
    for tables in (_SOUS_MOTIFS_CIR, _SOUS_MOTIFS_SANS_CIR)
    for motif, table in tables.items()
)
_TITRES = _Table(((TypeTitre.VLS_TS, 65), (TypeTitre.CARTE_SEJOUR_TEMPORAIRE, 35)))
_AGES = _Table((((16, 17), 2), ((18, 25), 18), ((26, 35), 40), ((36, 45), 25), ((46, 55), 10), ((56, 69), 5)))
"""Age at CIR signature (reference/domain.md §4.2)."""

NIVEAUX = tuple(n.value for n in NiveauLangue)
"""The positioning scale, lowest first: a level is handled as its rank in this tuple."""
_PART_SOUS_A1 = {M.FAMILIAL: 0.50, M.HUMANITAIRE: 0.75, M.ECONOMIQUE: 0.20, M.DIVERS: 0.40}
_COMBINAISONS_SOUS_A1 = _Table((((0, 0), 45), ((1, 0), 35), ((2, 0), 8), ((0, 1), 12)))
"""(oral, écrit) ranks when the global level is below A1."""
_NIVEAU_AU_MOINS_A1 = _Table(((1, 40), (2, 35), (3, 25)))
_PART_NLNS = 0.22
"""Non-readers/non-writers among those below A1 in writing."""
_FORFAITS = _Table(((100, 24.7), (200, 37.0), (400, 38.5)))
"""Readers and writers; with the non-readers (600 h, sometimes 400 h) the mix is 20/30/35/15 %."""
_ATTEINTE_A1 = {100: 0.88, 200: 0.78, 400: 0.62, 600: 0.40}
_MOIS_DE_FORMATION = {100: (2, 3), 200: (3, 5), 400: (5, 8), 600: (7, 10)}

_SITUATIONS_PRO = _Table(((SituationPro.RECHERCHE_EMPLOI, 58), (SituationPro.EMPLOI, 20),
                          (SituationPro.FORMATION, 6), (SituationPro.INACTIF, 16)))
_DISPENSES = {  # situation at the end-of-CIR interview → (probability of an express waiver, its motif)
    SituationPro.RECHERCHE_EMPLOI: (0.05, MotifDispenseOrientation.AUTRE),
    SituationPro.EMPLOI: (0.75, MotifDispenseOrientation.EN_EMPLOI),
    SituationPro.FORMATION: (0.50, MotifDispenseOrientation.AUTRE),
    SituationPro.INACTIF: (0.60, MotifDispenseOrientation.NE_RECHERCHE_PAS),
}
_REFUS_ORIENTATION = (
    "La personne a trouvé un emploi entre-temps.",
    "Injoignable après trois relances.",
    "Déménagement hors du département.",
    "La personne est déjà accompagnée par une autre structure.",
    "Rendez-vous non honoré à deux reprises.",
)
_REFUS_AGIR = (
    "La personne ne souhaite pas être accompagnée.",
    "Injoignable après la convocation.",
    "Installation prévue dans un autre département.",
)

C = CategorieSortie
_MIX_SORTIES = _Table((
    ((C.EMPLOI_CDI, "CDI"), 8),
    ((C.EMPLOI_DURABLE_6M_PLUS, "CDD_LONG"), 10),
    ((C.EMPLOI_DURABLE_6M_PLUS, "ALTERNANCE"), 4),
    ((C.EMPLOI_MOINS_6M, "CDD_COURT"), 12),
    ((C.EMPLOI_MOINS_6M, "IAE_COURT"), 4),
    ((C.CREATION_ENTREPRISE, "CREATION"), 1),
    ((C.FORMATION_QUALIFIANTE, TypeFormationPro.QUALIFIANTE), 3),
    ((C.FORMATION_CERTIFIANTE, TypeFormationPro.CERTIFIANTE), 2),
    ((C.FORMATION_DIPLOMANTE, TypeFormationPro.DIPLOMANTE), 1),
    ((C.FORMATION_PRE_QUALIFIANTE, TypeFormationPro.PRE_QUALIFIANTE), 3),
    ((C.FORMATION_LINGUISTIQUE, TypeFormationPro.FLE_A_VISEE_PRO), 8),
    ((C.RECHERCHE_EMPLOI, None), 22),
    ((C.INACTIVITE, None), 6),
    ((C.ABANDON_PERDU_DE_VUE, None), 12),
    ((C.DEMENAGEMENT, None), 2),
    ((C.TRANSFERT, None), 1.5),
    ((C.DECES, None), 0.5),
))
"""reference/domain.md §4.4 "Generator defaults" (positive ≈ 48 %, neutral 4 %), with what the exit rests on."""
_CONTRATS = {
    "CDD_LONG": _Table(((TypeContrat.CDD, 8), (TypeContrat.INTERIM, 1), (TypeContrat.CONTRAT_AIDE, 1))),
    "ALTERNANCE": _Table(((TypeContrat.APPRENTISSAGE, 60), (TypeContrat.PROFESSIONNALISATION, 40))),
    "CDD_COURT": _Table(((TypeContrat.CDD, 55), (TypeContrat.INTERIM, 45))),
    "IAE_COURT": _Table(((TypeContrat.IAE, 70), (TypeContrat.CONTRAT_AIDE, 30))),
}
_SUIVI_POSITIF = _Table(((C.EMPLOI_CDI, 22), (C.EMPLOI_DURABLE_6M_PLUS, 25), (C.EMPLOI_MOINS_6M, 30),
                         (C.CREATION_ENTREPRISE, 2), (C.FORMATION_QUALIFIANTE, 10), (C.FORMATION_CERTIFIANTE, 4),
                         (C.FORMATION_PRE_QUALIFIANTE, 7)))
_SUIVI_NON_POSITIF = _Table(((C.RECHERCHE_EMPLOI, 60), (C.INACTIVITE, 20), (C.FORMATION_LINGUISTIQUE, 20)))
_MEDIANE_MOIS, _SIGMA = math.log(9), math.log(20 / 9) / 1.2816
"""Accompaniment duration: lognormal, median 9 months, P90 20 months."""
_MOTIFS_SORTIE_AGIR = _Table(((MotifSortieAgir.ABANDON, 30), (MotifSortieAgir.PERDU_DE_VUE, 30),
                              (MotifSortieAgir.DEMENAGEMENT, 15), (MotifSortieAgir.AUTRE, 25)))

S = SituationLogement
_LOGEMENT_ENTREE_BPI = _Table(((S.DNA, 39), (S.HEBERGE_TIERS, 20), (S.HEBERGEMENT_URGENCE, 15), (S.CPH, 8),
                               (S.LOCATAIRE_PARC_PRIVE, 6), (S.LOCATAIRE_PARC_SOCIAL, 6), (S.AUTRE, 6)))
_LOGEMENT_AUTRES = _Table(((S.LOCATAIRE_PARC_PRIVE, 30), (S.HEBERGE_TIERS, 28), (S.LOCATAIRE_PARC_SOCIAL, 15),
                           (S.LOGEMENT_ACCOMPAGNE, 5), (S.PROPRIETAIRE, 2), (S.AUTRE, 10), (S.HEBERGEMENT_URGENCE, 4),
                           (S.CHRS, 3), (S.IML_SOUS_LOCATION, 2), (S.SANS_ABRI, 1)))
_LOGEMENT_PERENNE = _Table(((S.LOCATAIRE_PARC_SOCIAL, 40), (S.LOCATAIRE_PARC_PRIVE, 20), (S.LOGEMENT_ACCOMPAGNE, 20),
                            (S.IML_MANDAT_GESTION, 20)))
_LOGEMENT_ETAPE = {  # a situation that is not durable → the next ones on the way
    S.SANS_ABRI: (S.HEBERGEMENT_URGENCE, S.CHRS),
    S.HEBERGEMENT_URGENCE: (S.CHRS, S.HEBERGE_TIERS, S.IML_SOUS_LOCATION),
    S.DNA: (S.CPH, S.IML_SOUS_LOCATION, S.HEBERGE_TIERS),
    S.CPH: (S.IML_SOUS_LOCATION, S.CHRS),
    S.CHRS: (S.IML_SOUS_LOCATION,),
    S.HEBERGE_TIERS: (S.HEBERGEMENT_URGENCE, S.IML_SOUS_LOCATION),
    S.IML_SOUS_LOCATION: (S.CHRS,),
    S.AUTRE: (S.HEBERGE_TIERS, S.HEBERGEMENT_URGENCE),
}
_CORRECTIONS_LOGEMENT = {  # a slip between two situations of the same kind (durable or not)
    S.LOCATAIRE_PARC_SOCIAL: S.LOCATAIRE_PARC_PRIVE, S.LOCATAIRE_PARC_PRIVE: S.LOCATAIRE_PARC_SOCIAL,
    S.LOGEMENT_ACCOMPAGNE: S.IML_MANDAT_GESTION, S.IML_MANDAT_GESTION: S.LOGEMENT_ACCOMPAGNE,
    S.PROPRIETAIRE: S.LOCATAIRE_PARC_PRIVE, S.DNA: S.CPH, S.CPH: S.DNA, S.HEBERGE_TIERS: S.AUTRE,
    S.AUTRE: S.HEBERGE_TIERS, S.HEBERGEMENT_URGENCE: S.CHRS, S.CHRS: S.HEBERGEMENT_URGENCE,
    S.SANS_ABRI: S.HEBERGEMENT_URGENCE, S.IML_SOUS_LOCATION: S.CHRS,
}
assert set(_CORRECTIONS_LOGEMENT) == set(S)
assert all((avant in LOGEMENTS_PERENNES) == (apres in LOGEMENTS_PERENNES) for avant, apres in _CORRECTIONS_LOGEMENT.items())
_PERENNES = frozenset(s.value for s in LOGEMENTS_PERENNES)

_NOTES = (
    "Souhaite une formation dans le bâtiment ; permis B en cours.",
    "Garde d'enfants à trouver avant l'entrée en formation.",
    "Diplôme d'infirmière obtenu au pays : dossier de reconnaissance à constituer.",
    "Rendez-vous CAF pris pour l'ouverture des droits.",
    "Demande de logement social déposée ; numéro unique transmis.",
    "Problème de santé signalé : orientation vers la PASS.",
    "Expérience de cuisinier (8 ans) : piste restauration collective.",
    "A besoin d'un interprète dari pour les entretiens.",
    "Mobilité limitée : pas de véhicule, horaires de transport à vérifier.",
)

_SANS_NUMERO = 0.05
_DEBUT_MENAGE = 0.0556
"""Probability that a person starts a household of 2–4 (mean 3): about 15 % of people live in one."""

_UN_JOUR = timedelta(days=1)
E = TypeEtape


# Generation ------------------------------------------------------------------------------------------------------


class _Personne:
    """One person's steps while they are generated: (occurred_on, creation order, step) triples."""

    __slots__ = ("agir", "bpi", "deces", "etapes", "limite", "naissance", "nom", "ops", "reference", "rng",
                 "rng_suites", "sortie_agir", "suites", "volets_agir")

    def __init__(self, rng: random.Random, ops: dict[TypeOperateur, OperateurDemo], reference: dict[str, str],
                 limite: date) -> None:
        self.rng = rng
        self.ops = {type_: op.id for type_, op in ops.items()}
        self.reference = reference
        self.limite = limite
        self.etapes: list[tuple[date, int, dict[str, Any]]] = []
        self.naissance = limite
        self.nom = ("", "")
        self.bpi = False
        self.agir = False
        self.deces: date | None = None
        self.sortie_agir: tuple[date, date | None, date | None] | None = None
        self.volets_agir: list[str] = []
        # The follow-up steps of CONTRACT §9 draw from their own generator and list, so that every
        # other step of the demo (ids, dates, recording times) stays what it was before they existed.
        self.rng_suites = random.Random(repr(sorted(reference.items())))
        self.suites: list[tuple[date, float, dict[str, Any]]] = []

    def op(self, type_: TypeOperateur) -> str:
        return self.ops[type_]

    def ajouter(self, type_: TypeEtape, jour: date, operateur: str, data: dict[str, Any]) -> str | None:
        """Add a step unless it lies after the last day; returns its step_id (None when left out).

        A step depends only on steps dated on or before it (and made before it when on the same day),
        so leaving out what lies in the future never leaves a step without what it needs.
        """
        if jour > self.limite:
            return None
        etape = self._etape(self.rng, type_, jour, operateur, data)
        self.etapes.append((jour, len(self.etapes), etape))
        return etape["step_id"]

    def suite(self, type_: TypeEtape, jour: date, operateur: str, data: dict[str, Any], avant: int | None = None) -> str | None:
        """Add a §9 follow-up step (its own randomness), ordered right after the steps made so far — or
        just before the step of rank `avant` — on its day; returns its step_id (None when after the last day)."""
        if jour > self.limite:
            return None
        etape = self._etape(self.rng_suites, type_, jour, operateur, data)
        rang = (len(self.etapes) if avant is None else avant) - 0.5 + len(self.suites) * 1e-6
        self.suites.append((jour, rang, etape))
        return etape["step_id"]

    def _etape(self, rng: random.Random, type_: TypeEtape, jour: date, operateur: str, data: dict[str, Any]) -> dict[str, Any]:
        """One step of this person as the contract writes it; its id and agent drawn from `rng`, in that order."""
        step_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return {
            "step_id": step_id,
            "type": type_.value,
            "occurred_on": jour.isoformat(),
            "operateur": operateur,
            "agent": rng.choice(AGENTS[operateur]),
            "personne": dict(self.reference),
            "data": data,
        }

    def du_type(self, *types: TypeEtape) -> list[tuple[date, int, dict[str, Any]]]:
        valeurs = {t.value for t in types}
        return [e for e in self.etapes if e[2]["type"] in valeurs]


@dataclass
class _Menage:
    id: str
    dep: _Departement
    restants: int
    chef: dict[str, Any] | None = None
    """The first member's origin and pathway start, which the others share in part."""


def generer_etapes(personnes: int, graine: int, maintenant: datetime) -> Iterator[EtapeDemo]:
    """Every step of `personnes` synthetic people, person after person, each in a valid recording order.

    A generator: steps stream out as people are made. Nothing is dated after the day of `maintenant`,
    and each simulated recording time lies between its step's date and `maintenant`.
    """
    if maintenant.tzinfo is None:
        maintenant = maintenant.replace(tzinfo=UTC)
    instant = maintenant.astimezone(UTC)
    limite = min(maintenant.date(), instant.date())
    rng = random.Random(graine)
    # numéros étrangers: département + an affine bijection of the person's rank modulo 10⁸ (all distinct)
    facteur = rng.randrange(10**6, 10**8) | 1
    while facteur % 5 == 0:
        facteur += 2
    decalage = rng.randrange(10**8)
    departements = _Table(tuple((dep, dep.poids) for dep in DEPARTEMENTS))
    actions = _plan_des_actions(personnes, graine, limite)
    actions_emploi = {(a.porteur, a.annee): a.id for a in actions if "EMPLOI" in a.thematiques}
    declarees: set[str] = set()
    candidats: list[_Candidat] = []
    menage: _Menage | None = None
    for rang in range(personnes):
        if menage is not None and menage.restants == 0:
            menage = None
        if menage is None and personnes - rang >= 2 and rng.random() < _DEBUT_MENAGE:
            dep = departements.tirer(rng)
            menage = _Menage(f"menage-{dep.code}-{rng.getrandbits(40):010x}", dep, min(rng.randint(2, 4), personnes - rang))
        if menage is not None:
            menage.restants -= 1
        dep = menage.dep if menage is not None else departements.tirer(rng)
        numero = None if rng.random() < _SANS_NUMERO else f"{dep.code}{(facteur * rang + decalage) % 10**8:08d}"
        reference = (
            {"numero_etranger": numero} if numero else {"parcours_id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        )
        personne = _Personne(rng, OPERATEURS[dep.code], reference, limite)
        _parcours(personne, dep, numero, menage)
        _rattacher_episodes(personne, actions_emploi)
        enregistrements = list(_horodater(personne, instant))
        for demo in enregistrements:
            action = demo.etape.get("action")
            if action is not None and action not in declarees:  # declared before anything is tied to it
                declarees.add(action)
                yield _declaration(next(a for a in actions if a.id == action), graine, limite, demo.enregistre_le)
            yield demo
        candidats.append(_candidat(personne, dep.code, enregistrements))
    # The funded actions' years come last: they find their beneficiaries among the people made above.
    for action in actions:
        if action.id not in declarees:
            jour = _declaree_le(action, limite)
            yield _declaration(action, graine, limite, min(datetime.combine(jour, time(9), UTC), instant))
    yield from _etapes_des_actions(actions, candidats, graine, limite, instant)


def _horodater(p: _Personne, instant: datetime) -> Iterator[EtapeDemo]:
    """Recording times: mostly 0–10 days after the business date, sometimes weeks, a few months; never back."""
    precedent: datetime | None = None
    suites = {id(e[2]) for e in p.suites}
    for jour, _, etape in sorted([*p.etapes, *p.suites], key=lambda e: (e[0], e[1])):
        aleatoire = p.rng_suites.random if id(etape) in suites else p.rng.random
        tirage = aleatoire()
        if tirage < 0.35:
            delai = 0
        elif tirage < 0.86:
            delai = 1 + int(aleatoire() * 10)
        elif tirage < 0.985:
            delai = 11 + int(aleatoire() * 35)
        else:
            delai = 46 + int(aleatoire() * 105)
        # 06:00–17:59 UTC is 07:00–19:59 in Paris: the same calendar day in both
        heure, minute = divmod(360 + int(aleatoire() * 720), 60)
        le = datetime.combine(jour + timedelta(days=delai), time(heure, minute), UTC)
        le = min(le, instant)
        if precedent is not None and le < precedent:
            le = precedent
        precedent = le
        yield EtapeDemo(etape, le)


def _naissance(rng: random.Random, age: int, jour: date) -> date:
    """A birth date giving `age` completed years on `jour`."""
    naissance = add_months(jour, -12 * age) - timedelta(days=rng.randint(0, 360))
    while age_revolu(naissance, jour) > age:
        naissance += _UN_JOUR
    while age_revolu(naissance, jour) < age:
        naissance -= _UN_JOUR
    return naissance


def _parcours(p: _Personne, dep: _Departement, numero: str | None, menage: _Menage | None) -> None:
    rng = p.rng
    p.ajouter(E.PERSONNE_ENREGISTREE, p.limite, p.op(T.PREFECTURE), {})  # completed at the end
    chef = menage.chef if menage is not None else None

    # Status: a household's first member sets the family's origin; the others share it or join as family
    if chef is None or rng.random() < 0.6:
        motif = chef["motif"] if chef is not None else _MOTIFS.tirer(rng)
    else:
        motif = M.FAMILIAL
    signe_cir = rng.random() < 0.90
    protection = None
    if motif is M.HUMANITAIRE:
        protection = chef["protection"] if chef is not None and chef["protection"] else _PROTECTIONS.tirer(rng)
        sous_motif = protection.value
    elif motif is M.FAMILIAL and chef is not None:
        sous_motif = "FAMILLE_DE_REFUGIE" if chef["motif"] is M.HUMANITAIRE else "REGROUPEMENT_FAMILIAL"
    else:
        sous_motif = (_SOUS_MOTIFS_CIR if signe_cir else _SOUS_MOTIFS_SANS_CIR)[motif].tirer(rng)
    p.bpi = protection is not None

    if chef is not None:
        premier_titre = min(p.limite, chef["premier_titre"] + timedelta(days=rng.randint(-60, 150)))
        nationalite = chef["nationalite"]
    else:
        premier_titre = p.limite - timedelta(days=rng.randint(0, 4 * 365 + 30))
        nationalite = (_NATIONALITES_BPI if p.bpi else _NATIONALITES_AUTRES).tirer(rng)
    signature = premier_titre + timedelta(days=rng.randint(20, 100))
    p.naissance = naissance = _naissance(rng, rng.randint(*_AGES.tirer(rng)), signature)
    tirage = rng.random()
    sexe = Sexe.X if tirage < 0.002 else Sexe.M if tirage < 0.002 + 0.998 * _PART_HOMMES[motif] else Sexe.F
    prenoms_m, prenoms_f, noms = _NOMS[_GROUPE_DU_PAYS[nationalite]]
    prenoms = prenoms_f if sexe is Sexe.F else prenoms_m if sexe is Sexe.M else prenoms_f + prenoms_m
    nom = chef["nom"] if chef is not None and rng.random() < 0.8 else rng.choice(noms)
    p.nom = (nom, nationalite)
    identite: dict[str, Any] = {
        "nom": _nom_de_famille(nom, sexe.value, nationalite),
        "prenom": rng.choice(prenoms),
        "date_naissance": naissance.isoformat(),
        "sexe": sexe.value,
        "nationalite": nationalite,
        "departement": dep.code,
    }
    if numero is not None:
        identite["numero_etranger"] = numero
    if menage is not None:
        identite["menage"] = menage.id
        if menage.chef is None:
            menage.chef = {"motif": motif, "protection": protection, "premier_titre": premier_titre,
                           "nationalite": nationalite, "nom": nom}

    decision = None
    if protection is not None:
        decision = premier_titre - timedelta(days=rng.randint(14, 150))
        p.ajouter(E.PROTECTION_ACCORDEE, decision, p.op(T.OFII if rng.random() < 0.6 else T.ASSOCIATION), {
            "type": protection.value,
            "decision_date": decision.isoformat(),
            "organe": (OrganeProtection.OFPRA if rng.random() < 0.8 else OrganeProtection.CNDA).value,
        })
    p.ajouter(E.TITRE_SEJOUR_DELIVRE, premier_titre, p.op(T.PREFECTURE), {
        "motif": motif.value,
        "sous_motif": sous_motif,
        "type_titre": _TITRES.tirer(rng).value,
        "valid_from": premier_titre.isoformat(),
        "valid_to": (add_months(premier_titre, 12) - _UN_JOUR).isoformat(),
        "premier_titre": True,
    })

    if signe_cir:
        _cir(p, dep, motif, signature, decision)
    if (p.bpi and rng.random() < 0.20) or (not p.bpi and rng.random() < 0.03):
        _episode(p, p.op(T.ASSOCIATION), premier_titre + timedelta(days=rng.randint(30, 500)), Programme.ACTION_BOP104)
    if not p.agir and rng.random() < (0.45 if p.bpi else 0.30):
        _logements(p, premier_titre + timedelta(days=rng.randint(5, 200)))
    if p.sortie_agir is not None:
        _sortie_agir(p, *p.sortie_agir)
    if p.deces is not None:
        # nothing happens after a death (a step after it is needed only by steps after it)
        p.limite = deces = p.deces
        p.etapes = [p.etapes[0], *(e for e in p.etapes[1:] if e[0] <= deces)]
        p.suites = [e for e in p.suites if e[0] <= deces]
    _gestion(p)

    # The registration comes first: at the first contact, recorded by whoever met the person first
    premiere = min(p.etapes[1:], key=lambda e: (e[0], e[1]))
    jour = max(naissance, premiere[0] - timedelta(days=rng.choice((0, 0, 0, 1, 2, 3))))
    registre = p.etapes[0][2]
    registre["occurred_on"] = jour.isoformat()
    registre["operateur"] = premiere[2]["operateur"]
    registre["agent"] = rng.choice(AGENTS[registre["operateur"]])
    registre["data"] = identite
    if numero is not None:  # the identity is in `data`; only a client-chosen parcours_id goes in `personne`
        del registre["personne"]
    p.etapes[0] = (jour, -1, registre)
    p.etapes.sort(key=lambda e: (e[0], e[1]))


# CIR, language and civic training --------------------------------------------------------------------------------


def _cir(p: _Personne, dep: _Departement, motif: MotifSejour, signature: date, decision: date | None) -> None:
    rng = p.rng
    ofii = p.op(T.OFII)
    if rng.random() < _PART_SOUS_A1[motif]:
        oral, ecrit = _COMBINAISONS_SOUS_A1.tirer(rng)
        nlns = ecrit == 0 and rng.random() < _PART_NLNS
    else:
        oral, ecrit = _NIVEAU_AU_MOINS_A1.tirer(rng), _NIVEAU_AU_MOINS_A1.tirer(rng)
        nlns = False
    positionnement = signature - timedelta(days=0 if rng.random() < 0.7 else rng.randint(1, 6))
    p.ajouter(E.POSITIONNEMENT_LINGUISTIQUE, positionnement, ofii, {
        "niveau_oral": NIVEAUX[oral], "niveau_ecrit": NIVEAUX[ecrit], "non_lecteur_non_scripteur": nlns,
    })
    donnees: dict[str, Any] = {"dt_ofii": dep.ville}
    if age_revolu(p.naissance, signature) < 18:
        parent = rng.choice((Sexe.F, Sexe.M))
        nom = _nom_de_famille(p.nom[0], parent.value, p.nom[1])
        donnees["representant_legal"] = f"{'Mme' if parent is Sexe.F else 'M.'} {nom}"
    if p.ajouter(E.CIR_SIGNE, signature, ofii, donnees) is None:
        return

    # AGIR is proposed at the signature (protection decided in the year or the year before)
    if decision is not None and rng.random() < 0.60:
        _agir(p, signature, decision)

    # Civic training: four days; an absence is often made up later
    civique = ofii if rng.random() < 0.5 else p.op(T.ORGANISME_FORMATION)
    jour = signature + timedelta(days=rng.randint(7, 35))
    fin_civique = jour
    rattrapages = []
    for numero in (1, 2, 3, 4):
        present = rng.random() < 0.92
        p.ajouter(E.FORMATION_CIVIQUE_JOURNEE, jour, civique, {"jour": numero, "present": present})
        if not present and rng.random() < 0.7:
            rattrapages.append(numero)
        fin_civique = jour
        jour += timedelta(days=rng.choice((1, 7, 7, 14)))
    for numero in rattrapages:
        fin_civique += timedelta(days=rng.randint(14, 45))
        p.ajouter(E.FORMATION_CIVIQUE_JOURNEE, fin_civique, civique, {"jour": numero, "present": True})

    # Language: compulsory below A1; otherwise often a waiver, and sometimes the optional A2 package
    fins = [fin_civique]
    if min(oral, ecrit) < 1:
        forfait = (600 if rng.random() < 0.8 else 400) if nlns else _FORFAITS.tirer(rng)
        fin = _formation(p, signature, TypeFormationLinguistique.CIR_OBLIGATOIRE, forfait, NiveauCible.A1, oral, ecrit)
        if fin is None:
            return
        fins.append(fin)
    else:
        if rng.random() < 0.6:
            p.ajouter(E.DISPENSE_FORMATION_LINGUISTIQUE, signature, ofii,
                      {"motif": MotifDispenseFormation.NIVEAU_ATTEINT_AU_TEST.value})
        if min(oral, ecrit) == 1 and rng.random() < 0.35:
            debut = signature + timedelta(days=rng.randint(0, 60))
            fin = _formation(p, debut, TypeFormationLinguistique.COMPLEMENTAIRE_A2, 100, NiveauCible.A2, oral, ecrit)
            if fin is None:
                return
            fins.append(fin)

    # End-of-CIR interview within 3 months of the trainings, then an orientation or a waiver
    entretien = max(fins) + timedelta(days=rng.randint(30, 88))
    situation = _SITUATIONS_PRO.tirer(rng)
    if p.ajouter(E.ENTRETIEN_FIN_CIR, entretien, ofii, {"situation_pro": situation.value}) is None:
        return
    if situation is SituationPro.RECHERCHE_EMPLOI and rng.random() < 0.86:
        _orientation_spe(p, entretien)
        return
    probabilite, motif_dispense = _DISPENSES[situation]
    if rng.random() < probabilite:
        p.ajouter(E.DISPENSE_ORIENTATION_SPE, entretien, ofii, {"demande_expresse": True, "motif": motif_dispense.value})


def _formation(p: _Personne, prescription: date, type_: TypeFormationLinguistique, forfait: int, cible: NiveauCible,
               oral: int, ecrit: int) -> date | None:
    """Prescription, monthly hours, evaluations and end of a language training; its end (None: not ended)."""
    rng = p.rng
    if p.ajouter(E.FORMATION_LINGUISTIQUE_PRESCRITE, prescription, p.op(T.OFII),
                 {"type": type_.value, "forfait_h": forfait, "niveau_cible": cible.value}) is None:
        return None
    organisme = p.op(T.ORGANISME_FORMATION)
    obligatoire = type_ is TypeFormationLinguistique.CIR_OBLIGATOIRE
    mois = rng.randint(*_MOIS_DE_FORMATION[forfait]) if obligatoire else rng.randint(2, 4)
    total = forfait
    if (forfait == 600 and rng.random() < 0.10) or rng.random() < 0.05:
        total = forfait * 11 // 10  # the "as needed" extra hours: at most 10 % of the forfait
    parts = [total // mois + (1 if k < total % mois else 0) for k in range(mois)]

    tirage = rng.random()
    issue = (
        MotifFinFormation.ABANDON if tirage < 0.12 else MotifFinFormation.DEMENAGEMENT if tirage < 0.14
        else MotifFinFormation.AUTRE if tirage < 0.15 else MotifFinFormation.FORFAIT_REALISE
    )
    atteint = rng.random() < (_ATTEINTE_A1[forfait] if obligatoire else 0.65)
    anticipe = issue is MotifFinFormation.FORFAIT_REALISE and atteint and rng.random() < 0.26
    if issue is MotifFinFormation.FORFAIT_REALISE and not anticipe:
        faits = mois
        bas, haut = (0.81, 1.0) if rng.random() < 0.85 else (0.5, 0.78)
    else:
        faits = rng.randint(1, mois - 1)
        bas, haut = (0.81, 1.0) if anticipe else (0.3, 0.75)
    intermediaire = -1
    if issue is MotifFinFormation.FORFAIT_REALISE and not anticipe and faits >= 2 and rng.random() < 0.4:
        intermediaire = faits // 2 - 1

    debut = prescription + timedelta(days=rng.randint(14, 75))
    dernier = debut
    for k in range(faits):
        periode_fin = add_months(debut, k + 1) - _UN_JOUR
        declaration = periode_fin + timedelta(days=rng.randint(1, 6))
        planifiees = parts[k]
        realisees = min(planifiees, int(planifiees * rng.uniform(bas, haut)))
        if p.ajouter(E.FORMATION_LINGUISTIQUE_HEURES, declaration, organisme, {
            "periode_debut": add_months(debut, k).isoformat(), "periode_fin": periode_fin.isoformat(),
            "heures_planifiees": planifiees, "heures_realisees": realisees,
        }) is None:
            return None
        dernier = declaration
        if k == intermediaire:
            _evaluation(p, dernier, TypeEvaluation.INTERMEDIAIRE, oral, ecrit, cible.rang, atteint and rng.random() < 0.5)

    if anticipe:  # the target reached at an intermediate test: the training ends early
        evaluation = dernier + timedelta(days=rng.randint(0, 3))
        _evaluation(p, evaluation, TypeEvaluation.INTERMEDIAIRE, oral, ecrit, cible.rang, True)
        fin = evaluation + timedelta(days=rng.randint(1, 10))
        motif = MotifFinFormation.NIVEAU_CIBLE_ATTEINT_ANTICIPE
    elif issue is MotifFinFormation.FORFAIT_REALISE:
        fin = dernier
        if rng.random() < 0.92:
            fin = dernier + timedelta(days=rng.randint(0, 5))
            _evaluation(p, fin, TypeEvaluation.FINALE, oral, ecrit, cible.rang, atteint)
        fin += timedelta(days=rng.randint(0, 7))
        motif = MotifFinFormation.FORFAIT_REALISE
    else:
        fin = dernier + timedelta(days=rng.randint(5, 30))
        motif = issue
    if p.ajouter(E.FORMATION_LINGUISTIQUE_TERMINEE, fin, organisme, {"motif": motif.value}) is None:
        return None
    return fin


def _evaluation(p: _Personne, jour: date, type_: TypeEvaluation, oral: int, ecrit: int, cible: int,
                atteint: bool) -> None:
    """An evaluation: both skills at the target or above when reached, else the weaker one stays below it."""
    rng = p.rng
    if atteint:
        oral, ecrit = max(oral, cible), max(ecrit, cible)
        if oral < 3 and rng.random() < 0.25:
            oral += 1
    elif oral < cible and ecrit < cible and rng.random() < 0.5:
        oral = cible
    donnees: dict[str, Any] = {"type": type_.value, "niveau_oral": NIVEAUX[oral], "niveau_ecrit": NIVEAUX[ecrit]}
    if rng.random() < 0.65:
        donnees["score"] = rng.randint(55, 98) if min(oral, ecrit) >= cible else rng.randint(15, 60)
    p.ajouter(E.EVALUATION_LINGUISTIQUE, jour, p.op(T.ORGANISME_FORMATION), donnees)


# Orientation and employment support ------------------------------------------------------------------------------


def _orientation_spe(p: _Personne, jour: date) -> None:
    """Under 26: the Mission locale (a rare RQTH override to Cap emploi); otherwise France Travail or Cap emploi."""
    rng = p.rng
    if age_revolu(p.naissance, jour) < 26:
        defaut = (T.MISSION_LOCALE, MotifChoixSpe.AGE_MOINS_26)
        vers, motif = (T.CAP_EMPLOI, MotifChoixSpe.RQTH) if rng.random() < 0.03 else defaut
    else:
        defaut = (T.FRANCE_TRAVAIL, MotifChoixSpe.DEFAUT)
        vers, motif = (T.CAP_EMPLOI, MotifChoixSpe.RQTH) if rng.random() < 0.07 else defaut
    destinataire = p.op(vers)
    orientation = p.ajouter(E.ORIENTATION_SPE, jour, p.op(T.OFII), {"vers": destinataire, "motif_choix": motif.value})
    if orientation is None:
        return
    reponse = jour + timedelta(days=rng.randint(1, 40))
    if rng.random() < 0.12:
        p.ajouter(E.ORIENTATION_REFUSEE, reponse, destinataire,
                  {"orientation_step_id": orientation, "motif": rng.choice(_REFUS_ORIENTATION)})
        return
    if p.ajouter(E.ORIENTATION_ACCEPTEE, reponse, destinataire, {"orientation_step_id": orientation}) is None:
        return
    _retour_spe(p, destinataire, vers, reponse)
    entree = reponse + timedelta(days=rng.randint(0, 21))
    if vers is T.MISSION_LOCALE:
        cej = age_revolu(p.naissance, entree) < 26 and rng.random() < 0.55
        _episode(p, destinataire, entree, Programme.CEJ if cej else Programme.PACEA, cej=cej)
    else:
        _episode(p, destinataire, entree, Programme.ACCOMPAGNEMENT_FT if vers is T.FRANCE_TRAVAIL else Programme.AUTRE)


_FREINS = ((Frein.LANGUE, 0.60), (Frein.MOBILITE, 0.30), (Frein.LOGEMENT, 0.30), (Frein.NUMERIQUE, 0.25),
           (Frein.GARDE_ENFANTS, 0.20), (Frein.RECONNAISSANCE_DIPLOMES, 0.20), (Frein.DROITS, 0.15), (Frein.SANTE, 0.10),
           (Frein.AUTRE, 0.05))
"""Share of in-depth diagnostics naming each barrier (language first: reference/domain.md §4.4)."""


def _freins(rng: random.Random) -> list[str]:
    return [frein.value for frein, part in _FREINS if rng.random() < part]


def _identifiant_spe(rng: random.Random, vers: TypeOperateur) -> str:
    if vers is T.FRANCE_TRAVAIL:
        return f"{rng.randrange(10**7):07d}{rng.choice('ABCDEFGHJK')}"
    prefixe = {T.MISSION_LOCALE: "ML", T.CAP_EMPLOI: "CE"}.get(vers, "SP")
    return f"{prefixe}{rng.randrange(10**8):08d}"


def _retour_spe(p: _Personne, destinataire: str, vers: TypeOperateur, acceptation: date) -> None:
    """What the receiving operator tells OFII after accepting: registration, first appointment (held or
    not, sometimes a second one), in-depth diagnostic with its barriers, and sometimes a step towards
    the recognition of qualifications. Some accepted orientations are never followed by a registration."""
    rng = p.rng_suites
    if rng.random() >= 0.88:
        return
    inscription = acceptation + timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 8, 12)))
    donnees = {"identifiant_spe": _identifiant_spe(rng, vers)} if rng.random() < 0.9 else {}
    if p.suite(E.INSCRIPTION_SPE, inscription, destinataire, donnees) is None:
        return
    rdv = inscription + timedelta(days=rng.randint(3, 30))
    honore = rng.random() < 0.8
    if p.suite(E.PREMIER_RENDEZ_VOUS_SPE, rdv, destinataire, {"date_rdv": rdv.isoformat(), "honore": honore}) is None:
        return
    if not honore:
        if rng.random() >= 0.7:
            return
        rdv += timedelta(days=rng.randint(7, 21))
        if p.suite(E.PREMIER_RENDEZ_VOUS_SPE, rdv, destinataire, {"date_rdv": rdv.isoformat(), "honore": True}) is None:
            return
    if rng.random() < 0.75:
        p.suite(E.DIAGNOSTIC_APPROFONDI, rdv + timedelta(days=rng.choice((0, 0, 0, 7, 14))), destinataire,
                {"freins": _freins(rng)})
    if rng.random() < 0.10:
        demarche = rng.choice((DemarcheQualification.COMPARABILITE_DIPLOME, DemarcheQualification.COMPARABILITE_DIPLOME,
                               DemarcheQualification.VAE, DemarcheQualification.EQUIVALENCE))
        depot = rdv + timedelta(days=rng.randint(10, 60))
        p.suite(E.RECONNAISSANCE_QUALIFICATIONS, depot, destinataire,
                {"demarche": demarche.value, "statut": StatutDemarche.DEPOSEE.value})
        issue = StatutDemarche.OBTENUE if rng.random() < 0.7 else StatutDemarche.REFUSEE
        p.suite(E.RECONNAISSANCE_QUALIFICATIONS, depot + timedelta(days=rng.randint(60, 180)), destinataire,
                {"demarche": demarche.value, "statut": issue.value})


def _episode(p: _Personne, operateur: str, entree: date, programme: Programme, cej: bool = False) -> None:
    """Entry, the contract or training an exit category rests on, exit, 6-month follow-up."""
    rng = p.rng
    if p.ajouter(E.ACCOMPAGNEMENT_EMPLOI_DEBUTE, entree, operateur, {"programme": programme.value}) is None:
        return
    mois = math.exp(rng.gauss(_MEDIANE_MOIS, _SIGMA))
    if cej:
        mois = min(12.0, max(6.0, mois))
    jours = max(14, round(mois * JOURS_PAR_MOIS))
    sortie = entree + timedelta(days=jours)
    categorie, quoi = _MIX_SORTIES.tirer(rng)
    debut = max(entree, sortie - timedelta(days=rng.randint(0, 30)))
    if isinstance(quoi, TypeFormationPro):
        if quoi is TypeFormationPro.FLE_A_VISEE_PRO and rng.random() < 0.3:
            quoi = TypeFormationPro.SAVOIRS_DE_BASE
        formation: dict[str, Any] = {"type": quoi.value, "date_debut": debut.isoformat()}
        if rng.random() < 0.85:
            formation["date_fin_prevue"] = (add_months(debut, rng.randint(3, 12)) - _UN_JOUR).isoformat()
        p.ajouter(E.ENTREE_FORMATION, debut, operateur, formation)
    elif quoi is not None:
        _contrat(p, operateur, quoi, debut, sortie)
    elif jours > 120 and rng.random() < 0.2:  # a short assignment during the support, over well before the exit
        debut = entree + timedelta(days=rng.randint(15, jours - 90))
        p.ajouter(E.CONTRAT_TRAVAIL_DEBUTE, debut, operateur, {
            "type_contrat": rng.choice((TypeContrat.INTERIM, TypeContrat.CDD)).value,
            "date_debut": debut.isoformat(),
            "date_fin_prevue": (debut + timedelta(days=rng.randint(7, 60))).isoformat(),
        })
    sortie_id = p.ajouter(E.SORTIE_ACCOMPAGNEMENT, sortie, operateur, {"categorie": categorie.value})
    if sortie_id is None:
        return
    if categorie is C.DECES:
        p.deces = sortie if p.deces is None else min(p.deces, sortie)
    if categorie in SORTIES_NEUTRES:
        return
    debut_fenetre, fin_fenetre = fenetre_suivi(sortie)
    if debut_fenetre > p.limite or rng.random() >= 0.85:
        return
    jour = debut_fenetre + timedelta(days=rng.randint(0, (min(fin_fenetre, p.limite) - debut_fenetre).days))
    if rng.random() < 0.65:
        positive = categorie in SORTIES_POSITIVES
        if rng.random() < (0.8 if positive else 0.2):
            situation = categorie if positive and rng.random() < 0.6 else _SUIVI_POSITIF.tirer(rng)
        else:
            situation = _SUIVI_NON_POSITIF.tirer(rng)
        suivi: dict[str, Any] = {"sortie_step_id": sortie_id, "repondant": True, "categorie": situation.value}
    else:
        suivi = {"sortie_step_id": sortie_id, "repondant": False}
    p.ajouter(E.SUIVI_SIX_MOIS, jour, operateur, suivi)


def _contrat(p: _Personne, operateur: str, quoi: str, debut: date, actif_le: date) -> None:
    """A contract of the kind an exit category names, still running on `actif_le`."""
    rng = p.rng
    if quoi in ("CDI", "CREATION"):
        type_contrat = TypeContrat.CDI if quoi == "CDI" else TypeContrat.CREATION_ENTREPRISE
        p.ajouter(E.CONTRAT_TRAVAIL_DEBUTE, debut, operateur,
                  {"type_contrat": type_contrat.value, "date_debut": debut.isoformat()})
        return
    if quoi == "CDD_LONG":
        fin = add_months(debut, rng.randint(6, 18)) - _UN_JOUR
    elif quoi == "ALTERNANCE":
        fin = add_months(debut, rng.randint(12, 36)) - _UN_JOUR
    else:  # under six months
        plafond = add_months(debut, 6) - timedelta(days=2)
        fin = debut + timedelta(days=rng.randint(max(14, (actif_le - debut).days), (plafond - debut).days))
    assert contrat_durable(debut, fin) is (quoi in ("CDD_LONG", "ALTERNANCE"))
    p.ajouter(E.CONTRAT_TRAVAIL_DEBUTE, debut, operateur, {
        "type_contrat": _CONTRATS[quoi].tirer(rng).value,
        "date_debut": debut.isoformat(),
        "date_fin_prevue": fin.isoformat(),
    })


# AGIR and housing ------------------------------------------------------------------------------------------------


def _agir(p: _Personne, signature: date, decision: date) -> None:
    rng = p.rng
    orientation_le = signature + timedelta(days=rng.choice((0, 0, 0, 1, 2, 3, 5, 7, 10)))
    if decision.year not in (orientation_le.year, orientation_le.year - 1):
        return
    agir = p.op(T.AGIR)
    orientation = p.ajouter(E.ORIENTATION_AGIR, orientation_le, p.op(T.OFII), {"vers": agir})
    if orientation is None:
        return
    if rng.random() >= 0.80:
        if rng.random() < 0.5:
            refus_le = orientation_le + timedelta(days=rng.randint(3, 30))
            motif_refus = rng.choice(_REFUS_AGIR)
            if p.ajouter(E.ORIENTATION_REFUSEE, refus_le, agir, {"orientation_step_id": orientation, "motif": motif_refus}):
                p.suite(E.AGIR_REFUS, refus_le, agir, {"motif": _MOTIFS_REFUS_AGIR[motif_refus].value})
        else:  # no answer to the convocation: unreachable, or an intake held late (flagged) and no entry yet
            tirage = p.rng_suites.random()
            if tirage < 0.45:
                p.suite(E.AGIR_REFUS, orientation_le + timedelta(days=p.rng_suites.randint(31, 60)), agir,
                        {"motif": MotifRefusAgir.INJOIGNABLE.value})
            elif tirage < 0.85:
                p.suite(E.AGIR_ACCUEIL, orientation_le + timedelta(days=p.rng_suites.randint(32, 75)), agir, {
                    "diagnostic": [v.value for v in VoletAgir if p.rng_suites.random() < 0.7],
                    "situation_logement": _LOGEMENT_ENTREE_BPI.tirer(p.rng_suites).value,
                    "situation_pro": SituationPro.RECHERCHE_EMPLOI.value,
                })
        return
    acceptation = orientation_le + timedelta(days=rng.randint(1, 12))
    if p.ajouter(E.ORIENTATION_ACCEPTEE, acceptation, agir, {"orientation_step_id": orientation}) is None:
        return
    entree = acceptation + timedelta(days=rng.randint(0, 14))
    if entree > add_months(signature, 1) and rng.random() < 0.8:  # intake within a month of the CIR, mostly
        entree = max(acceptation, add_months(signature, 1))
    volets = [v.value for v in VoletAgir]
    if rng.random() >= 0.60:  # "more than one in two" on all three strands
        choisis = rng.sample(volets, rng.randint(1, 2))
        volets = [v for v in volets if v in choisis]
    rang_entree = len(p.etapes)
    if p.ajouter(E.AGIR_ENTREE, entree, agir, {"volets": volets}) is None:
        return
    p.agir = True
    p.volets_agir = volets

    # Housing: the situation at entry, then (for about half of the others) durable housing within 24 months
    situation = _LOGEMENT_ENTREE_BPI.tirer(rng)
    p.ajouter(E.SITUATION_LOGEMENT, entree, agir, {"situation": situation.value})
    _accueil_agir(p, agir, acceptation, entree, volets, situation, rang_entree)
    acces = entree if situation in LOGEMENTS_PERENNES else None
    if acces is None:
        perenne = rng.random() < 0.49
        changement = entree + timedelta(days=rng.randint(60, 700))
        if not perenne or rng.random() < 0.35:
            jour = entree + timedelta(days=rng.randint(30, (changement - entree).days)) if perenne else changement
            p.ajouter(E.SITUATION_LOGEMENT, jour, rng.choice((agir, p.op(T.LOGEMENT))),
                      {"situation": rng.choice(_LOGEMENT_ETAPE[situation]).value})
        if perenne and p.ajouter(E.SITUATION_LOGEMENT, changement, rng.choice((agir, p.op(T.LOGEMENT))),
                                 {"situation": _LOGEMENT_PERENNE.tirer(rng).value}) is not None:
            acces = changement

    # Employment/training strand: a durable job or qualifying training for half of them
    emploi = None
    tirage = rng.random()
    debut = entree + timedelta(days=rng.randint(60, 540))
    if tirage < 0.50:
        genre = rng.random()
        if genre < 0.35:
            _contrat(p, agir, "CDI", debut, debut)
        elif genre < 0.70:
            _contrat(p, agir, "CDD_LONG", debut, debut)
        else:
            p.ajouter(E.ENTREE_FORMATION, debut, agir, {
                "type": rng.choice((TypeFormationPro.QUALIFIANTE, TypeFormationPro.CERTIFIANTE,
                                    TypeFormationPro.DIPLOMANTE)).value,
                "date_debut": debut.isoformat(),
                "date_fin_prevue": (add_months(debut, rng.randint(6, 14)) - _UN_JOUR).isoformat(),
            })
        if debut <= p.limite:
            emploi = debut
    elif tirage < 0.75:
        if rng.random() < 0.6:
            _contrat(p, agir, "CDD_COURT", debut, debut)
        else:
            p.ajouter(E.ENTREE_FORMATION, debut, agir, {
                "type": rng.choice((TypeFormationPro.PRE_QUALIFIANTE, TypeFormationPro.FLE_A_VISEE_PRO)).value,
                "date_debut": debut.isoformat(),
                "date_fin_prevue": (add_months(debut, 4) - _UN_JOUR).isoformat(),
            })
    p.sortie_agir = (entree, acces, emploi)


_MOTIFS_REFUS_AGIR = {
    "La personne ne souhaite pas être accompagnée.": MotifRefusAgir.REFUS_PERSONNE,
    "Injoignable après la convocation.": MotifRefusAgir.INJOIGNABLE,
    "Installation prévue dans un autre département.": MotifRefusAgir.NON_ELIGIBLE,
}
assert set(_MOTIFS_REFUS_AGIR) == set(_REFUS_AGIR)
_SITUATIONS_PRO_ACCUEIL = ((SituationPro.RECHERCHE_EMPLOI, 0.70), (SituationPro.INACTIF, 0.15), (SituationPro.EMPLOI, 0.10),
                           (SituationPro.FORMATION, 0.05))
"""80 % of AGIR entrants without job or training (reference/domain.md §4.4)."""


def _accueil_agir(p: _Personne, agir: str, acceptation: date, entree: date, volets: list[str],
                  situation: SituationLogement, rang_entree: int) -> None:
    """The intake with its diagnostic, held between the acceptance and the entry (recorded before the entry),
    and for some with the employment strand an in-depth diagnostic of their barriers a few weeks later."""
    rng = p.rng_suites
    accueil = acceptation + timedelta(days=rng.randint(0, (entree - acceptation).days))
    tirage, situation_pro = rng.random(), SituationPro.RECHERCHE_EMPLOI
    for valeur, part in _SITUATIONS_PRO_ACCUEIL:
        if tirage < part:
            situation_pro = valeur
            break
        tirage -= part
    diagnostic = [v.value for v in VoletAgir if v.value in volets or rng.random() < 0.1]
    p.suite(E.AGIR_ACCUEIL, accueil, agir, {"diagnostic": diagnostic, "situation_logement": situation.value,
                                             "situation_pro": situation_pro.value}, avant=rang_entree)
    if VoletAgir.EMPLOI_FORMATION.value in volets and rng.random() < 0.4:
        p.suite(E.DIAGNOSTIC_APPROFONDI, entree + timedelta(days=rng.randint(10, 45)), agir, {"freins": _freins(rng)})


def _clotures_de_volets(p: _Personne, entree: date, sortie: date, acces: date | None, emploi: date | None,
                        motif: MotifSortieAgir) -> None:
    """Each strand opened at entry is closed once, in the weeks before the exit, with its result."""
    rng = p.rng_suites
    for volet in p.volets_agir:
        jour = max(entree, sortie - timedelta(days=rng.randint(0, 45)))
        if volet == VoletAgir.LOGEMENT.value:
            atteint = acces is not None and acces <= jour
        elif volet == VoletAgir.EMPLOI_FORMATION.value:
            atteint = emploi is not None and emploi <= jour
        else:
            atteint = rng.random() < 0.85
        resultat = ResultatVolet.ATTEINT if atteint else (
            ResultatVolet.SANS_OBJET if motif is MotifSortieAgir.DEMENAGEMENT else ResultatVolet.NON_ATTEINT)
        p.suite(E.AGIR_VOLET_CLOTURE, jour, p.op(T.AGIR), {"volet": volet, "resultat": resultat.value})


def _sortie_agir(p: _Personne, entree: date, acces: date | None, emploi: date | None) -> None:
    """The AGIR exit, made after every other step so that those of its day are recorded before it."""
    rng = p.rng
    duree_max = add_months(entree, 24)
    if acces is not None and emploi is not None and rng.random() < 0.85:
        sortie = min(duree_max, max(acces, emploi) + timedelta(days=rng.randint(10, 90)))
        motif = MotifSortieAgir.OBJECTIFS_ATTEINTS
    elif rng.random() < 0.45:
        sortie = duree_max - timedelta(days=rng.randint(0, 15))
        motif = MotifSortieAgir.DUREE_MAX
    else:
        sortie = entree + timedelta(days=rng.randint(60, 700))
        motif = _MOTIFS_SORTIE_AGIR.tirer(rng)
    if motif is MotifSortieAgir.OBJECTIFS_ATTEINTS and not objectifs_atteints(p.etapes, sortie):
        motif = MotifSortieAgir.AUTRE
    if sortie <= p.limite:
        _clotures_de_volets(p, entree, sortie, acces, emploi, motif)
    p.ajouter(E.AGIR_SORTIE, sortie, p.op(T.AGIR), {"motif": motif.value})


def objectifs_atteints(etapes: Sequence[tuple[date, int, dict[str, Any]]], jour: date) -> bool:
    """What the AGIR exit rule demands of OBJECTIFS_ATTEINTS (R-17), read on the generator's plain steps: durable housing
    (the latest situation) and a durable job or qualifying training running on `jour`, by the rule's own definitions.

    `etapes` are one person's (occurred_on, order, step) triples; only those dated on or before `jour` count.
    """
    logements = [e for e in etapes if e[0] <= jour and e[2]["type"] == E.SITUATION_LOGEMENT.value]
    if not logements or max(logements, key=lambda e: (e[0], e[1]))[2]["data"]["situation"] not in _PERENNES:
        return False
    for jour_etape, _, etape in etapes:
        if jour_etape > jour or etape["type"] not in (E.CONTRAT_TRAVAIL_DEBUTE.value, E.ENTREE_FORMATION.value):
            continue
        donnees = etape["data"]
        debut = date.fromisoformat(donnees["date_debut"])
        fin = date.fromisoformat(donnees["date_fin_prevue"]) if donnees.get("date_fin_prevue") else None
        if etape["type"] == E.ENTREE_FORMATION.value:
            if formation_durable_active(TypeFormationPro(donnees["type"]), debut, fin, jour):
                return True
        elif contrat_durable_actif(TypeContrat(donnees["type_contrat"]), debut, fin, jour):
            return True
    return False


def _logements(p: _Personne, jour: date) -> None:
    """Housing snapshots outside AGIR: a first situation, then sometimes one or two changes."""
    rng = p.rng
    situation = (_LOGEMENT_ENTREE_BPI if p.bpi else _LOGEMENT_AUTRES).tirer(rng)
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        if p.ajouter(E.SITUATION_LOGEMENT, jour, p.op(T.LOGEMENT), {"situation": situation.value}) is None:
            return
        jour += timedelta(days=rng.randint(60, 400))
        if situation in LOGEMENTS_PERENNES or rng.random() < 0.45:
            situation = _LOGEMENT_PERENNE.tirer(rng)
        else:
            situation = rng.choice(_LOGEMENT_ETAPE[situation])


# Notes, corrections, voids ---------------------------------------------------------------------------------------


def _gestion(p: _Personne) -> None:
    """A few notes; corrections of a housing situation, an oral level or a contract's end; voids of duplicates."""
    rng = p.rng
    tirage = rng.random()
    if tirage < 0.015:
        _note(p)
    elif tirage < 0.04:
        _corriger(p)
    elif tirage < 0.055:
        logements = p.du_type(E.SITUATION_LOGEMENT)
        if logements and rng.random() < 0.7:
            jour, _, cible = rng.choice(logements)
            doublon = p.ajouter(E.SITUATION_LOGEMENT, jour, cible["operateur"], dict(cible["data"]))
            if doublon is not None:
                p.ajouter(E.EVENEMENT_ANNULE, jour + timedelta(days=rng.randint(0, 20)), cible["operateur"],
                          {"cible_step_id": doublon, "motif": "Saisie en double."})
        else:
            note = _note(p)
            if note is not None:
                jour, operateur, step_id = note
                p.ajouter(E.EVENEMENT_ANNULE, jour + timedelta(days=rng.randint(0, 15)), operateur,
                          {"cible_step_id": step_id, "motif": "Note saisie dans le mauvais dossier."})


def _note(p: _Personne) -> tuple[date, str, str] | None:
    """A note by an operator that already recorded a step of the person."""
    rng = p.rng
    jour, _, voisine = rng.choice(p.etapes[1:])
    jour += timedelta(days=rng.randint(0, 30))
    operateur = voisine["operateur"]
    visibilite = Visibilite.PARTAGEE if rng.random() < 0.6 else Visibilite.OPERATEUR
    step_id = p.ajouter(E.NOTE, jour, operateur, {"texte": rng.choice(_NOTES), "visibilite": visibilite.value})
    return (jour, operateur, step_id) if step_id is not None else None


def _corriger(p: _Personne) -> None:
    """Correct one field (two at most) of an earlier step, keeping every rule that rests on it true."""
    rng = p.rng
    cibles = p.du_type(E.SITUATION_LOGEMENT, E.EVALUATION_LINGUISTIQUE, E.CONTRAT_TRAVAIL_DEBUTE)
    if not cibles:
        return
    jour, _, cible = rng.choice(cibles)
    donnees = cible["data"]
    if cible["type"] == E.SITUATION_LOGEMENT.value:
        champs: dict[str, Any] = {"situation": _CORRECTIONS_LOGEMENT[S(donnees["situation"])].value}
        motif = "Erreur de saisie de la situation de logement."
    elif cible["type"] == E.EVALUATION_LINGUISTIQUE.value:
        # the corrected level keeps the evaluation on the same side of its target (an early end may rest on it)
        prescription = max(e for e in p.du_type(E.FORMATION_LINGUISTIQUE_PRESCRITE) if e[0] <= jour)
        rang_cible = NiveauCible(prescription[2]["data"]["niveau_cible"]).rang
        oral, ecrit = NIVEAUX.index(donnees["niveau_oral"]), NIVEAUX.index(donnees["niveau_ecrit"])
        atteint = min(oral, ecrit) >= rang_cible
        autres = [n for n in range(len(NIVEAUX)) if n != oral and (min(n, ecrit) >= rang_cible) is atteint]
        if not autres:
            return
        champs = {"niveau_oral": NIVEAUX[rng.choice(autres)]}
        if "score" in donnees and rng.random() < 0.5:
            champs["score"] = max(0, min(100, donnees["score"] + rng.choice((-5, -3, 2, 4))))
        motif = "Niveau à l'oral mal reporté depuis la grille d'évaluation."
    else:
        if not donnees.get("date_fin_prevue"):
            return
        debut, fin = date.fromisoformat(donnees["date_debut"]), date.fromisoformat(donnees["date_fin_prevue"])
        if contrat_durable(debut, fin):
            nouvelle = add_months(fin, rng.randint(1, 3))  # extended: still durable, running longer
        else:
            marge = (add_months(debut, 6) - timedelta(days=2) - fin).days  # still under six months
            if marge < 1:
                return
            nouvelle = fin + timedelta(days=rng.randint(1, min(marge, 20)))
        champs = {"date_fin_prevue": nouvelle.isoformat()}
        motif = "Avenant : prolongation du contrat."
    p.ajouter(E.EVENEMENT_CORRIGE, jour + timedelta(days=rng.randint(1, 45)), cible["operateur"],
              {"cible_step_id": cible["step_id"], "champs": champs, "motif": motif})


# Funded actions (CONTRACT §8) ------------------------------------------------------------------------------------

_PERSONNES_PAR_ACTION = 30
_ACTIONS_MAX = 2000
"""Beyond 60,000 people the territory keeps 2,000 actions (the plan is made before the first person)."""
_GENRES_D_ACTION = _Table((
    (("langues", "Français langue d'intégration", ("FRANCAIS", "VALEURS_REPUBLIQUE")), 30),
    (("emploi", "Vers l'emploi et le logement", ("EMPLOI", "LOGEMENT")), 15),
    (("numerique", "Inclusion numérique et accès à la santé", ("NUMERIQUE", "SANTE")), 15),
    (("parrainage", "Parrainage, sport et culture", ("MENTORAT", "SPORT_CULTURE")), 15),
    (("acteurs", "Formation des acteurs de l'intégration", ("FORMATION_ACTEURS", "VALEURS_REPUBLIQUE")), 10),
    (("global", "Accompagnement global", ("ACCOMPAGNEMENT_GLOBAL", "FRANCAIS", "EMPLOI", "LOGEMENT")), 15),
))
_RYTHMES = {  # thematic → (days between sessions, hours per session, public)
    "FRANCAIS": (7, 3.0, "BENEFICIAIRES"),
    "VALEURS_REPUBLIQUE": (28, 2.0, "BENEFICIAIRES"),
    "NUMERIQUE": (14, 2.0, "BENEFICIAIRES"),
    "EMPLOI": (21, 2.5, "BENEFICIAIRES"),
    "FORMATION_ACTEURS": (60, 6.0, "ACTEURS"),
}
_LOGEMENT_DEBUT = _Table(((S.DNA, 30), (S.HEBERGE_TIERS, 30), (S.HEBERGEMENT_URGENCE, 15), (S.CPH, 10), (S.CHRS, 5),
                          (S.LOCATAIRE_PARC_PRIVE, 10)))


@dataclass
class _Candidat:
    """What the actions need to know of a generated person: who, where, from when and until when eligible."""

    reference: dict[str, str]
    departement: str
    enregistre_le: date
    titre: date | None
    bpi_depuis: date | None
    limite: date
    dernier_enregistrement: datetime

    def eligible(self, jour: date) -> bool:
        if jour < self.enregistre_le or jour > self.limite:
            return False
        if self.bpi_depuis is not None and self.bpi_depuis <= jour:
            return True
        return self.titre is not None and self.titre <= jour < add_months(self.titre, 60)


@dataclass
class _ActionDemo:
    id: str
    porteur: str
    departement: str
    annee: int
    intitule: str
    thematiques: tuple[str, ...]


def _plan_des_actions(personnes: int, graine: int, limite: date) -> list[_ActionDemo]:
    """About one action per 30 people, over the last two years, in the départements' proportions."""
    rng = random.Random(f"actions-{graine}")
    departements = _Table(tuple((dep, dep.poids) for dep in DEPARTEMENTS))
    actions = []
    for rang in range(min(_ACTIONS_MAX, max(1, round(personnes / _PERSONNES_PAR_ACTION)))):
        dep = departements.tirer(rng)
        genre, intitule, thematiques = _GENRES_D_ACTION.tirer(rng)
        annee = limite.year - 1 if rang % 3 != 2 or limite < date(limite.year, 4, 1) else limite.year
        porteur = OPERATEURS[dep.code][T.ORGANISME_FORMATION if genre == "langues" else T.ASSOCIATION].id
        actions.append(_ActionDemo(f"{porteur}-{genre}-{annee}-{rang + 1}", porteur, dep.code, annee, intitule, thematiques))
    return actions


def _candidat(p: _Personne, departement: str, enregistrements: list[EtapeDemo]) -> _Candidat:
    enregistre_le, titre, bpi = p.limite, None, None
    for jour, _, etape in p.etapes:
        if etape["type"] == E.PERSONNE_ENREGISTREE.value:
            enregistre_le = jour
        elif etape["type"] == E.TITRE_SEJOUR_DELIVRE.value and etape["data"].get("premier_titre"):
            titre = min(titre or jour, date.fromisoformat(etape["data"]["valid_from"]))
        elif etape["type"] == E.PROTECTION_ACCORDEE.value:
            decision = date.fromisoformat(etape["data"]["decision_date"])
            bpi = min(bpi or decision, decision)
    return _Candidat(dict(p.reference), departement, enregistre_le, titre, bpi, p.limite,
                     max(e.enregistre_le for e in enregistrements))


def _rattacher_episodes(p: _Personne, emploi: dict[tuple[str, int], str]) -> None:
    """A person's ACTION_BOP104 episode with the association is the work of its employment action of that year, if any
    (`emploi`: the employment actions' ids by promoter and year)."""
    for jour, _, etape in p.etapes:
        if etape["type"] == E.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value and etape["data"]["programme"] == Programme.ACTION_BOP104.value:
            action = emploi.get((etape["operateur"], jour.year))
            if action is not None:
                etape["action"] = action


class _JournalAction:
    """The steps of one action's year, on the action and on its beneficiaries, each with its business date."""

    def __init__(self, rng: random.Random, action: _ActionDemo) -> None:
        self.rng, self.action = rng, action
        self.etapes: list[tuple[date, int, dict[str, Any], _Candidat | None]] = []

    def ajouter(self, type_: TypeEtape, jour: date, data: dict[str, Any], candidat: _Candidat | None = None) -> str:
        step_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        etape: dict[str, Any] = {"step_id": step_id, "type": type_.value, "occurred_on": jour.isoformat(),
                                 "operateur": self.action.porteur, "agent": self.rng.choice(AGENTS[self.action.porteur]),
                                 "action": self.action.id, "data": data}
        if candidat is not None:
            etape["personne"] = dict(candidat.reference)
        # On one day: the action first, then inscriptions, then what needs them (sessions, exits).
        ordre = {E.ACTION_DECLAREE: 0, E.ACTION_BUDGET: 1, E.BENEFICIAIRE_INSCRIT: 2}.get(type_, 3 if candidat is None else 4)
        self.etapes.append((jour, ordre * 1_000_000 + len(self.etapes), etape, candidat))
        return step_id


def _annee_d_action(action: _ActionDemo, par_departement: dict[str, list[_Candidat]], limite: date,
                    rng: random.Random) -> _JournalAction:
    j = _JournalAction(rng, action)
    debut, fin = date(action.annee, 1, 5), min(date(action.annee, 12, 15), limite)
    declaree = _declaree_le(action, limite)
    cout = rng.randint(15, 80) * 1000
    j.ajouter(E.ACTION_BUDGET, min(declaree + timedelta(days=10), limite),
              {"cout_total": cout, "subvention_p104": round(cout * rng.uniform(0.4, 0.8), 2)})
    if "FORMATION_ACTEURS" in action.thematiques:
        j.ajouter(E.OUTIL_DECRIT, min(declaree + timedelta(days=15), limite),
                  {"pour": "ACTEURS", "description": "Guide de l'accueil des personnes nouvellement arrivées"})
    if "VALEURS_REPUBLIQUE" in action.thematiques:
        j.ajouter(E.OUTIL_DECRIT, min(declaree + timedelta(days=15), limite),
                  {"pour": "BENEFICIAIRES", "description": "Ateliers débats et visites (mairie, tribunal, musée)"})
    # Beneficiaries: eligible people of the département on their inscription day (none for an actors' training).
    inscrits: list[tuple[_Candidat, date, date | None, float]] = []
    if action.thematiques != ("FORMATION_ACTEURS", "VALEURS_REPUBLIQUE"):
        du_departement = list(par_departement.get(action.departement, ()))
        rng.shuffle(du_departement)
        voulus = rng.randint(12, 24)
        francais = "FRANCAIS" in action.thematiques
        for candidat in du_departement:
            if len(inscrits) >= voulus:
                break
            jour = (date(action.annee - 1, 12, rng.randint(1, 20)) if rng.random() < 0.1
                    else debut + timedelta(days=rng.randint(0, 60)))
            if jour > limite or not candidat.eligible(jour) or jour < candidat.enregistre_le:
                continue
            data: dict[str, Any] = {}
            niveau = rng.randint(0, 2)
            if francais:
                data["heures_prevues"] = 3 * rng.randint(25, 40)
                data["niveau_oral_debut"] = NIVEAUX[min(3, niveau + rng.randint(0, 1))]
                data["niveau_ecrit_debut"] = NIVEAUX[niveau]
            if "LOGEMENT" in action.thematiques:
                data["situation_logement_debut"] = _LOGEMENT_DEBUT.tirer(rng).value
            j.ajouter(E.BENEFICIAIRE_INSCRIT, jour, data, candidat)
            sortie = None
            if rng.random() < 0.15:
                sortie = jour + timedelta(days=rng.randint(20, 150))
                motif = rng.choice(("ABANDON", "DEMENAGEMENT", "AUTRE"))
            else:
                sortie, motif = fin, "PARCOURS_TERMINE"
            if sortie is not None and sortie <= min(fin, candidat.limite) and sortie < limite:
                fin_data: dict[str, Any] = {"motif": motif}
                if francais and motif == "PARCOURS_TERMINE":
                    progres = 1 if rng.random() < 0.6 else 0
                    fin_data["niveau_oral_fin"] = NIVEAUX[min(3, niveau + progres + rng.randint(0, 1))]
                    fin_data["niveau_ecrit_fin"] = NIVEAUX[min(3, niveau + progres)]
                j.ajouter(E.BENEFICIAIRE_SORTI_ACTION, sortie, fin_data, candidat)
            else:
                sortie = None
            inscrits.append((candidat, jour, sortie, rng.uniform(0.55, 0.98)))
            if "NUMERIQUE" in action.thematiques and rng.random() < 0.4:
                pret = jour + timedelta(days=rng.randint(1, 30))
                if pret <= limite and (sortie is None or pret <= sortie):
                    j.ajouter(E.OUTIL_NUMERIQUE_PRETE, pret, {"outil": rng.choice(("TABLETTE", "ORDINATEUR", "CONNEXION"))}, candidat)
            if "SANTE" in action.thematiques and rng.random() < 0.5:
                consultation = jour + timedelta(days=rng.randint(5, 60))
                if consultation <= limite and (sortie is None or consultation <= sortie):
                    j.ajouter(E.CONSULTATION_MEDICALE, consultation, {}, candidat)
            if "MENTORAT" in action.thematiques and rng.random() < 0.6:
                binome = jour + timedelta(days=rng.randint(5, 45))
                if binome <= limite and (sortie is None or binome <= sortie):
                    j.ajouter(E.BINOME_CONSTITUE, binome, {"binome_ref": f"B{len(inscrits):03d}"}, candidat)

    def presents(jour: date) -> list[dict[str, str]]:
        return [dict(c.reference) for c, inscrit, sortie, assiduite in inscrits
                if inscrit <= jour and (sortie is None or jour <= sortie) and rng.random() < assiduite]

    for thematique, (pas, duree, public) in _RYTHMES.items():
        if thematique not in action.thematiques:
            continue
        jour = debut + timedelta(days=rng.randint(3, 10))
        while jour <= fin:
            data = {"duree_h": duree, "thematique": thematique, "public": public}
            if public == "ACTEURS":
                venus = rng.randint(8, 16)
                data.update(acteurs_presents=venus, acteurs_nouveaux=rng.randint(venus // 2, venus))
            else:
                data["presents"] = presents(jour)
            j.ajouter(E.SEANCE_TENUE, jour, data)
            jour += timedelta(days=pas)
    if "SPORT_CULTURE" in action.thematiques:
        jour = debut + timedelta(days=rng.randint(20, 40))
        while jour <= fin:
            nature = rng.choice(("SPORTIF", "CULTUREL"))
            j.ajouter(E.EVENEMENT_TENU, jour, {"nature": nature, "intitule": "Match de football" if nature == "SPORTIF"
                                                else "Visite du musée", "presents": presents(jour)})
            jour += timedelta(days=rng.randint(25, 45))
    return j


def _declaree_le(action: _ActionDemo, limite: date) -> date:
    return min(date(action.annee - 1, 12, 1), limite)


def _declaration(action: _ActionDemo, graine: int, limite: date, enregistre_le: datetime) -> EtapeDemo:
    """The action's declaration (its own random stream: the same whichever step first needs it)."""
    rng = random.Random(f"action-declaree-{graine}-{action.id}")
    jour = _declaree_le(action, limite)
    j = _JournalAction(rng, action)
    j.ajouter(E.ACTION_DECLAREE, jour, {
        "intitule": f"{action.intitule} — {action.departement} {action.annee}", "annee": action.annee,
        "thematiques": list(action.thematiques), "departements": [action.departement],
        "objectif_beneficiaires": 0 if action.thematiques[0] == "FORMATION_ACTEURS" else rng.randint(12, 25),
        **({"objectif_acteurs": rng.randint(10, 30)} if "FORMATION_ACTEURS" in action.thematiques else {}),
        **({"themes_valeurs": sorted(rng.sample(["LAICITE", "EGALITE_FEMMES_HOMMES", "CITOYENNETE", "PARENTALITE",
                                                 "LIENS_SOCIETE_ACCUEIL"], 2))}
           if "VALEURS_REPUBLIQUE" in action.thematiques else {}),
    })
    return EtapeDemo(j.etapes[0][2], enregistre_le)


def _etapes_des_actions(actions: list[_ActionDemo], candidats: list[_Candidat], graine: int, limite: date,
                        instant: datetime) -> Iterator[EtapeDemo]:
    """Every action's year, in business-date order, each step recorded shortly after its date."""
    rng = random.Random(f"actions-annees-{graine}")
    # Grouped once: each action drew its beneficiaries from a filter of every person (quadratic: 30 s at 100,000 people).
    par_departement: dict[str, list[_Candidat]] = {}
    for candidat in candidats:
        par_departement.setdefault(candidat.departement, []).append(candidat)
    journaux = [_annee_d_action(action, par_departement, limite, rng) for action in actions]
    etapes = sorted((e for j in journaux for e in j.etapes), key=lambda e: (e[0], e[1]))
    precedent = datetime.combine(etapes[0][0], time(6), UTC) if etapes else instant
    for jour, _, etape, candidat in etapes:
        le = min(datetime.combine(jour + timedelta(days=rng.randint(0, 3)), time(6 + rng.randint(0, 11)), UTC), instant)
        if candidat is not None:
            le = max(le, candidat.dernier_enregistrement)
            candidat.dernier_enregistrement = le
        le = max(le, precedent)
        precedent = le
        yield EtapeDemo(etape, le)
