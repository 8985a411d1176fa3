"""Throughput of the Python package against the CLI, on an archive of {"id", "text"} lines.

    python python/bench.py ARCHIVE.jsonl --cli target/release/article-analyzer [--rounds N]

(`cargo xtask wheel --bench` builds and installs the wheel, writes the CoNLL-2003 test documents as
such an archive, and runs this.) Prints one row per way of analysing the whole archive into Python
dicts: `analyze_many` on one thread and on every core, the CLI started once per article (what a
Python user without the package does), and the CLI's `--jsonl` started once. Speeds are MB of UTF-8
text per second of wall-clock time, and per second of CPU time (the programs started included), the
best of interleaved rounds (the CLI per article: one round).
"""

import argparse
import json
import os
import resource
import subprocess
import time

import article_analyzer


def timed(run):
    """Runs `run()`: (wall-clock seconds, CPU seconds of this process and of the programs it ran)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    run()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive")
    parser.add_argument("--cli", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with open(args.archive, encoding="utf-8") as file:
        lines = [line for line in file if line.strip()]
    texts = [json.loads(line)["text"] for line in lines]
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    cores = os.cpu_count()

    def per_article():
        for text in texts:
            result = subprocess.run([args.cli, "-"], input=text.encode("utf-8"), capture_output=True, check=True)
            json.loads(result.stdout)

    def jsonl():
        result = subprocess.run([args.cli, "--jsonl"], input="".join(lines).encode("utf-8"), capture_output=True, check=True)
        [json.loads(line) for line in result.stdout.splitlines()]

    article_analyzer.analyze("Warm up: the model loads once per process.")
    ways = [
        ("`analyze_many(texts, threads=1)`", lambda: article_analyzer.analyze_many(texts, threads=1)),
        (f"`analyze_many(texts)` ({cores} threads)", lambda: article_analyzer.analyze_many(texts)),
        ("the CLI's `--jsonl`, started once", jsonl),
    ]
    # Rounds interleave the ways, so that a load from elsewhere weighs on each alike; best of each.
    best = {name: (float("inf"), float("inf")) for name, _ in ways}
    for _ in range(args.rounds):
        for name, run in ways:
            best[name] = min(best[name], timed(run))
    best["the CLI started per article (subprocess)"] = timed(per_article)
    print(f"{len(texts)} articles, {megabytes:.2f} MB, {cores} cores, best of {args.rounds} rounds (the CLI per article: 1)")
    print("| how | MB/s | articles/s | MB per CPU-second |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {megabytes / wall:.2f} | {len(texts) / wall:.0f} | {megabytes / cpu:.2f} |")

if __name__ == "__main__":
    main()
