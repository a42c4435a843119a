"""The coding panel of a PCR page: codes (level, mileage, modifiers, ICD-10, necessity, claim),
flags by severity and the sufficiency score. Each part renders what is present and says
"not coded" for what is missing; every code button shows its evidence when clicked."""
from __future__ import annotations

from emscoder.model import CodingResult, Diagnosis, Flag, LevelDecision, MileageDecision, Modifiers, Necessity
from emscoder.report.evidence import Targets
from emscoder.report.htmlkit import NOT_CODED, button, dl, esc

SEVERITIES = ("error", "warning", "info")
FLAG_STAGES = ("flags", "rules")   # stage names after which an empty flag list means "none raised"


def _card(title: str, body: str, cls: str = "") -> str:
    return f'<section class="{esc(f"card {cls}".strip())}"><h3>{esc(title)}</h3>{body}</section>'


def _rule(rule_id: str | None, rationale: str = "", source: str = "") -> str:
    return dl([("Rule", f"<code>{esc(rule_id)}</code>" if rule_id else ""),
               ("Why", esc(rationale)), ("Source", esc(source))])


def _level(t: Targets, level: LevelDecision | None) -> str:
    if level is None:
        return _card("Level of service", NOT_CODED)
    label = f'<span class="hcpcs">{esc(level.hcpcs)}</span> {esc(level.label)}'
    label += " · emergency" if level.emergency else ""
    why_not = "".join(f"<li>{esc(reason)}</li>" for reason in level.not_higher_because)
    not_higher = f"<h4>Not higher because</h4><ul>{why_not}</ul>" if why_not else ""
    return _card("Level of service", f"<p>{button('level', label)}</p>"
                 + _rule(level.rule_id, level.rationale, level.source) + not_higher
                 + t.block("level", level.evidence))


def _mileage(t: Targets, mileage: MileageDecision | None) -> str:
    if mileage is None:
        return _card("Mileage", NOT_CODED)
    units = "units not documented" if mileage.units is None else f"{mileage.units:g}"
    label = f'<span class="hcpcs">{esc(mileage.hcpcs)}</span> × {esc(units)}'
    raw = ("" if mileage.loaded_miles_raw is None
           else f'<p class="muted">loaded miles as documented: {esc(f"{mileage.loaded_miles_raw:g}")}</p>')
    return _card("Mileage", f"<p>{button('mileage', label)}</p>" + raw
                 + _rule(mileage.rule_id, mileage.rationale, mileage.source) + t.block("mileage", mileage.evidence))


def _modifiers(t: Targets, mods: Modifiers | None) -> str:
    if mods is None:
        return _card("Modifiers", NOT_CODED)
    codes = [c for c in [mods.origin_destination, *mods.other] if c]
    label = " ".join(f'<span class="hcpcs">{esc(c)}</span>' for c in codes) or "none"
    rules = ", ".join(f"<code>{esc(r)}</code>" for r in mods.rule_ids)
    return _card("Modifiers", f"<p>{button('modifiers', label)}</p>" + dl([("Rules", rules)])
                 + t.block("modifiers", mods.evidence))


def _diagnoses(t: Targets, diagnoses: list[Diagnosis]) -> str:
    if not diagnoses:
        return _card("ICD-10-CM", NOT_CODED)
    ordered = sorted(enumerate(diagnoses), key=lambda pair: pair[1].role != "primary")
    items = []
    for i, dx in ordered:
        label = f'<span class="hcpcs">{esc(dx.code)}</span> {esc(dx.description)}'
        items.append(f'<li><span class="badge">{esc(dx.role)}</span> {button(f"dx{i}", label)}'
                     f"{_rule(dx.rule_id, dx.rationale, dx.source)}{t.block(f'dx{i}', dx.evidence)}</li>")
    return _card("ICD-10-CM", f'<ol class="codes">{"".join(items)}</ol>')


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _necessity(t: Targets, nec: Necessity | None) -> str:
    if nec is None:
        return _card("Medical necessity", NOT_CODED)
    label = "documented" if nec.documented else "not documented"
    bed = nec.bed_confinement
    prongs = (f"cannot get up: {_yes_no(bed.cannot_get_up)} · cannot ambulate: {_yes_no(bed.cannot_ambulate)}"
              f" · cannot sit: {_yes_no(bed.cannot_sit)} · met: {_yes_no(bed.met)}")
    body = (f"<p>{button('necessity', esc(label))}</p>"
            + dl([("Basis", esc(", ".join(nec.basis))), ("Bed confinement", esc(prongs))])
            + _rule(nec.rule_id, nec.rationale, nec.source) + t.block("necessity", nec.evidence))
    return _card("Medical necessity", body)


