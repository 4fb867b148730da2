"""Run every benchmark and print one table: ``python -m tests.bench``.

``--quick`` runs fewer and smaller rounds (a smoke test of the harness, not
numbers to quote); ``--json FILE`` also writes the raw results.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from typing import Any

import attrs

from tests.bench import coldstart, overhead, peer, polling
from tests.bench.fakes import ROOT, running
from tests.bench.protocols import PROTOCOLS

POLL_DELAY = 1.0
#: How far away the "distant provider" overhead row puts the fake, in seconds.
DISTANT = 0.05
#: When, after all numbers are bought, each code arrives (uniform, seconds).
SPREAD = (1.0, 5.0)


@attrs.frozen
class Plan:
    cycles: int
    crowd: tuple[int, int]
    live: tuple[int, ...]
    coldstart_runs: int


FULL = Plan(cycles=300, crowd=(500, 1000), live=(1, 10, 100), coldstart_runs=15)
QUICK = Plan(cycles=20, crowd=(50, 100), live=(1, 10), coldstart_runs=3)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                line.split(":", 1)[1].strip()
                for line in info
                if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            kib = int(
                next(line for line in info if line.startswith("MemTotal")).split()[1]
            )
        memory = f", {kib / 1024**2:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores"
        f"{memory}; Python {platform.python_version()}, httpx {version('httpx')}, "
        f"pyonlinesim {version('pyonlinesim')}; load average {load} at start; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def crowd(protocol: str, count: int) -> dict[str, Any]:
    """One crowd run, in a process of its own so that its memory is its own."""
    args = [sys.executable, "-m", "tests.bench.crowd", protocol, str(count)]
    args += ["--code-delay", "3", "--poll-delay", "2"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"crowd {protocol} {count} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def measure(plan: Plan) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine()}

    results["overhead"] = {
        name: attrs.asdict(await overhead.measure(spec, cycles=plan.cycles))
        for name, spec in PROTOCOLS.items()
    }
    distant = await overhead.measure(
        PROTOCOLS["custom"], cycles=plan.cycles // 5, reply_delay=DISTANT
    )
    results["overhead_distant"] = attrs.asdict(distant)
    with running("onlinesim", no_code=True) as target:
        results["peer_calls"] = await peer.per_call(target, cycles=plan.cycles)

    small, large = plan.crowd
    results["crowd"] = {
        protocol: {str(n): crowd(protocol, n) for n in (small, large)}
        for protocol in ("custom", "onlinesim", "peer")
    }

    waiting = []
    for live in plan.live:
        for mode in polling.MODES:
            found = await polling.measure(
                mode, live, poll_delay=POLL_DELAY, spread=SPREAD, seed=live
            )
            waiting.append(found)
    results["waiting"] = [
        {
            "mode": w.mode,
            "live": w.live,
            "requests_per_code": w.requests_per_code,
            "latency_p50": w.latency(0.5),
            "latency_max": w.latency(1.0),
            "waited_max": max(w.waited, default=None),
        }
        for w in waiting
    ]

    results["coldstart"] = coldstart.measure(runs=plan.coldstart_runs)
    return results


def table(results: dict[str, Any], plan: Plan) -> str:
    rows: list[tuple[str, str, str, str, str]] = []

    def row(what: str, ours: str, others: str, target: str, met: bool | None) -> None:
        verdict = "-" if met is None else ("met" if met else "NOT met")
        rows.append((what, ours, others, target, verdict))

    for name, o in results["overhead"].items():
        ours, raw = sum(o["smsplug"].values()), sum(o["raw"].values())
        ratio = ours / raw
        detail = " / ".join(f"{o['smsplug'][op] * 1e3:.2f}" for op in overhead.OPS)
        raw_detail = " / ".join(f"{o['raw'][op] * 1e3:.2f}" for op in overhead.OPS)
        row(
            f"1. per call, {name}: buy / status / cancel (ms)",
            f"{detail} = {ratio:.2f}x",
            f"httpx {raw_detail}",
            "<= 1.10x",
            ratio <= 1.10,
        )
    d = results["overhead_distant"]
    ratio = sum(d["smsplug"].values()) / sum(d["raw"].values())
    row(
        f"1. per call, custom, fake {DISTANT * 1e3:.0f} ms away (ms)",
        " / ".join(f"{d['smsplug'][op] * 1e3:.1f}" for op in overhead.OPS)
        + f" = {ratio:.3f}x",
        "httpx " + " / ".join(f"{d['raw'][op] * 1e3:.1f}" for op in overhead.OPS),
        "<= 1.10x",
        ratio <= 1.10,
    )
    p = results["peer_calls"]
    o = results["overhead"]["onlinesim"]
    ours = o["smsplug"]["poll"]
    row(
        "1. per call, status check, onlinesim (ms)",
        f"{ours * 1e3:.2f} ({ours / o['raw']['poll']:.2f}x)",
        f"httpx {o['raw']['poll'] * 1e3:.2f}; pyonlinesim {p['poll'] * 1e3:.2f} "
        f"({p['poll'] / o['raw']['poll']:.2f}x)",
        "-",
        None,
    )

    small, large = (str(n) for n in plan.crowd)
    for protocol in ("custom", "onlinesim"):
        c = results["crowd"][protocol]
        big, half = c[large], c[small]
        slope = _per_number(half, big)
        label = {"custom": "smsplug-v1, per number", "onlinesim": "OnlineSim, batched"}
        peer_big = results["crowd"]["peer"][large]
        peer_slope = _per_number(results["crowd"]["peer"][small], peer_big)
        row(
            f"2. {large} live numbers, {label[protocol]}: wall time",
            f"{big['wall']:.1f} s ({big['requests']} requests)",
            f"pyonlinesim {peer_big['wall']:.1f} s ({peer_big['requests']} requests)",
            "-",
            None,
        )
        row(
            "2.   event-loop lag p99 (max)",
            f"{big['lag_p99'] * 1e3:.0f} ms ({big['lag_max'] * 1e3:.0f} ms)",
            f"pyonlinesim {peer_big['lag_p99'] * 1e3:.0f} ms "
            f"({peer_big['lag_max'] * 1e3:.0f} ms)",
            "< 50 ms",
            big["lag_p99"] < 0.050,
        )
        row(
            f"2.   peak memory per live number ({small}->{large}; peak/{large})",
            f"{slope / 1024:.1f} KB; {big['bytes_per_number'] / 1024:.1f} KB",
            f"pyonlinesim {peer_slope / 1024:.1f} KB; "
            f"{peer_big['bytes_per_number'] / 1024:.1f} KB",
            "<= 5 KB",
            slope <= 5 * 1024,
        )

    by = {(w["mode"], w["live"]): w for w in results["waiting"]}
    for live in plan.live:
        batched, single = by[("batched", live)], by[("per-number", live)]
        fewer = single["requests_per_code"] / max(batched["requests_per_code"], 1e-9)
        row(
            f"3. status requests per code, {live} live",
            f"batched {batched['requests_per_code']:.2f}",
            f"per number {single['requests_per_code']:.2f}; pyonlinesim "
            f"{by[('peer', live)]['requests_per_code']:.2f} ({fewer:.0f}x fewer)",
            ">= 10x fewer at 100" if live == 100 else "-",
            fewer >= 10 if live == 100 else None,
        )
    for live in plan.live[1:]:
        for mode in ("batched", "per-number"):
            w = by[(mode, live)]
            row(
                f"4. code latency, {live} live, {mode}: p50 / max",
                f"{w['latency_p50']:.2f} / {w['latency_max']:.2f} s; "
                f"waiting {w['waited_max']:.2f} s + one round trip",
                f"pyonlinesim {by[('peer', live)]['latency_p50']:.2f} / "
                f"{by[('peer', live)]['latency_max']:.2f} s",
                f"wait <= poll delay {POLL_DELAY:g} s",
                w["waited_max"] <= POLL_DELAY,
            )

    cold = results["coldstart"]
    base = cold["python -c pass"]
    limit = 2 * base + 0.100
    for name in ("smsplug --help", "smsplug providers"):
        row(
            f"5. cold start, {name}",
            f"{cold[name] * 1e3:.0f} ms",
            f"python -c pass {base * 1e3:.0f} ms",
            f"<= 2x + 100 ms = {limit * 1e3:.0f} ms",
            cold[name] <= limit,
        )

    header = ("measurement", "smsplug", "compared with", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    lines = [
        "| "
        + " | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
        + " |"
        for r in [header, tuple("-" * w for w in widths), *rows]
    ]
    return f"Machine: {results['machine']}\n\n" + "\n".join(lines)


def _per_number(small: dict[str, Any], large: dict[str, Any]) -> float:
    """Memory per extra live number, between two crowd sizes."""
    extra = large["count"] - small["count"]
    grown = large["bytes_per_number"] * large["count"] - (
        small["bytes_per_number"] * small["count"]
    )
    return max(0.0, grown / extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", help="also write the raw results here")
    options = parser.parse_args()
    plan = QUICK if options.quick else FULL

    results = asyncio.run(measure(plan))
    if options.json:
        with open(options.json, "w") as out:
            json.dump(results, out, indent=2)
    print(table(results, plan))


if __name__ == "__main__":
    main()
