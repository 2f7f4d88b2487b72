"""Benchmark the upload intake (parse + validate) against merely reading the same file.

Run from the repository root:  .venv/bin/python perf/bench_intake.py [--rows 20000] [--reps 5]

Case: the belægning stream, 20.000 offer-quarter rows (5.000 offers × 4 quarters, yearly
period), as XLSX (written by openpyxl) and as CSV (semicolon, UTF-8 with BOM, Danish
numbers). Timed in the same process, interleaved, median of ``--reps`` runs after a
warm-up:

- intake: `parse_upload(bytes, "belaegning", context)` - safety checks, formula scan,
  reading, conversion to Decimal, all validation and plausibility rules, records;
- baseline XLSX: `openpyxl.load_workbook(read_only=True, data_only=True)` and iterating
  every value of the sheet (``iter_rows(values_only=True)``);
- baseline CSV: decoding the bytes and iterating `csv.reader` over every row.

Peak memory: tracemalloc peak in-process, and ru_maxrss of a fresh child process that
does one run (``--child``), next to the same child for the baseline.
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from backend.submissions.intake import IntakeContext, OfferInfo, parse_upload  # noqa: E402

KOMMUNER = ["751", "710", "766", "657", "661", "615", "756", "665", "707", "727"]
HEADER = ["tilbud_id", "tilbudsnavn", "kvartal", "normering", "forbrug", "koeberkommune"]


def make_rows(n_rows: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(n_rows):
        offer, quarter = divmod(i, 4)
        normering = 5 + (offer % 40) * 0.5
        forbrug = round(normering * 90 * (0.8 + (i % 17) / 100), 1)
        rows.append([f"T-{offer:05d}", f"Tilbud nr. {offer}", quarter + 1, normering, forbrug,
                     KOMMUNER[i % len(KOMMUNER)]])
    return rows


def make_context(n_rows: int) -> IntakeContext:
    offers = {
        f"T-{o:05d}": OfferInfo(f"T-{o:05d}", f"Tilbud nr. {o}", "psykisk_handicap", "doegn",
                                Decimal(5 + (o % 40) * 0.5))
        for o in range((n_rows + 3) // 4)
    }
    return IntakeContext(organisation="751", year=2017, offers=offers,
                         kommune_aliases={k: k for k in KOMMUNER})


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


def child_rss(path: Path, which: str, rows: int) -> float:
    """ru_maxrss (MB) of a fresh interpreter that reads ``path`` and does one run.

    Includes the interpreter, the imports, the file's bytes and (intake) the context with
    the 5.000 offers.
    """
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), which, "--rows", str(rows)],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip())


def run_child(path: str, which: str, n_rows: int) -> None:
    data = Path(path).read_bytes()
    if which == "intake":
        intake(data, make_context(n_rows))
    elif path.endswith(".xlsx"):
        read_xlsx_baseline(data)
    else:
        read_csv_baseline(data)
    print(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "WHICH"))
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], args.child[1], args.rows)
        return
    rows = make_rows(args.rows)
    context = make_context(args.rows)
    files = {"xlsx": make_xlsx(rows), "csv": make_csv(rows)}
    baselines = {"xlsx": read_xlsx_baseline, "csv": read_csv_baseline}
    print(f"{args.rows} rows; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}")
    print("| format | file | intake | baseline | ratio | tracemalloc peak intake / baseline "
          "| max RSS intake / baseline |")
    print("|---|---|---|---|---|---|---|")
    for kind, data in files.items():
        def run_intake(d: bytes = data) -> int:
            return intake(d, context)

        def run_base(d: bytes = data, k: str = kind) -> int:
            return baselines[k](d)

        t_intake, t_base = timed(run_intake, args.reps), timed(run_base, args.reps)
        peaks = traced_peak(run_intake), traced_peak(run_base)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"belaegning.{kind}"
            path.write_bytes(data)
            rss = child_rss(path, "intake", args.rows), child_rss(path, "baseline", args.rows)
        print(f"| {kind} | {len(data) / 1_048_576:.1f} MB | {t_intake:.2f} s | {t_base:.2f} s "
              f"| {t_intake / t_base:.2f} | {peaks[0]:.0f} / {peaks[1]:.0f} MB "
              f"| {rss[0]:.0f} / {rss[1]:.0f} MB |")


if __name__ == "__main__":
    main()
