"""`python -m bench.api`: sustained `POST /api/v1/steps` throughput and p95 latency, 1/8/32 clients.

Method: a fresh store per backend with the demo operators and one API client; gunicorn serves
`web:create_app()` with 4 workers (`--fils 8` threads each, gthread, by default; `--fils 1` = sync
workers) on 127.0.0.1, and we wait until every worker has booted. N clients (keep-alive HTTP/1.1) post
new pathways (a `personne_enregistree` then three situation steps, each once the previous one was
answered) for a fixed duration; we count 201 answers and take latencies per request. The load comes
from wrk with `api_wrk.lua` (one thread, N connections) when it is installed, else from N Python
processes (`--generateur python`, which spends about 1–2 ms of CPU per request on the same 2 cores).
In the same run we measure the event store's raw single-save rate (one new one-event aggregate per
`save`, one writer) on the same database, just before the server starts and again once it has stopped
(the mean is the reference): the target is PostgreSQL with 4 workers sustaining ≥ 50 % of it.
Each level also reports the CPU time per step of the gunicorn workers and of the database's PostgreSQL
backends (read in /proc: Linux, server on this machine), which the machine's other load changes far less
than the rates.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.domain import Aggregate

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.comptes import Portee
from web.config import Reglages, construire_services, creer_base_postgres
from web.demo.chargement import enregistrer_operateurs_demo
from web.securite import empreinte_jeton, nouveau_jeton

RACINE = Path(__file__).resolve().parents[1]
RESULTATS = RACINE / "bench" / "results"
SCRIPT_WRK = RACINE / "bench" / "api_wrk.lua"
PORT = 8765


class _Mesure(Aggregate):
    """A one-event aggregate to time the store's raw single saves."""


def debit_brut(services: Any, secondes: float = 5.0) -> float:
    """Events per second saved one at a time by one writer, straight into the event store."""
    parcours = services.parcours
    fin, sauves = time.perf_counter() + secondes, 0
    debut = time.perf_counter()
    while time.perf_counter() < fin:
        parcours.save(_Mesure())
        sauves += 1
    return sauves / (time.perf_counter() - debut)


def _client(jeton: str, duree: float, depart: float, file: Any) -> None:
    connexion = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    entetes = {"Authorization": f"Bearer {jeton}", "Content-Type": "application/json"}
    latences: list[float] = []
    erreurs = 0
    while time.time() < depart:
        time.sleep(0.001)
    fin = time.time() + duree
    while time.time() < fin:
        parcours_id = str(uuid.uuid4())
        etapes = [_etape("personne_enregistree", {"nom": "Banc", "prenom": "Essai", "date_naissance": "1990-01-01", "sexe": "F",
                                                   "nationalite": "AFG", "departement": "75"}, {"parcours_id": parcours_id})]
        etapes += [_etape("situation_logement", {"situation": "DNA"}, {"parcours_id": parcours_id}) for _ in range(3)]
        for etape in etapes:
            debut = time.perf_counter()
            connexion.request("POST", "/api/v1/steps", body=json.dumps(etape), headers=entetes)
            reponse = connexion.getresponse()
            reponse.read()
            latences.append(time.perf_counter() - debut)
            if reponse.status != 201:
                erreurs += 1
            if time.time() >= fin:
                break
    file.put((latences, erreurs))


def _etape(type_: str, data: dict[str, Any], personne: dict[str, str]) -> dict[str, Any]:
    return {"step_id": str(uuid.uuid4()), "type": type_, "occurred_on": date(2025, 1, 15).isoformat(),
            "operateur": "ofii-dt-paris", "agent": "bench", "personne": personne, "data": data}


def charge(jeton: str, clients: int, duree: float) -> dict[str, Any]:
    file: Any = multiprocessing.Queue()
    depart = time.time() + 1.0
    processus = [multiprocessing.Process(target=_client, args=(jeton, duree, depart, file)) for _ in range(clients)]
    for p in processus:
        p.start()
    resultats = [file.get() for _ in processus]
    for p in processus:
        p.join()
    latences = sorted(l for lot, _ in resultats for l in lot)
    erreurs = sum(e for _, e in resultats)
    return {
        "clients": clients,
        "requetes": len(latences),
        "erreurs": erreurs,
        "debit": (len(latences) - erreurs) / duree,
        "p50_ms": 1000 * statistics.median(latences),
        "p95_ms": 1000 * latences[int(0.95 * (len(latences) - 1))],
    }


