"""Benchmark the NLP stage against the medspaCy default pipeline on synthetic EMS narratives.

Usage: python scripts/bench_nlp.py [--n 2000] [--quick] [--skip-default] [--repeat 3] [--seed 7]

Generates seeded narratives of 150-600 words (their own phrase banks: vitals, drugs with doses and
routes, procedures, negations, history, before-arrival care, bed confinement...), then, in one run
and one process: (a) `medspacy.load()` (PyRuSH, TargetMatcher, ConText default rules) with our
target rules, (b) our pipeline, `nlp.pipe` only (targets as plain tuples, as the project runs it, and
with the span group also written) and with `findings_from_doc`, (c) the tokenizer
alone. Prints markdown tables: throughput and ratio to (a), our per-component cost, words/s at
about 100 / 300 / 1,000 / 3,000 words per narrative, and cold start (fresh process: import + build
+ one narrative; median of 3 after a warm-up). Timings are noisy when other processes share the
machine, so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

WORD_RANGE = (150, 600)
SCALING_LENGTHS = (100, 300, 1000, 3000)
BANKS = {
    "age": "18|24|35|42|51|58|63|67|71|74|78|82|86|89|93",
    "sex": "M|F|male|female|yo M|yo F",
    "place": "residence|home|SNF|nursing home|dialysis center|MVC on I-95|grocery store|park|apartment 3B|"
             "assisted living|urgent care|church|gym|bus stop",
    "complaint": "CP|chest pain|SOB|difficulty breathing|weakness|fall|syncope|AMS|abd pain|N/V|seizure|"
                 "stroke symptoms|hypoglycemia|back pain|hip pain after fall|palpitations|fever|dizziness",
    "symptom": "CP|SOB|N/V|nausea|vomiting|dizziness|HA|headache|LOC|fever|chills|abd pain|diaphoresis|"
               "palpitations|syncope|numbness|weakness|blurred vision|cough|neck pain|back pain",
    "sign": "JVD|edema|pedal edema|tracheal deviation|facial droop|arm drift|slurred speech|obvious deformity|"
            "trauma|bleeding|rash|hives|stridor|wheezing|cyanosis|accessory muscle use",
    "cond": "HTN|HLD|DM|CHF|COPD|CAD|afib|a-fib|CVA|stroke|seizures|asthma|CKD|ESRD on dialysis|dementia|"
            "MI|cancer|hypothyroidism|depression|anxiety|PE|DVT|GERD",
    "family": "mother|father|brother|sister|son|daughter",
    "med": "ASA|aspirin|NTG|nitro|fentanyl|morphine|zofran|ondansetron|narcan|naloxone|epi|epinephrine|"
           "albuterol|duoneb|solu-medrol|benadryl|D50|D10|glucagon|amiodarone|adenosine|cardizem|versed|"
           "midazolam|ketamine|NS|normal saline|LR|toradol|atropine|magnesium",
    "dose": "0.4 mg|324 mg|4 mg|50 mcg|100 mcg|125 mg|2 mg|1 mg|0.5 mg|5 mg|25 mg|12.5 mg|150 mg|6 mg|"
            "250 mL|500 mL|1000 mL|2.5 mg|10 mg|0.3 mg|1 g|15 mg",
    "route": "IV|IVP|IO|IM|IN|SL|PO|neb|via nebulizer|IV push|slow IV|SQ",
    "agent": "FD|Fire|Engine 12|wife|husband|daughter|son|bystanders|PD|first responders|SNF staff|"
             "nursing staff|the sending facility|school nurse|neighbor",
    "home_med": "metoprolol|lisinopril|eliquis|coumadin|metformin|insulin|lasix|atorvastatin|plavix|"
                "synthroid|albuterol inhaler|home O2|oxycodone|gabapentin|xarelto",
    "side": "L|R|left|right|LT|RT",
    "site": "AC|hand|forearm|FA|EJ|wrist|antecubital",
    "gauge": "16|18|20|22",
    "rhythm": "NSR|sinus tach|ST|afib with RVR|SB|sinus brady|SVT|paced rhythm|STEMI|V-fib|asystole|PEA|"
              "1st degree AV block|3rd degree block",
    "hosp": "Mercy General|St. Luke's|County Medical Center|University Hospital|Regional Medical Center|the VA",
    "mobility": "Pt bedbound, unable to ambulate.|Pt unable to sit up without assistance.|Pt bed confined "
                "since stroke.|Pt ambulated to stretcher with assist.|Pt unable to stand or bear weight.|"
                "Moved to stretcher via draw sheet x4 assist.|Pt is non-ambulatory at baseline.|Pt walks "
                "with a walker at baseline.|Pt found sitting in recliner.|Pt requires max assist for "
                "transfers.|Pt could not tolerate sitting in a wheelchair.|Pt found supine on floor.",
    "filler": "Scene safe.|Pt placed in position of comfort.|Belongings secured with pt.|Pt's daughter "
              "accompanied.|Safety straps x3, rails up.|Pt monitored en route.|No changes en route.|"
              "Pt tolerated transport well.|Pt calm and cooperative.|Lights and sirens not used.|"
              "Pt's home is a two story house with 14 steps to the entrance.|Pt was alert and talkative "
              "throughout the trip.|Pt states the pain is similar to prior episodes.|Crew assisted pt onto "
              "the cot using a sheet slide.|All equipment cleaned after call.",
}
TEMPLATES = (
    "Dispatched to {place} for {complaint}.", "Arrived to find {age} {sex} c/o {symptom} x{num} hours.",
    "Pt states {symptom} began {num} days ago.", "Denies {symptom}, {symptom} or {symptom}.",
    "No {sign}, no {sign}.", "Neg for {symptom}.", "Pt without {symptom}.", "Hx {cond}, {cond}, {cond}.",
    "PMH: {cond}, {cond} and {cond}.", "Family hx of {cond} ({family}).", "Home meds include {home_med}, "
    "{home_med} and {home_med}.", "{agent} gave {med} {dose} prior to arrival.", "{agent} administered "
    "{med} PTA.", "Pt took {med} at home before calling 911.",
    "BP {sys}/{dia} HR {hr} RR {rr} SpO2 {spo2}% on RA.",
    "BP {sys}/{dia}, P {hr}, R {rr}, BGL {bgl}, GCS {gcs}.", "Vitals: {sys}/{dia}, {hr}, {rr}, {spo2}% RA, "
    "temp {temp}.", "ETCO2 {etco2}.", "{med} {dose} {route} administered.", "Administered {med} {dose} "
    "{route} x{num}.", "{med} {dose} {route} given for pain with relief.", "{gauge}g IV {side} {site}, NS TKO.",
    "IV attempted x2 unsuccessful, {gauge}g {side} {site} established.", "12 lead: {rhythm}.",
    "Cardiac monitor shows {rhythm}.", "O2 {num} LPM via NC.", "NRB at 15 LPM applied.", "CPAP applied at "
    "{num} cmH2O.", "Pt refused IV.", "Will give {med} if BP drops.", "Pt placed on cardiac monitor.",
    "C-collar applied, pt secured to backboard.", "Spinal motion restriction maintained.", "{mobility}",
    "{mobility}", "{filler}", "{filler}", "{filler}", "Transported emergent to {hosp}.", "{num}{num} loaded "
    "miles.", "Report given to ED RN at {time}.", "Care transferred to {hosp} staff without incident.",
    "Pt signed for transport.", "Reassessment: pt A&Ox4, GCS 15, skin PWD.", "Pt A&Ox{ox}, confused.",
    "Lungs with wheezing bilat, {med} neb given.", "Bilateral breath sounds clear, no distress noted.",
    "FSBG {bgl}, oral glucose given.", "Pt pale, cool and diaphoretic.", "Stroke scale negative, no facial "
    "droop, no arm drift.", "Pt refused {med}.", "{med} not given due to allergy.", "Pt on {home_med} "
    "at home.", "Pt reports hx of {cond} {num} years ago.", "Possible {cond}.", "Rule out {cond}.",
)
SECTION_STYLES = {"CHART": ("C:", "H:", "A:", "R:", "T:"), "SOAP": ("S:", "O:", "A:", "P:"), "paragraph": ()}


def _banks() -> dict[str, list[str]]:
    return {name: text.split("|") for name, text in BANKS.items()}


def _value(name: str, rng: random.Random, banks: dict[str, list[str]]) -> str:
    numbers = {"sys": (70, 210), "dia": (40, 120), "hr": (38, 170), "rr": (8, 36), "spo2": (78, 100),
               "bgl": (35, 450), "gcs": (3, 15), "etco2": (12, 60), "num": (1, 9), "ox": (1, 3)}
    if name in numbers:
        return str(rng.randint(*numbers[name]))
    if name == "temp":
        return f"{rng.uniform(96.0, 104.0):.1f}"
    if name == "time":
        return f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
    return rng.choice(banks[name])


def _sentence(rng: random.Random, banks: dict[str, list[str]]) -> str:
    template = rng.choice(TEMPLATES)
    parts = template.split("{")
    out = [parts[0]]
    for part in parts[1:]:
        name, rest = part.split("}", 1)
        out.append(_value(name, rng, banks) + rest)
    return "".join(out)


def narrative(rng: random.Random, words: int, banks: dict[str, list[str]] | None = None) -> str:
    """One narrative of about `words` words (whole sentences, so it ends at or just past `words`)."""
    banks = banks or _banks()
    style = rng.choice(list(SECTION_STYLES))
    headers = SECTION_STYLES[style]
    sentences, count = [], 0
    while count < words:
        sentence = _sentence(rng, banks)
        sentences.append(sentence)
        count += len(sentence.split())
    if not headers:
        return " ".join(sentences)
    cut = sorted(rng.sample(range(1, len(sentences)), min(len(headers) - 1, len(sentences) - 1)))
    blocks = [sentences[a:b] for a, b in zip([0] + cut, cut + [len(sentences)])]
    return "\n".join(f"{h} {' '.join(block)}" for h, block in zip(headers, blocks))


def corpus(n: int, seed: int = 7, words: tuple[int, int] = WORD_RANGE) -> list[str]:
    """`n` narratives with lengths drawn uniformly from `words`; the same seed gives the same texts."""
    rng, banks = random.Random(seed), _banks()
    return [narrative(rng, rng.randint(*words), banks) for _ in range(n)]


# ---------------------------------------------------------------- pipelines and timing

def default_pipeline():
    """`medspacy.load()` (tokenizer, PyRuSH, TargetMatcher, ConText default rules) with our target rules."""
    from loguru import logger
    logger.remove()  # PyRuSH logs ~150 DEBUG lines per narrative
    import medspacy
    from emscoder.nlp.rules import target_rules
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add(list(target_rules()[1]))
    return nlp


def our_pipeline(span_group: bool = False):
    """The project's pipeline, freshly built (targets as plain tuples, or also as a span group)."""
    from emscoder.nlp.pipeline import build_pipeline
    return build_pipeline(span_group=span_group)


