"""The browser tests' chromium (Debian's, driven by Playwright): one browser per test process, a fresh context per test.

Chromium is never downloaded: `make test` installs Debian's package when it can; without /usr/bin/chromium the
tests are skipped, except under CI=true where they fail (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright

from tests.conftest import CHROMIUM

ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"]
SIGNALER_LES_VIOLATIONS_CSP = (
    "document.addEventListener('securitypolicyviolation', e => console.error('CSP : ' + e.violatedDirective + ' sur '"
    " + location.pathname + ' : ' + ((e.target && e.target.outerHTML) || '').slice(0, 200)))"
)
"""Playwright adds this to every page (it is not the app's code): names the page and element behind a CSP violation."""

expect.set_options(timeout=15_000)  # generous: the suite runs in parallel (`pytest -n 2`) on small machines


class Incidents:
    """What would show a broken page: a static file missing, a CSP violation, a JavaScript error."""

    def __init__(self) -> None:
        self.liste: list[str] = []

    def reponse(self, reponse: Response) -> None:
        if "/static/" in reponse.url and reponse.status >= 400:
            self.liste.append(f"{reponse.status} {reponse.url}")

    def console(self, message: ConsoleMessage) -> None:
        texte = message.text
        if message.type == "error" and (texte.startswith("CSP") or "Content Security Policy" in texte or "Uncaught" in texte):
            self.liste.append(f"{message.location.get('url')} : {texte}")


@pytest.fixture
def incidents() -> Incidents:
    return Incidents()


@pytest.fixture(scope="session")
def navigateur() -> Iterator[Browser]:
    """Started once per test process (about two seconds each time); each test gets its own context in it."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} est introuvable : installez le chromium de Debian (`apt-get install -y chromium`, fait par `make test` quand il le peut). "
                    "Les tests du navigateur ne téléchargent jamais de navigateur.")
    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS)
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(navigateur: Browser, incidents: Incidents) -> Iterator[Page]:
    """A page in a context of its own: no cookie, storage or cache shared with another test."""
    contexte = navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(SIGNALER_LES_VIOLATIONS_CSP)
    page.on("response", incidents.reponse)
    page.on("console", incidents.console)
    page.on("pageerror", lambda erreur: incidents.liste.append(f"erreur JavaScript : {erreur}"))
    yield page
    contexte.close()
