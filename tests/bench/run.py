"""`make bench`: what a user sees of opsdeck on the large embedded estate.

1. The large estate starts in its own process (console.demo, simulator off), once.
2. The estate is counted with boto3, and each AWS operation's minimum calls for one
   complete read follow from its documented page or batch size (tests/bench/estate.py).
3. API calls per full refresh of every source the service registry declares, in this
   process on opsdeck's engine, counted by the server (tests/bench/refresh.py).
4. The realistic mode is switched on (the demo's realism: metric delay, update delays,
   throttling at AWS's documented per-account rates, where this server enforces them).
5. The real `opsdeck --endpoint-url …` process, started --runs times (3) in a 160x50
   pseudo-terminal read through pyte (tests/bench/console_run.py): seconds from starting
   the process to every panel showing a row and to no placeholder left on screen, its CPU
   and peak RSS then; its CPU over a steady minute after the screen is complete, and the
   requests it made meanwhile, per quota (tests/bench/rates.py). The last run stays open
   for the soak (--soak-minutes, 10; 0 skips it): RSS and CPU every minute.
6. Screen figures (tests/bench/screen_figures.py): `opsdeck` started again --runs times,
   each timed to one box's rows complete (every ECS service with its deployments and
   health), beside the floor AWS's documented request rates put under it.
7. A table of each figure beside its target, and bench-results/bench.json.

Benchmarks are not tests: nothing here asserts a time. The parts that read the screen
are tested in tests/bench/test_screen.py.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from console.demo import control
from console.demo.realism import DEMO
from console.demo.process import EmbeddedAws
from tests.bench.console_run import run_console, run_screen_figure
from tests.bench.estate import MINIMUMS, count_estate
from tests.bench.rates import NONE, assumption, by_quota, quota_table
from tests.bench.refresh import full_refresh, throttled_counts
from tests.bench.screen import panel_titles
from tests.bench.screen_figures import SCREEN_FIGURES, floors, refill_seconds

REGION = "us-east-1"
# Figures a service measures on a server of its own: modules with measure(say) -> dict and
# report_line(figure) -> str, named here as data so the bench imports no service package.
FIGURES = {"sfn_history": "tests.sfn_history.bench_history", "logs": "tests.logs.bench_logs"}
TARGETS = {
    "panels_s": 1.5,  # every panel shows a row
    "complete_s": 3.0,  # no placeholder left on screen
    "steady_cpu_pct": 5.0,  # % of one core over a minute after the screen is complete
    "peak_rss_mb": 200.0,
    "soak_growth_2_to_7_mb": 1.5,
    "soak_growth_after_7_mb": 0.0,
    "quota_share": 0.1,  # of each quota's documented rate, at steady state
}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=_env_int("BENCH_RUNS", 3),
                        help="console launches; the figures are their median (env BENCH_RUNS; default 3)")
    parser.add_argument("--soak-minutes", type=int, default=_env_int("BENCH_SOAK_MINUTES", 10),
                        help="keep the last run open this long, from its start (env BENCH_SOAK_MINUTES; "
                             "default 10; 0: no soak)")
    parser.add_argument("--steady-seconds", type=float, default=60.0,
                        help="the steady window after the screen is complete (default 60)")
    parser.add_argument("--size", choices=["small", "large"], default=os.environ.get("BENCH_SIZE", "large"),
                        help="the embedded estate (default large; env BENCH_SIZE)")
    parser.add_argument("--realism", choices=["demo", "off"], default=os.environ.get("BENCH_REALISM", "demo"),
                        help="the embedded AWS's realism for the console runs (default demo: throttling at "
                             "AWS's documented rates; env BENCH_REALISM)")
    parser.add_argument("--screen-figures", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the screen figures (tests/bench/screen_figures.py: the largest ECS "
                             "cluster's services complete), --runs launches each (default on)")
    parser.add_argument("--screen-figures-only", action="store_true",
                        help="time only the screen figures (no refresh count, console runs, soak or service "
                             "figures); their table, and OUT/screen-figures.json")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--report", type=Path, metavar="BENCH_JSON",
                        help="measure nothing: print the table of an earlier run's bench.json")
    return parser.parse_args(argv)


def median(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


# the sections ---------------------------------------------------------------------------
def refresh_section(estate, refresh: dict[str, dict]) -> dict:
    """Per source and operation: calls in one full refresh beside the minimum."""
    rows = []
    called: set[str] = set()
    for source, figures in refresh.items():
        for operation, calls in figures["calls"].items():
            called.add(operation)
            minimum = estate.minimum(operation, figures["asked"].get(operation))
            rows.append({"source": source, "operation": operation, "calls": calls, "minimum": minimum,
                         "over_minimum": None if not minimum else round(calls / minimum - 1, 4),
                         "asked": figures["asked"].get(operation)})
    calls = sum(r["calls"] for r in rows)
    known = [r for r in rows if r["minimum"] is not None]
    return {
        "sources": {s: {k: v for k, v in f.items() if k not in ("calls", "asked")} for s, f in refresh.items()},
        "operations": rows,
        "calls": calls,
        "minimum": sum(r["minimum"] for r in known),
        "calls_with_a_minimum": sum(r["calls"] for r in known),
        "without_minimum": sorted({r["operation"] for r in rows if r["minimum"] is None}),
        "minimum_but_not_called": sorted(set(MINIMUMS) - called),
    }


def quota_section(runs: list[dict], soak: dict | None) -> list[dict]:
    quotas = quota_table(REGION)
    per_run = [by_quota(r["steady"]["calls"], REGION) for r in runs if r.get("steady")]
    throttled_runs = [by_quota(r["steady"]["throttled"], REGION) for r in runs
                      if r.get("steady") and r["steady"].get("throttled") is not None]
    soak_minutes = [by_quota(m["calls"], REGION) for m in (soak or {}).get("minutes", []) if m["minute"] >= 2]
    names = set().union(*per_run, *soak_minutes) if per_run or soak_minutes else set()
    minutes = [r["steady"]["seconds"] / 60 for r in runs if r.get("steady")]
    rows = []
    for name in sorted(names, key=lambda n: (n == NONE, n)):
        quota = quotas.get(name)
        per_minute = [run.get(name, 0) / m for run, m in zip(per_run, minutes)]
        row = {
            "quota": name,
            "calls_per_minute": median(per_minute),
            "runs": [round(x, 1) for x in per_minute],
            "soak_max_per_minute": max((m.get(name, 0) for m in soak_minutes), default=None),
            "throttled": sum(t.get(name, 0) for t in throttled_runs) if throttled_runs else None,
        }
        if quota is not None:
            row.update({"documented_per_minute": quota.per_minute,
                        "target_per_minute": quota.per_minute * TARGETS["quota_share"],
                        "assumed": assumption(quota), "assumption": quota.assumed, "source": quota.source})
        rows.append(row)
    return rows


def screen_figure_section(figure, estate, endpoint: str, titles: tuple[str, ...], args: argparse.Namespace,
                          out: Path, say) -> dict:
    """--runs launches of `opsdeck` timed to one box's rows complete (tests/bench/screen_figures.py),
    each after the figure's quotas have refilled, beside the floor those quotas impose."""
    rows, figure = figure.rows(estate), figure.resolved(estate)
    runs = []
    for i in range(args.runs):
        time.sleep(refill_seconds(figure, REGION))
        say(f"{figure.name} {i + 1}/{args.runs}: opsdeck in a pseudo-terminal, until {figure.title} shows "
            f"{rows} complete rows")
        runs.append(run_screen_figure(endpoint, titles, figure, rows, region=REGION, save_screens=out,
                                      label=f"{figure.name}{i + 1}", say=say))
    ok = [r for r in runs if "error" not in r]
    return {
        "label": figure.label, "title": figure.title, "keys": list(figure.keys), "from_panel": figure.from_panel,
        "rows": rows,
        "target_s": figure.target_s,
        "complete_s": median([r["s"] for r in ok]),
        "keys_s": median([r["keys_s"] for r in ok]),
        "counted_s": median([r["counted_s"] for r in ok]),
        "dashboard_s": median([r["dashboard_s"] for r in ok]),
        "last_rows_complete": [r.get("last_rows_complete") for r in runs],
        "floors": [vars(f) for f in floors(figure, estate, REGION)],
        "floors_every_group": [vars(f) for f in floors(figure, estate, REGION, every_group=True)]
        if figure.largest_group else [],
        "runs": runs,
    }