TARGETS_KEY = "emscoder.targets"  # emscoder.nlp.components.TARGETS_KEY (imported late: cold start is measured)


def run_pipe(nlp, texts: list[str], findings: bool = False) -> None:
    """One pass of `nlp.pipe`, touching the results as a real consumer would."""
    from emscoder.nlp.findings import findings_from_doc
    for doc in nlp.pipe(texts, batch_size=50):
        if findings:
            findings_from_doc(doc)
        else:  # the targets: spans (medspaCy, or ours with the group on) or our plain tuples
            len(doc.ents) + sum(len(g) for g in doc.spans.values()) + len(doc.user_data.get(TARGETS_KEY, ()))


def run_tokenizer(nlp, texts: list[str]) -> None:
    for text in texts:
        nlp.make_doc(text)


def timed(fn, texts: list[str], repeat: int) -> float:
    """Median seconds of `repeat` passes of fn(texts), after a 20-narrative warm-up."""
    fn(texts[:20])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def component_ms(nlp, texts: list[str]) -> dict[str, float]:
    """ms per narrative of the tokenizer, each pipe and findings_from_doc, over one pass."""
    from emscoder.nlp.findings import findings_from_doc
    totals: dict[str, float] = {}
    for text in texts:
        start = time.perf_counter()
        doc = nlp.make_doc(text)
        stages = [("tokenizer", start)]
        for name, pipe in nlp.pipeline:
            stages.append((name, time.perf_counter()))
            doc = pipe(doc)
        stages.append(("findings_from_doc", time.perf_counter()))
        findings_from_doc(doc)
        stages.append(("", time.perf_counter()))
        for (name, t0), (_, t1) in zip(stages, stages[1:]):
            totals[name] = totals.get(name, 0.0) + t1 - t0
    return {name: 1000 * total / len(texts) for name, total in totals.items()}


