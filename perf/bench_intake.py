"""Benchmark the upload intake (parse + validate) against merely reading the same file.

Run from the repository root:  .venv/bin/python perf/bench_intake.py [--rows 20000] [--reps 5]

Case: the belægning stream, 20.000 offer-quarter rows (5.000 offers in Q1 2017, each
split over 4 køberkommuner), as XLSX (written by openpyxl) and as CSV (semicolon, UTF-8
with BOM, Danish numbers). The offers exist in a fresh SQLite database (migrated, tenants
synced, 5.000 offers of Aarhus with their 2017 normering, an open Q1 period). Timed in the
same process, interleaved, median of ``--reps`` runs after a warm-up:

- import: `submissions.service.upload` in one unit of work and its commit - the intake
  context from the database (offers, catalogues, aliases), `parse_upload`, and storing the
  submission, the original file, 20.000 lines (chunked bulk INSERT) and the audit entry;
- intake: `parse_upload(bytes, "belaegning", context)` - safety checks, formula scan,
  reading, conversion to Decimal, all validation and plausibility rules, records;
- baseline XLSX: `openpyxl.load_workbook(read_only=True, data_only=True)` and iterating
  every value of the sheet (``iter_rows(values_only=True)``);
- baseline CSV: decoding the bytes and iterating `csv.reader` over every row.

Peak memory: tracemalloc peak in-process, and the peak RSS (VmHWM) of a fresh child
process that does one run (``--child``), next to the same child for the baseline. Every import run
stores a new version, so the database grows by 20.000 lines per run.
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from openpyxl import Workbook  # noqa: E402

import backend.models  # noqa: E402, F401  (the model registry: every mapper known)
from backend import migrate  # noqa: E402
from backend.db.session import Database  # noqa: E402
from backend.db.tenancy import TenantScope, acting_as, scoped  # noqa: E402
from backend.offers.models import Offer, OfferYear  # noqa: E402
from backend.organisations.service import get_by_code, sync_tenants  # noqa: E402
from backend.periods.models import ReportingPeriod  # noqa: E402
from backend.submissions import service  # noqa: E402
from backend.submissions.intake import IntakeContext, OfferInfo, parse_upload  # noqa: E402

KOMMUNER = ["751", "710", "766", "657", "661", "615", "756", "665", "707", "727"]
HEADER = ["tilbud_id", "tilbudsnavn", "kvartal", "normering", "forbrug", "koeberkommune"]
SPLIT = 4  # køberkommuner per offer


def offer_ids(n_rows: int) -> list[str]:
    """Stable offer ids (the same in the parent and the --child processes)."""
    return [
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"rammetal-bench-{o}"))
        for o in range((n_rows + SPLIT - 1) // SPLIT)
    ]


def normering(offer: int) -> float:
    return 5 + (offer % 40) * 0.5


def make_rows(n_rows: int) -> list[list[object]]:
    ids = offer_ids(n_rows)
    rows: list[list[object]] = []
    for i in range(n_rows):
        offer, buyer = divmod(i, SPLIT)
        forbrug = round(normering(offer) * 90 * (0.8 + (i % 17) / 100) / SPLIT, 1)
        rows.append(
            [
                ids[offer],
                f"Tilbud nr. {offer}",
                1,
                normering(offer),
                forbrug,
                KOMMUNER[(offer + buyer) % len(KOMMUNER)],
            ]
        )
    return rows


def make_context(n_rows: int) -> IntakeContext:
    offers = {
        tid: OfferInfo(tid, f"Tilbud nr. {o}", "psykisk_handicap", "doegn", Decimal(normering(o)))
        for o, tid in enumerate(offer_ids(n_rows))
    }
    return IntakeContext(
        organisation="751",
        year=2017,
        quarter=1,
        offers=offers,
        kommune_aliases={k: k for k in KOMMUNER},
    )


def make_database(path: Path, n_rows: int) -> tuple[str, int]:
    """A migrated SQLite database with the tenants, the benchmark's offers and an open Q1
    2017 belægning period; returns its URL and the period id."""
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    database = Database(url)
    with database.unit_of_work() as session:
        sync_tenants(session)
        org = get_by_code(session, "751")
        period = ReportingPeriod(
            rammeaftale_id=org.rammeaftale_id,
            stream="belaegning",
            aar=2017,
            kvartal=1,
            frist=date(2017, 4, 30),
            status="aaben",
        )
        session.add(period)
        session.flush()
        with scoped(session, TenantScope.single(org.id)):
            ids = [uuid.UUID(t) for t in offer_ids(n_rows)]
            session.execute(
                sa.insert(Offer.__table__),
                [
                    {
                        "org_id": org.id,
                        "id": oid,
                        "navn": f"Tilbud nr. {o}",
                        "maalgruppe": "psykisk_handicap",
                        "tilbudstype": "doegn",
                    }
                    for o, oid in enumerate(ids)
                ],
            )
            session.execute(
                sa.insert(OfferYear.__table__),
                [
                    {
                        "org_id": org.id,
                        "offer_id": oid,
                        "aar": 2017,
                        "normering": Decimal(normering(o)),
                        "omfattet": True,
                    }
                    for o, oid in enumerate(ids)
                ],
            )
        period_id = period.id
    database.dispose()
    return url, period_id


def db_import(database: Database, period_id: int, data: bytes, fmt: str) -> int:
    """One import as the API does it: validate and store in one unit of work, committed."""
    with database.unit_of_work() as session:
        org = get_by_code(session, "751")
        period = session.get(ReportingPeriod, period_id)
        submission = service.upload(
            session,
            org=org,
            period=period,
            stream="belaegning",
            filename=f"bench.{fmt}",
            data=data,
            user_id=None,
            max_bytes=50 * 1024 * 1024,
        )
        # The same file again would be refused as identical (409 samme_fil) after its check
        # query; mark the stored hash so every timed run stores a version.
        with acting_as(session, org.id):
            submission.file_sha256 = uuid.uuid4().hex
            session.flush()
        return submission.row_count


def make_xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Belægning")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def read_xlsx_baseline(data: bytes) -> int:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            count += 1
    wb.close()
    return count


def read_csv_baseline(data: bytes) -> int:
    count = 0
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"):
        count += len(row)
    return count


def intake(data: bytes, context: IntakeContext) -> int:
    result = parse_upload(data, "belaegning", context)
    if not result.ok:
        raise SystemExit(f"benchmark file did not validate: {result.errors[:3]}")
    return len(result.records)


def timed(fn: Callable[[], object], reps: int) -> float:
    fn()  # warm-up
    return statistics.median(_once(fn) for _ in range(reps))


def _once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def traced_peak(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1_048_576


def child_rss(path: Path, which: str, rows: int, db: str = "") -> float:
    """Peak RSS (MB) of a fresh interpreter that reads ``path`` and does one run.

    Includes the interpreter, the imports, the file's bytes and (intake, import) the context
    with the 5.000 offers.
    """
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), which, "--rows", str(rows), "--db", db],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def run_child(path: str, which: str, n_rows: int, db: str) -> None:
    data = Path(path).read_bytes()
    if which == "import":
        url, period_id = db.rsplit("#", 1)
        database = Database(url)
        db_import(database, int(period_id), data, path.rsplit(".", 1)[1])
        database.dispose()
    elif which == "intake":
        intake(data, make_context(n_rows))
    elif path.endswith(".xlsx"):
        read_xlsx_baseline(data)
    else:
        read_csv_baseline(data)
    print(f"{peak_rss_mb():.1f}")


def peak_rss_mb() -> float:
    """Peak RSS of this process since exec: VmHWM on Linux. ru_maxrss is not used there: it
    keeps the high-water mark of the forked copy of the parent, so every child would report
    at least the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "WHICH"))
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], args.child[1], args.rows, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args, Path(tmp))


