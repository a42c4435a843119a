"""Generate labelled synthetic PCRs for training the documentation-sufficiency classifier.

Usage: python scripts/generate_corpus.py --n 4000 --seed 7 -o corpora/generated/train.jsonl [--stats]

Each line is an emscoder input record plus `label` (1 = the documentation supports necessity and the
claimed level, 0 = it does not) and `reason` (null or a category, see corpora/DATASHEET.md). Scenarios,
phrase banks, styles and places live in scripts/corpus_phrases.json; this script only assembles them.
Record i depends only on (seed, i): same seed and n => byte-identical output. All data is synthetic.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

PHRASES = Path(__file__).with_name("corpus_phrases.json")
SECTIONS = "DCHAIRTE"  # dispatch, complaint, history, assessment, impression, treatment, transport, other
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
REASONS = ("no_necessity_documented", "bed_confinement_incomplete", "contradiction", "boilerplate_only",
           "convenience_trip", "level_not_supported", "pcs_missing")
FIRST_DATE, LAST_DATE = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def load_phrases(path: Path = PHRASES) -> dict:
    """The phrase file, with the abbreviate/expand word tables compiled to regexes."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["_rx"] = {}
    for name in ("abbreviate", "expand"):
        keys = "|".join(map(re.escape, sorted(data[name], key=len, reverse=True)))
        data["_rx"][name] = re.compile(r"(?<![\w/&])(" + keys + r")(?![\w/&])")
    return data


def fill(text: str, ctx: dict, banks: dict, rng: random.Random, depth: int = 0) -> str:
    """Expand {a|b} alternatives, {name} context values and {bank} references, innermost first."""
    def one(match: re.Match) -> str:
        body = match.group(1)
        if "|" in body or not body:
            return rng.choice(body.split("|"))
        if body in ctx:
            return str(ctx[body])
        if body in banks and depth < 6:
            return fill(rng.choice(banks[body]), ctx, banks, rng, depth + 1)
        raise KeyError(f"unknown placeholder {{{body}}} in {text[:80]!r}")

    while PLACEHOLDER.search(text):
        text = PLACEHOLDER.sub(one, text)
    return text


def pick(rng: random.Random, weights: dict):
    """A key of `weights` (a dict or a list of (key, weight)), drawn by weight."""
    items = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([k for k, _ in items], weights=[w for _, w in items], k=1)[0]


def pick_scenario(rng: random.Random, P: dict) -> tuple[str, dict]:
    name = pick(rng, {n: s["weight"] for n, s in sorted(P["scenarios"].items())})
    scen = dict(P["scenarios"][name])
    if scen.get("variants"):
        scen.update(rng.choice(scen["variants"]))
    return name, scen


def hhmm(minute: int) -> str:
    return f"{minute % 1440 // 60:02d}{minute % 60:02d}"


def pick_place(rng: random.Random, P: dict, spec: str, ctx: dict, exclude: str | None = None) -> dict:
    """A place for an origin/destination spec such as `hospital` or `hospital:cancer` (type:pool)."""
    ptype, _, pool = spec.partition(":")
    if ptype in ("residence", "scene"):
        address = fill(rng.choice(P["addresses"][ptype]), ctx, P["banks"], rng)
        return {"type": ptype, "zip": rng.choice(P["zips"]), "address": address}
    name, short, zip_code, address = rng.choice([e for e in P["places"][pool or ptype] if e[0] != exclude])
    return {"type": ptype, "zip": zip_code, "name": name, "short": short, "address": address}


def vital_signs(rng: random.Random, profile: dict) -> dict:
    v = {k: rng.randint(lo, hi) for k, (lo, hi) in profile.items()}
    v.update(bp=f"{v['sbp']}/{v['dbp']}", temp=f"{v.pop('temp10') / 10:.1f}", etco2=rng.randint(28, 44),
             spo2b=min(99, v["spo2"] + rng.randint(3, 9)), pain_after=max(0, v["pain"] - rng.randint(2, 5)),
             bgl_after=rng.randint(92, 168))
    return v


def pcs_fields(rng: random.Random, scen: dict, P: dict, date: dt.date) -> tuple[str, dict | None, str]:
    """PCS state (valid/expired/missing/absent), the structured `pcs` field and the date as written."""
    state = rng.choice(P["pcs_mix"][scen.get("pcs", "none")])
    if state in ("absent", "missing"):
        return state, (None if state == "absent" else {"on_file": False, "signed_date": None}), ""
    days = rng.randint(62, 200) if state == "expired" else rng.randint(0, 58 if scen.get("repetitive") else 2)
    signed = date - dt.timedelta(days=days)
    written = signed.strftime(rng.choice(["%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d"]))
    return state, {"on_file": True, "signed_date": signed.isoformat()}, written


