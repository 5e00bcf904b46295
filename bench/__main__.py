"""Run every benchmark row, print the table, write bench/results/latest.md.

`python -m bench` (what `make bench` runs) measures at full size in about five minutes on two
cores; `--smoke` runs tiny sizes so CI keeps the benchmarks working; `--only concurrency fanout`
runs some sections (printed, not written). Nothing here fails on a figure: benchmarks report,
tests decide.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from pathlib import Path

from bench.table import Row, render

RESULTS = Path(__file__).with_name("results")


async def main(smoke: bool, only: list[str] | None = None) -> list[Row]:
    from bench import rows_checkin, rows_local, rows_miniapp, rows_process, rows_query

    rows: list[Row] = []
    for section in (
        rows_process.concurrency_rows,
        rows_process.fanout_rows,
        rows_local.sync_rows,
        rows_local.tool_rows,
        rows_query.query_rows,
        rows_miniapp.miniapp_rows,
        rows_checkin.checkin_rows,
        rows_process.overhead_rows,
        rows_process.memory_rows,
        rows_local.store_rows,
    ):
        if only and not any(name in section.__name__ for name in only):
            continue
        # What earlier sections left is collected before this one's clock starts.
        gc.collect()
        started = time.perf_counter()
        try:
            rows += await section(smoke)
        except Exception as exc:
            rows.append(Row(section.__name__, f"failed: {type(exc).__name__}: {exc}", "", ""))
        print(
            f"  {section.__name__}: {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (CI)")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SECTION",
        help="run the sections whose names contain one of these (e.g. concurrency fanout "
        "memory); the table is printed, latest.md is left as it is",
    )
    args = parser.parse_args()
    rows = asyncio.run(main(args.smoke, args.only))
    table = render(rows, "smoke" if args.smoke else "full")
    print(table)
    if not args.smoke and not args.only:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.md").write_text(table)
    if any(r.figure.startswith("failed:") for r in rows):
        sys.exit(1)
