"""Bulk recording of steps, one JSON object per line, with a French report of what became of each line.

A rejected line records nothing and does not stop the others (unless `strict`). The same path serves
`parcours import` and `parcours demo-data`; a large import reads and checks its lines in a second process
(`importer_a_part`). Must not import flask.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import random
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from parcours import ramasse_miettes
from parcours.application import Parcours, empreinte_de_l_etape
from parcours.chiffrement import CleMaitre
from parcours.commandes import EnregistrerEtape, EtapeEnregistree
from parcours.erreurs import ConflitEcritureError, EtapeRejeteeError, ParcoursError
from parcours.index import EtapeRecue, retenir_id_d_etape_recue
from web.saisie.schemas import EtapeInvalideError, lire_etape

TENTATIVES_SUR_CONFLIT = 10
TAILLE_LOT = 1000
"""Lines per transaction. Each batch pays a commit, a look-ahead of the people and step ids it names and the key
preparation. 1,000 lines import 10,000 people 4 % faster than 500 (36.3 against 37.9 s, mean of four runs in
alternation) and 10 % faster than 200 at 3,000 people; the store's write lock is held for the batch's save only
(73 ms median, 115 ms at most, at 10,000 people), not while its rules are applied."""
LOTS_D_AVANCE = 4
"""Batches the reading process of `importer_a_part` may check ahead of the recording (bounded memory)."""
LIGNES_POUR_LIRE_A_PART = 2_000
"""From this size a file is read in a second process (`importer_a_part`): its start (≈ 0.5 s) is then paid back."""


@dataclass(frozen=True)
class LigneBrute:
    numero: int
    contenu: str | dict[str, Any]
    enregistre_le: datetime | None = None


@dataclass(frozen=True)
class Rejet:
    ligne: int
    type: str | None
    champ: str | None
    raison: str

    def __str__(self) -> str:
        quoi = f" ({self.type})" if self.type else ""
        ou = f"{self.champ} : " if self.champ else ""
        return f"ligne {self.ligne}{quoi} — {ou}{self.raison}"


@dataclass(frozen=True)
class LigneLue:
    """A line after its syntax check (`lire_lot`): its command, or why it is rejected; with the step type it names."""

    numero: int
    type: str | None
    commande: EnregistrerEtape | None = None
    rejet: Rejet | None = None
    empreinte: str | None = None
    """The command's fingerprint, when computed with it (`importer_a_part`)."""
    recue_id: UUID | None = None
    """The id of the step's receipt (`EtapeRecue.create_id`), computed with the fingerprint."""


@dataclass
class RapportImport:
    lues: int = 0
    acceptees: int = 0
    doublons: int = 0
    rejets: list[Rejet] = field(default_factory=list)
    arrete_a: int | None = None
    """With `strict`: the line whose rejection stopped the import."""
    position: int | None = None
    """Log position of the last step recorded."""

    @property
    def rejetees(self) -> int:
        return len(self.rejets)

    def en_texte(self) -> str:
        lignes = [
            f"Lignes lues : {self.lues}",
            f"Acceptées   : {self.acceptees}",
            f"Doublons    : {self.doublons} (step_id déjà enregistré, rien de nouveau)",
            f"Rejetées    : {self.rejetees}",
        ]
        if self.rejets:
            lignes.append("")
            lignes.append("Rejets (rien n'a été enregistré pour ces lignes) :")
            lignes.extend(f"  {rejet}" for rejet in self.rejets)
        if self.arrete_a is not None:
            lignes.append("")
            lignes.append(f"Import arrêté à la ligne {self.arrete_a} (--strict) : les lignes précédentes sont enregistrées.")
        return "\n".join(lignes)

    def en_dict(self) -> dict[str, Any]:
        return {
            "lues": self.lues,
            "acceptees": self.acceptees,
            "doublons": self.doublons,
            "rejetees": self.rejetees,
            "rejets": [vars(r) for r in self.rejets],
            "arrete_a": self.arrete_a,
            "position_journal": self.position,
        }


class LigneIllisible(str):
    """A line that is not UTF-8: kept as the reason, rejected alone with its number."""


def lignes_de(texte: Iterable[str | bytes]) -> Iterator[LigneBrute]:
    """The non-blank lines, numbered from 1. Lines given as bytes are decoded one by one, so that an invalid
    UTF-8 byte rejects its own line only; a byte-order mark opening the file is skipped."""
    for numero, ligne in enumerate(texte, start=1):
        if isinstance(ligne, bytes):
            if numero == 1 and ligne.startswith(b"\xef\xbb\xbf"):
                ligne = ligne[3:]
            try:
                ligne = ligne.decode("utf-8")
            except UnicodeDecodeError as erreur:
                yield LigneBrute(numero, LigneIllisible(
                    f"ligne illisible : octet invalide en UTF-8 à la position {erreur.start + 1} (enregistrez le fichier en UTF-8)."))
                continue
        elif numero == 1:
            ligne = ligne.removeprefix("\ufeff")
        if ligne.strip():
            yield LigneBrute(numero, ligne)


