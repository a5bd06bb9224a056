"""Issue 14, finding 4: an erasure cannot be undone from the database's raw files.

A person is registered (a name and a numéro no other test uses, so that nothing else on the server can
hold them), the keys rotate once, the person is erased and the keys rotate again. Then the raw files
are read as they lie on disk (PostgreSQL: the database's relation files and the whole WAL, after a
CHECKPOINT; SQLite: every file of the instance, `-wal` included): every wrapped key the person ever had
is looked for, and tried with every key still available (the master key, every epoch key left). None
opens, and neither the name, the numéro nor the household is there in clear.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from uuid import UUID, uuid4

import psycopg
import sqlite3

from parcours.chiffrement import CleMaitre, _chiffreur, lire_cles_d_epoque
from tests.conftest import enregistrer_operateurs
from tests.scenario import scenario
from web.config import Reglages, construire_services
from web.saisie.importation import LigneBrute, importer


def _personne_unique() -> tuple[dict, bytes, bytes, bytes]:
    nom = "Zy" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
    numero = "75" + "".join(secrets.choice("0123456789") for _ in range(8))
    ligne = {"step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2024-02-01", "operateur": "ofii-dt-paris",
             "agent": "a.martin", "data": {"nom": nom, "prenom": "Effacee", "date_naissance": "1988-07-14", "sexe": "F",
                                            "nationalite": "AFG", "departement": "75", "numero_etranger": numero,
                                            "menage": f"menage-{nom.lower()}"}}
    return ligne, nom.encode(), numero.encode(), ligne["data"]["menage"].encode()


def _enveloppes(reglages: Reglages, personne_id: UUID) -> set[bytes]:
    """The wrapped keys the key table holds for this person right now."""
    if reglages.postgres:
        with psycopg.connect(reglages.url_base) as connexion:
            lignes = connexion.execute("SELECT enveloppe FROM parcours_cles_personnes WHERE personne_id = %s", (personne_id,))
            return {bytes(ligne[0]) for ligne in lignes}
    with sqlite3.connect(reglages.dossier_donnees / "cles.sqlite") as connexion:
        lignes = connexion.execute("SELECT enveloppe FROM cles_personnes WHERE personne_id = ?", (personne_id.hex,))
        return {bytes(ligne[0]) for ligne in lignes}


def _octets_bruts(reglages: Reglages) -> bytes:
    """What an attacker holding the disk reads: the files themselves, dead tuples and WAL included."""
    if reglages.postgres:
        with psycopg.connect(reglages.url_base, autocommit=True) as connexion:
            connexion.execute("CHECKPOINT")
            dossier = Path(connexion.execute("SHOW data_directory").fetchone()[0])
            oid = connexion.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
        fichiers = [*sorted((dossier / "base" / str(oid)).iterdir()), *sorted((dossier / "pg_wal").glob("0*"))]
    else:
        fichiers = sorted(p for p in reglages.dossier_donnees.glob("*.sqlite*"))
    assert fichiers
    return b"".join(f.read_bytes() for f in fichiers if f.is_file())


def _cles_disponibles(reglages: Reglages) -> list[bytes]:
    """Every key an attacker could also take: the master key and each epoch key file still present."""
    maitre = CleMaitre(reglages.cle_maitre_effective())
    return [maitre.cle, *lire_cles_d_epoque(reglages.dossier_cles_epoque).values()]


def _ouvre(enveloppe: bytes, cles: list[bytes]) -> bool:
    for cle in cles:
        try:
            _chiffreur(cle).decrypt(enveloppe)
        except Exception:  # noqa: BLE001 — any failure to decrypt is what we want
            continue
        return True
    return False


def test_after_erasure_and_rotation_nothing_of_the_person_can_be_recovered_from_the_raw_files(reglages: Reglages) -> None:
    services = construire_services(reglages)
    enregistrer_operateurs(services.parcours)
    ligne, nom, numero, menage = _personne_unique()
    importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate([*scenario(), ligne], start=1)])
    services.rattraper()
    personne_id = services.parcours.trouver_par_numero(numero.decode())
    assert personne_id is not None
    temoin_id = services.parcours.trouver_par_numero("7501234567")
    enveloppes = _enveloppes(reglages, personne_id)
    services.parcours.tourner_cles()
    enveloppes |= _enveloppes(reglages, personne_id)
    assert len(enveloppes) == 2  # one under each epoch: both must be beyond reach

    services.effacer_personne(personne_id, "demande de l'intéressée", "admin")
    services.parcours.tourner_cles()
    temoin = _enveloppes(reglages, temoin_id)
    services.fermer()

    bruts = _octets_bruts(reglages)
    cles = _cles_disponibles(reglages)
    assert all(t in bruts and _ouvre(t, cles) for t in temoin)  # the scan reads the real key table, and the keys work
    for enveloppe in enveloppes:
        assert not _ouvre(enveloppe, cles)
    assert nom not in bruts
    assert numero not in bruts
    assert menage not in bruts
