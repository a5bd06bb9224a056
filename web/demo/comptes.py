"""The demo accounts `make run` creates and prints: one or more per operator kind of the demo territory."""

from __future__ import annotations

from parcours.comptes import Role

MOT_DE_PASSE_DEMO = "Parcours-demo-2026"

COMPTES_DEMO: list[tuple[str, str, Role, str]] = [
    ("ofii", "ofii-dt-paris", Role.AGENT, "Awa Ndiaye (OFII Paris)"),
    ("ofii-resp", "ofii-dt-paris", Role.RESPONSABLE, "Marc Leroy (OFII Paris, responsable)"),
    ("ft", "france-travail-75", Role.AGENT, "Julie Bernard (France Travail Paris)"),
    ("ml", "mission-locale-paris", Role.AGENT, "Karim Benali (Mission locale de Paris)"),
    ("cap", "cap-emploi-75", Role.AGENT, "Sophie Martin (Cap emploi Paris)"),
    ("agir", "agir-75", Role.AGENT, "Nadia Haddad (AGIR Paris)"),
    ("asso", "asso-75", Role.AGENT, "Paul Girard (association)"),
    ("copil", "ofii-dt-paris", Role.COPIL, "Comité de pilotage"),
    ("admin", "ofii-dt-paris", Role.ADMIN, "Administration Parcours"),
]
"""Operator ids of the demo territory (web.demo.generateur); accounts whose operator is missing are skipped."""