def summary(runs: list[dict], soak: dict | None) -> dict:
    ok = [r for r in runs if "error" not in r]
    steady = [r["steady"] for r in ok if r.get("steady")]
    return {
        "panels_s": median([r["panels_s"] for r in ok]),
        "complete_s": median([r["complete_s"] for r in ok]),
        "dashboard_s": median([r["dashboard_s"] for r in ok]),
        "cpu_s_at_panels": median([(r["at_panels"] or {}).get("cpu_s") for r in ok]),
        "cpu_s_at_complete": median([(r["at_complete"] or {}).get("cpu_s") for r in ok]),
        "peak_rss_mb_at_complete": median([(r["at_complete"] or {}).get("peak_rss_mb") for r in ok]),
        "steady_cpu_pct": median([s["cpu_pct"] for s in steady]),
        "peak_rss_mb": median([s["peak_rss_mb"] for s in steady]),
        "soak_growth_2_to_7_mb": (soak or {}).get("rss_growth_2_to_7_mb"),
        "soak_growth_after_7_mb": (soak or {}).get("rss_growth_after_7_mb"),
        "soak_peak_rss_mb": (soak or {}).get("peak_rss_mb"),
        "soak_cpu_pct_range": None if not soak else [soak.get("cpu_pct_min"), soak.get("cpu_pct_max")],
    }