def lignes_du_fichier(chemin: str) -> Iterator[LigneBrute]:
    """The lines of a file, as `lignes_de` numbers them (a source for `importer_a_part`)."""
    with open(chemin, "rb") as flux:
        yield from lignes_de(flux)


def importer(
    parcours: Parcours,
    lignes: Iterable[LigneBrute],
    strict: bool = False,
    apres_chaque_ligne: Callable[[LigneLue], None] | None = None,
    taille_lot: int = TAILLE_LOT,
) -> RapportImport:
    """Record the lines by batches of one transaction; with `strict`, one by one up to the first rejection."""
    rapport = RapportImport()
    with ramasse_miettes.en_pause_par_lots() as lot_fini:
        for lot in _par_lots(lignes, 1 if strict else taille_lot):
            _enregistrer_lues(parcours, lire_lot(lot), rapport, apres_chaque_ligne)
            lot_fini()
            if strict and rapport.rejets:
                rapport.arrete_a = rapport.rejets[0].ligne
                break
    return rapport


def _par_lots(lignes: Iterable[LigneBrute], taille_lot: int) -> Iterator[list[LigneBrute]]:
    lot: list[LigneBrute] = []
    for ligne in lignes:
        lot.append(ligne)
        if len(lot) >= taille_lot:
            yield lot
            lot = []
    if lot:
        yield lot


def importer_a_part(
    parcours: Parcours,
    source: Callable[[], Iterable[LigneBrute]],
    apres_chaque_ligne: Callable[[LigneLue], None] | None = None,
    taille_lot: int = TAILLE_LOT,
) -> RapportImport:
    """What `importer(parcours, source())` does, with the lines produced and checked (JSON, schema, fingerprint,
    receipt id) in a second process while this one applies the rules to the previous batch and records it.

    `source` must be picklable (a module-level function, or a `functools.partial` of one): it runs in the
    other process. The report is the same, line for line. If the reading process fails, the lines it read before
    are handled, then `LectureInterrompueError` says why, with their report (run again, the recorded ones come
    back as duplicates)."""
    contexte = multiprocessing.get_context("spawn")
    file = contexte.Queue(maxsize=LOTS_D_AVANCE)
    lecteur = contexte.Process(target=_lire_a_part, args=(source, taille_lot, parcours.cle_maitre.base64, file, os.getpid()),
                               name="parcours-import-lecture", daemon=True)
    lecteur.start()
    rapport = RapportImport()
    try:
        with ramasse_miettes.en_pause_par_lots() as lot_fini:
            while True:
                try:
                    lues = file.get(timeout=1)
                except queue.Empty:
                    if not lecteur.is_alive():
                        raise LectureInterrompueError(
                            f"le processus qui lit les lignes s'est arrêté (code {lecteur.exitcode})", rapport) from None
                    continue
                if lues is None:
                    return rapport
                if isinstance(lues, str):
                    raise LectureInterrompueError(f"lecture des lignes impossible :\n{lues}", rapport)
                _enregistrer_lues(parcours, lues, rapport, apres_chaque_ligne)
                lot_fini()
    finally:
        if lecteur.is_alive():
            lecteur.terminate()
        lecteur.join()
        file.close()


class LectureInterrompueError(RuntimeError):
    """The process reading the lines of `importer_a_part` failed: the import stops there, with the report of the
    lines handled before (recorded, duplicates or rejected; run again, the recorded ones come back as duplicates)."""

    def __init__(self, raison: str, rapport: RapportImport) -> None:
        super().__init__(f"Import interrompu après {rapport.lues} lignes traitées (elles restent enregistrées ou "
                         f"rejetées comme dit le rapport ; relancé, l'import les retrouve en doublons) : {raison}")
        self.rapport = rapport


def _lire_a_part(source: Callable[[], Iterable[LigneBrute]], taille_lot: int, cle_maitre: str, file: Any, parent: int) -> None:
    """The reading process of `importer_a_part`: batches of checked lines, then None, or the failure's text after
    the lines read before it."""
    # Ctrl-C in a terminal reaches both processes: the importing one stops and ends this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    empreintes = CleMaitre(cle_maitre)
    panne: list[str] = []

    def lignes() -> Iterator[LigneBrute]:
        try:
            yield from source()
        except Exception:  # noqa: BLE001 -- reported to the importing process once the lines read are handed over
            panne.append(traceback.format_exc(limit=-3))

    try:
        with ramasse_miettes.en_pause_par_lots() as lot_fini:
            for lot in _par_lots(lignes(), taille_lot):
                _deposer(file, lire_lot(lot, empreintes), parent)
                lot_fini()
        _deposer(file, panne[0] if panne else None, parent)
    except Exception:  # noqa: BLE001 -- every failure goes back to the importing process, which reports it
        _deposer(file, traceback.format_exc(limit=-3), parent)


def _deposer(file: Any, message: Any, parent: int) -> None:
    """Hand a message over; if the importing process died meanwhile (SIGKILL), stop rather than wait forever."""
    while True:
        try:
            file.put(message, timeout=1)
            return
        except queue.Full:
            if os.getppid() != parent:
                os._exit(0)