def _claim(result: CodingResult) -> str:
    claim = result.claim
    if claim is None:
        return _card("Claim", NOT_CODED)
    rows = "".join(f"<tr><td>{esc(line.hcpcs)}</td><td>{esc(' '.join(line.modifiers))}</td>"
                   f"<td>{esc(f'{line.units:g}')}</td><td>{esc(', '.join(map(str, line.diagnosis_pointers)))}</td></tr>"
                   for line in claim.lines)
    table = (f'<table><thead><tr><th scope="col">HCPCS</th><th scope="col">Modifiers</th>'
             f'<th scope="col">Units</th><th scope="col">Dx pointers</th></tr></thead><tbody>{rows}</tbody></table>')
    return _card("Claim", table + dl([("ICD-10-CM", esc(", ".join(claim.diagnosis_codes))),
                                      ("Condition indicators", esc(", ".join(claim.condition_indicators)))]))


def codes_section(t: Targets, result: CodingResult) -> str:
    """Level, mileage, modifiers, ICD-10-CM, necessity and claim cards."""
    return ('<section aria-labelledby="h-codes"><h2 id="h-codes">Codes</h2>'
            + _level(t, result.level) + _mileage(t, result.mileage) + _modifiers(t, result.modifiers)
            + _diagnoses(t, result.diagnoses) + _necessity(t, result.necessity) + _claim(result) + "</section>")


def _flag(t: Targets, i: int, flag: Flag) -> str:
    label = f'<span class="sev">{esc(flag.severity)}</span> {esc(flag.id)}'
    return (f'<li class="flag sev-{esc(flag.severity)}">{button(f"flag{i}", label)}<p>{esc(flag.message)}</p>'
            f"{_rule(flag.rule_id, '', flag.source)}{t.block(f'flag{i}', flag.evidence)}</li>")


def flags_section(t: Targets, result: CodingResult) -> str:
    """Flags grouped by severity, errors first."""
    head = '<section aria-labelledby="h-flags"><h2 id="h-flags">Flags</h2>'
    if not result.flags:
        ran = any(stage in result.stages for stage in FLAG_STAGES)
        shown = "none raised" if ran else "not checked (the flags stage did not run)"
        return head + f'<p class="notcoded">{shown}</p></section>'
    groups = []
    for severity in SEVERITIES:
        items = "".join(_flag(t, i, f) for i, f in enumerate(result.flags) if f.severity == severity)
        if items:
            groups.append(f'<h3 class="sev-{severity}">{severity}</h3><ul class="flags">{items}</ul>')
    return head + "".join(groups) + "</section>"


def sufficiency_section(t: Targets, result: CodingResult) -> str:
    """The documentation-sufficiency score with its reasons."""
    head = '<section aria-labelledby="h-suff"><h2 id="h-suff">Documentation sufficiency</h2>'
    suff = result.sufficiency
    if suff is None:
        return head + NOT_CODED + "</section>"
    reasons = "".join(
        f'<li>{button(f"reason{i}", esc(r.feature))} <span class="weight">{esc(f"{r.weight:+.2f}")}</span>'
        f"<p>{esc(r.message)}</p>{t.block(f'reason{i}', r.evidence)}</li>"
        for i, r in enumerate(suff.reasons))
    return (head + f'<p class="score"><span class="big">{esc(f"{suff.score:.2f}")}</span> '
            f'<span class="badge lab-{esc(suff.label)}">{esc(suff.label)}</span></p>'
            + dl([("Model", esc(suff.model))])
            + (f'<h3>Reasons</h3><ol class="reasons">{reasons}</ol>' if reasons else "") + "</section>")
