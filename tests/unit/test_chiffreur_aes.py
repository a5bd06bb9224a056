"""`ChiffreurAES` keeps the library's AES-GCM format: what one writes, the other reads, and a tampered text is refused."""

from __future__ import annotations

import os
from base64 import b64encode

import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from parcours.chiffrement import ChiffreurAES


def _les_deux() -> tuple[ChiffreurAES, AESCipher]:
    environnement = Environment(env={AESCipher.CIPHER_KEY: b64encode(os.urandom(32)).decode()})
    return ChiffreurAES(environnement), AESCipher(environnement)


@pytest.mark.parametrize("texte", [b"", b"x", "Amiri, née le 10/03/1990".encode() * 300])
def test_what_the_library_writes_is_read_and_what_is_written_the_library_reads(texte: bytes) -> None:
    nous, bibliotheque = _les_deux()
    assert nous.decrypt(bibliotheque.encrypt(texte)) == texte
    assert bibliotheque.decrypt(nous.encrypt(texte)) == texte


def test_each_encryption_draws_a_new_nonce() -> None:
    nous, _ = _les_deux()
    assert len({nous.encrypt(b"meme texte")[:12] for _ in range(10_000)}) == 10_000


@pytest.mark.parametrize("abimer", [lambda c: c[:-1] + bytes([c[-1] ^ 1]), lambda c: c[:20]], ids=["altere", "tronque"])
def test_a_damaged_text_is_refused_as_the_library_refuses_it(abimer) -> None:  # noqa: ANN001
    nous, bibliotheque = _les_deux()
    abime = abimer(nous.encrypt(b"texte"))
    for chiffreur in (nous, bibliotheque):
        with pytest.raises(ValueError):
            chiffreur.decrypt(abime)
