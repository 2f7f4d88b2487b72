"""API throughput against a bare Flask app and a minimal DB-backed one, and the cost of row-level security.

Run from the repository root:  .venv/bin/python perf/bench_api.py [--duration 10] [--warmup 2]
                                   [--threads 4] [--rls-iterations 2000]

Needs PostgreSQL on 127.0.0.1:5432 with a superuser ``postgres`` (trust auth), as the tests
(``RAMMETAL_TEST_PG`` overrides the server URL). Everything is created fresh with run-unique
names and dropped at the end, also on error:

1. Setup: an owner role (LOGIN CREATEROLE) and a database it owns, ``backend.migrate.upgrade``
   as the owner, the application role from ``backend.db.rls.app_role_statements`` (not
   superuser, owner or BYPASSRLS), tenants + demo users + demo offers through the services as
   the application role, then ~20.000 synthetic offers (two years each) spread over the 20
   operating organisations, bulk-inserted as the application role with the scope set (so
   RLS's WITH CHECK sees them), and VACUUM ANALYZE.
2. Throughput: gunicorn with the same settings (``--workers 2 --threads 1 -k sync``, bind
   127.0.0.1, a free port) for (a) the real app ``backend.wsgi:app`` on
   ``GET /api/v1/offers?limit=100`` with a reporter's bearer token (org 657), (b)
   ``perf/minimal_app.py``, the same database work (token look-up, RLS scope, the same
   list statement, COMMIT) with only Flask + psycopg + orjson around it, and (c)
   ``perf/bare_app.py`` returning a JSON page of the same shape without a database. A
   Python client with N threads and http.client connections runs ``warmup`` + ``duration``
   seconds and counts 200 responses completed inside the measuring window. Order a, b, c,
   a, b, c; best of each. If app/bare < 0.5, cProfile of the app on the Flask test client
   shows where time goes.
3. RLS cost: the SQL the app sends for that list (one statement: the page with its total
   and years; captured from SQLAlchemy) replayed with psycopg, one transaction per
   iteration with ``set_config('app.org_ids', …, true)``: (a) as the application role (RLS
   applies) and (b) as the superuser (RLS bypassed), same database, same statements and
   parameters, same explicit ``org_id IN (…)`` filter, alternating batches. EXPLAIN as the application
   role shows the policy's scope function as an InitPlan.

Only 127.0.0.1 traffic; every loop is bounded by time or count.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import http.client
import io
import json
import os
import platform
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERF = ROOT / "perf"
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

SERVER_URL = os.environ.get(
    "RAMMETAL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_ARGS = ["--workers", "2", "--threads", "1", "-k", "sync"]
OFFERS_PATH = "/api/v1/offers?limit=100"
REPORTER_ORG = "657"
YEARS = (2016, 2017)
TARGET_THROUGHPUT = 0.5
TARGET_RLS = 1.15


# --- PostgreSQL: run-unique roles and database ---------------------------------------
def _url(user: str, database: str) -> str:
    base = sa.engine.make_url(SERVER_URL)
    return base.set(username=user, password=None, database=database).render_as_string(
        hide_password=False
    )


def _conninfo(sa_url: str) -> str:
    """libpq conninfo for psycopg from a SQLAlchemy URL."""
    return (
        sa.engine.make_url(sa_url)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


@dataclass
class PgRun:
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    created_roles: list[str] = field(default_factory=list)
    created_db: str | None = None

    @property
    def owner(self) -> str:
        return f"rb_owner_{self.run}"

    @property
    def app_role(self) -> str:
        return f"rb_app_{self.run}"

    @property
    def dbname(self) -> str:
        return f"rb_api_{self.run}"

    def admin(self) -> sa.Engine:
        return sa.create_engine(
            SERVER_URL, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT"
        )

    def owner_url(self) -> str:
        return _url(self.owner, self.dbname)

    def app_url(self) -> str:
        return _url(self.app_role, self.dbname)

    def superuser_url(self) -> str:
        return (
            sa.engine.make_url(SERVER_URL)
            .set(database=self.dbname)
            .render_as_string(hide_password=False)
        )

    def create(self) -> None:
        engine = self.admin()
        with engine.connect() as conn:
            conn.exec_driver_sql(
                f"CREATE ROLE {self.owner} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS"
            )
            self.created_roles.append(self.owner)
            # the owner creates the app role; recorded up front so cleanup always tries it
            self.created_roles.insert(0, self.app_role)
            conn.exec_driver_sql(f"CREATE DATABASE {self.dbname} OWNER {self.owner}")
            self.created_db = self.dbname
        engine.dispose()
        su = sa.create_engine(self.superuser_url(), poolclass=sa.pool.NullPool)
        with su.begin() as conn:
            conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {self.owner}")
        su.dispose()

    def drop(self) -> None:
        engine = self.admin()
        with engine.connect() as conn:
            if self.created_db:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :n AND pid <> pg_backend_pid()"
                    ),
                    {"n": self.created_db},
                )
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.created_db}")
            for role in self.created_roles:
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()


def setup_database(pg: PgRun, n_offers: int) -> dict[str, object]:
    import backend.models  # noqa: F401  (the model registry: every mapper known)
    from backend import migrate
    from backend.auth import service as auth
    from backend.auth.models import User
    from backend.db.rls import app_role_statements
    from backend.db.session import Database
    from backend.demo import service as demo
    from backend.offers.models import Offer, OfferYear
    from backend.organisations import service as organisations
    from backend.organisations.models import Maalgruppe, Organisation
    from backend.organisations.service import sync_tenants

    t0 = time.perf_counter()
    pg.create()
    migrate.upgrade(pg.owner_url())
    owner = sa.create_engine(pg.owner_url(), poolclass=sa.pool.NullPool)
    with owner.begin() as conn:
        for stmt in app_role_statements(pg.app_role, None, pg.dbname):
            conn.exec_driver_sql(stmt)

    database = Database(pg.app_url())
    with database.unit_of_work() as session:
        sync_tenants(session)
        demo.load_users(session)
        demo.load_offers(session)
    # the benchmark's reporter (no password: argon2 is not what is measured)
    with database.unit_of_work() as session:
        org = organisations.get_by_code(session, REPORTER_ORG)
        user = auth.create_user(
            session,
            email=f"bench-{pg.run}@rammetal.test",
            navn="Benchmark",
            role="reporter",
            organisation=org,
            password=None,
        )
    with database.unit_of_work() as session:
        user = session.scalar(sa.select(User).where(User.email == f"bench-{pg.run}@rammetal.test"))
        _token, plain = auth.issue_token(session, user, navn="bench_api", ttl_days=1)

    # synthetic offers over the operating organisations (kommuner + region), bulk insert
    # as the application role with every organisation in scope (RLS WITH CHECK applies)
    with database.engine.begin() as conn:
        orgs = conn.execute(
            sa.select(Organisation.id, Organisation.navn, Organisation.rammeaftale_id)
            .where(Organisation.type.in_(("kommune", "region")))
            .order_by(Organisation.id)
        ).all()
        mgs = conn.execute(
            sa.select(Maalgruppe.kode, Maalgruppe.tilbudstyper).where(
                Maalgruppe.rammeaftale_id == orgs[0].rammeaftale_id
            )
        ).all()
        combos = [
            (m.kode, t) for m in mgs for t in m.tilbudstyper.split(",") if t in ("dag", "doegn")
        ]
        conn.execute(
            sa.text("SELECT set_config('app.org_ids', :v, true)"),
            {"v": ",".join(str(o.id) for o in orgs)},
        )
        now = datetime.now(UTC)
        offer_rows, year_rows = [], []
        for i in range(n_offers):
            org = orgs[i % len(orgs)]
            mg, typ = combos[i % len(combos)]
            oid = uuid.uuid4()
            offer_rows.append(
                {
                    "org_id": org.id,
                    "id": oid,
                    "navn": f"{org.navn}: syntetisk tilbud nr. {i:05d}",
                    "tilbudsportalen_id": None,
                    "maalgruppe": mg,
                    "tilbudstype": typ,
                    "sel_paragraf": "SEL § 108",
                    "gyldig_fra": date(2016, 1, 1),
                    "gyldig_til": None,
                    "note": "Syntetisk tilbud til ydelsesmåling.",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for k, aar in enumerate(YEARS):
                year_rows.append(
                    {
                        "org_id": org.id,
                        "offer_id": oid,
                        "aar": aar,
                        "normering": Decimal(5 + i % 40) + Decimal(k) / 2,
                        "omfattet": True,
                    }
                )
        for start in range(0, len(offer_rows), 5000):
            conn.execute(sa.insert(Offer.__table__), offer_rows[start : start + 5000])
        for start in range(0, len(year_rows), 10000):
            conn.execute(sa.insert(OfferYear.__table__), year_rows[start : start + 10000])
    database.dispose()
    with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        # the owner is subject to forced RLS too: count as the superuser instead
    owner.dispose()
    su = sa.create_engine(pg.superuser_url(), poolclass=sa.pool.NullPool)
    with su.connect() as conn:
        n_total = conn.scalar(sa.text("SELECT count(*) FROM offer"))
        n_org = conn.scalar(
            sa.text(
                "SELECT count(*) FROM offer o JOIN organisation g ON g.id = o.org_id "
                "WHERE g.kode = :k"
            ),
            {"k": REPORTER_ORG},
        )
    su.dispose()
    return {
        "token": plain,
        "offers": n_total,
        "org_offers": n_org,
        "orgs": len(orgs),
        "seconds": time.perf_counter() - t0,
    }


# --- gunicorn and the load client -----------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn master (and its workers), started and stopped by this script only."""

    def __init__(self, target: str, env: dict[str, str], extra: list[str] | None = None) -> None:
        self.port = free_port()
        # closed and removed in stop()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="bench_api_gunicorn_", suffix=".log", delete=False
        )
        args = [
            str(GUNICORN),
            *GUNICORN_ARGS,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "5",
            *(extra or []),
            target,
        ]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, path: str, headers: dict[str, str], timeout: float = 30.0) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                conn.close()
                if resp.status == 200:
                    return body
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"gunicorn did not become ready; log:\n{Path(self.log.name).read_text()[-3000:]}"
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM to the master: it stops its own workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@dataclass
class LoadResult:
    ok: int
    errors: int
    seconds: float
    client_cpu: float  # client process CPU seconds / wall seconds during the window
    # CPU seconds during the window by process group ("server", "postgres"), from /proc
    process_cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds

    def ms_per_request(self, group: str) -> float:
        """CPU milliseconds of a process group per counted request."""
        cpu = (
            self.client_cpu * self.seconds
            if group == "client"
            else self.process_cpu.get(group, 0.0)
        )
        return cpu / max(self.ok, 1) * 1000


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` (Linux /proc; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_backends(dbname: str) -> list[int]:
    """PIDs of the PostgreSQL backends connected to ``dbname`` (the server is local)."""
    su = sa.create_engine(SERVER_URL, poolclass=sa.pool.NullPool)
    with su.connect() as conn:
        pids = conn.execute(
            sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": dbname}
        ).scalars()
        out = [int(p) for p in pids]
    su.dispose()
    return out


def load(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    threads: int,
    warmup: float,
    duration: float,
    groups: dict[str, object] | None = None,
) -> LoadResult:
    """Drive ``path`` with ``threads`` clients; ``groups`` maps a name to a callable that
    lists the PIDs whose CPU time in the measuring window is reported under that name."""
    start = time.monotonic()
    measure_from, measure_to = start + warmup, start + warmup + duration
    counts = [[0, 0] for _ in range(threads)]
    cpu: dict[str, float] = {}

    def worker(slot: list[int]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            now = time.monotonic()
            if now >= measure_to:
                break
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = -1
            done = time.monotonic()
            if measure_from <= done <= measure_to:
                slot[0 if status == 200 else 1] += 1
        conn.close()

    pids: dict[str, list[int]] = {}
    used: dict[str, float] = {}

    def clock() -> None:
        time.sleep(max(0.0, measure_from - time.monotonic()))
        for name, lister in (groups or {}).items():
            pids[name] = lister()  # type: ignore[operator]
            used[name] = -_cpu_seconds(pids[name])
        cpu["start"] = time.process_time()
        time.sleep(max(0.0, measure_to - time.monotonic()))
        cpu["end"] = time.process_time()
        for name in pids:
            used[name] += _cpu_seconds(pids[name])

    pool = [threading.Thread(target=worker, args=(counts[i],), daemon=True) for i in range(threads)]
    pool.append(threading.Thread(target=clock, daemon=True))
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=warmup + duration + 30)
    return LoadResult(
        sum(c[0] for c in counts),
        sum(c[1] for c in counts),
        duration,
        (cpu.get("end", 0.0) - cpu.get("start", 0.0)) / duration,
        used,
    )


def throughput(pg: PgRun, token: str, args: argparse.Namespace) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAMMETAL_")}
    env["RAMMETAL_DATABASE_URL"] = pg.app_url()
    auth = {"Authorization": f"Bearer {token}"}
    kinds = {
        "app": ("backend.wsgi:app", [], auth),
        "minimal": ("minimal_app:app", ["--pythonpath", str(PERF)], auth),
        "bare": ("bare_app:app", ["--pythonpath", str(PERF)], {}),
    }
    results: dict[str, list[LoadResult]] = {k: [] for k in kinds}
    sizes: dict[str, int] = {}
    bodies: dict[str, object] = {}
    for kind in (*kinds, *kinds):
        target, extra, headers = kinds[kind]
        server = Server(target, env, extra)
        try:
            body = server.wait_ready(args.path, headers)
            sizes[kind] = len(body)
            bodies[kind] = json.loads(body)
            groups = {
                "server": functools.partial(_children, server.proc.pid),
                "postgres": functools.partial(postgres_backends, pg.dbname),
            }
            r = load(
                server.port,
                args.path,
                headers,
                threads=args.threads,
                warmup=args.warmup,
                duration=args.duration,
                groups=groups,
            )
        finally:
            server.stop()
        results[kind].append(r)
        print(
            f"  {kind:7}: {r.rps:8.1f} req/s  ({r.ok} × 200, {r.errors} other; CPU ms per request: "
            f"server {r.ms_per_request('server'):.2f}, PostgreSQL {r.ms_per_request('postgres'):.2f}, "
            f"client {r.ms_per_request('client'):.2f})",
            flush=True,
        )
    if bodies["app"] != bodies["minimal"]:
        raise AssertionError(
            "the minimal endpoint's page differs from the app's: not the same work"
        )
    best = {k: max(v, key=lambda r: r.rps) for k, v in results.items()}
    return {
        "runs": results,
        "best": best,
        "sizes": sizes,
        "ratio": best["app"].rps / best["bare"].rps,
        "app_minimal": best["app"].rps / best["minimal"].rps,
        "minimal_bare": best["minimal"].rps / best["bare"].rps,
    }


# --- profile (only when the throughput target is missed) -----------------------------
PROFILE_GROUPS = [
    # (label, file fragment, function name): cumulative time of the first match
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("authentication (_authenticate: token, user, scope)", "backend/http.py", "_authenticate"),
    (
        "list_offers service (one statement: page, total, years)",
        "backend/offers/service.py",
        "list_offers",
    ),
    ("  of which psycopg execute (incl. waiting on PostgreSQL)", "psycopg/cursor.py", "execute"),
    ("  of which SQL compilation (SQLAlchemy)", "sqlalchemy/sql/elements.py", "_compile_w_cache"),
    ("query parameters (webargs/marshmallow load)", "webargs/core.py", "parse"),
    ("JSON encoding (orjson)", "backend/json_provider.py", "response"),
    ("commit (_finish)", "backend/http.py", "_finish"),
]


def profile_app(pg: PgRun, token: str, n: int = 200) -> str:
    from backend.app import create_app
    from backend.config import Settings
    from backend.db.session import Database

    database = Database(pg.app_url())
    app = create_app(Settings(database_url=pg.app_url()), database)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(20):
        assert client.get(OFFERS_PATH, headers=headers).status_code == 200
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(n):
        client.get(OFFERS_PATH, headers=headers)
    prof.disable()
    wall = (time.perf_counter() - t0) / n
    database.dispose()
    stats = pstats.Stats(prof)
    out = io.StringIO()
    out.write(
        f"cProfile, Flask test client, {n} requests: {wall * 1000:.1f} ms per request under the "
        f"profiler (it inflates Python-heavy code)\n"
    )
    raw = stats.stats  # type: ignore[attr-defined]
    whole = None
    for label, frag, name in PROFILE_GROUPS:
        matches = [
            (k, v) for k, v in raw.items() if k[2] == name and frag in k[0].replace(os.sep, "/")
        ]
        if not matches:
            out.write(f"  {label:58} n/a\n")
            continue
        cum = max(v[3] for _k, v in matches)
        if whole is None:
            whole = cum
        out.write(f"  {label:58} {cum / n * 1000:6.2f} ms  {cum / whole:5.0%}\n")
    out.write("\nTop 15 functions by own time:\n")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    out.write("\n".join(lines[start : start + 16]) + "\n")
    return out.getvalue()


# --- RLS cost --------------------------------------------------------------------------
def capture_list_sql(pg: PgRun) -> tuple[list[tuple[str, object]], str, int]:
    """The statements the ORM sends for the reporter's offers list (limit 100)."""
    from backend.db.session import Database
    from backend.db.tenancy import TenantScope, apply_scope, tenant_scope
    from backend.offers import service
    from backend.organisations import service as organisations

    database = Database(pg.app_url())
    captured: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if "set_config" not in statement:
            captured.append((statement, parameters))

    with database.unit_of_work() as session:
        org = organisations.get_by_code(session, REPORTER_ORG)
        scope = TenantScope.single(org.id)
        with tenant_scope(scope):
            apply_scope(session, scope)
            event.listen(database.engine, "before_cursor_execute", grab)
            page = service.list_offers(session, limit=100)
            event.remove(database.engine, "before_cursor_execute", grab)
    database.dispose()
    return captured, scope.as_setting(), page["total"]


def run_statements(
    conn: psycopg.Connection,
    setting: str,
    statements: list[tuple[str, object]],
    per_statement: list[float] | None = None,
) -> int:
    rows = 0
    with conn.cursor() as cur:
        cur.execute("SELECT set_config('app.org_ids', %s, true)", (setting,))
        for i, (sql, params) in enumerate(statements):
            t0 = time.perf_counter()
            cur.execute(sql, params)
            rows += len(cur.fetchall())
            if per_statement is not None:
                per_statement[i] += time.perf_counter() - t0
    conn.commit()
    return rows


def rls_cost(pg: PgRun, iterations: int, batch: int) -> dict[str, object]:
    statements, setting, total = capture_list_sql(pg)
    conns = {
        "rls": psycopg.connect(_conninfo(pg.app_url())),
        "superuser": psycopg.connect(_conninfo(pg.superuser_url())),
    }
    try:
        for kind, expect in (("rls", False), ("superuser", True)):
            with conns[kind].cursor() as cur:
                cur.execute(
                    "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
                )
                if cur.fetchone()[0] is not expect:
                    raise AssertionError(
                        f"{kind}: role bypasses RLS = {not expect}, expected {expect}"
                    )
            conns[kind].rollback()
        rows = {k: run_statements(c, setting, statements) for k, c in conns.items()}
        if rows["rls"] != rows["superuser"]:
            raise AssertionError(f"different results with and without RLS: {rows}")
        for _ in range(50):  # warm-up: caches, psycopg's prepared statements
            for c in conns.values():
                run_statements(c, setting, statements)
        times: dict[str, list[float]] = {"rls": [], "superuser": []}
        per_statement = {k: [0.0] * len(statements) for k in conns}
        order = ["rls", "superuser"]
        for b in range(iterations // batch):
            for kind in order if b % 2 == 0 else order[::-1]:
                c = conns[kind]
                t0 = time.perf_counter()
                for _ in range(batch):
                    run_statements(c, setting, statements, per_statement[kind])
                times[kind].append((time.perf_counter() - t0) / batch)
        done = (iterations // batch) * batch
        per_statement = {k: [t / done for t in v] for k, v in per_statement.items()}
        explain: dict[str, list[list[str]]] = {}
        for kind, c in conns.items():
            explain[kind] = []
            with c.cursor() as cur:
                cur.execute("SELECT set_config('app.org_ids', %s, true)", (setting,))
                for sql, params in statements:
                    cur.execute("EXPLAIN (ANALYZE off, COSTS off) " + sql, params)
                    explain[kind].append([r[0] for r in cur.fetchall()])
            c.rollback()
    finally:
        for c in conns.values():
            c.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "statements": statements,
        "rows": rows["rls"],
        "total": total,
        "median": med,
        "batches": times,
        "ratio": med["rls"] / med["superuser"],
        "explain": explain,
        "per_statement": per_statement,
        "iterations": (iterations // batch) * batch,
    }


# --- report ----------------------------------------------------------------------------
def versions() -> dict[str, str]:
    su = sa.create_engine(SERVER_URL, poolclass=sa.pool.NullPool)
    with su.connect() as conn:
        pg_version = conn.scalar(sa.text("SHOW server_version")).split()[0]
    su.dispose()
    from importlib.metadata import version

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "postgres": pg_version,
        "cpu": cpu,
        "flask": version("flask"),
        "gunicorn": version("gunicorn"),
        "sqlalchemy": sa.__version__,
        "psycopg": psycopg.__version__,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rls-iterations", type=int, default=2000)
    parser.add_argument("--rls-batch", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="profile even if the target is met")
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn -k for both apps (sync, gthread)"
    )
    parser.add_argument(
        "--worker-threads", type=int, default=1, help="gunicorn --threads for both apps"
    )
    parser.add_argument(
        "--path",
        default=OFFERS_PATH,
        help="offers path measured for throughput (e.g. '/api/v1/offers?limit=10')",
    )
    args = parser.parse_args()
    GUNICORN_ARGS[:] = [
        "--workers",
        "2",
        "--threads",
        str(args.worker_threads),
        "-k",
        args.worker_class,
    ]

    # SIGTERM must run the finally blocks (servers stopped, database and roles dropped)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t_start = time.perf_counter()
    info = versions()
    print(
        f"Machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, "
        f"PostgreSQL {info['postgres']}, Flask {info['flask']}, SQLAlchemy {info['sqlalchemy']}, psycopg {info['psycopg']}, "
        f"gunicorn {info['gunicorn']}; load average before: {info['load']}",
        flush=True,
    )
    pg = PgRun()
    try:
        print(f"Setup: database {pg.dbname}, roles {pg.owner} / {pg.app_role} …", flush=True)
        data = setup_database(pg, args.offers)
        print(
            f"  {data['offers']} offers over {data['orgs']} organisations ({data['org_offers']} of org "
            f"{REPORTER_ORG}), {data['seconds']:.1f} s",
            flush=True,
        )

        print(
            f"Throughput ({' '.join(GUNICORN_ARGS)}; client {args.threads} threads, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s), order app, minimal, bare, twice:",
            flush=True,
        )
        tp = throughput(pg, str(data["token"]), args)
        prof = None
        if tp["ratio"] < TARGET_THROUGHPUT or args.profile:
            print(
                "Profiling the app (target missed)…"
                if tp["ratio"] < TARGET_THROUGHPUT
                else "Profiling…",
                flush=True,
            )
            prof = profile_app(pg, str(data["token"]))

        print(
            f"RLS cost: {args.rls_iterations} iterations each, batches of {args.rls_batch}, alternating…",
            flush=True,
        )
        rls = rls_cost(pg, args.rls_iterations, args.rls_batch)
    finally:
        pg.drop()
        print(f"Dropped database {pg.dbname} and roles {', '.join(pg.created_roles)}.", flush=True)

    best = tp["best"]
    a, b = best["app"], best["bare"]
    today = date.today().isoformat()
    machine = (
        f"{info['nproc']} cores (nproc), Python {info['python']}, PostgreSQL {info['postgres']}"
    )
    verdict_tp = "met" if tp["ratio"] >= TARGET_THROUGHPUT else "**missed**"
    verdict_rls = "met" if rls["ratio"] <= TARGET_RLS else "**missed**"
    print()
    print(
        f"Statements per iteration (RLS cost): {len(rls['statements'])} "
        f"(the list's one statement) + set_config; {rls['rows']} rows returned; total {rls['total']}"
    )
    names = ("page with its total and years (one statement)",)
    for i, name in enumerate(names[: len(rls["statements"])]):
        print(
            f"  {name:30} RLS {rls['per_statement']['rls'][i] * 1000:6.3f} ms   "
            f"superuser {rls['per_statement']['superuser'][i] * 1000:6.3f} ms   "
            f"ratio {rls['per_statement']['rls'][i] / rls['per_statement']['superuser'][i]:.2f}"
        )
    for kind in ("rls", "superuser"):
        for i, name in enumerate(names[: len(rls["statements"])]):
            plan = rls["explain"][kind][i]
            print(
                f"\nEXPLAIN (ANALYZE off, COSTS off) of the {name} query as {kind}"
                f"{' (long filter lines cut)' if any(len(ln) > 160 for ln in plan) else ''}:"
            )
            shown = [ln if len(ln) <= 160 else ln[:157] + "…" for ln in plan]
            if len(shown) > 30:
                shown = shown[:25] + [f"    … {len(shown) - 27} more lines"] + shown[-2:]
            print("\n".join("    " + ln for ln in shown))
    initplan = [ln.strip() for ln in rls["explain"]["rls"][0] if "InitPlan" in ln or "$0" in ln]
    print("\nInitPlan lines of the page query (app role):", *initplan, sep="\n    ")
    if prof:
        print("\n" + prof)
    runs = tp["runs"]
    print()
    print("| date | machine | measurement | result | ratio | target | verdict |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {today} | {machine} | GET /api/v1/offers?limit=100, real app (reporter 657, "
        f"{data['org_offers']} offers in scope, {tp['sizes']['app'] / 1024:.0f} KB) | "
        f"{a.rps:.0f} req/s (runs: {', '.join(f'{r.rps:.0f}' for r in runs['app'])}) | | | |"
    )
    m = best["minimal"]
    print(
        f"| | | same path, minimal DB-backed endpoint (Flask + psycopg, same SQL) | "
        f"{m.rps:.0f} req/s (runs: {', '.join(f'{r.rps:.0f}' for r in runs['minimal'])}) | "
        f"app/minimal {tp['app_minimal']:.3f} | | |"
    )
    print(
        f"| | | same path, bare Flask app ({tp['sizes']['bare'] / 1024:.0f} KB) | "
        f"{b.rps:.0f} req/s (runs: {', '.join(f'{r.rps:.0f}' for r in runs['bare'])}) | "
        f"app/bare {tp['ratio']:.3f} (minimal/bare {tp['minimal_bare']:.3f}) | ≥ {TARGET_THROUGHPUT} | {verdict_tp} |"
    )
    print(
        f"| | | list SQL (one statement: page, total, years) as app role, RLS | "
        f"{rls['median']['rls'] * 1000:.3f} ms/iteration | | | |"
    )
    print(
        f"| | | same SQL as superuser, no RLS | {rls['median']['superuser'] * 1000:.3f} ms/iteration | "
        f"with/without {rls['ratio']:.3f} | ≤ {TARGET_RLS} | {verdict_rls} |"
    )
    print(
        "\nCPU per request in the measuring window (best runs; /proc of the gunicorn workers, the "
        "PostgreSQL backends of the database and the client):\n"
    )
    print("| endpoint | req/s | gunicorn workers | PostgreSQL | client | all |")
    print("|---|---|---|---|---|---|")
    for kind, r in best.items():
        parts = [r.ms_per_request(g) for g in ("server", "postgres", "client")]
        print(
            f"| {kind} | {r.rps:.0f} | {parts[0]:.2f} ms | {parts[1]:.2f} ms | {parts[2]:.2f} ms | "
            f"{sum(parts):.2f} ms |"
        )
    print(f"\nErrors: {', '.join(f'{k} {sum(r.errors for r in v)}' for k, v in runs.items())}.")
    print(
        f"RLS batch medians (ms): rls {', '.join(f'{t * 1000:.2f}' for t in rls['batches']['rls'])}; "
        f"superuser {', '.join(f'{t * 1000:.2f}' for t in rls['batches']['superuser'])}"
    )
    print(
        f"Total time {time.perf_counter() - t_start:.0f} s; load average after: "
        f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
