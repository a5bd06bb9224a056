"""What a text typed by a caseworker or sent by a partner system may hold: no control character.

A NUL (U+0000) is refused by PostgreSQL's text columns, other control, format and lone-surrogate
characters hide text from the reader (zero-width spaces in a name make two identical-looking people).
The input schemas refuse them field by field with a French message; the domain refuses them again for
every string of a step, whatever path it came by. Imports only the standard library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

SAUTS_DE_LIGNE = frozenset("\n\r\t")
"""Allowed in multi-line texts (notes, reasons) only."""
JOINTURES = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: part of Persian or Arabic spelling, allowed in multi-line texts only."""


def caractere_interdit(texte: str, multiligne: bool = False) -> str | None:
    """The first character of `texte` that no field may hold, or None."""
    if texte.isprintable():  # no character of the categories below (nearly every text: one C loop)
        return None
    for caractere in texte:
        categorie = unicodedata.category(caractere)
        if categorie == "Cc" and not (multiligne and caractere in SAUTS_DE_LIGNE):
            return caractere
        if categorie == "Cs" or (categorie == "Cn" and not caractere.isprintable()):
            return caractere
        if categorie == "Cf" and not (multiligne and caractere in JOINTURES):
            return caractere
        if categorie in ("Zl", "Zp") and not multiligne:
            return caractere
    return None


def message_caractere(caractere: str) -> str:
    return (f"caractère invisible ou de contrôle interdit (U+{ord(caractere):04X}) : "
            "retapez le texte sans le copier-coller d'un autre logiciel.")


def textes(valeur: Any, chemin: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with its dotted path (keys included)."""
    if isinstance(valeur, str):
        yield chemin, valeur
    elif isinstance(valeur, Mapping):
        for cle, sous_valeur in valeur.items():
            if isinstance(cle, str):
                yield chemin, cle
            yield from textes(sous_valeur, f"{chemin}.{cle}")
    elif isinstance(valeur, (list, tuple)):
        for sous_valeur in valeur:
            yield from textes(sous_valeur, chemin)


def premier_texte_interdit(valeur: Any, chemin: str, multiligne: bool = True) -> tuple[str, str] | None:
    """(path, message) of the first string of `valeur` holding a forbidden character."""
    for ou, texte in textes(valeur, chemin):
        caractere = caractere_interdit(texte, multiligne)
        if caractere is not None:
            return ou, message_caractere(caractere)
    return None