def place_context(rng: random.Random, scen: dict, ctx: dict, P: dict) -> None:
    origin_spec, dest_spec = rng.choice(scen["od"])
    ctx["origin"] = origin = pick_place(rng, P, origin_spec, ctx)
    ctx["destination"] = dest = pick_place(rng, P, dest_spec, ctx, exclude=origin.get("name"))
    plain = {"residence": ("pt's residence", "home"), "scene": ("the scene", "scene")}
    ctx["origin_name"], ctx["origin_short"] = plain.get(origin["type"]) or (origin["name"], origin["short"])
    ctx["dest_name"], ctx["dest_short"] = plain.get(dest["type"]) or (dest["name"], dest["short"])
    ctx["scene_addr"] = origin["address"]
    ctx["handoff"] = "family" if dest["type"] == "residence" else \
        rng.choice(["receiving RN", "staff", "charge nurse", "receiving staff"])
    ctx["origin_desc"] = fill(rng.choice(P["place_desc"][origin["type"]]), ctx, P["banks"], rng)


def make_context(rng: random.Random, scen: dict, P: dict) -> dict:
    entry = pick(rng, [(tuple(m), m[3]) for m in scen["modes"]])
    label, reason = entry[4:6] if len(entry) > 4 else (scen["label"], scen["reason"])
    sex, crew_class = rng.choice("MF"), entry[1]
    ctx = dict(P["pronouns"][sex], sex=sex, mode=entry[0], crew_class=crew_class, claimed=entry[2],
               label=label, reason=reason, age=rng.randint(*scen.get("age", [24, 94])),
               crew=rng.choice(P["crews"][crew_class]), engine=rng.choice(P["engines"]),
               unit=rng.choice(P["unit_names"][crew_class]).format(n=rng.randint(1, 42)),
               town=rng.choice(P["towns"]), sig=rng.choice(scen.get("sig", ["patient"])))
    ctx["crew_str"] = ", ".join(ctx["crew"])
    ctx["side"], ctx["sidew"], ctx["Sidew"] = rng.choice([("L", "left", "Left"), ("R", "right", "Right")])
    ctx["date"] = FIRST_DATE + dt.timedelta(days=rng.randint(0, (LAST_DATE - FIRST_DATE).days))
    start = rng.randint(0, 1439)
    ctx["minute"] = start + rng.randint(6, 14)
    ctx.update(t_disp=hhmm(start), t_arr=hhmm(ctx["minute"]), t_tx=hhmm(ctx["minute"] + rng.randint(4, 9)),
               t_dest=hhmm(ctx["minute"] + rng.randint(22, 55)), lkw=hhmm(start - rng.randint(20, 150)),
               onset=rng.choice([10, 15, 20, 30, 40, 45, 60, 90]))
    ctx.update(vital_signs(rng, {**P["vitals"]["normal"], **P["vitals"][scen["vitals"]]}))
    ctx["miles"] = round(rng.uniform(*scen.get("miles", [1.2, 19.0])), 1)
    place_context(rng, scen, ctx, P)
    ctx["dispatch"] = d = rng.choice(scen["dispatch"])
    ctx["dispatch_text"] = d[0].lower() + d[1:] if d[1:2].islower() else d
    ctx["pcs_state"], ctx["pcs"], ctx["pcs_date"] = pcs_fields(rng, scen, P, ctx["date"])
    return ctx


def choose_slots(rng: random.Random, scen: dict, ctx: dict, terse: bool) -> list[tuple[str, str]]:
    """(section, bank) pairs. Slot syntax: SEC:[?]bank[|bank2][@cond][!]; ! = essential, ? = optional,
    cond = a crew class (als, bls, cct) or em / nonem (response mode)."""
    slots, conds = [], {ctx["crew_class"], "em" if ctx["mode"] == "emergency" else "nonem"}
    special = {"disp": "disp_em" if ctx["mode"] == "emergency" else "disp_nonem", "sig": "sig_" + ctx["sig"],
               "pcs": {"absent": None, "missing": "pcs_missing"}.get(ctx["pcs_state"], "pcs_onfile")}
    for spec in scen["story"]:
        sec, body = spec.split(":", 1)
        essential, optional = body.endswith("!"), body.startswith("?")
        body, _, cond = body.strip("!?").partition("@")
        if (cond and cond not in conds) or (terse and not essential):
            continue
        if essential or rng.random() < (0.45 if optional else 0.9):
            bank = rng.choice(body.split("|"))
            bank = special.get(bank, bank)  # disp, sig, pcs: the bank for this response mode, signer, PCS state
            slots += [(sec, bank)] if bank else []
    return slots


