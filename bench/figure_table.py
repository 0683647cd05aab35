#!/usr/bin/env python3
"""Regenerates a README/RESULTS figure table from a bench's JSON output, stamped with the machine and the date.

The figures in README.md and bench/RESULTS.md come from `control bench ... --json`; this turns that output into the
Markdown table instead of typing numbers by hand:

    dotnet src/Cli/bin/Release/net10.0/control.dll bench planners --seeds 3 --json > /tmp/planners.json
    python3 bench/figure_table.py /tmp/planners.json --rows table \
        --columns env,planner,successes,seeds,replan_ms_mean,replan_ms_p95 --command "control bench planners --seeds 3"

--rows names the list of row objects in the JSON (a dotted path; omit it when the JSON is the list itself);
--columns picks and orders the keys (default: every key of the first row). Numbers are printed with --digits
significant digits (figures of more digits than that as whole numbers). The header line says which CPU (from /proc/cpuinfo), how many logical processors, the 1-minute
load average at the time of writing, the UTC date and the command, so a table always says where it came from.
"""
import argparse
import datetime
import json
import os
import platform
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def cell(value, digits):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Large figures as whole numbers (58287, not 5.83e+04): more digits than asked, but none invented.
        return f"{value:.0f}" if abs(value) >= 10 ** digits else f"{value:.{digits}g}"
    if value is None:
        return "-"
    return str(value)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json_file", help="the bench's --json output (one JSON object or list); '-' reads stdin")
    parser.add_argument("--rows", default="", help="dotted path of the list of rows in the JSON (default: the JSON itself)")
    parser.add_argument("--columns", default="", help="comma-separated keys, in order (default: the first row's keys)")
    parser.add_argument("--digits", type=int, default=4, help="significant digits of numbers (default 4)")
    parser.add_argument("--command", default="", help="the command that produced the JSON, for the header line")
    args = parser.parse_args(argv)

    text = sys.stdin.read() if args.json_file == "-" else open(args.json_file, encoding="utf-8").read()
    # A bench may print progress lines before its JSON: the JSON is the last non-empty line.
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        sys.exit(f"figure_table: {args.json_file}: expected the JSON output of a bench, got an empty file")
    try:
        data = json.loads(lines[-1])
    except json.JSONDecodeError as e:
        sys.exit(f"figure_table: {args.json_file}: expected JSON on the last line, got: {e}")
    rows = data
    for key in filter(None, args.rows.split(".")):
        if not isinstance(rows, dict) or key not in rows:
            sys.exit(f"figure_table: expected a key '{key}' in the JSON (--rows {args.rows}), got {sorted(rows) if isinstance(rows, dict) else type(rows).__name__}")
        rows = rows[key]
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        sys.exit("figure_table: expected a non-empty list of JSON objects as rows (use --rows to point at it)")
    columns = [c for c in args.columns.split(",") if c] or list(rows[0])
    for c in columns:
        if c not in rows[0]:
            sys.exit(f"figure_table: expected a column '{c}', the rows have {', '.join(rows[0])}")

    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"
    source = f", `{args.command}`" if args.command else ""
    print(f"Measured {date} on {cpu_model()} ({os.cpu_count()} logical processors, load average {load}){source}.")
    print()
    print("| " + " | ".join(columns) + " |")
    print("| " + " | ".join("---" for _ in columns) + " |")
    for r in rows:
        print("| " + " | ".join(cell(r.get(c), args.digits) for c in columns) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
