"""Tables written as spreadsheet files: CSV, XLSX (openpyxl) and ODS (OpenDocument, standard library only).

`ecrire([Feuille(nom, entetes, lignes), …], "csv" | "xlsx" | "ods")` returns the file's bytes. Cells may
be `None` (empty), numbers (`int`, `float`, `Decimal`: written as numbers, never as formatted text),
`date` / `datetime` (written as dates; an aware datetime is shown in Paris time), booleans ("oui" / "non")
or anything else (its text). The same sheets always give the same bytes: the zip entries and the
document properties carry a fixed timestamp, so two runs of the same report can be compared byte for
byte (the real generation time, when it matters, belongs in the metadata sheet `feuille_de_metadonnees`
builds, with the version of Parcours).

CSV is what a French spreadsheet opens with a double click: UTF-8 with a byte order mark (without it
Excel reads the accents as Windows-1252), `;` between fields, a decimal comma, CRLF line ends, dates
as AAAA-MM-JJ; only the first sheet is written. A text cell starting with `=`, `+`, `-`, `@` is
prefixed with `'` so that no spreadsheet runs it as a formula.

Must not import flask or `web`.
"""

from __future__ import annotations

import csv
import importlib.metadata
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from parcours.dates import FUSEAU

HORODATAGE = datetime(1980, 1, 1)
"""The timestamp of every zip entry and document property: the earliest a zip can hold, plainly not a real date."""

TYPES_MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(TYPES_MIME)
LARGEUR_MIN, LARGEUR_MAX = 8, 60
CARACTERES_INTERDITS_NOM = re.compile(r"[\[\]:*?/\\]")
# XML 1.0 (hence XLSX and ODS) cannot carry these control characters, not even escaped.
CARACTERES_INTERDITS_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


class TableurInvalideError(ValueError):
    """The sheets cannot be written as asked; the message is French."""


class FormatInconnuError(TableurInvalideError):
    def __init__(self, format_: str) -> None:
        super().__init__(f"format de tableur inconnu « {format_} » : choisir parmi {', '.join(FORMATS)}.")
        self.format = format_


@dataclass(frozen=True)
class Feuille:
    """One sheet: its name, its header row and its rows (each as long as the header)."""

    nom: str
    entetes: list[str]
    lignes: list[list[Any]]


def ecrire(feuilles: list[Feuille], format: str) -> bytes:  # noqa: A002 - the name the callers use
    """The sheets as a `format` file (`csv`: the first sheet only)."""
    ecrivains = {"csv": _csv, "xlsx": _xlsx, "ods": _ods}
    if format not in ecrivains:
        raise FormatInconnuError(format)
    if not feuilles:
        raise TableurInvalideError("aucune feuille à écrire.")
    for feuille in feuilles:
        for numero, ligne in enumerate(feuille.lignes, start=1):
            if feuille.entetes and len(ligne) != len(feuille.entetes):
                raise TableurInvalideError(
                    f"feuille « {feuille.nom} », ligne {numero} : {len(ligne)} cellules pour {len(feuille.entetes)} colonnes."
                )
    return ecrivains[format](feuilles)


def feuille_de_metadonnees(champs: list[tuple[str, Any]], produit_le: datetime | None = None) -> Feuille:
    """The "Métadonnées" sheet of a report: its fields, then when and by which version it was produced."""
    lignes = [[nom, valeur] for nom, valeur in champs]
    if produit_le is not None:
        lignes.append(["Produit le", produit_le])
    lignes.append(["Version de Parcours", version_de_parcours()])
    return Feuille("Métadonnées", ["Champ", "Valeur"], lignes)


def version_de_parcours() -> str:
    try:
        return importlib.metadata.version("parcours")
    except importlib.metadata.PackageNotFoundError:
        return "non installée"


# Cell values ------------------------------------------------------------------------------------------------