def add_distractors(rng: random.Random, slots: list, ctx: dict, P: dict, rambling: bool) -> list:
    """Label-neutral material (history, bystanders, belongings); lots of filler when rambling."""
    usable = [x[:2] for x in P["distractors"] if len(x) < 3 or (x[2] == "em") == (ctx["mode"] == "emergency")]
    extra = [tuple(x) for x in rng.sample(usable, rng.randint(0, 2))]
    if rambling:
        fillers = ["filler", "filler_home"] if ctx["origin"]["type"] == "residence" else ["filler"]
        extra += [(rng.choice("HARTE"), rng.choice(fillers)) for _ in range(rng.randint(5, 9))]
    for item in extra:
        slots.insert(rng.randint(0, len(slots)), item)
    return slots


def realize(rng: random.Random, slots: list, ctx: dict, P: dict) -> tuple[dict, list, list]:
    """Sentences per section, plus the structured medications and procedures the chosen banks imply."""
    secs, meds, procs = {s: [] for s in SECTIONS}, [], []
    for sec, bank in slots:
        text = fill(rng.choice(P["banks"][bank]), ctx, P["banks"], rng)
        secs[sec].append(re.sub(r" +([.,;])", r"\1", re.sub(r"  +", " ", text)).strip())
        meds += [dict(m) for m in P["struct"].get(bank, {}).get("meds", [])]
        procs += [dict(p) for p in P["struct"].get(bank, {}).get("procs", [])]
    for sec in "HA":
        if rng.random() < 0.5:
            rng.shuffle(secs[sec])
    return secs, meds, procs


def swap_words(text: str, P: dict, table: str, p: float, rng: random.Random) -> str:
    """Replace each word found in table `abbreviate` or `expand` by one of its variants, with probability p."""
    sub = P["_rx"][table].sub
    return sub(lambda m: rng.choice(P[table][m.group(1)]) if rng.random() < p else m.group(1), text) if p > 0 else text


def typo_word(word: str, rng: random.Random, P: dict, rate: float) -> str:
    """A common EMS misspelling, or (at `rate`) a swapped, dropped, doubled or neighbouring-key letter."""
    alts = P["misspell"].get(word.lower())
    if alts and rng.random() < 0.5:
        alt = rng.choice(alts)
        return alt.upper() if word.isupper() else (alt[0].upper() + alt[1:] if word[0].isupper() else alt)
    if rng.random() >= rate:
        return word
    i, op = rng.randrange(len(word) - 1), rng.randrange(4)
    row = next((r for r in KEY_ROWS if word[i].lower() in r), "")
    if op == 3 and row:
        j = row.index(word[i].lower())
        return word[:i] + row[j - 1 if j else j + 1] + word[i + 1:]
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:], word[:i] + word[i + 1:], word[:i] + word[i] + word[i:],
            word][op]


def render_headed(rng, secs, P, layout, scheme, sep) -> str:
    parts = []
    for head, keys in P["layouts"][layout]:
        body = " ".join(s for k in keys for s in secs[k])
        if not body and head == "E" and layout == "dcharte":
            body = rng.choice(["None.", "N/A", "No exceptions."])
        parts += [f"{P['headers'][head][scheme]} {body}"] if body else []
    return sep.join(parts)


def render_prose(secs, sep) -> str:
    return sep.join(g for g in (" ".join(s for k in keys for s in secs[k]) for keys in ("DCH", "AI", "RTE")) if g)


def render_bullets(rng, secs, P) -> str:
    mark, heads, lines = rng.choice(["- ", "* ", "\u2022 ", "> "]), rng.random() < 0.6, []
    for head, keys in P["layouts"]["chart"]:
        items = [s for k in keys for s in secs[k]]
        lines += [P["headers"][head][rng.randrange(3)]] if items and heads else []
        lines += [mark + s for s in items]
    return "\n".join(lines)


def render_timeline(rng, secs, ctx) -> str:
    lines, minute = [" ".join(s for k in "DCHAI" for s in secs[k])], ctx["minute"]
    for s in (s for k in "RTE" for s in secs[k]):
        minute += rng.randint(1, 6)
        lines.append(f"{hhmm(minute)} {s}")
    return "\n".join(line for line in lines if line)