# printing -------------------------------------------------------------------------------
def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _verdict(value: float | None, target: float, limit: float | None = None) -> str:
    if value is None:
        return ""
    if limit is not None and value > limit:
        return "OVER QUOTA"
    return "ok" if value <= target else "over"


def print_report(result: dict) -> None:
    s, runs = result["summary"], result["runs"]
    print()
    print(f"opsdeck bench: {result['estate']['size']} estate, {len(runs)} run(s) of `opsdeck --endpoint-url` "
          f"in a {result['terminal']} pseudo-terminal (pyte), median")
    mode = result["realism"]
    print(f"embedded AWS realism during the runs: {mode['mode']} {mode['knobs']}; quotas enforced by this server: "
          f"{'yes' if mode['throttling_enforced'] else 'no (this server reports no throttled requests: it does not enforce the quotas)'}")
    print("estate (boto3): " + ", ".join(f"{op} {n}" for op, n in result["estate"]["items"].items()))
    print()
    header = f"{'what a user sees (from process start)':44}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs)))
    print(header + f"{'median':>9}{'target':>9}")

    def line(label: str, values: list[Any], med: Any, target: float | None = None, unit: str = "") -> None:
        cells = "".join(f"{_f(v):>9}" for v in values)
        tail = f"{'≤ ' + _f(target, 1) + unit if target is not None else '':>9}  {_verdict(med, target) if target is not None else ''}"
        print(f"{label:44}{cells}{_f(med):>9}{tail}")

    line("every panel shows a row (s)", [r.get("panels_s") for r in runs], s["panels_s"], TARGETS["panels_s"])
    line("no placeholder left on screen (s)", [r.get("complete_s") for r in runs], s["complete_s"],
         TARGETS["complete_s"])
    line("  dashboard drawn, panels loading (s)", [r.get("dashboard_s") for r in runs], s["dashboard_s"])
    line("  CPU used by 'every panel' (s)", [(r.get("at_panels") or {}).get("cpu_s") for r in runs],
         s["cpu_s_at_panels"])
    line("  CPU used by 'no placeholder' (s)", [(r.get("at_complete") or {}).get("cpu_s") for r in runs],
         s["cpu_s_at_complete"])
    line("  peak RSS by 'no placeholder' (MB)", [(r.get("at_complete") or {}).get("peak_rss_mb") for r in runs],
         s["peak_rss_mb_at_complete"])
    line("steady CPU, a minute after (% of a core)", [(r.get("steady") or {}).get("cpu_pct") for r in runs],
         s["steady_cpu_pct"], TARGETS["steady_cpu_pct"])
    line("peak RSS after the steady minute (MB)", [(r.get("steady") or {}).get("peak_rss_mb") for r in runs],
         s["peak_rss_mb"], TARGETS["peak_rss_mb"])
    line("  the bench's own CPU meanwhile (% of a core)", [r.get("bench_cpu_pct") for r in runs],
         median([r.get("bench_cpu_pct") for r in runs]))
    for i, run in enumerate(runs):
        if "error" in run:
            print(f"run {i + 1} FAILED: {run['error']}\n{run.get('screen', '')}")
        elif run.get("placeholders_last_seen"):
            print(f"  run {i + 1}: the last placeholders were in {run['placeholders_last_seen']}")

    soak = result.get("soak")
    if soak:
        print()
        print(f"soak: the last run left open {len(soak['minutes'])} min (RSS: median of each minute's samples)")
        print(f"{'  minute':12}" + "".join(f"{m['minute']:>8}" for m in soak["minutes"]))
        print(f"{'  RSS MB':12}" + "".join(f"{_f(m['rss_mb'], 1):>8}" for m in soak["minutes"]))
        print(f"{'  CPU %':12}" + "".join(f"{_f(m['cpu_pct'], 1):>8}" for m in soak["minutes"]))
        print(f"{'  calls':12}" + "".join(f"{sum(m['calls'].values()):>8}" for m in soak["minutes"]))
        g27, gafter = s["soak_growth_2_to_7_mb"], s["soak_growth_after_7_mb"]
        print(f"  RSS growth from minute 2 to 7: {_f(g27)} MB (target ≤ {TARGETS['soak_growth_2_to_7_mb']}) "
              f"{_verdict(g27, TARGETS['soak_growth_2_to_7_mb'])}")
        print(f"  RSS growth after minute 7:     {_f(gafter)} MB (target none) "
              f"{_verdict(gafter, TARGETS['soak_growth_after_7_mb'])}")
        print(f"  CPU from minute 2: {_f(soak['cpu_pct_min'], 1)}–{_f(soak['cpu_pct_max'], 1)} % of a core "
              f"(target flat, ≤ {TARGETS['steady_cpu_pct']} %);  peak RSS {_f(soak['peak_rss_mb'], 1)} MB "
              f"(target ≤ {TARGETS['peak_rss_mb']:.0f})")

    for name, figure in (result.get("figures") or {}).items():
        print()
        print(importlib.import_module(FIGURES[name]).report_line(figure))

    for figure in (result.get("screen_figures") or {}).values():
        print_screen_figure(figure)

    refresh = result["refresh"]
    print()
    print("API calls per full refresh of every source (opsdeck's engine in this process, `fresh` ticks until a pass "
          "comes round, sweeps included, without the budget's waits; server-side counts; minimum: estate ÷ "
          "documented page/batch size, console.aws.limits)")
    print(f"  {'source':16}{'ticks':>6}{'items':>7}  {'operation':36}{'calls':>7}{'minimum':>9}{'over':>8}")
    for row in refresh["operations"]:
        source = refresh["sources"][row["source"]]
        over = "" if row["over_minimum"] is None else f"{row['over_minimum']:+.1%}"
        minimum = _f(row["minimum"]) if row["minimum"] is not None else "none known"
        asked = f"  ({row['asked']} asked)" if row.get("asked") else ""
        print(f"  {row['source']:16}{source['ticks']:>6}{source['items']:>7}  {row['operation']:36}"
              f"{row['calls']:>7}{minimum:>9}{over:>8}{asked}")
    total_over = refresh["calls_with_a_minimum"] / refresh["minimum"] - 1 if refresh["minimum"] else None
    print(f"  {'all':16}{'':13}  {'':36}{refresh['calls']:>7}{refresh['minimum']:>9}"
          f"{'' if total_over is None else f'{total_over:+.1%}':>8}")
    if refresh["without_minimum"]:
        print(f"  no minimum known (add them to tests/bench/estate.py MINIMUMS): {', '.join(refresh['without_minimum'])}")
    if refresh["minimum_but_not_called"]:
        print(f"  in MINIMUMS but called by no source: {', '.join(refresh['minimum_but_not_called'])}")

    print()
    print("calls per minute at steady state, per quota (server-side, the minute after the screen is complete; "
          "median of the runs; soak: the busiest minute from minute 2)")
    print(f"  {'quota':36}{'calls/min':>10}{'soak max':>10}{'AWS /s':>8}{'AWS /min':>10}{'tenth':>8}  {'':10}"
          f"{'throttled':>10}  assumed")
    for row in result["quotas"]:
        documented = row.get("documented_per_minute")
        target = row.get("target_per_minute")
        worst = max(v for v in (row["calls_per_minute"], row["soak_max_per_minute"]) if v is not None) \
            if row["calls_per_minute"] is not None or row["soak_max_per_minute"] is not None else None
        rate = None if documented is None else documented / 60
        print(f"  {row['quota']:36}{_f(row['calls_per_minute'], 1):>10}{_f(row['soak_max_per_minute']):>10}"
              f"{_f(rate, 0 if rate is None or rate >= 10 else 1):>8}{_f(documented, 0):>10}{_f(target, 0):>8}"
              f"  {_verdict(worst, target, documented) if target else '':10}"
              f"{_f(row['throttled']):>10}  {row.get('assumed', '')}")
    for row in result["quotas"]:
        if row.get("assumed") == "assumed":
            print(f"    {row['quota']}: {row['assumption']}")
    if any(row.get("assumed") == "burst assumed" for row in result["quotas"]):
        print("    burst assumed: AWS documents the rate but no bucket size (console.aws.limits.NO_BURST); "
              "the rate is what is compared here")
    print()
    t = result["timings_s"]
    print(f"bench took {t['total']:.0f} s (estate start {t['estate_start']:.0f} s, counting {t['estate_count']:.0f} s, "
          f"refresh {t['refresh']:.0f} s, console runs {t['console_runs']:.0f} s, "
          f"screen figures {t.get('screen_figures', 0):.0f} s)")