def _valeur(valeur: Any) -> Any:
    """The cell as one of: None, int, float, Decimal, date, naive datetime (Paris), str."""
    if valeur is None or isinstance(valeur, str):
        return valeur
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, (int, Decimal)):
        return valeur if not isinstance(valeur, Decimal) or valeur.is_finite() else str(valeur)
    if isinstance(valeur, float):
        return valeur if math.isfinite(valeur) else str(valeur)
    if isinstance(valeur, datetime):
        return valeur.astimezone(FUSEAU).replace(tzinfo=None) if valeur.tzinfo else valeur
    if isinstance(valeur, date):
        return valeur
    return str(valeur)


def _nombre_en_texte(valeur: int | float | Decimal) -> str:
    """Plain digits, a point as decimal separator, no exponent nor grouping."""
    if isinstance(valeur, int):
        return str(valeur)
    texte = format(Decimal(repr(valeur)) if isinstance(valeur, float) else valeur, "f")
    return texte.rstrip("0").rstrip(".") if "." in texte else texte


def _date_en_texte(valeur: date) -> str:
    if isinstance(valeur, datetime):
        return valeur.strftime("%Y-%m-%d %H:%M:%S")
    return valeur.isoformat()


def _texte_affiche(valeur: Any) -> str:
    """What the cell shows, to size its column."""
    if valeur is None:
        return ""
    if isinstance(valeur, (int, float, Decimal)):
        return _nombre_en_texte(valeur)
    if isinstance(valeur, datetime):
        return valeur.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    return max(valeur.split("\n"), key=len)


def _largeurs(entetes: list[str], lignes: list[list[Any]]) -> list[int]:
    """Each column's width in characters: its longest content, within sensible bounds."""
    colonnes = max([len(entetes), *(len(ligne) for ligne in lignes)], default=0)
    largeurs = []
    for i in range(colonnes):
        textes = [entetes[i] if i < len(entetes) else ""] + [_texte_affiche(ligne[i]) for ligne in lignes if i < len(ligne)]
        largeurs.append(min(LARGEUR_MAX, max(LARGEUR_MIN, max(len(texte) for texte in textes) + 2)))
    return largeurs


def _noms_de_feuilles(feuilles: list[Feuille]) -> list[str]:
    """Names both XLSX and ODS accept: no []:*?/\\, at most 31 characters, distinct (case-insensitively)."""
    noms: list[str] = []
    for numero, feuille in enumerate(feuilles, start=1):
        nom = CARACTERES_INTERDITS_NOM.sub("-", CARACTERES_INTERDITS_XML.sub("", feuille.nom)).strip().strip("'")[:31] or f"Feuille {numero}"
        candidat, suffixe = nom, 2
        while candidat.casefold() in {n.casefold() for n in noms}:
            candidat = f"{nom[:31 - len(f' ({suffixe})')]} ({suffixe})"
            suffixe += 1
        noms.append(candidat)
    return noms


# CSV ---------------------------------------------------------------------------------------------------------


def _csv(feuilles: list[Feuille]) -> bytes:
    feuille = feuilles[0]
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    if feuille.entetes:
        ecrivain.writerow([_cellule_csv(entete) for entete in feuille.entetes])
    for ligne in feuille.lignes:
        ecrivain.writerow([_cellule_csv(valeur) for valeur in ligne])
    return "\ufeff".encode() + sortie.getvalue().encode("utf-8")


def _cellule_csv(valeur: Any) -> str:
    valeur = _valeur(valeur)
    if valeur is None:
        return ""
    if isinstance(valeur, (int, float, Decimal)):
        return _nombre_en_texte(valeur).replace(".", ",")
    if isinstance(valeur, date):
        return _date_en_texte(valeur)
    return sans_formule(valeur)


