"""Epoch keys: a rotation re-wraps every live person key and destroys the older epoch keys; no key is lost."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from parcours.chiffrement import (
    CleMaitre,
    CoffreIdentite,
    EpoquesFichiers,
    TrousseauMemoire,
    desenvelopper,
    envelopper,
    lire_cles_d_epoque,
    nouvelle_cle_maitre,
)


def _trousseau(dossier: Path) -> TrousseauMemoire:
    return TrousseauMemoire(CleMaitre(nouvelle_cle_maitre()), EpoquesFichiers(dossier))


def test_a_rotation_rewraps_live_keys_and_destroys_the_old_epoch_file(tmp_path: Path) -> None:
    trousseau = _trousseau(tmp_path)
    coffre = CoffreIdentite(trousseau, trousseau.cle_maitre)
    gardee, effacee = uuid4(), uuid4()
    trousseau.chiffreur(gardee, creer=True)
    scelle = coffre.sceller(gardee, {"nom": "Haidari"})
    trousseau.chiffreur(effacee, creer=True)
    ancienne = trousseau._lire(effacee)
    assert ancienne is not None and ancienne[1] == 1 and (tmp_path / "epoque-000001.cle").exists()

    trousseau.detruire(effacee)
    assert trousseau.tourner() == (2, 1, [1])

    assert sorted(lire_cles_d_epoque(tmp_path)) == [2] and not (tmp_path / "epoque-000001.cle").exists()
    relu = _trousseau(tmp_path)
    relu._cles = trousseau._cles  # the same key table, opened by another process
    assert CoffreIdentite(relu, relu.cle_maitre).ouvrir(gardee, scelle) == {"nom": "Haidari"}
    assert relu.chiffreur(effacee) is None
    for cle in [trousseau.cle_maitre.cle, *lire_cles_d_epoque(tmp_path).values()]:
        try:
            desenvelopper(cle, effacee, ancienne[2])
        except Exception:  # noqa: BLE001 — nothing left opens the erased person's old wrapped key
            continue
        raise AssertionError("une clé restante ouvre la clé effacée")


def test_a_key_written_with_an_epoch_a_rotation_just_destroyed_is_rewrapped_by_its_writer(tmp_path: Path) -> None:
    ecrivain, rotation = _trousseau(tmp_path), _trousseau(tmp_path)
    rotation._cles = ecrivain._cles
    epoque, cle_d_epoque = ecrivain.epoques.courante()
    rotation.tourner()  # finishes between the writer choosing epoch 1 and inserting its key

    vraie, perimee = ecrivain.epoques.courante, iter([(epoque, cle_d_epoque)])
    ecrivain.epoques.courante = lambda: next(perimee, None) or vraie()  # type: ignore[method-assign]  # the stale choice, once
    personne = uuid4()
    chiffreur = ecrivain.chiffreur(personne, creer=True)

    assert ecrivain._lire(personne)[1] == 2
    lecteur = _trousseau(tmp_path)
    lecteur._cles = ecrivain._cles
    assert lecteur.chiffreur(personne).decrypt(chiffreur.encrypt(b"x")) == b"x"


def test_keys_wrapped_by_the_master_key_before_epochs_are_rewrapped_by_the_first_rotation(tmp_path: Path) -> None:
    trousseau = _trousseau(tmp_path)
    personne = uuid4()
    trousseau._inserer_plusieurs([(personne, 0, envelopper(trousseau.cle_maitre.cle, personne, b"k" * 32))])
    assert trousseau.tourner()[1] == 1
    _, epoque, enveloppe = trousseau._lire(personne)
    assert epoque == 1 and desenvelopper(lire_cles_d_epoque(tmp_path)[1], personne, enveloppe) == b"k" * 32