def lire_lot(lot: Sequence[LigneBrute], empreintes: CleMaitre | None = None) -> list[LigneLue]:
    """Each line's JSON and schema checked: its command (fingerprinted with `empreintes` when given), or its rejection."""
    lues = []
    for ligne in lot:
        try:
            type_etape, commande = _commande(ligne)
        except EtapeRejeteeError as erreur:
            lue = LigneLue(ligne.numero, _type_de(ligne.contenu))
            lues.append(replace(lue, rejet=_rejet_de(lue, erreur)))
            continue
        if empreintes is None:
            lues.append(LigneLue(ligne.numero, type_etape, commande))
        else:
            lues.append(LigneLue(ligne.numero, type_etape, commande, empreinte=empreinte_de_l_etape(empreintes, commande),
                                 recue_id=EtapeRecue.create_id(commande.step_id)))
    return lues


def _enregistrer_lues(
    parcours: Parcours, lues: list[LigneLue], rapport: RapportImport, apres_chaque_ligne: Callable[[LigneLue], None] | None
) -> None:
    a_enregistrer = [lue for lue in lues if lue.commande is not None]
    commandes = [lue.commande for lue in a_enregistrer]
    for lue in a_enregistrer:
        if lue.recue_id is not None:
            retenir_id_d_etape_recue(lue.commande.step_id, lue.recue_id)
    empreintes = [lue.empreinte for lue in a_enregistrer]
    resultats = parcours.enregistrer_lot(commandes, empreintes) if commandes else []
    issues: dict[int, EtapeEnregistree | ParcoursError] = {}
    for lue, resultat in zip(a_enregistrer, resultats):
        if isinstance(resultat, ConflitEcritureError):
            resultat = _reessayer(parcours, lue.commande)
        issues[lue.numero] = resultat
    for lue in lues:
        rapport.lues += 1
        issue = issues.get(lue.numero)
        if lue.rejet is not None:
            rapport.rejets.append(lue.rejet)
        elif isinstance(issue, EtapeRejeteeError):
            rapport.rejets.append(_rejet_de(lue, issue))
        elif isinstance(issue, EtapeEnregistree) and issue.statut == "doublon":
            rapport.doublons += 1
        elif isinstance(issue, EtapeEnregistree):
            rapport.acceptees += 1
            rapport.position = max(rapport.position or 0, issue.position or 0)
        else:
            rapport.rejets.append(Rejet(lue.numero, lue.type, None, str(issue)))
        if apres_chaque_ligne is not None:
            apres_chaque_ligne(lue)


def _commande(ligne: LigneBrute) -> tuple[str | None, EnregistrerEtape]:
    """The line's step type as written, and its command."""
    brut = ligne.contenu
    if isinstance(brut, LigneIllisible):
        raise EtapeRejeteeError(str(brut))
    if isinstance(brut, str):
        brut = _json(brut)
    try:
        commande = lire_etape(brut)
    except RecursionError:
        raise EtapeRejeteeError("JSON trop profondément imbriqué.") from None
    if ligne.enregistre_le is not None:
        commande = replace(commande, enregistre_le=ligne.enregistre_le)
    type_etape = brut.get("type")
    return type_etape if isinstance(type_etape, str) else None, commande


def _json(texte: str) -> Any:
    """One line's JSON, or the French reason it is refused: bad syntax, nesting too deep, a number too long."""
    try:
        return json.loads(texte)
    except json.JSONDecodeError as erreur:
        raise EtapeRejeteeError(f"JSON invalide ({erreur.msg}, colonne {erreur.colno}).") from None
    except RecursionError:
        raise EtapeRejeteeError("JSON trop profondément imbriqué.") from None
    except ValueError:
        # Python refuses to convert an integer of more than 4,300 digits.
        raise EtapeRejeteeError("JSON invalide : nombre trop long.") from None


def _reessayer(parcours: Parcours, commande: EnregistrerEtape) -> EtapeEnregistree | ParcoursError:
    """Another writer recorded on the same pathway meanwhile: reload and re-check the rules."""
    for tentative in range(TENTATIVES_SUR_CONFLIT):
        time.sleep(random.uniform(0, 0.01 * (tentative + 1)))
        resultat = parcours.enregistrer_lot([commande])[0]
        if not isinstance(resultat, ConflitEcritureError):
            return resultat
    return EtapeRejeteeError("conflit d'écriture répété sur ce parcours ; réessayez.")


def _type_de(contenu: str | dict[str, Any]) -> str | None:
    if isinstance(contenu, LigneIllisible):
        return None
    if isinstance(contenu, str):
        try:
            contenu = _json(contenu)
        except EtapeRejeteeError:
            return None
    type_etape = contenu.get("type") if isinstance(contenu, dict) else None
    return type_etape if isinstance(type_etape, str) else None


def _rejet_de(lue: LigneLue, erreur: EtapeRejeteeError) -> Rejet:
    if isinstance(erreur, EtapeInvalideError) and len(erreur.erreurs) > 1:
        return Rejet(lue.numero, lue.type, None, erreur.detail())
    return Rejet(lue.numero, lue.type, erreur.champ, erreur.message)
