"""Doc -> `Finding`s: kind, concept, status from ConText modifiers, evidence offsets and attributes."""
from __future__ import annotations

import re

from pydantic import TypeAdapter
from spacy.tokens import Doc

from emscoder.model import Finding
from emscoder.nlp.attributes import (DOSE, given_by, medication_attributes, mileage_attributes,
                                     vital_attributes)
from emscoder.nlp.components import SPAN_GROUP, SPELLING_KEY, TARGETS_KEY, rules_by_key
from emscoder.nlp.context import MODIFIERS_KEY
from emscoder.nlp.docview import DocView, doc_lower_text
from emscoder.nlp.frames import FrameIndex, frame_finder
from emscoder.nlp.sections import SECTIONS_KEY, SectionIndex

FINDING_LIST = TypeAdapter(list[Finding])
REPEAT_OF_PREVIOUS = "@previous"
MERGED_KINDS = {"intervention", "distress", "condition", "crew"}  # crew: "ED physician Dr. Osei"
JOINING_GAP = re.compile(r"[\s,@:()/-]*(?:via|by|per|at|with|w/|of|on|and|to|in)?[\s,@:()/-]*", re.I)
NOT_A_ROUTE_AFTER = {"and", "&", "+", "refused", "declined", "no"}
ROUTE_REACH = 9  # tokens back to the drug when only doses lie between
ONLY_DOSES = re.compile(r"(?:[\s\d.,:/()~-]|\b(?:mg|mcg|g|gm|grams?|ml|cc|l|units?|u|meq|mg/kg|mcg/kg|"
                        r"mcg/min|mcg/kg/min|mg/min|%)\b)*", re.I)
GAUGE = re.compile(r"\d{2}\s?(?:g|ga|gauge)\b", re.I)
SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n")
SAME_SENTENCE_REACH = 80  # characters: "EtCO2 24 via nasal cannula capno", not a paragraph later
Target = tuple  # (start, end, label, rule, modifiers): plain tuples, many per narrative
# When several modifiers apply, the one that most changes what counts wins. HYPOTHETICAL outranks
# NEGATED: a negation inside a plan belongs to the plan ("zofran PRN nausea, not needed", "consider
# RSI if no improvement"), so the mention is hypothetical rather than negated.
STATUS_PRIORITY = ["ATTEMPTED_UNSUCCESSFUL", "REFUSED", "HYPOTHETICAL", "NEGATED", "PRIOR_TO_ARRIVAL",
                   "OTHER_PROVIDER", "FAMILY", "HISTORICAL"]


def _status(modifiers: tuple, default: str) -> tuple[str, list[tuple[int, int]]]:
    """The status the highest-priority modifier sets, and the token ranges of its trigger words."""
    if not modifiers:
        return default, []
    modifiers = [m for m in modifiers if m.category in STATUS_PRIORITY]
    if not modifiers:
        return default, []
    best = min(modifiers, key=lambda m: STATUS_PRIORITY.index(m.category))
    return best.category.lower(), [m.modifier_span for m in modifiers if m.category == best.category]


def _is_route_of_medication(view: DocView, start: int, medication_tokens: set[int]) -> bool:
    """"epi 1 mg IV": the IV names the route of a drug, not vascular access ("refused aspirin and IV" lists
    a second item)."""
    sentence_start = view.sentence(start)[0]
    first = max(sentence_start, start - 4)
    if start > first and view.token_lower(start - 1) in NOT_A_ROUTE_AFTER:
        return False
    if any(i in medication_tokens for i in range(first, start)):
        return True
    # further back, only doses between: "Epi 1 mg 1:10,000 IO", "D10 250 mL (25 g) IV"
    drug = next((i for i in range(start - 1, max(sentence_start, start - ROUTE_REACH) - 1, -1)
                 if i in medication_tokens), None)
    if drug is not None and ONLY_DOSES.fullmatch(view.span_text(drug + 1, start)):
        return True
    doses = DOSE.findall(view.span_text(first, start))
    if not doses:
        return False
    amount, unit = doses[-1]
    # "18g IV" is a catheter gauge; "D10 250 mL (25 g) IV" is a dose
    return not (unit.lower() in ("g", "gm") and amount.isdigit() and 14 <= int(amount) <= 24)