def run(args: argparse.Namespace, tmp: Path) -> None:
    rows = make_rows(args.rows)
    context = make_context(args.rows)
    url, period_id = make_database(tmp / "bench.sqlite3", args.rows)
    database = Database(url)
    files = {"xlsx": make_xlsx(rows), "csv": make_csv(rows)}
    baselines = {"xlsx": read_xlsx_baseline, "csv": read_csv_baseline}
    print(
        f"{args.rows} rows; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}, "
        f"SQLAlchemy {sa.__version__}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        "| format | file | import (SQLite) | intake | baseline | import / baseline "
        "| intake / baseline | tracemalloc peak import / intake / baseline "
        "| max RSS import / intake / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, data in files.items():

        def run_import(d: bytes = data, k: str = kind) -> int:
            return db_import(database, period_id, d, k)

        def run_intake(d: bytes = data) -> int:
            return intake(d, context)

        def run_base(d: bytes = data, k: str = kind) -> int:
            return baselines[k](d)

        t_import, t_intake, t_base = (
            timed(f, args.reps) for f in (run_import, run_intake, run_base)
        )
        peaks = [traced_peak(f) for f in (run_import, run_intake, run_base)]
        path = tmp / f"belaegning.{kind}"
        path.write_bytes(data)
        rss = [
            child_rss(path, which, args.rows, f"{url}#{period_id}")
            for which in ("import", "intake", "baseline")
        ]
        print(
            f"| {kind} | {len(data) / 1_048_576:.1f} MB | {t_import:.2f} s | {t_intake:.2f} s "
            f"| {t_base:.2f} s | {t_import / t_base:.2f} | {t_intake / t_base:.2f} "
            f"| {peaks[0]:.0f} / {peaks[1]:.0f} / {peaks[2]:.0f} MB "
            f"| {rss[0]:.0f} / {rss[1]:.0f} / {rss[2]:.0f} MB |"
        )
    database.dispose()


if __name__ == "__main__":
    main()
