"""Generate the synthetic organisation, run both benchmarks on SQLite and PostgreSQL, print a summary.

    .venv/bin/python -m benchmarks.run [--sqlite-only] [--people 10000] [--skip-generate] [--profile]

PostgreSQL: FEEDBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test), schema `bench`
(dropped and recreated). SQLite: FEEDBOT_BENCH_SQLITE (default $TMPDIR/feedbot-bench.db). Each benchmark runs
in its own process, so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULT, table, targets

ROOT = Path(__file__).resolve().parent.parent


def step(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m module args`, echoing its output; returns what it printed on its RESULT line."""
    command = [sys.executable, "-m", module, *args]
    print(f"\n$ {' '.join(['python', '-m', module, *args])}", flush=True)
    result: dict[str, Any] = {}
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(RESULT):
                result.update(json.loads(line[len(RESULT):]))
            else:
                print(line, end="", flush=True)
    if process.returncode:
        raise SystemExit(f"{module} failed with exit code {process.returncode}")
    return result


def revision() -> str:
    """Which code was measured: the commit, and whether the working tree had changes."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def yes(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "NO"


def summary(people: int, generated: dict[str, Any] | None, digests: dict[str, Any], ticks: dict[str, Any]) -> str:
    lines = [f"\n== summary: {people:,} people =="]
    if generated:
        loads = ", ".join(f"{load['target']} {load['load_seconds']:.0f} s" for load in generated["loads"])
        lines.append(f"generated {sum(generated['rows'].values()):,} rows: built in "
                     f"{generated['build_seconds']:.0f} s, loaded: {loads}")
    rows = []
    managers = next(iter(digests.values()))["managers"]
    for name in digests:
        d, t = digests[name], ticks[name]
        batch = f"{d['digest_s']:.2f}" + (" (extrapolated)" if d["extrapolated_from"] else "")
        rows.append([name, f"{d['floor_s']:.2f}", batch, f"{d['per_digest_ms']:.2f}", f"{d['ratio']:.1f}×",
                     f"{d['one_by_one_total_s']:.1f}", yes(d["within_ratio"]), yes(d["within_30s"]),
                     f"{t['run_due_cpu_ms_each']:.3f} + {t['deliver_cpu_ms_each']:.3f} = {t['tick_cpu_ms_each']:.3f}",
                     yes(t["within_limit"]), f"{t['tracemalloc_peak_mb']:.0f} / {t['maxrss_mb']:.0f}",
                     f"{t['second_tick_recorded']}/{t['second_tick_sent']}"])
    lines.append(table(["db", "floor s", f"{managers:,} digests s", "ms/digest", "vs floor", "1-by-1 s",
                        "≤3× floor", "<30 s", "tick ms CPU/due (run_due + deliver)", "<1 ms",
                        "peak MiB (traced/rss)", "2nd tick new/sent"], rows))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="organisation size (default 10000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--skip-generate", action="store_true", help="reuse the databases of the last run")
    parser.add_argument("--profile", action="store_true", help="print cProfile output of a digest batch and a tick")
    parser.add_argument("--budget", default="300", help="seconds a digest batch may take before it is extrapolated")
    args = parser.parse_args()
    started = time.perf_counter()
    generated = None
    if not args.skip_generate:
        generated = step("benchmarks.generate", "--people", str(args.people), "--seed", str(args.seed),
                         *(["--sqlite-only"] if args.sqlite_only else []))["generate"]
    extra = ["--profile"] if args.profile else []
    digests, ticks = {}, {}
    for target in targets(args.sqlite_only):
        digests[target.name] = step("benchmarks.bench_digest", "--target", target.name, "--budget", args.budget,
                                    *extra)["digest"]
        ticks[target.name] = step("benchmarks.bench_tick", "--target", target.name, *extra)["tick"]
    print(summary(args.people, generated, digests, ticks))
    print(f"code: {revision()}")
    print(f"(all of it took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