def _attributes(view: DocView, target: Target, status: str, trigger_texts: list[str],
                medication_tokens: set[int]) -> dict:
    start, end, label, rule, _ = target
    metadata = rule.metadata
    if label == "INTERVENTION":
        return {"class": metadata["class"]}
    if label == "VITAL":
        return vital_attributes(view.span_text(start, end), metadata["normal"])
    if label == "MILEAGE":
        return mileage_attributes(view.span_text(start, end))
    if label != "MEDICATION":
        return {}
    attributes = medication_attributes(view, start, end, medication_tokens, bool(metadata.get("crystalloid")))
    who = given_by(status, trigger_texts)
    if who:
        attributes["given_by"] = who
    return attributes


def _targets(doc: Doc) -> list[Target]:
    """The targets as plain tuples, with their rule and ConText modifiers. With ems_context's per-doc
    index they come from the target matcher's tuples (reading spans and `span._` costs microseconds
    per target); otherwise from the span group and medspaCy's `span._.modifiers`."""
    rules, index = rules_by_key(), doc.user_data.get(MODIFIERS_KEY)
    strings, names = doc.vocab.strings, {}
    if index is not None and TARGETS_KEY in doc.user_data:
        found = [(start, end, label, key, index.get((start, end, label, key, 0), ()))
                 for start, end, label, key in doc.user_data[TARGETS_KEY]]
    elif SPAN_GROUP in doc.spans:
        found = [(span.start, span.end, span.label, span.kb_id,
                  span._.modifiers if index is None else index.get((span.start, span.end, span.label, span.kb_id,
                                                                    span.id), ()))
                 for span in doc.spans[SPAN_GROUP]]
    else:
        return []
    targets = []
    for start, end, label, key, modifiers in found:
        name = names[label] if label in names else names.setdefault(label, strings[label])
        targets.append((start, end, name, rules[key], modifiers))
    return targets


class _Draft:
    """A finding before merging, with character offsets instead of Evidence objects (built once, at
    the end: most of the cost of a Finding is pydantic validation)."""

    __slots__ = ("kind", "concept", "status", "attributes", "start", "end", "triggers", "rule_id",
                 "one_per_sentence")

    def __init__(self, kind, concept, status, attributes, start, end, triggers, rule_id,
                 one_per_sentence=False) -> None:
        self.kind, self.concept, self.status, self.attributes = kind, concept, status, attributes
        self.start, self.end, self.triggers, self.rule_id = start, end, triggers, rule_id
        self.one_per_sentence = one_per_sentence

    def as_dict(self, text: str) -> dict:
        """The Finding's fields (evidence as dicts: pydantic builds those faster than Evidence(...))."""
        return {"kind": self.kind, "concept": self.concept, "status": self.status, "attributes": self.attributes,
                "evidence": [{"start": self.start, "end": self.end, "text": text[self.start:self.end]}],
                "triggers": [{"start": s, "end": e, "text": text[s:e]} for s, e in self.triggers],
                "rule_id": self.rule_id}


def _draft(view: DocView, target: Target, concept: str, medication_tokens: set[int],
           sections: SectionIndex, frames: FrameIndex, misspelled: dict[tuple[int, int], str]) -> _Draft:
    start, end, label, rule, modifiers = target
    metadata = rule.metadata
    status, triggers = _status(modifiers, metadata.get("default_status", "present"))
    triggers = [(view.starts[s], view.ends[e - 1]) for s, e in triggers]
    start_char = view.starts[start]
    if sections.sections:  # with no ConText modifier (or one it overrides) the section header sets the status
        section = sections.status_at(start_char, label)
        if section is not None and (not triggers or status.upper() in section.overrides):
            status, triggers = section.status.lower(), [(section.title_start, section.title_end)]
    frame = frames.status_at(start_char, label) if frames.frames else None
    # a frame gives its status to plain mentions (not to a home drug's default "historical")
    if frame is not None and ((status == "present" and not triggers) or status.upper() in frame.overrides):
        status, triggers = frame.status.lower(), [(frame.start, frame.opener_end)]
    attributes = _attributes(view, target, status, [view.text[s:e] for s, e in triggers], medication_tokens)
    section = sections.at(start_char) if sections.sections else None
    if section is not None:
        attributes["section"] = section.category
    if (start, end) in misspelled:  # so the coder sees why "prednizone" is prednisone
        attributes["misspelling_of"] = misspelled[start, end]
    end_char = view.ends[end - 1]
    # "12L.", "in w/c.", "85 mA.": spaCy leaves the sentence's period on a token ending in a single letter
    # or a capital (a regex rule's "Dr." keeps its own)
    if (view.text[end_char - 1] == "." and not rule.literal.endswith(".")
            and (not isinstance(rule.pattern, str) or view.text[end_char - 2:end_char - 1].isupper())):
        end_char -= 1
    return _Draft(label.lower(), concept, status, attributes, start_char, end_char, triggers,
                  metadata["id"], metadata.get("one_per_sentence", False))


