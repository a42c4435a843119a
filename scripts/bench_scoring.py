"""Per-PCR cost of the sufficiency score (features + compiled scorer + reasons) next to the NLP and rules.

Usage: python scripts/bench_scoring.py [--n 500] [--seed 8] [--model models/default]
The stages run once per PCR untimed (warm-up), then each part is timed over all PCRs (the score: best of
--repeat runs).
"""
from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from emscoder.coder import decide
from emscoder.model import PCR
from emscoder.scoring.features import extract
from emscoder.scoring.persist import load_model

REPO = Path(__file__).resolve().parent.parent


def corpus(n: int, seed: int) -> list[PCR]:
    spec = importlib.util.spec_from_file_location("generate_corpus", REPO / "scripts" / "generate_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return [PCR.model_validate({k: v for k, v in rec.items() if k not in ("label", "reason")})
            for rec, _ in gen.generate(n, seed)]


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "default")
    args = parser.parse_args()
    scorer = load_model(args.model).scorer()
    pcrs = corpus(args.n, args.seed)
    decided = [decide(p) for p in pcrs]  # untimed: builds the pipeline, loads the ICD-10-CM code set
    stages = best_of(1, lambda: [decide(p) for p in pcrs])
    features = best_of(args.repeat, lambda: [extract(p, f, o) for p, (f, o) in zip(pcrs, decided)])
    score = best_of(args.repeat, lambda: [scorer.score(p, f, o) for p, (f, o) in zip(pcrs, decided)])
    per = 1e6 / len(pcrs)
    print(f"{len(pcrs)} generated PCRs (seed {args.seed}), model {scorer.name}")
    print(f"  NLP + rules        {stages * per:8.0f} µs/PCR")
    print(f"  features           {features * per:8.0f} µs/PCR")
    print(f"  score (all of it)  {score * per:8.0f} µs/PCR  (features + linear score + top reasons + records)")


if __name__ == "__main__":
    main()
