#!/usr/bin/env bash
# Provides what the test suite needs beyond Python, when this machine allows it, before `make test`:
# starts the local PostgreSQL cluster when PostgreSQL is installed but down, and installs Debian's
# chromium for the browser tests when packages can be installed (root and apt-get). Never fails:
# what is still missing afterwards is skipped by tests/conftest.py with one line saying what to
# install, except under CI=true where those tests are required.
set -u

postgres_pret() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }

if ! postgres_pret && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >/dev/null 2>&1 || true
  done
fi

if [ -n "$(ls tests/browser/test_*.py 2>/dev/null)" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation de chromium (paquet Debian) pour les tests dans le navigateur…"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
      || echo "chromium n'a pas pu être installé : les tests dans le navigateur seront ignorés (hors CI)."
  fi
fi
exit 0