def findings_from_doc(doc: Doc) -> list[Finding]:
    """Every target mention as a Finding, including those that do not count (with their status)."""
    targets = _targets(doc)
    if not targets:
        return []
    view = DocView(doc)
    medication_tokens = {i for start, end, label, _, _ in targets if label == "MEDICATION"
                         for i in range(start, end)}
    drafts = []
    sections = SectionIndex(doc.user_data.get(SECTIONS_KEY, ()))
    misspelled = doc.user_data.get(SPELLING_KEY, {})
    frames = FrameIndex(frame_finder().frames(view.text, doc_lower_text(doc)))
    last_medication = None
    for target in targets:
        metadata = target[3].metadata
        if metadata.get("may_be_route") and _is_route_of_medication(view, target[0], medication_tokens):
            continue
        concept = metadata["concept"]
        if concept == REPEAT_OF_PREVIOUS:  # "another 50 mcg IV": one more dose of the last drug named
            if last_medication is None:
                continue
            concept = last_medication
        elif target[2] == "MEDICATION":
            last_medication = concept
        drafts.append(_draft(view, target, concept, medication_tokens, sections, frames, misspelled))
    # one validation call for the whole list: cheaper than a Finding(...) call per finding
    return FINDING_LIST.validate_python([draft.as_dict(view.text) for draft in merge_adjacent(drafts, view.text)])


def _joinable(previous: _Draft, draft: _Draft, text: str) -> bool:
    same = (previous.kind, previous.concept) == (draft.kind, draft.concept) and (
        previous.status == draft.status
        # "home O2 2 LPM via NC": a flow or device with no modifier of its own belongs to the O2 before it
        or (draft.concept == "oxygen" and draft.status == "present" and not draft.triggers))
    gap = text[previous.end:draft.start]
    if not (same and previous.kind in MERGED_KINDS and len(gap) <= 12 and JOINING_GAP.fullmatch(gap)):
        return False
    # "18g L AC and 16g R AC", "18g L AC, 20g R FA": a list of lines, each a mention of its own
    # ("IV 20g R AC" is one line: only the second part names a gauge)
    return not (draft.concept == "iv_access" and GAUGE.match(text, draft.start)
                and GAUGE.search(text, previous.start, previous.end))


def _earlier_in_sentence(merged: list[_Draft], draft: _Draft, text: str) -> _Draft | None:
    """For a concept whose rule says one_per_sentence, the same act named earlier in the sentence
    ("EtCO2 24 via nasal cannula capno" is one capnography), with other findings in between."""
    for previous in reversed(merged):
        if previous.start < draft.start - SAME_SENTENCE_REACH or SENTENCE_END.search(text, previous.end, draft.start):
            return None
        if (previous.kind, previous.concept, previous.status) == (draft.kind, draft.concept, draft.status):
            return previous
    return None


def merge_adjacent(drafts: list[_Draft], text: str) -> list[_Draft]:
    """One finding for one mention: "O2 2 LPM via NC" or "a-fib with RVR" are single mentions
    even though several target rules matched inside them."""
    merged: list[_Draft] = []
    for draft in drafts:
        previous = merged[-1] if merged else None
        if previous is not None and not _joinable(previous, draft, text):
            previous = _earlier_in_sentence(merged, draft, text) if draft.one_per_sentence else None
        if previous is None:
            merged.append(draft)
            continue
        previous.end = draft.end
        previous.attributes = {**draft.attributes, **previous.attributes}
        previous.triggers.extend(t for t in draft.triggers if t not in previous.triggers)
    return merged


def extract_findings(narrative: str) -> list[Finding]:
    """Run the shared pipeline over one narrative."""
    from emscoder.nlp.pipeline import pipeline

    if not narrative.strip():
        return []
    return findings_from_doc(pipeline()(narrative))
