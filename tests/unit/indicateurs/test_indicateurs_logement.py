"""CONTRACT §5, `logement`: "`menages_logement_perenne`: distinct households (a person without
`menage` is a household alone) with a `situation_logement` durable dated in the period, whose previous
recorded situation (of that person) exists and was not durable. A first-ever recorded situation is
never an access." Durable: LOGEMENT_ACCOMPAGNE, IML_MANDAT_GESTION, LOCATAIRE_PARC_SOCIAL,
LOCATAIRE_PARC_PRIVE, PROPRIETAIRE (§3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def menages(territoire: Territoire, du: str = PERIODE[0], au: str = PERIODE[1], **filtres: str) -> int:
    return territoire.indicateurs(du, au, **filtres)["logement"]["menages_logement_perenne"]


def test_two_members_of_one_household_reaching_durable_housing_count_as_one_household(territoire: Territoire) -> None:
    t = territoire
    a, b = t.personne(menage="menage-1"), t.personne(menage="menage-1")
    t.logement(a, "2024-05-01", "CPH")
    t.logement(a, "2025-02-01", "LOCATAIRE_PARC_SOCIAL")
    t.logement(b, "2025-01-10", "HEBERGE_TIERS")
    t.logement(b, "2025-04-01", "PROPRIETAIRE")
    # a and b both reach durable housing in 2025, in the same household: 1.
    assert menages(t) == 1
    # Two people without `menage` are two households: 1 + 2 = 3.
    for _ in range(2):
        seul = t.personne()
        t.logement(seul, "2025-01-05", "DNA")
        t.logement(seul, "2025-06-01", "LOGEMENT_ACCOMPAGNE")
    assert menages(t) == 3


def test_a_first_ever_durable_situation_is_not_an_access(territoire: Territoire) -> None:
    t = territoire
    t.logement(t.personne(), "2025-03-01", "LOCATAIRE_PARC_PRIVE")
    # Household m-2: j moves from a CPH to social housing (an access), k's first-ever situation is
    # social housing (not one): the household counts once, through j.
    j, k = t.personne(menage="m-2"), t.personne(menage="m-2")
    t.logement(j, "2024-06-01", "CPH")
    t.logement(j, "2025-03-01", "LOCATAIRE_PARC_SOCIAL")
    t.logement(k, "2025-03-01", "LOCATAIRE_PARC_SOCIAL")
    assert menages(t) == 1


def test_a_durable_situation_after_a_durable_one_is_not_an_access(territoire: Territoire) -> None:
    t = territoire
    d = t.personne()
    t.logement(d, "2024-01-01", "PROPRIETAIRE")
    t.logement(d, "2025-03-01", "LOCATAIRE_PARC_PRIVE")
    e = t.personne()
    t.logement(e, "2024-01-01", "SANS_ABRI")
    t.logement(e, "2024-06-01", "IML_MANDAT_GESTION")
    t.logement(e, "2025-02-01", "LOCATAIRE_PARC_SOCIAL")  # previous (IML mandat de gestion) durable
    assert menages(t) == 0


def test_only_accesses_dated_in_the_period_to_a_durable_situation_count(territoire: Territoire) -> None:
    t = territoire
    avant = t.personne()
    t.logement(avant, "2024-03-01", "SANS_ABRI")
    t.logement(avant, "2024-12-31", "IML_MANDAT_GESTION")  # the day before the period
    apres = t.personne()
    t.logement(apres, "2025-06-01", "CPH")
    t.logement(apres, "2026-01-05", "LOCATAIRE_PARC_SOCIAL")  # after the period
    sous_location = t.personne()
    t.logement(sous_location, "2024-06-01", "HEBERGE_TIERS")
    t.logement(sous_location, "2025-02-01", "IML_SOUS_LOCATION")  # not durable
    t.logement(sous_location, "2025-04-01", "AUTRE")  # not durable
    assert menages(t) == 0
    # The period 2024-07-01 → 2024-12-31 does see the first one: 1.
    assert menages(t, "2024-07-01", "2024-12-31") == 1


def test_a_person_returning_to_durable_housing_twice_in_the_period_is_one_household(territoire: Territoire) -> None:
    t = territoire
    g = t.personne()
    t.logement(g, "2024-01-01", "LOCATAIRE_PARC_SOCIAL")
    t.logement(g, "2024-09-01", "CHRS")
    t.logement(g, "2025-05-01", "LOCATAIRE_PARC_PRIVE")  # access (after CHRS)
    t.logement(g, "2025-07-01", "HEBERGEMENT_URGENCE")
    t.logement(g, "2025-09-01", "LOCATAIRE_PARC_SOCIAL")  # access again, same household
    assert menages(t) == 1


def test_the_previous_situation_is_the_previous_one_by_date_whatever_the_recording_order(territoire: Territoire) -> None:
    t = territoire
    qui = t.personne()
    t.logement(qui, "2025-04-01", "LOCATAIRE_PARC_PRIVE")  # recorded first…
    t.logement(qui, "2025-01-15", "CHRS")  # …but a CHRS stay before it is recorded afterwards
    # By date: CHRS (15/01) then private rental (01/04): an access.
    assert menages(t) == 1
