"""`ems_sectionizer`: the section headers of a narrative (CC / HPI / PMH / assessment / treatment /
transport ..., and the SOAP, CHART and DCHARTE letters), from the SectionRules in
resources/nlp/sections.json.

medspaCy's Sectionizer semantics on character offsets: a recognised header starts a section that runs
to the next recognised header. EMS narratives put headers at a line start ("A: A&Ox4") or mid-line
after a sentence ("... to ED. PMH: CHF, COPD."), always followed by a colon, so only titles in those
places count: that keeps "pt states: ..." or "at 14:30" out. The title (lower-cased, spaces collapsed)
must equal a rule's literal or fully match its pattern; single letters count only in capitals at a
line start.

A category may carry a status ("PMH" -> historical, "Sending facility tx" -> prior to arrival). It
reaches only what the header introduces: its own sentence (to `.`, `!`, `?` or the line end;
semicolons separate the items of a list such as "Sending facility tx: dilt 20 mg; heparin bolus"),
or, when the header stands alone on its line, the lines below it up to a blank line or the next
line-start header. A category with `"reach": "line"` (before-arrival care, which interfacility
narratives list over several sentences: "Sending facility tx: dilt 20 mg IVP. Heparin bolus. 20g L AC
in place.") reaches the rest of a line-start header's line. Findings that a ConText modifier reached
keep that modifier's status unless the category `overrides` it (another unit's care under a
before-arrival header was before arrival) (see findings.py).
"""
# no `from __future__ import annotations`: spaCy resolves factory signatures at run time

import re
from bisect import bisect_right
from typing import NamedTuple, Optional

from spacy.language import Language
from spacy.tokens import Doc

from emscoder.nlp.docview import doc_text

SECTIONS_KEY = "emscoder.sections"  # doc.user_data: tuple of Section, by title start
TITLE_SPAN_GROUP = "ems_section_titles"
_TITLE = r"[A-Za-z][A-Za-z /&'()+-]{0,40}?"
_BULLET = r"(?:[-*\u2022>]+[ \t]*)?"
# what may stand before the colon of a header: a title at a line start, or a capitalised title after a
# sentence end (searched backwards from each colon: colons are rare, sentence ends are not)
HEADER_BEFORE_COLON = re.compile(
    rf"(?:^[ \t]*{_BULLET}(?P<line>{_TITLE})|[.;!?][ \t]+(?P<inline>[A-Z][A-Za-z /&'()+-]{{1,40}}?))[ \t]*\Z", re.M)
HEADER_REACH = 80  # characters before a colon that can hold indentation, a bullet and a title
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
BLOCK_END = re.compile(rf"\n[ \t]*(?:\r?\n|{_BULLET}{_TITLE}[ \t]*:(?=[ \t]|\r?$))", re.M)


class Section(NamedTuple):
    """A recognised header and the character ranges its category and status reach."""

    category: str
    rule_id: str
    title_start: int
    title_end: int
    end: int  # where the next recognised header starts
    status: Optional[str]  # ConText category the section gives, or None
    allowed_types: frozenset
    status_end: int  # the status reaches findings starting before this offset
    overrides: frozenset = frozenset()  # ConText statuses (upper case) the section's status replaces


class Sectionizer:
    """Finds the recognised headers of a text; `sections(text)` gives them as `Section`s."""

    def __init__(self, categories: dict, rules: tuple) -> None:
        self.categories = categories
        self.literals: dict[str, object] = {}
        self.patterns: list[tuple[re.Pattern, object]] = []
        for rule in rules:
            if isinstance(rule.pattern, str):
                self.patterns.append((re.compile(rule.pattern), rule))
            else:
                self.literals.setdefault(_normal(rule.literal), rule)

    def rule_for(self, title: str, at_line_start: bool):
        """The SectionRule a header title names, or None."""
        normal = _normal(title)
        rule = self.literals.get(normal)
        if rule is None:
            rule = next((r for pattern, r in self.patterns if pattern.fullmatch(normal)), None)
        if rule is not None and rule.metadata.get("line_start_only") and not (at_line_start and title.isupper()):
            return None
        return rule

    def sections(self, text: str) -> tuple[Section, ...]:
        """The sections of a text, in order."""
        headers = []
        for start, end, colon_end, at_line_start in _header_candidates(text):
            rule = self.rule_for(text[start:end], at_line_start)
            if rule is not None:
                headers.append((start, end, colon_end, at_line_start, rule))
        found = []
        for index, (start, end, colon_end, at_line_start, rule) in enumerate(headers):
            section_end = headers[index + 1][0] if index + 1 < len(headers) else len(text)
            spec = self.categories.get(rule.category, {})
            whole_line = at_line_start and spec.get("reach") == "line"
            status_end = min(section_end, _status_end(text, colon_end, at_line_start, whole_line))
            found.append(Section(rule.category, rule.metadata["id"], start, end, section_end, spec.get("status"),
                                 frozenset(spec.get("allowed_types", ())), status_end,
                                 frozenset(spec.get("overrides", ()))))
        return tuple(found)


