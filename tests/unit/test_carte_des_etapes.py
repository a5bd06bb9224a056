"""Every step type has all its parts, and web/ETAPES.md, the map a reader opens, is the one generated from them."""

from __future__ import annotations

from pathlib import Path

from parcours.regles import REGLES_EN_BREF
from parcours.vocabulaire import ETAPES_D_ACTION, ETAPES_DE_GESTION, LIBELLES_ETAPES, TypeEtape
from web import carte_des_etapes
from web.pages.preremplissage import PREREMPLISSAGES
from web.saisie.schemas import SCHEMAS_DONNEES

CARTE = Path(__file__).resolve().parents[2] / "web" / "ETAPES.md"


def test_every_step_type_has_its_label_event_rule_rule_in_brief_schema_and_pre_filling() -> None:
    for type_etape in TypeEtape:
        assert type_etape in LIBELLES_ETAPES and type_etape in REGLES_EN_BREF, type_etape
        assert carte_des_etapes.evenements(type_etape), f"{type_etape.value} : aucun événement"
        assert carte_des_etapes.regles(type_etape), f"{type_etape.value} : aucune règle"
        assert type_etape in SCHEMAS_DONNEES and type_etape in PREREMPLISSAGES, type_etape


def test_steps_on_an_action_have_their_event_and_rule_on_the_action_and_corrections_on_both_streams() -> None:
    for type_etape in ETAPES_D_ACTION | ETAPES_DE_GESTION:
        assert any(e.TOPIC.startswith("parcours.action.") for e in carte_des_etapes.evenements(type_etape)), type_etape
    for type_etape in ETAPES_DE_GESTION:
        assert any(e.TOPIC.startswith("parcours.personne.") for e in carte_des_etapes.evenements(type_etape)), type_etape


def test_the_committed_map_is_the_generated_one() -> None:
    assert CARTE.read_text(encoding="utf-8") == carte_des_etapes.carte(), (
        "web/ETAPES.md n'est plus à jour : python -m web.carte_des_etapes > web/ETAPES.md"
    )
