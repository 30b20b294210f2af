"""Benchmark collab.proposals.similarity on synthetic Indonesian proposals.

Usage: .venv/bin/python bench/similarity_bench.py [--n 10000] [--queries 200] [--seed 7]

Proposals are generated deterministically by recombining the sentences and
vocabulary of tests/data/similar_proposals.json with random areas of Kota
Mojokerto, word drop-outs and words borrowed from other proposals. Reports the
index build time, query latency percentiles and peak RSS, then a Markdown row.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from collab.proposals import similarity  # noqa: E402
from collab.proposals.similarity import SimilarityIndex  # noqa: E402

DATA = ROOT / "tests" / "data" / "similar_proposals.json"
KELURAHAN = [
    "Kranggan",
    "Meri",
    "Gunung Gedangan",
    "Jagalan",
    "Kauman",
    "Miji",
    "Prajurit Kulon",
    "Surodinawan",
    "Blooto",
    "Mentikan",
    "Pulorejo",
    "Magersari",
    "Gedongan",
    "Balongsari",
    "Wates",
    "Kedundung",
    "Sentanan",
    "Purwotengah",
]
OPENERS = [
    "Kami mengusulkan",
    "Mohon dukungan untuk",
    "Warga sepakat mengajukan",
    "Usulan hasil rapat warga:",
    "Sudah lama dibutuhkan",
    "Menindaklanjuti musyawarah RW,",
]


def load_proposals() -> list[dict[str, str]]:
    pairs = json.loads(DATA.read_text(encoding="utf-8"))
    return [pair[side] for pair in pairs for side in ("a", "b")]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


class Generator:
    def __init__(self, proposals: list[dict[str, str]], seed: int) -> None:
        self.rng = random.Random(seed)
        self.proposals = proposals
        self.sentences = [s for p in proposals for f in ("problem", "solution") for s in sentences(p[f])]
        self.vocabulary = sorted(
            {w for p in proposals for w in re.findall(r"[A-Za-z]{4,}", " ".join(p.values()))}
        )

    def _mutate(self, text: str, drop: float = 0.15, borrow: float = 0.1) -> str:
        words = []
        for word in text.split():
            roll = self.rng.random()
            if roll < drop:
                continue
            words.append(self.rng.choice(self.vocabulary) if roll < drop + borrow else word)
        return " ".join(words)

    def proposal(self) -> tuple[str, str]:
        rng = self.rng
        base = rng.choice(self.proposals)
        area = f"{rng.choice(KELURAHAN)} RW {rng.randint(1, 12):02d}"
        title = f"{self._mutate(base['title'], drop=0.1)} di {area}"
        parts = [rng.choice(OPENERS)]
        parts += [self._mutate(s) for s in sentences(base["problem"]) + sentences(base["solution"])]
        parts += [self._mutate(rng.choice(self.sentences)) for _ in range(rng.randint(1, 3))]
        parts.append(f"Lokasi di {area}, melibatkan {rng.randint(20, 300)} kepala keluarga.")
        return title, " ".join(parts)


def percentile(sorted_values: list[float], pct: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of indexed proposals")
    parser.add_argument("--queries", type=int, default=200, help="number of timed queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--check",
        type=int,
        default=20,
        help="queries also run exhaustively to measure agreement (slow, ~1 s each at 10k)",
    )
    args = parser.parse_args()

    generator = Generator(load_proposals(), args.seed)
    docs = [generator.proposal() for _ in range(args.n)]
    queries = [generator.proposal() for _ in range(args.queries)]

    index = SimilarityIndex()
    index.query("pemanasan stemmer", "sampah banjir lampu")
    start = time.perf_counter()
    for key, (title, body) in enumerate(docs):
        index.add(key, title, body)
    build_s = time.perf_counter() - start

    latencies = []
    hits = 0
    for title, body in queries:
        start = time.perf_counter()
        results = index.query(title, body, limit=5)
        latencies.append((time.perf_counter() - start) * 1000)
        hits += bool(results)
    latencies.sort()
    p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
    agree_top1 = agree_top5 = 0
    checked = queries[: args.check]
    if checked:
        approx = [index.query(title, body, limit=5) for title, body in checked]
        saved = similarity.POSTINGS_BUDGET, similarity.RESCORE_POOL
        similarity.POSTINGS_BUDGET = similarity.RESCORE_POOL = 10**12
        try:
            exact = [index.query(title, body, limit=5) for title, body in checked]
        finally:
            similarity.POSTINGS_BUDGET, similarity.RESCORE_POOL = saved
        for got, want in zip(approx, exact, strict=True):
            agree_top1 += got[:1] == want[:1]
            agree_top5 += [k for k, _ in got] == [k for k, _ in want]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"python {platform.python_version()} on {platform.machine()}, seed {args.seed}")
    print(f"indexed {len(index)} proposals in {build_s:.2f} s ({build_s / args.n * 1000:.3f} ms each)")
    print(
        f"{len(queries)} queries, {hits} with results: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms, mean {statistics.fmean(latencies):.2f} ms"
    )
    if checked:
        print(
            f"agreement with exhaustive scoring on {len(checked)} queries: "
            f"top-1 {agree_top1}/{len(checked)}, identical top-5 {agree_top5}/{len(checked)}"
        )
    print(f"peak RSS {rss_mb:.0f} MB")
    print()
    print("| proposals | build (s) | p50 (ms) | p95 (ms) | p99 (ms) | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.n} | {build_s:.2f} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {rss_mb:.0f} |")


if __name__ == "__main__":
    main()
