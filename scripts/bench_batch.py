"""Benchmark `emscoder code` end to end (read -> NLP -> rules -> score -> write) on generated PCRs.

Usage: python scripts/bench_batch.py [--sizes 10000,100000] [--workers 1,2] [--quick] [--stages 500]

Generates seeded PCRs with scripts/generate_corpus.py (label/reason removed; cached in --cache), then
for each size and number of workers runs `python -m emscoder code FILE -o OUT -j W -q` in a fresh
process and reports: wall time, records/s (whole run, start-up included), the steady rate after the
first results appear, and peak memory of the whole process tree (parent, forkserver, workers), sampled
from /proc every 0.5 s as the sum of RSS and of PSS (PSS splits shared pages between processes, so
it is the honest total), and the CPU seconds of the whole tree, sampled the same way (records per
CPU second is the per-core rate, and it holds when other processes share the machine; wall-clock
rates do not).
`--stages N` also times each stage in this process on N records.
Timings are noisy when other processes share the machine, so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import generate_corpus  # sibling script: a script's own folder is first on sys.path

REPO = Path(__file__).resolve().parent.parent


def corpus(cache: Path, n: int, seed: int) -> Path:
    """`n` generated input records as JSONL (cached); smaller sizes are prefixes of larger ones."""
    path = cache / f"pcrs-{seed}-{n}.jsonl"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    phrases = generate_corpus.load_phrases()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for index in range(1, n + 1):
            record, _ = generate_corpus.make_record(seed, index, phrases)
            record.pop("label", None)
            record.pop("reason", None)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def _children(pid: int) -> list[int]:
    pids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            pids += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return pids


def _kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_usage(root: int, cpu: dict[int, float]) -> tuple[int, int, int]:
    """(sum of RSS kB, sum of PSS kB, processes) over `root` and all its descendants, now; updates
    `cpu` (CPU seconds per pid so far)."""
    stack, pids = [root], []
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(_children(pid))
    for pid in pids:
        cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
    rss = sum(_kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids)
    pss = sum(_kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids)
    return rss, pss, len(pids)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_once(src: Path, out: Path, workers: int, chunk: int) -> dict:
    """One `emscoder code` run in a fresh process; wall time, first-output time and peak memory."""
    for stale in out.parent.glob(out.stem + "*"):
        stale.unlink()
    load = os.getloadavg()[0]
    cpu: dict[int, float] = {}
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "emscoder", "code", str(src), "-o", str(out), "-j", str(workers),
                             "--chunk-size", str(chunk), "-q"], stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = procs = 0
    first = None
    while proc.poll() is None:
        rss, pss, count = tree_usage(proc.pid, cpu)
        peak_rss, peak_pss, procs = max(peak_rss, rss), max(peak_pss, pss), max(procs, count)
        if first is None and out.exists() and out.stat().st_size:
            first = time.perf_counter() - began
        time.sleep(0.5)
    wall = time.perf_counter() - began
    cpu_total = sum(cpu.values())  # sampled: misses each process's last half second at most
    stderr = proc.stderr.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"emscoder failed ({proc.returncode}): {stderr[-2000:]}")
    records = out.read_bytes().count(b"\n")
    return {"records": records, "workers": workers, "wall": wall, "rate": records / wall,
            "steady": records / (wall - first) if first and wall > first else None, "startup": first,
            "cpu": cpu_total, "per_cpu_s": records / cpu_total if cpu_total else 0, "rss_mb": peak_rss / 1024, "pss_mb": peak_pss / 1024, "procs": procs,
            "load": (load + os.getloadavg()[0]) / 2}


def stage_times(src: Path, n: int) -> list[tuple[str, float]]:
    """Milliseconds per record of each stage, in this process, over the first `n` records."""
    from emscoder.coder import code
    from emscoder.model import PCR
    from emscoder.nlp.findings import extract_findings
    from emscoder.readers import read_inputs
    from emscoder.rules import apply_rules

    t0 = time.perf_counter()
    pcrs = [p for _, p in zip(range(n), read_inputs([src])) if isinstance(p, PCR)]
    t_read = time.perf_counter() - t0
    code(pcrs[0])  # warm up
    timings = {"read + validate (JSONL -> PCR)": t_read, "NLP (extract_findings)": 0.0, "rules (apply_rules)": 0.0,
               "whole coder.code (NLP + rules + score + result)": 0.0, "result -> JSON line": 0.0}
    for pcr in pcrs:
        a = time.perf_counter()
        findings = extract_findings(pcr.narrative)
        b = time.perf_counter()
        apply_rules(pcr, findings)
        c = time.perf_counter()
        result = code(pcr)
        d = time.perf_counter()
        result.model_dump_json()
        e = time.perf_counter()
        for key, value in zip(list(timings)[1:], (b - a, c - b, d - c, e - d)):
            timings[key] += value
    return [(name, 1000 * seconds / len(pcrs)) for name, seconds in timings.items()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="End-to-end batch benchmark of `emscoder code`.")
    ap.add_argument("--sizes", default="10000,100000", help="record counts, comma-separated (default %(default)s)")
    ap.add_argument("--workers", default="1,2", help="worker counts, comma-separated (default %(default)s)")
    ap.add_argument("--chunk-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/emscoder-bench"), help="generated inputs and outputs")
    ap.add_argument("--quick", action="store_true", help="small run: sizes 500,2000")
    ap.add_argument("--stages", type=int, default=0, metavar="N", help="also time each stage on N records")
    args = ap.parse_args(argv)
    sizes = [500, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    full = corpus(args.cache, max(sizes), args.seed)
    print(f"# emscoder batch benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})\n")
    print("| records | workers | wall s | records/s | steady records/s | start-up s | CPU s | records per CPU s | "
          "peak RSS sum MB | peak PSS sum MB | processes | load avg |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        src = full if size == max(sizes) else _prefix(full, size)
        for count in workers:
            r = run_once(src, args.cache / "out" / f"out-{size}-{count}.jsonl", count, args.chunk_size)
            steady = f"{r['steady']:.0f}" if r["steady"] else "-"
            print(f"| {r['records']:,} | {count} | {r['wall']:.1f} | {r['rate']:.0f} | {steady} | "
                  f"{r['startup'] or 0:.1f} | {r['cpu']:.0f} | {r['per_cpu_s']:.0f} | {r['rss_mb']:.0f} | "
                  f"{r['pss_mb']:.0f} | {r['procs']} | {r['load']:.2f} |", flush=True)
    if args.stages:
        print(f"\n| stage (one process, {args.stages} records) | ms per record |\n|---|---:|")
        for name, ms in stage_times(full, args.stages):
            print(f"| {name} | {ms:.2f} |")
    return 0


def _prefix(full: Path, size: int) -> Path:
    path = full.with_name(f"{full.stem}-first-{size}.jsonl")
    if not path.exists():
        with full.open("rb") as src, path.open("wb") as dst:
            for _, line in zip(range(size), src):
                dst.write(line)
    return path


if __name__ == "__main__":
    sys.exit(main())
