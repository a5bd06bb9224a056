"""Issue 14, finding 8: an import never stops half-way.

A 100,000-deep nested line, a 5,000-digit integer, an invalid UTF-8 byte: each such line is rejected alone
with its number, the others are recorded and the report printed (exit 1, not a traceback nor exit 2).
A byte-order mark is accepted; "75\\n" as a département, birth year 0001 and zero-width characters in
names are refused. Through `parcours import`, on both backends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import etapes
from tests.conftest import BASES, Magasins, operateurs_du_scenario
from tests.scenario import scenario
from web.cli.principal import main


@pytest.fixture(params=BASES)
def lancer(request: pytest.FixtureRequest, magasins: Magasins, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """`parcours …` on a store of this backend where the scenario's operators are registered."""
    with magasins.copie(request.param, tmp_path / "instance", operateurs_du_scenario) as reglages:
        monkeypatch.setenv("PARCOURS_DATA_DIR", str(reglages.dossier_donnees))
        monkeypatch.setenv("PARCOURS_MASTER_KEY", reglages.cle_maitre)
        if reglages.url_base is None:
            monkeypatch.delenv("PARCOURS_DATABASE_URL", raising=False)
        else:
            monkeypatch.setenv("PARCOURS_DATABASE_URL", reglages.url_base)
        runner = CliRunner()

        def executer(*args: str):  # noqa: ANN202
            return runner.invoke(main, list(args), catch_exceptions=False)

        yield executer


def ligne(etape: dict) -> bytes:
    return json.dumps(etape, ensure_ascii=False).encode("utf-8") + b"\n"


def personne(**data: str) -> dict:
    valeurs = {"nom": "Durand", "prenom": "Léa", "date_naissance": "1990-01-01", "sexe": "F", "nationalite": "AFG",
               "departement": "75", **data}
    return etapes.etape("personne_enregistree", "2024-01-10", "ofii-dt-paris", valeurs)


def test_each_unreadable_line_is_rejected_alone_and_the_others_recorded_and_reported(lancer, tmp_path: Path) -> None:
    bonnes = scenario()[:3]
    contenu = (
        b"\xef\xbb\xbf" + ligne(bonnes[0])                                            # 1: BOM, accepted
        + b"[" * 100_000 + b"]" * 100_000 + b"\n"                                   # 2: nested 100,000 deep
        + b'{"step_id": ' + b"9" * 5000 + b"}\n"                                     # 3: a 5,000-digit integer
        + ligne(bonnes[1])[:-2] + b"\xff\xfe" + b"}\n"                               # 4: invalid UTF-8 mid-file
        + ligne(bonnes[1])                                                           # 5
        + ligne(bonnes[2])                                                           # 6
    )
    fichier = tmp_path / "etapes.jsonl"
    fichier.write_bytes(contenu)
    resultat = lancer("import", str(fichier), "--format", "json")
    assert resultat.exit_code == 1, resultat.output
    rapport = json.loads(resultat.output[resultat.output.index("{"):])
    assert (rapport["lues"], rapport["acceptees"]) == (6, 3), rapport
    rejets = {r["ligne"]: r["raison"] for r in rapport["rejets"]}
    assert set(rejets) == {2, 3, 4}
    assert "imbriqué" in rejets[2] and "nombre trop long" in rejets[3] and "UTF-8" in rejets[4]


@pytest.mark.parametrize("champ, data", [
    ("data.departement", {"departement": "75\n"}),
    ("data.date_naissance", {"date_naissance": "0001-01-01"}),
    ("data.nom", {"nom": "Du\u200brand"}),
    ("data.prenom", {"prenom": "L\u200dea"}),
    ("data.numero_etranger", {"numero_etranger": "７５０１２３４５６７"}),
    ("data.numero_etranger", {"numero_etranger": "٧٥٠١٢٣٤٥٦٧"}),
])
def test_values_that_only_look_right_are_refused(lancer, tmp_path: Path, champ: str, data: dict) -> None:
    fichier = tmp_path / "etapes.jsonl"
    fichier.write_bytes(ligne(personne(**data)))
    resultat = lancer("import", str(fichier), "--format", "json")
    assert resultat.exit_code == 1, resultat.output
    rapport = json.loads(resultat.output[resultat.output.index("{"):])
    assert rapport["acceptees"] == 0 and champ in json.dumps(rapport["rejets"], ensure_ascii=False)
