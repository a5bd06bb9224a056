"""Spreadsheet files written by `projections.tableurs`, read back as a spreadsheet program would."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest

from projections.tableurs import FORMATS, Feuille, FormatInconnuError, TableurInvalideError, ecrire

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
SPECIAL = "Ménage « pérenne » ; 5 < 6 & \"guillemets\", l'apostrophe\n2ᵉ ligne  (deux espaces) — €"

INDICATEURS = Feuille(
    "Indicateurs",
    ["Indicateur", "Valeur", "Taux", "Date"],
    [
        ["Nombre total d'étrangers éligibles", 12, 0.417, date(2025, 12, 31)],
        ["Durée moyenne (mois)", None, Decimal("7.5"), datetime(2026, 1, 5, 9, 30, tzinfo=UTC)],
        [SPECIAL, -3, 1e-7, None],
        ["=SOMME(A1:A2)", True, 2.0, "texte"],
    ],
)
METADONNEES = Feuille("Métadonnées", ["Champ", "Valeur"], [["Position du journal", 42], ["Filtres", "département 75"]])


def lire_csv(contenu: bytes) -> list[list[str]]:
    assert contenu.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig"), newline=""), delimiter=";"))


def cellules_ods(contenu: bytes) -> dict[str, list[list[ElementTree.Element]]]:
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        racine = ElementTree.fromstring(archive.read("content.xml"))
    return {
        table.get(f"{{{NS['table']}}}name"): [rangee.findall("table:table-cell", NS) for rangee in table.findall("table:table-row", NS)]
        for table in racine.iter(f"{{{NS['table']}}}table")
    }


def type_ods(cellule: ElementTree.Element) -> str | None:
    return cellule.get(f"{{{NS['office']}}}value-type")


def texte_ods(cellule: ElementTree.Element) -> str:
    return "\n".join("".join(p.itertext()) for p in cellule.findall("text:p", NS))


# CSV --------------------------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_bom_semicolons_decimal_commas_and_crlf_lines_for_french_spreadsheets() -> None:
    contenu = ecrire([INDICATEURS, METADONNEES], "csv")
    assert b"\r\n" in contenu and contenu.count(b"\r\n") == contenu.count(b"\n") - SPECIAL.count("\n")
    lignes = lire_csv(contenu)
    assert lignes[0] == ["Indicateur", "Valeur", "Taux", "Date"]
    assert lignes[1] == ["Nombre total d'étrangers éligibles", "12", "0,417", "2025-12-31"]
    assert lignes[2] == ["Durée moyenne (mois)", "", "7,5", "2026-01-05 10:30:00"]  # aware datetimes in Paris time


def test_csv_keeps_special_characters_writes_numbers_plainly_and_defuses_formulas() -> None:
    lignes = lire_csv(ecrire([INDICATEURS], "csv"))
    assert lignes[3] == [SPECIAL, "-3", "0,0000001", ""]
    assert lignes[4] == ["'=SOMME(A1:A2)", "oui", "2", "texte"]


def test_csv_writes_the_first_sheet_only() -> None:
    assert "Position du journal" not in ecrire([INDICATEURS, METADONNEES], "csv").decode("utf-8-sig")
    assert lire_csv(ecrire([METADONNEES, INDICATEURS], "csv"))[1] == ["Position du journal", "42"]


# XLSX -------------------------------------------------------------------------------------------------------


def test_xlsx_reads_back_with_typed_cells_a_bold_header_and_sized_columns() -> None:
    classeur = openpyxl.load_workbook(io.BytesIO(ecrire([INDICATEURS, METADONNEES], "xlsx")))
    assert classeur.sheetnames == ["Indicateurs", "Métadonnées"]
    onglet = classeur["Indicateurs"]
    assert [c.value for c in onglet[1]] == ["Indicateur", "Valeur", "Taux", "Date"] and all(c.font.b for c in onglet[1])
    assert not any(c.font.b for c in onglet[2])
    assert [c.value for c in onglet[2]] == ["Nombre total d'étrangers éligibles", 12, 0.417, datetime(2025, 12, 31)]
    assert onglet["D2"].is_date and onglet["D2"].number_format == "DD/MM/YYYY"
    assert onglet["B3"].value is None and onglet["C3"].value == 7.5 and onglet["D3"].value == datetime(2026, 1, 5, 10, 30)
    assert [c.value for c in onglet[4]][:3] == [SPECIAL, -3, 1e-7]
    assert [c.value for c in onglet[5]] == ["=SOMME(A1:A2)", "oui", 2, "texte"] and onglet["A5"].data_type == "s"
    # Widths follow the longest line of each column (the special text's first line), within [8, 60].
    assert onglet.column_dimensions["A"].width == len(SPECIAL.split("\n")[0]) + 2 and onglet.column_dimensions["B"].width == 8
    assert classeur["Métadonnées"]["B2"].value == 42


# ODS --------------------------------------------------------------------------------------------------------


def test_ods_is_a_zip_whose_first_entry_is_the_uncompressed_mimetype() -> None:
    contenu = ecrire([INDICATEURS], "ods")
    assert contenu[30:38] == b"mimetype" and contenu[38:84] == b"application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        premiere = archive.infolist()[0]
        assert (premiere.filename, premiere.compress_type, premiere.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert set(archive.namelist()) == {"mimetype", "content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"}
        manifeste = ElementTree.fromstring(archive.read("META-INF/manifest.xml"))
        chemins = {e.get(f"{{{NS['manifest']}}}full-path") for e in manifeste.findall("manifest:file-entry", NS)}
        assert chemins == {"/", "content.xml", "styles.xml", "meta.xml"}
        for nom in ("styles.xml", "meta.xml"):
            ElementTree.fromstring(archive.read(nom))
        assert archive.testzip() is None


def test_ods_cells_are_typed_floats_dates_and_strings_with_a_bold_header() -> None:
    contenu = ecrire([INDICATEURS, METADONNEES], "ods")
    tables = cellules_ods(contenu)
    assert list(tables) == ["Indicateurs", "Métadonnées"]
    entete, premiere, deuxieme, speciale, formule = tables["Indicateurs"]
    assert [texte_ods(c) for c in entete] == ["Indicateur", "Valeur", "Taux", "Date"]
    assert {c.get(f"{{{NS['table']}}}style-name") for c in entete} == {"ce_entete"}
    assert [type_ods(c) for c in premiere] == ["string", "float", "float", "date"]
    assert premiere[1].get(f"{{{NS['office']}}}value") == "12" and premiere[2].get(f"{{{NS['office']}}}value") == "0.417"
    assert premiere[3].get(f"{{{NS['office']}}}date-value") == "2025-12-31" and texte_ods(premiere[3]) == "31/12/2025"
    assert type_ods(deuxieme[1]) is None and not list(deuxieme[1])  # None is an empty cell
    assert deuxieme[3].get(f"{{{NS['office']}}}date-value") == "2026-01-05T10:30:00"
    assert speciale[2].get(f"{{{NS['office']}}}value") == "0.0000001" and speciale[1].get(f"{{{NS['office']}}}value") == "-3"
    assert type_ods(formule[0]) == "string" and texte_ods(formule[0]) == "=SOMME(A1:A2)"
    assert not [c for c in formule if c.get(f"{{{NS['table']}}}formula")]
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        racine = ElementTree.fromstring(archive.read("content.xml"))
    gras = racine.find(".//style:style[@style:name='ce_entete']/style:text-properties", NS)
    assert gras.get(f"{{{NS['fo']}}}font-weight") == "bold"


def test_ods_keeps_special_characters_line_breaks_and_runs_of_spaces() -> None:
    cellule = cellules_ods(ecrire([INDICATEURS], "ods"))["Indicateurs"][3][0]
    paragraphes = cellule.findall("text:p", NS)
    assert len(paragraphes) == 2 and "".join(paragraphes[0].itertext()) == SPECIAL.split("\n")[0]
    espaces = paragraphes[1].find("text:s", NS)
    assert espaces is not None and espaces.get(f"{{{NS['text']}}}c") == "1"


# Every format -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_", FORMATS)
def test_the_same_sheets_always_give_the_same_bytes(format_: str) -> None:
    assert ecrire([INDICATEURS, METADONNEES], format_) == ecrire([INDICATEURS, METADONNEES], format_)


@pytest.mark.parametrize("format_", ["xlsx", "ods"])
def test_zip_entries_carry_a_fixed_timestamp(format_: str) -> None:
    with zipfile.ZipFile(io.BytesIO(ecrire([INDICATEURS], format_))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_empty_sheets_are_written_and_read_back_empty() -> None:
    sans_ligne, rien = Feuille("Sans ligne", ["A", "B"], []), Feuille("Rien", [], [])
    assert lire_csv(ecrire([sans_ligne], "csv")) == [["A", "B"]]
    assert ecrire([rien], "csv") == b"\xef\xbb\xbf"
    classeur = openpyxl.load_workbook(io.BytesIO(ecrire([sans_ligne, rien], "xlsx")))
    assert [[c.value for c in rangee] for rangee in classeur["Sans ligne"].iter_rows()] == [["A", "B"]]
    assert classeur["Rien"].max_row == 1 and classeur["Rien"]["A1"].value is None
    tables = cellules_ods(ecrire([sans_ligne, rien], "ods"))
    assert [[texte_ods(c) for c in rangee] for rangee in tables["Sans ligne"]] == [["A", "B"]]
    assert [[type_ods(c) for c in rangee] for rangee in tables["Rien"]] == [[None]]


def test_sheet_names_are_made_acceptable_and_distinct() -> None:
    feuilles = [Feuille("Indicateurs [2025]: a/b*?", ["x"], [[1]]), Feuille("indicateurs [2025]: a/b*?", ["x"], [[2]]),
                Feuille("", ["x"], [[3]]), Feuille("Un nom beaucoup trop long pour un onglet de tableur", ["x"], [[4]])]
    attendus = ["Indicateurs -2025-- a-b--", "indicateurs -2025-- a-b-- (2)", "Feuille 3", "Un nom beaucoup trop long pour "]
    assert openpyxl.load_workbook(io.BytesIO(ecrire(feuilles, "xlsx"))).sheetnames == attendus
    assert list(cellules_ods(ecrire(feuilles, "ods"))) == attendus


def test_control_characters_that_xml_cannot_carry_are_dropped() -> None:
    feuille = Feuille("Feuille", ["texte"], [["avant\x00\x07après"]])
    assert openpyxl.load_workbook(io.BytesIO(ecrire([feuille], "xlsx")))["Feuille"]["A2"].value == "avantaprès"
    assert texte_ods(cellules_ods(ecrire([feuille], "ods"))["Feuille"][1][0]) == "avantaprès"


def test_an_unknown_format_a_missing_sheet_or_a_ragged_row_is_refused_in_french() -> None:
    with pytest.raises(FormatInconnuError, match="format de tableur inconnu « pdf »"):
        ecrire([INDICATEURS], "pdf")
    with pytest.raises(TableurInvalideError, match="aucune feuille"):
        ecrire([], "xlsx")
    with pytest.raises(TableurInvalideError, match="ligne 1 : 1 cellules pour 2 colonnes"):
        ecrire([Feuille("F", ["a", "b"], [[1]])], "ods")
    assert issubclass(FormatInconnuError, ValueError)


def test_columns_are_as_wide_as_their_longest_line_within_8_and_60_characters() -> None:
    feuille = Feuille("Largeurs", ["court", "moyen", "long"], [["a", "x" * 30, "y" * 200]])
    onglet = openpyxl.load_workbook(io.BytesIO(ecrire([feuille], "xlsx")))["Largeurs"]
    assert [onglet.column_dimensions[c].width for c in "ABC"] == [8, 32, 60]
    with zipfile.ZipFile(io.BytesIO(ecrire([feuille], "ods"))) as archive:
        racine = ElementTree.fromstring(archive.read("content.xml"))
    colonnes = [c.get(f"{{{NS['table']}}}style-name") for c in racine.iter(f"{{{NS['table']}}}table-column")]
    largeurs = {s.get(f"{{{NS['style']}}}name"): s.find("style:table-column-properties", NS).get(f"{{{NS['style']}}}column-width")
                for s in racine.iter(f"{{{NS['style']}}}style") if s.get(f"{{{NS['style']}}}family") == "table-column"}
    assert [largeurs[c] for c in colonnes] == ["1.60cm", "6.40cm", "12.00cm"]