def indicateurs_en_csv(lignes: Iterable[tuple[str, Any]]) -> str:
    """The (indicateur, valeur) rows of a report as CSV, quoted, no cell a spreadsheet would run as a formula
    (a filter is echoed in the file: `--operateur "=HYPERLINK(…)"` must come back as text)."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, lineterminator="\n")
    ecrivain.writerow(["indicateur", "valeur"])
    for nom, valeur in lignes:
        ecrivain.writerow([nom, "" if valeur is None else sans_formule(valeur) if isinstance(valeur, str) else valeur])
    return sortie.getvalue()


def sans_formule(texte: str) -> str:
    """A text cell a spreadsheet will not run: one starting like a formula (=, +, -, @, tab, CR) gets a leading quote."""
    return f"'{texte}" if texte.startswith(DEBUTS_DE_FORMULE) else texte


# Zip archives (XLSX and ODS) -------------------------------------------------------------------------------


def _entree(nom: str, compression: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(nom, date_time=HORODATAGE.timetuple()[:6])
    info.compress_type = compression
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def _archive(entrees: Iterable[tuple[str, bytes, int]]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, contenu, compression in entrees:
            archive.writestr(_entree(nom, compression), contenu)
    return tampon.getvalue()


# XLSX --------------------------------------------------------------------------------------------------------


def _xlsx(feuilles: list[Feuille]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    classeur = Workbook()
    classeur.remove(classeur.active)
    classeur.properties.created = classeur.properties.modified = HORODATAGE
    classeur.properties.creator = "Parcours"
    gras = Font(bold=True)
    for nom, feuille in zip(_noms_de_feuilles(feuilles), feuilles):
        onglet = classeur.create_sheet(nom)
        lignes = [[_valeur(v) for v in ligne] for ligne in feuille.lignes]
        if feuille.entetes:
            onglet.append([_texte_xml(entete) for entete in feuille.entetes])
            for cellule in onglet[1]:
                cellule.font = gras
                cellule.data_type = "s"
            onglet.freeze_panes = "A2"
        debut = onglet.max_row + 1 if feuille.entetes else 1
        for i, ligne in enumerate(lignes):
            for j, valeur in enumerate(ligne, start=1):
                cellule = onglet.cell(row=debut + i, column=j)
                if isinstance(valeur, str):
                    cellule.value = _texte_xml(valeur)
                    cellule.data_type = "s"  # a text starting with "=" stays text, never a formula
                elif valeur is not None:
                    cellule.value = valeur
                    if isinstance(valeur, datetime):
                        cellule.number_format = "DD/MM/YYYY HH:MM:SS"
                    elif isinstance(valeur, date):
                        cellule.number_format = "DD/MM/YYYY"
        for j, largeur in enumerate(_largeurs(feuille.entetes, lignes), start=1):
            onglet.column_dimensions[get_column_letter(j)].width = largeur
    brut = io.BytesIO()
    with zipfile.ZipFile(brut, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(classeur, archive).write_data()
    # openpyxl stamps each zip entry with the current time: copy them under the fixed one.
    with zipfile.ZipFile(io.BytesIO(brut.getvalue())) as lue:
        return _archive((info.filename, lue.read(info), zipfile.ZIP_DEFLATED) for info in lue.infolist())


def _texte_xml(texte: str) -> str:
    return CARACTERES_INTERDITS_XML.sub("", texte)


# ODS ---------------------------------------------------------------------------------------------------------

ESPACES_ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)
MIME_ODS = TYPES_MIME["ods"]
STYLES_AUTOMATIQUES_ODS = (
    '<number:date-style style:name="N_DATE"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<number:date-style style:name="N_DATE_HEURE"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/>'
    '<number:text>:</number:text><number:seconds number:style="long"/></number:date-style>'
    '<style:style style:name="ce_entete" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="ce_date" style:family="table-cell" style:data-style-name="N_DATE"/>'
    '<style:style style:name="ce_date_heure" style:family="table-cell" style:data-style-name="N_DATE_HEURE"/>'
)


def _ods(feuilles: list[Feuille]) -> bytes:
    largeurs = sorted({l for f in feuilles for l in _largeurs(f.entetes, [[_valeur(v) for v in ligne] for ligne in f.lignes])} | {LARGEUR_MIN})
    styles_colonnes = "".join(
        f'<style:style style:name="co{l}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{l * 0.2:.2f}cm"/></style:style>'
        for l in largeurs
    )
    tables = "".join(_table_ods(nom, feuille) for nom, feuille in zip(_noms_de_feuilles(feuilles), feuilles))
    contenu = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {ESPACES_ODF}>"
        f"<office:automatic-styles>{STYLES_AUTOMATIQUES_ODS}{styles_colonnes}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    styles = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ESPACES_ODF}><office:styles/></office:document-styles>'
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ESPACES_ODF}>'
        "<office:meta><meta:generator>Parcours</meta:generator></office:meta></office:document-meta>"
    )
    manifeste = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIME_ODS}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    # The `mimetype` entry comes first and uncompressed: that is how readers recognise an ODF file.
    return _archive([
        ("mimetype", MIME_ODS.encode("ascii"), zipfile.ZIP_STORED),
        ("content.xml", contenu.encode("utf-8"), zipfile.ZIP_DEFLATED),
        ("styles.xml", styles.encode("utf-8"), zipfile.ZIP_DEFLATED),
        ("meta.xml", meta.encode("utf-8"), zipfile.ZIP_DEFLATED),
        ("META-INF/manifest.xml", manifeste.encode("utf-8"), zipfile.ZIP_DEFLATED),
    ])


def _table_ods(nom: str, feuille: Feuille) -> str:
    lignes = [[_valeur(v) for v in ligne] for ligne in feuille.lignes]
    # A table needs at least one column and one row to be valid ODF.
    colonnes = "".join(f'<table:table-column table:style-name="co{l}"/>' for l in _largeurs(feuille.entetes, lignes) or [LARGEUR_MIN])
    rangees = []
    if feuille.entetes:
        rangees.append("<table:table-row>" + "".join(
            f'<table:table-cell table:style-name="ce_entete" office:value-type="string">{_paragraphes(entete)}</table:table-cell>'
            for entete in feuille.entetes
        ) + "</table:table-row>")
    rangees.extend("<table:table-row>" + ("".join(_cellule_ods(v) for v in ligne) or "<table:table-cell/>") + "</table:table-row>"
                   for ligne in lignes)
    rangees = rangees or ["<table:table-row><table:table-cell/></table:table-row>"]
    return f"<table:table table:name={quoteattr(nom)}>{colonnes}{''.join(rangees)}</table:table>"


def _cellule_ods(valeur: Any) -> str:
    if valeur is None:
        return "<table:table-cell/>"
    if isinstance(valeur, (int, float, Decimal)):
        texte = _nombre_en_texte(valeur)
        return f'<table:table-cell office:value-type="float" office:value="{texte}"><text:p>{texte.replace(".", ",")}</text:p></table:table-cell>'
    if isinstance(valeur, datetime):
        return (f'<table:table-cell table:style-name="ce_date_heure" office:value-type="date" '
                f'office:date-value="{valeur.strftime("%Y-%m-%dT%H:%M:%S")}"><text:p>{valeur:%d/%m/%Y %H:%M:%S}</text:p></table:table-cell>')
    if isinstance(valeur, date):
        return (f'<table:table-cell table:style-name="ce_date" office:value-type="date" '
                f'office:date-value="{valeur.isoformat()}"><text:p>{valeur:%d/%m/%Y}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string">{_paragraphes(valeur)}</table:table-cell>'


def _paragraphes(texte: str) -> str:
    """One `text:p` per line; runs of spaces kept with `text:s` (XML would collapse them)."""
    def ligne(contenu: str) -> str:
        echappe = escape(CARACTERES_INTERDITS_XML.sub("", contenu)).replace("\t", "<text:tab/>")
        return "<text:p>" + re.sub(r"  +", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', echappe) + "</text:p>"
    return "".join(ligne(partie) for partie in texte.split("\n"))