def _header_candidates(text: str):
    """(title start, title end, end of the colon, at a line start) of each `Title:` in the text."""
    colon = text.find(":")
    while colon != -1:
        after = text[colon + 1:colon + 2]
        if after in ("", " ", "\t", "\n", "\r"):
            match = HEADER_BEFORE_COLON.search(text, max(0, colon - HEADER_REACH), colon)
            if match is not None:
                group = "line" if match.group("line") is not None else "inline"
                yield match.start(group), match.end(group), colon + 1, group == "line"
        colon = text.find(":", colon + 1)


def _normal(title: str) -> str:
    return " ".join(title.lower().split())


def block_end(text: str, line_end: int) -> int:
    """End of the block of lines below the line ending at `line_end`: a blank line or the next
    line-start header (`Title:`) ends it."""
    found = BLOCK_END.search(text, line_end)
    return found.start() if found else len(text)


def _status_end(text: str, colon_end: int, at_line_start: bool, whole_line: bool) -> int:
    """End of what a header introduces: its sentence (its line when `whole_line`), or the block of
    lines below a lone line header."""
    line_end = text.find("\n", colon_end)
    line_end = len(text) if line_end == -1 else line_end
    if at_line_start and not text[colon_end:line_end].strip():
        return block_end(text, line_end)
    if whole_line:
        return line_end
    content = colon_end + len(text[colon_end:line_end]) - len(text[colon_end:line_end].lstrip())
    sentence_end = SENTENCE_END.search(text, content)
    return sentence_end.end() if sentence_end else len(text)


class SectionIndex:
    """Lookups into the sections of one Doc by character offset."""

    def __init__(self, sections: tuple[Section, ...]) -> None:
        self.sections = sections
        self.starts = [section.title_start for section in sections]

    def at(self, char: int) -> Optional[Section]:
        """The section whose body holds `char` (None before the first header)."""
        which = bisect_right(self.starts, char) - 1
        if which < 0:
            return None
        section = self.sections[which]
        return section if section.title_end <= char < section.end else None

    def status_at(self, char: int, label: str) -> Optional[Section]:
        """The section whose status reaches a target of type `label` starting at `char`, or None."""
        section = self.at(char)
        if section is None or section.status is None or label not in section.allowed_types:
            return None
        return section if char < section.status_end else None


@Language.factory("ems_sectionizer")
def make_ems_sectionizer(nlp: Language, name: str):
    from emscoder.nlp.rules import section_rules

    _version, categories, rules = section_rules()
    return EmsSectionizer(Sectionizer(categories, rules))


class EmsSectionizer:
    """Stores the doc's sections in `doc.user_data[SECTIONS_KEY]` and their titles, labelled with the
    category, in the span group `ems_section_titles`."""

    def __init__(self, sectionizer: Sectionizer) -> None:
        self.sectionizer = sectionizer

    def __call__(self, doc: Doc) -> Doc:
        sections = self.sectionizer.sections(doc_text(doc)) if len(doc) else ()
        doc.user_data[SECTIONS_KEY] = sections
        titles = (doc.char_span(s.title_start, s.title_end, label=s.category, alignment_mode="expand")
                  for s in sections)
        doc.spans[TITLE_SPAN_GROUP] = [span for span in titles if span is not None]
        return doc