COLD_START = {
    "ours": "from emscoder.nlp.pipeline import build_pipeline\n"
            "from emscoder.nlp.findings import findings_from_doc\n"
            "findings_from_doc(build_pipeline()({text!r}))",
    "medspacy default": "import sys; sys.path.insert(0, {here!r})\nfrom bench_nlp import default_pipeline\n"
                        "default_pipeline()({text!r})",
}


def cold_start(code: str, runs: int = 3) -> tuple[float, float]:
    """(median wall seconds, median peak RSS MB) of a fresh `python -c code`, after one warm-up run."""
    results = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise RuntimeError(f"cold-start process failed ({child.returncode}): {code}")
        if attempt:
            results.append((time.perf_counter() - start, usage.ru_maxrss / 1024))
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def table(headers: list[str], rows: list[list]) -> str:
    """A markdown table; numbers are formatted with thousands separators."""
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
        return f"{value:,}" if isinstance(value, int) else str(value)
    align = "|".join("---" if i == 0 else "---:" for i in range(len(headers)))
    lines = ["| " + " | ".join(headers) + " |", f"|{align}|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_rows(results: dict[str, float], texts: list[str]) -> list[list]:
    """Rows of (configuration, docs/s, words/s, ratio to the medspaCy default) from seconds per pass."""
    n, w = len(texts), words(texts)
    base = results.get("medspacy default")
    return [[name, n / secs, w / secs, f"{base / secs:.1f}x" if base else "-"] for name, secs in results.items()]


def scaling_rows(nlp, n_words: int, seed: int, repeat: int) -> list[list]:
    """Our pipeline at several narrative lengths (about `n_words` words each): docs/s and words/s of
    `nlp.pipe`, and words/s with findings; flat words/s means cost linear in length."""
    rows = []
    for length in SCALING_LENGTHS:
        count = max(3, n_words // length)
        texts = corpus(count, seed + length, (int(length * 0.9), int(length * 1.1)))
        pipe = timed(lambda t: run_pipe(nlp, t), texts, repeat)
        full = timed(lambda t: run_pipe(nlp, t, findings=True), texts, repeat)
        total = words(texts)
        rows.append([length, count, round(total / count), count / pipe, total / pipe, total / full])
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="narratives in the main corpus")
    parser.add_argument("--quick", action="store_true", help="smoke run: n=200, 1 pass, smaller scaling corpus")
    parser.add_argument("--skip-default", action="store_true", help="do not run the medspaCy default pipeline")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per configuration (median)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    n, repeat = (200, 1) if args.quick else (args.n, args.repeat)
    texts = corpus(n, args.seed)
    print(f"## NLP benchmark: {n:,} narratives, {words(texts):,} words; load average {os.getloadavg()[0]:.2f} "
          f"(2 cores shared)\n")
    ours = our_pipeline()
    results: dict[str, float] = {}
    if not args.skip_default:
        default = default_pipeline()
        results["medspacy default"] = timed(lambda t: run_pipe(default, t), texts, 1)
    results["ours, nlp.pipe"] = timed(lambda t: run_pipe(ours, t), texts, repeat)
    with_spans = our_pipeline(span_group=True)
    results["ours, nlp.pipe, span group on"] = timed(lambda t: run_pipe(with_spans, t), texts, repeat)
    results["ours, nlp.pipe + findings"] = timed(lambda t: run_pipe(ours, t, findings=True), texts, repeat)
    results["tokenizer alone"] = timed(lambda t: run_tokenizer(ours, t), texts, repeat)
    print(table(["configuration", "docs/s", "words/s", "vs default"], throughput_rows(results, texts)))
    costs = component_ms(ours, texts)
    print("\n" + table(["component (ours)", "ms/doc", "share"],
                       [[k, round(v, 3), f"{100 * v / sum(costs.values()):.0f}%"] for k, v in costs.items()]))
    rows = scaling_rows(ours, 30_000 if args.quick else 150_000, args.seed, repeat)
    print("\n" + table(["words/doc (target)", "docs", "mean words", "docs/s (pipe)", "words/s (pipe)",
                        "words/s (+ findings)"], rows))
    sample = texts[0]
    here = os.path.dirname(os.path.abspath(__file__))
    cold = [[name, *cold_start(code.format(text=sample, here=here))] for name, code in COLD_START.items()
            if not (args.skip_default and name != "ours")]
    print("\n" + table(["cold start (import + build + 1 doc)", "wall s", "peak RSS MB"],
                       [[name, f"{s:.2f}", f"{mb:.0f}"] for name, s, mb in cold]))
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