def render_mixed(rng, secs, P, ctx) -> str:
    """Each CHART section in its own format: headed, bullets, prose, ALL CAPS or time-stamped."""
    out = []
    for head, keys in P["layouts"]["chart"]:
        sub = {k: (secs[k] if k in keys else []) for k in SECTIONS}
        form = rng.choice(["headed", "bullets", "prose", "caps", "timeline"])
        text = {"headed": lambda: render_headed(rng, sub, P, "chart", rng.randrange(3), " "),
                "bullets": lambda: "\n".join("- " + s for k in keys for s in sub[k]),
                "timeline": lambda: render_timeline(rng, sub, ctx)}.get(form, lambda: render_prose(sub, " "))()
        out += [text.upper() if form == "caps" else text] if text else []
    return "\n".join(out)


def render(rng: random.Random, style: str, secs: dict, ctx: dict, P: dict) -> str:
    base = rng.choice(["prose", "soap", "chart", "dcharte", "bullets"]) if style in ("caps", "typos") else style
    if base in ("soap", "chart", "dcharte"):
        return render_headed(rng, secs, P, base, rng.randrange(3), rng.choice(["\n", "\n", "\n\n", " "]))
    if base in ("prose", "rambling"):
        return render_prose(secs, rng.choice(["\n\n", " ", "\n"]))
    if base == "telegraphic":  # no articles, no full stops, sometimes lower-case starts
        cut = [re.sub(r"\b(the|a|an|The|A|An) ", "", s).rstrip(".") for k in SECTIONS for s in secs[k]]
        cut = [s[0].lower() + s[1:] if s[1:2].islower() and rng.random() < 0.5 else s for s in cut]
        return rng.choice(["; ", ". ", " / ", " -- ", ", "]).join(cut) + rng.choice(["", "."])
    if base == "bullets":
        return render_bullets(rng, secs, P)
    return render_timeline(rng, secs, ctx) if base == "timeline" else render_mixed(rng, secs, P, ctx)


def word_level(rng: random.Random, style: str, secs: dict, P: dict) -> dict:
    """Abbreviate or spell out words according to the style; pad rambling notes with verbal filler."""
    short, full = P["style_swaps"].get(style, P["style_swaps"]["default"])
    out = {k: [] for k in secs}
    for k, sentences in secs.items():
        for s in sentences:
            s = swap_words(swap_words(s, P, "expand", full, rng), P, "abbreviate", short, rng)
            if style == "rambling" and rng.random() < 0.35 and s[1:2].islower():
                s = rng.choice(P["verbose_prefix"]) + s[0].lower() + s[1:]
            out[k].append(s)
    return out


def narrative(rng: random.Random, scen: dict, ctx: dict, P: dict) -> tuple[str, str, list, list]:
    style = pick(rng, P["styles"])
    terse = rng.random() < (0.5 if style == "telegraphic" else 0.1)
    slots = add_distractors(rng, choose_slots(rng, scen, ctx, terse), ctx, P, style == "rambling")
    secs, meds, procs = realize(rng, slots, ctx, P)
    text = render(rng, style, word_level(rng, style, secs, P), ctx, P)
    text = text.upper() if style == "caps" else text
    rate = rng.uniform(0.03, 0.08) if style == "typos" else (0.01 if rng.random() < 0.1 else 0.0)
    if rate:
        text = re.sub(r"[A-Za-z]{4,}", lambda m: typo_word(m.group(0), rng, P, rate), text)
    return text.strip(), style, meds, procs


def place_field(rng: random.Random, place: dict, zip_p: float) -> dict:
    out = {"type": place["type"], "zip": place["zip"] if rng.random() < zip_p else None}
    for key, p in (("name", 0.8), ("address", 0.7)):
        if place.get(key) and rng.random() < p:
            out[key] = place[key]
    return out


def timed(items: list, ctx: dict, rng: random.Random, procedures: bool) -> list:
    minute = ctx["minute"]
    for item in items:
        minute += rng.randint(1, 5)
        item.setdefault("prior_to_arrival", False)
        if not item["prior_to_arrival"]:
            item["time"] = f"{ctx['date'].isoformat()}T{hhmm(minute)[:2]}:{hhmm(minute)[2:]}:00"
        if procedures:
            item.setdefault("successful", True)
    return items


