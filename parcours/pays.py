"""Countries by their ISO 3166-1 alpha-3 code, with the French name a caseworker reads.

The table follows Debian's iso-codes (ISO 3166-1 and its French translation), with the short names
French administrations use (« Syrie », « Iran », « Russie ») and XKX for Kosovo. The codes are what
steps, CSV and the API carry; the names are for pages. Imports nothing.
"""

from __future__ import annotations

NOMS_PAYS: dict[str, str] = {
    "ABW": "Aruba", "AFG": "Afghanistan", "AGO": "Angola", "AIA": "Anguilla", "ALA": "Îles Åland", "ALB": "Albanie",
    "AND": "Andorre", "ARE": "Émirats arabes unis", "ARG": "Argentine", "ARM": "Arménie", "ASM": "Samoa américaines",
    "ATA": "Antarctique", "ATF": "Terres australes françaises", "ATG": "Antigua-et-Barbuda", "AUS": "Australie",
    "AUT": "Autriche", "AZE": "Azerbaïdjan", "BDI": "Burundi", "BEL": "Belgique", "BEN": "Bénin",
    "BES": "Bonaire, Saint-Eustache et Saba", "BFA": "Burkina Faso", "BGD": "Bangladesh", "BGR": "Bulgarie", "BHR": "Bahreïn",
    "BHS": "Bahamas", "BIH": "Bosnie-Herzégovine", "BLM": "Saint-Barthélemy", "BLR": "Bélarus", "BLZ": "Belize",
    "BMU": "Bermudes", "BOL": "Bolivie", "BRA": "Brésil", "BRB": "Barbade", "BRN": "Brunéi Darussalam", "BTN": "Bhoutan",
    "BVT": "Île Bouvet", "BWA": "Botswana", "CAF": "République centrafricaine", "CAN": "Canada", "CCK": "Îles Cocos (Keeling)",
    "CHE": "Suisse", "CHL": "Chili", "CHN": "Chine", "CIV": "Côte d'Ivoire", "CMR": "Cameroun",
    "COD": "République démocratique du Congo", "COG": "République du Congo", "COK": "Îles Cook", "COL": "Colombie",
    "COM": "Comores", "CPV": "Cap-Vert", "CRI": "Costa Rica", "CUB": "Cuba", "CUW": "Curaçao", "CXR": "Île Christmas",
    "CYM": "Îles Caïmans", "CYP": "Chypre", "CZE": "Tchéquie", "DEU": "Allemagne", "DJI": "Djibouti", "DMA": "Dominique",
    "DNK": "Danemark", "DOM": "République dominicaine", "DZA": "Algérie", "ECU": "Équateur", "EGY": "Égypte", "ERI": "Érythrée",
    "ESH": "Sahara occidental", "ESP": "Espagne", "EST": "Estonie", "ETH": "Éthiopie", "FIN": "Finlande", "FJI": "Fidji",
    "FLK": "Îles Malouines (Falkland)", "FRA": "France", "FRO": "Îles Féroé", "FSM": "Micronésie", "GAB": "Gabon",
    "GBR": "Royaume-Uni", "GEO": "Géorgie", "GGY": "Guernesey", "GHA": "Ghana", "GIB": "Gibraltar", "GIN": "Guinée",
    "GLP": "Guadeloupe", "GMB": "Gambie", "GNB": "Guinée-Bissau", "GNQ": "Guinée Équatoriale", "GRC": "Grèce", "GRD": "Grenade",
    "GRL": "Groënland", "GTM": "Guatemala", "GUF": "Guyane française", "GUM": "Guam", "GUY": "Guyana", "HKG": "Hong Kong",
    "HMD": "Îles Heard-et-MacDonald", "HND": "Honduras", "HRV": "Croatie", "HTI": "Haïti", "HUN": "Hongrie", "IDN": "Indonésie",
    "IMN": "Île de Man", "IND": "Inde", "IOT": "Territoire britannique de l'océan Indien", "IRL": "Irlande", "IRN": "Iran",
    "IRQ": "Irak", "ISL": "Islande", "ISR": "Israël", "ITA": "Italie", "JAM": "Jamaïque", "JEY": "Jersey", "JOR": "Jordanie",
    "JPN": "Japon", "KAZ": "Kazakhstan", "KEN": "Kenya", "KGZ": "Kirghizistan", "KHM": "Cambodge", "KIR": "Kiribati",
    "KNA": "Saint-Christophe-et-Niévès", "KOR": "Corée du Sud", "KWT": "Koweït", "LAO": "Laos", "LBN": "Liban", "LBR": "Libéria",
    "LBY": "Libye", "LCA": "Sainte-Lucie", "LIE": "Liechtenstein", "LKA": "Sri Lanka", "LSO": "Lesotho", "LTU": "Lituanie",
    "LUX": "Luxembourg", "LVA": "Lettonie", "MAC": "Macau", "MAF": "Saint-Martin (partie française)", "MAR": "Maroc",
    "MCO": "Monaco", "MDA": "Moldavie", "MDG": "Madagascar", "MDV": "Maldives", "MEX": "Mexique", "MHL": "Îles Marshall",
    "MKD": "Macédoine du Nord", "MLI": "Mali", "MLT": "Malte", "MMR": "Birmanie", "MNE": "Monténégro", "MNG": "Mongolie",
    "MNP": "Îles Mariannes du Nord", "MOZ": "Mozambique", "MRT": "Mauritanie", "MSR": "Montserrat", "MTQ": "Martinique",
    "MUS": "Maurice", "MWI": "Malawi", "MYS": "Malaisie", "MYT": "Mayotte", "NAM": "Namibie", "NCL": "Nouvelle-Calédonie",
    "NER": "Niger", "NFK": "Île Norfolk", "NGA": "Nigeria", "NIC": "Nicaragua", "NIU": "Nioue", "NLD": "Pays-Bas",
    "NOR": "Norvège", "NPL": "Népal", "NRU": "Nauru", "NZL": "Nouvelle-Zélande", "OMN": "Oman", "PAK": "Pakistan",
    "PAN": "Panama", "PCN": "Îles Pitcairn", "PER": "Pérou", "PHL": "Philippines", "PLW": "Palaos",
    "PNG": "Papouasie-Nouvelle-Guinée", "POL": "Pologne", "PRI": "Porto Rico", "PRK": "Corée du Nord", "PRT": "Portugal",
    "PRY": "Paraguay", "PSE": "Palestine", "PYF": "Polynésie française", "QAT": "Qatar", "REU": "La Réunion", "ROU": "Roumanie",
    "RUS": "Russie", "RWA": "Rwanda", "SAU": "Arabie saoudite", "SDN": "Soudan", "SEN": "Sénégal", "SGP": "Singapour",
    "SGS": "Géorgie du Sud et les îles Sandwich du Sud", "SHN": "Sainte-Hélène, Ascension et Tristan da Cunha",
    "SJM": "Svalbard et île Jan Mayen", "SLB": "Îles Salomon", "SLE": "Sierra Leone", "SLV": "Salvador", "SMR": "Saint-Marin",
    "SOM": "Somalie", "SPM": "Saint-Pierre-et-Miquelon", "SRB": "Serbie", "SSD": "Soudan du Sud", "STP": "Sao Tomé-et-Principe",
    "SUR": "Surinam", "SVK": "Slovaquie", "SVN": "Slovénie", "SWE": "Suède", "SWZ": "Eswatini",
    "SXM": "Saint-Martin (partie néerlandaise)", "SYC": "Seychelles", "SYR": "Syrie", "TCA": "Îles Turques-et-Caïques",
    "TCD": "Tchad", "TGO": "Togo", "THA": "Thaïlande", "TJK": "Tadjikistan", "TKL": "Tokelau", "TKM": "Turkménistan",
    "TLS": "Timor oriental", "TON": "Tonga", "TTO": "Trinité-et-Tobago", "TUN": "Tunisie", "TUR": "Turquie", "TUV": "Tuvalu",
    "TWN": "Taïwan", "TZA": "Tanzanie", "UGA": "Ouganda", "UKR": "Ukraine", "UMI": "Îles mineures éloignées des États-Unis",
    "URY": "Uruguay", "USA": "États-Unis", "UZB": "Ouzbékistan", "VAT": "Saint-Siège (Vatican)",
    "VCT": "Saint-Vincent-et-les-Grenadines", "VEN": "Venezuela", "VGB": "Îles Vierges britanniques",
    "VIR": "Îles Vierges des États-Unis", "VNM": "Viêt Nam", "VUT": "Vanuatu", "WLF": "Wallis et Futuna", "WSM": "Samoa",
    "XKX": "Kosovo", "YEM": "Yémen", "ZAF": "Afrique du Sud", "ZMB": "Zambie", "ZWE": "Zimbabwe",
}
"""ISO alpha-3 code → French name."""


def nom_pays(code: str | None) -> str:
    """« Afghanistan » for AFG; an unknown code is shown as it is."""
    if not code:
        return "—"
    return NOMS_PAYS.get(code, code)