def charge_wrk(jeton: str, clients: int, duree: float) -> dict[str, Any]:
    """The same load generated by wrk (one thread, `clients` keep-alive connections, script `api_wrk.lua`)."""
    sortie = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(duree))}s", "--timeout", "30s", "-s", str(SCRIPT_WRK),
         f"http://127.0.0.1:{PORT}"],
        env={**os.environ, "BENCH_JETON": jeton}, stdout=subprocess.PIPE, text=True, check=True,
    )
    mesure = json.loads(next(ligne for ligne in sortie.stdout.splitlines() if ligne.startswith("BENCH "))[6:])
    erreurs = mesure["erreurs"] + mesure["erreurs_socket"]
    return {
        "clients": clients,
        "requetes": mesure["requetes"],
        "erreurs": erreurs,
        "debit": (mesure["requetes"] - mesure["erreurs"]) / (mesure["duree_us"] / 1e6),
        "p50_ms": mesure["p50_us"] / 1000,
        "p95_ms": mesure["p95_us"] / 1000,
    }


def mesurer(
    backend: str, serveur: str, duree: float, travailleurs: int, fils: int = 1, generateur: str = "python"
) -> dict[str, Any]:
    dossier = RESULTATS / f"api-{backend}"
    shutil.rmtree(dossier, ignore_errors=True)
    url = f"{serveur}/parcours_bench_api" if backend == "postgres" else None
    cle = nouvelle_cle_maitre()
    reglages = Reglages(dossier, url, "bench-secret", cle, cookie_securise=False)
    if url is not None:
        with psycopg.connect(f"{serveur}/postgres", autocommit=True) as c:
            c.execute('DROP DATABASE IF EXISTS "parcours_bench_api" WITH (FORCE)')
        creer_base_postgres(reglages)
    services = construire_services(reglages)
    enregistrer_operateurs_demo(services.parcours)
    jeton = nouveau_jeton()
    services.parcours.creer_client_api("bench", "ofii-dt-paris", [Portee.LECTURE, Portee.ECRITURE], empreinte_jeton(jeton))
    services.rattraper()
    brut_avant = debit_brut(services)
    services.fermer()
    env = {**os.environ, "PYTHONPATH": str(RACINE), "PARCOURS_DATA_DIR": str(dossier), "PARCOURS_MASTER_KEY": cle,
           "PARCOURS_SECRET_KEY": "bench-secret", "PARCOURS_COOKIE_SECURE": "0", "PARCOURS_ENV": "production",
           "PARCOURS_LIMITE_API": "10000000 per minute"}
    if url is not None:
        env["PARCOURS_DATABASE_URL"] = url
    else:
        env.pop("PARCOURS_DATABASE_URL", None)
    options_fils = ["--worker-class", "gthread", "--threads", str(fils)] if fils > 1 else []
    serveur_web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(travailleurs), *options_fils, "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "web:create_app()"],
        env=env, cwd=RACINE,
    )
    try:
        _attendre_serveur()
        _attendre_travailleurs(serveur_web.pid, travailleurs)
        generer = charge_wrk if generateur == "wrk" else charge
        charges = []
        for clients in (1, 8, 32):
            avant = _cpu_serveur(serveur_web.pid, url)
            mesure = generer(jeton, clients, duree)
            apres = _cpu_serveur(serveur_web.pid, url)
            for cote in ("travailleurs", "postgres"):
                depense = sum(cpu - avant[cote].get(pid, 0.0) for pid, cpu in apres[cote].items())
                mesure[f"cpu_{cote}_ms"] = 1000 * depense / max(1, mesure["requetes"])
            charges.append(mesure)
    finally:
        serveur_web.send_signal(signal.SIGTERM)
        serveur_web.wait(timeout=30)
    # The raw rate again once the server has stopped: this machine's disk and neighbours drift over a
    # run, so the API is compared with the mean of the raw rates measured just before and just after it.
    services = construire_services(reglages, migrer_lectures=False)
    brut_apres = debit_brut(services)
    services.fermer()
    brut = (brut_avant + brut_apres) / 2
    meilleur = max(c["debit"] for c in charges)
    return {"backend": backend, "travailleurs": travailleurs, "fils": fils, "generateur": generateur, "debit_brut": brut,
            "debit_brut_avant": brut_avant, "debit_brut_apres": brut_apres, "charges": charges, "part_du_brut": meilleur / brut}