def print_screen_figure(figure: dict) -> None:
    runs = figure["runs"]
    focus = f"focus '{figure['from_panel']}', then " if figure.get("from_panel") else ""
    keys = f", {focus}keys {' '.join(key for key, _ in figure['keys'])} from the dashboard" if figure["keys"] else ""
    print()
    print(f"{figure['label']}: '{figure['title']}' with its {figure['rows']} rows complete{keys} "
          f"(from process start; {len(runs)} run(s), median)")
    header = f"{'':44}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs)))
    print(header + f"{'median':>9}{'target':>9}")
    for label, key, med, target in (
            ("  every row listed and described (s)", "counted_s", figure["counted_s"], None),
            ("  no placeholder left in them (s)", "s", figure["complete_s"], figure["target_s"])):
        cells = "".join(f"{_f(r.get(key)):>9}" for r in runs)
        tail = f"{'≤ ' + _f(target, 1):>9}  {_verdict(med, target)}" if target is not None else ""
        print(f"{label:44}{cells}{_f(med):>9}{tail}")
    checked = figure["last_rows_complete"]
    print(f"  the table's last rows, brought into view after: complete in {sum(1 for c in checked if c)}/{len(checked)} run(s)")
    for label, rows in (("floor", figure["floors"]), ("floor, every group read", figure.get("floors_every_group", []))):
        for row in rows:
            if row["calls"]:
                print(f"  {label}, {row['quota']}: {row['calls']} calls at the least, AWS's bucket {row['burst']:.0f} "
                      f"then {row['rate']:.0f}/s: ≥ {row['seconds']:.2f} s after the first call (opsdeck's own "
                      f"pacing {row['opsdeck_seconds']:.2f} s)")
    at = [r.get("at") or {} for r in runs]
    print(f"  keys pressed at (s): {', '.join(_f(r.get('keys_s')) for r in runs)}; the console's CPU by then "
          f"complete (s): {', '.join(_f(a.get('cpu_s')) for a in at)}")
    for i, run in enumerate(runs):
        if "error" in run:
            print(f"  run {i + 1} FAILED: {run['error']}\n{run.get('screen', '')}")