def signature(rng: random.Random, ctx: dict, P: dict) -> dict | None:
    """Patient, representative or crew signature (with the reason the patient could not sign), or none."""
    if rng.random() < 0.12:
        return None
    signer = {"patient": "patient", "rep": "representative", "crew": "crew"}[ctx["sig"]]
    return {"signed": True, "signer": signer} if signer == "patient" else \
        {"signed": True, "signer": signer, "reason_unable": rng.choice(P["sig_reasons"])}


def mileage(rng: random.Random, ctx: dict) -> dict:
    """Odometer readings (most records), loaded miles only, or nothing."""
    roll, start = rng.random(), round(rng.uniform(1000, 240000), 1)
    odometer = {"odometer": {"at_scene": start, "at_destination": round(start + ctx["miles"], 1)}}
    return odometer if roll < 0.72 else {"loaded_miles": ctx["miles"]} if roll < 0.92 else {}


def structured(rng: random.Random, scen: dict, ctx: dict, P: dict, meds: list, procs: list) -> dict:
    """Structured fields consistent with the story, with realistic gaps (never the ones the label rests on)."""
    rec = {"service_date": ctx["date"].isoformat(), "response_mode": ctx["mode"], "dispatch_reason": ctx["dispatch"],
           "unit_level": P["unit_levels"][ctx["crew_class"]], "crew": [{"role": r} for r in ctx["crew"]],
           "origin": place_field(rng, ctx["origin"], 0.9), "destination": place_field(rng, ctx["destination"], 0.93),
           **mileage(rng, ctx), "transported": True, "patient_signature": signature(rng, ctx, P),
           "pcs": ctx["pcs"], "payer": rng.choice(P["payers"]), "claimed_level": ctx["claimed"]}
    for key, keep in (("service_date", 1 if ctx["pcs"] else 0.97), ("dispatch_reason", 0.92), ("unit_level", 0.95),
                      ("payer", 0.9)):
        if rng.random() >= keep:
            rec[key] = None
    rec = {k: v for k, v in rec.items() if v is not None}
    if scen.get("icd") and rng.random() < 0.5:
        roles = ["primary_impression"] + ["secondary_impression"] * len(scen["icd"])
        rec["conditions"] = [{"code": c, "description": d, "role": r} for (c, d), r in zip(scen["icd"], roles)]
    if rng.random() < 0.6:
        rec.update({"procedures": timed(procs, ctx, rng, True)} if procs else {})
        rec.update({"medications": timed(meds, ctx, rng, False)} if meds else {})
    return rec


def make_record(seed: int, index: int, P: dict) -> tuple[dict, str]:
    """Record `gen-<seed>-<index>` and the name of its scenario; depends only on (seed, index)."""
    rng = random.Random(f"emscoder-corpus:{seed}:{index}")
    name, scen = pick_scenario(rng, P)
    ctx = make_context(rng, scen, P)
    text, style, meds, procs = narrative(rng, scen, ctx, P)
    rec = {"id": f"gen-{seed}-{index}", **structured(rng, scen, ctx, P, meds, procs)}
    rec.update(extra={"synthetic_style": style}, narrative=text, label=ctx["label"], reason=ctx["reason"])
    return rec, name


def generate(n: int, seed: int, P: dict | None = None) -> list[tuple[dict, str]]:
    P = P or load_phrases()
    return [make_record(seed, i, P) for i in range(1, n + 1)]


def stats_text(pairs: list[tuple[dict, str]]) -> str:
    """Counts per label, reason, style, claimed level and scenario."""
    lines = [f"records: {len(pairs)}"]
    for title in ("label", "reason", "style", "claimed_level", "scenario"):
        counter = collections.Counter(
            name if title == "scenario" else str(r["extra"]["synthetic_style"] if title == "style" else r[title])
            for r, name in pairs)
        lines.append(f"\nper {title}:")
        lines += [f"  {k:<28} {c:>6}  {100 * c / max(1, len(pairs)):5.1f}%" for k, c in sorted(counter.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate labelled synthetic PCRs (see corpora/DATASHEET.md).")
    ap.add_argument("--n", type=int, default=4000, help="number of records (default 4000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("-o", "--output", type=Path, help="output JSONL file (default: standard output)")
    ap.add_argument("--stats", action="store_true", help="print counts per label, reason, style, claimed level")
    ap.add_argument("--phrases", type=Path, default=PHRASES, help="phrase file (default: %(default)s)")
    args = ap.parse_args(argv)
    pairs = generate(args.n, args.seed, load_phrases(args.phrases))
    lines = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec, _ in pairs)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)
    if args.stats:
        print(stats_text(pairs), file=sys.stdout if args.output else sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