def _attendre_serveur() -> None:
    limite = time.time() + 60
    while time.time() < limite:
        try:
            connexion = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connexion.request("GET", "/api/v1/openapi.json")
            if connexion.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn n'a pas démarré")


def _cpu_serveur(maitre: int, url: str | None) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each gunicorn worker and each PostgreSQL backend of the bench database:
    the CPU per step is what the machine's other load does not change much."""
    def cpu(processus: Path) -> float:
        stat = _stat(processus)
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    travailleurs = {int(p.name): cpu(p) for p in Path("/proc").iterdir() if p.name.isdigit() and _stat(p)[1] == str(maitre)}
    backends: dict[int, float] = {}
    if url is not None:
        with psycopg.connect(url, autocommit=True) as c:
            pids = [ligne[0] for ligne in c.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
        backends = {pid: cpu(Path(f"/proc/{pid}")) for pid in pids}
    return {"travailleurs": travailleurs, "postgres": backends}


def _attendre_travailleurs(maitre: int, nombre: int) -> None:
    """Wait until every worker has booted (their CPU goes quiet), so that no boot lands in the 1-client figure."""
    limite, precedent = time.time() + 60, -1.0
    while time.time() < limite:
        enfants = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _stat(p)[1] == str(maitre)]
        cpu = sum(int(_stat(p)[11]) + int(_stat(p)[12]) for p in enfants) / os.sysconf("SC_CLK_TCK")
        if len(enfants) >= nombre and cpu - precedent < 0.02:
            return
        precedent = cpu
        time.sleep(0.5)


def _stat(processus: Path) -> list[str]:
    try:
        return (processus / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return ["", ""] + ["0"] * 20


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--backends", default="sqlite,postgres")
    arguments.add_argument("--duree", type=float, default=10.0)
    arguments.add_argument("--travailleurs", type=int, default=4)
    arguments.add_argument("--fils", type=int, default=8, help="threads per worker (gthread worker class when > 1)")
    arguments.add_argument("--generateur", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                           help="load generator: wrk (apt-get install wrk) or one Python process per client")
    arguments.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    options = arguments.parse_args()
    RESULTATS.mkdir(exist_ok=True)
    for backend in options.backends.split(","):
        resultat = mesurer(backend, options.postgres, options.duree, options.travailleurs, options.fils, options.generateur)
        fils = f" × {options.fils} fils" if options.fils > 1 else ""
        print(f"\n== API {backend}, gunicorn {options.travailleurs} workers{fils}, charge {options.generateur} ; "
              f"écriture brute du journal : {resultat['debit_brut']:.0f} év./s "
              f"(avant {resultat['debit_brut_avant']:.0f}, après {resultat['debit_brut_apres']:.0f})")
        for c in resultat["charges"]:
            print(f"   {c['clients']:>2} clients : {c['debit']:.0f} étapes/s (p50 {c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms, "
                  f"{c['erreurs']} erreurs ; CPU par étape : workers {c['cpu_travailleurs_ms']:.1f} ms"
                  + (f", PostgreSQL {c['cpu_postgres_ms']:.1f} ms)" if backend == "postgres" else ")"))
        print(f"   meilleur débit = {100 * resultat['part_du_brut']:.0f} % de l'écriture brute")
        with (RESULTATS / "resultats-api.jsonl").open("a") as sortie:
            sortie.write(json.dumps(resultat) + "\n")


if __name__ == "__main__":
    main()