# main -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        print_report(json.loads(args.report.read_text()))
        return 0
    started = time.monotonic()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    titles = panel_titles()
    timings: dict[str, float] = {}

    def say(text: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {text}", flush=True)

    say(f"starting the {args.size} embedded AWS (its own process, simulator off, realism off while counting)")
    t = time.monotonic()
    # Realism off while the estate is counted and the refresh measured: throttling would
    # make the count slow and add retries to the refresh's calls. On for the console runs.
    with EmbeddedAws.start(size=args.size, simulate=False, timeout=900, realism="off") as server:
        endpoint = server.endpoint
        timings["estate_start"] = time.monotonic() - t
        say(f"serving at {endpoint}; counting the estate with boto3")
        t = time.monotonic()
        estate = count_estate(endpoint, REGION)
        timings["estate_count"] = time.monotonic() - t
        if not args.screen_figures_only:
            say("one full refresh of every source (in process, server-side counts)")
            t = time.monotonic()
            refresh = asyncio.run(full_refresh(endpoint, REGION))
            timings["refresh"] = time.monotonic() - t
        knobs = control.realism(endpoint, **DEMO.as_dict()) if args.realism == "demo" else control.realism(endpoint)
        realism = {"mode": args.realism, "knobs": knobs,
                   "throttling_enforced": bool(knobs.get("throttling")) and throttled_counts(endpoint) is not None}
        if args.screen_figures_only:
            found = {figure.name: screen_figure_section(figure, estate, endpoint, titles, args, out, say)
                     for figure in SCREEN_FIGURES}
            (out / "screen-figures.json").write_text(json.dumps({"realism": realism, "screen_figures": found},
                                                                indent=2, default=str))
            for figure in found.values():
                print_screen_figure(figure)
            return 0
        t = time.monotonic()
        runs = []
        for i in range(args.runs):
            last = i == args.runs - 1
            soak_minutes = args.soak_minutes if last else 0
            say(f"run {i + 1}/{args.runs}: opsdeck in a pseudo-terminal"
                + (f", left open {soak_minutes} min for the soak" if soak_minutes else ""))
            runs.append(run_console(endpoint, titles, steady_s=args.steady_seconds, soak_minutes=soak_minutes,
                                    region=REGION, save_screens=out, label=f"run{i + 1}", say=say))
        timings["console_runs"] = time.monotonic() - t
        t = time.monotonic()
        screen_figures = {figure.name: screen_figure_section(figure, estate, endpoint, titles, args, out, say)
                          for figure in (SCREEN_FIGURES if args.screen_figures else ())}
        timings["screen_figures"] = time.monotonic() - t
    figures = {}
    for name, module in FIGURES.items():
        say(f"figure {name} ({module})")
        figures[name] = importlib.import_module(module).measure(say=say)
    soak = next((r.get("soak") for r in reversed(runs) if r.get("soak")), None)
    timings["total"] = time.monotonic() - started
    result = {
        "estate": {"size": args.size, "items": estate.sizes()},
        "terminal": "160x50",
        "realism": realism,
        "summary": summary(runs, soak),
        "targets": TARGETS,
        "runs": runs,
        "soak": soak,
        "refresh": refresh_section(estate, refresh),
        "quotas": quota_section([r for r in runs if "error" not in r], soak),
        "figures": figures,
        "screen_figures": screen_figures,
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
    }
    (out / "bench.json").write_text(json.dumps(result, indent=2, default=str))
    print_report(result)
    print(f"written to {out / 'bench.json'} (screens at each moment: {out}/run*-*.txt)")
    return 0 if any("error" not in r for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
