"""Smoke test of scripts/bench_nlp.py: the generator and the table code on a handful of narratives
(nothing is timed or compared against a speed); and the deferred nltk import that keeps cold start short."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bench_nlp  # noqa: E402

from emscoder.nlp.components import TARGETS_KEY  # noqa: E402


def test_generator_is_seeded_and_keeps_to_the_length_range():
    texts = bench_nlp.corpus(6, seed=5)
    assert texts == bench_nlp.corpus(6, seed=5) and texts != bench_nlp.corpus(6, seed=6)
    low, high = bench_nlp.WORD_RANGE
    assert all(low <= len(t.split()) <= high + 40 for t in texts)  # whole sentences: may run a little over
    assert len(set(texts)) == 6


def test_narratives_carry_the_phrases_the_pipeline_looks_for():
    nlp = bench_nlp.our_pipeline()
    doc = nlp(bench_nlp.corpus(1, seed=2)[0])
    targets = doc.user_data[bench_nlp.TARGETS_KEY]
    assert bench_nlp.TARGETS_KEY == TARGETS_KEY
    labels = {doc.vocab.strings[label] for _, _, label, _ in targets}
    assert {"VITAL", "MEDICATION"} <= labels and len(targets) > 20


def test_tables_and_measurements_run_on_a_few_narratives():
    texts = bench_nlp.corpus(4, seed=1)
    nlp = bench_nlp.our_pipeline()
    rows = bench_nlp.throughput_rows({"medspacy default": 2.0, "ours, nlp.pipe": 0.1}, texts)
    assert rows[1][0] == "ours, nlp.pipe" and rows[1][3] == "20.0x"
    costs = bench_nlp.component_ms(nlp, texts)
    assert list(costs) == ["tokenizer", *nlp.pipe_names, "findings_from_doc"]
    scaling = bench_nlp.scaling_rows(nlp, n_words=300, seed=1, repeat=1)
    assert [row[0] for row in scaling] == list(bench_nlp.SCALING_LENGTHS)
    markdown = bench_nlp.table(["a", "b"], [["x", 1234.5], ["y", 3]])
    assert markdown.splitlines() == ["| a | b |", "|---|---:|", "| x | 1,234 |", "| y | 3 |"]
    wall, rss = bench_nlp.cold_start("pass", runs=1)
    assert wall > 0 and rss > 0


def test_building_the_pipeline_leaves_nltk_and_scipy_unloaded_but_usable():
    code = ("import sys\nfrom emscoder.nlp.pipeline import build_pipeline\nbuild_pipeline()('Pt denies CP.')\n"
            "print(sorted(m for m in ('scipy', 'sklearn') if m in sys.modules), type(sys.modules['nltk']).__name__)\n"
            "from nltk import FreqDist\nprint(FreqDist('aab').most_common(1))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[] _Deferred", "[('a', 2)]"]
