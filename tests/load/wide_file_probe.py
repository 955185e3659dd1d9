"""How long the reader takes for a small file with many columns (a series typed across one row).

Not a test: prints one JSON object. Each size runs in its own process with a time
limit, so a size that takes minutes is reported as such instead of hanging here.
A classroom server reads uploads on the page's own thread; a file that keeps it busy
for a minute freezes that student's page and takes a core from everyone else.

    python tests/load/wide_file_probe.py                 # 100 … 20,000 columns, 60 s limit each
    python tests/load/wide_file_probe.py --limit 20 --columns 1000 5000
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = """
import sys, time
from lstm_viz.data import read_table
from lstm_viz.errors import LensError
n, rows = int(sys.argv[1]), int(sys.argv[2])
data = "\\n".join(",".join(str(100 + (k + r) % 17) for k in range(n)) for r in range(rows)).encode() + b"\\n"
started = time.perf_counter()
try:
    read_table(data, "wide.csv")
    outcome = "read"
except LensError as err:
    outcome = err.key
print(f"{time.perf_counter() - started:.2f} {len(data)} {outcome}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, nargs="*", default=[100, 1000, 3000, 10000, 20000])
    parser.add_argument("--rows", type=int, default=1, help="data rows (1: values across one row)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed per size")
    args = parser.parse_args()
    results = []
    for n in args.columns:
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-c", READ, str(n), str(args.rows)], cwd=ROOT, capture_output=True,
                                  text=True, timeout=args.limit, check=True)
            seconds, size, outcome = done.stdout.split()
            results.append({"columns": n, "bytes": int(size), "read_s": float(seconds), "outcome": outcome})
        except subprocess.TimeoutExpired:
            results.append({"columns": n, "read_s": f"> {args.limit:g} (stopped)",
                            "outcome": "still reading", "wall_s": round(time.perf_counter() - started, 1)})
        except subprocess.CalledProcessError as exc:
            results.append({"columns": n, "outcome": "crashed", "stderr": exc.stderr.strip().splitlines()[-1:]})
    print(json.dumps({"rows": args.rows, "results": results}, indent=2))


if __name__ == "__main__":
    main()
