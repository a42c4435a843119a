"""Narrative frames: a passage told from someone else's point of view, over several sentences.

Interfacility and nursing-home narratives retell the sending side's course before the crew's own:
"Per the sending physician, the patient arrived by private vehicle at 1412. Their 12-lead showed STE.
Staff there gave aspirin 324 mg. They answered that with a 500 mL saline bolus. When we arrived ...".
ConText scopes end at the sentence, so only the first sentence would read as before arrival. A frame
opener (resources/nlp/frames.json) starts a frame that runs, from the opener, to the first of:
- the start of the first sentence holding a frame break (the crew's own point of view: "we", "our",
  "on arrival"), or the break itself when it is in the opener's sentence;
- a blank line or a line-start section header (`sections.block_end`);
- the end of its `max_sentences`-th sentence (the file's, or the opener's own when it sets a lower
  one: "Wife gave him two puffs of his inhaler, ..." tells what a bystander did in one sentence; the
  next may be the crew's own act written without a subject).

Inside a frame, findings of the frame's allowed types take its status when no ConText modifier
reached them, or when the modifier's status is one the frame overrides ("intubated at 1340 by Dr.
Carrow" is another provider's act before arrival); see findings.py. Section statuses come first.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple, Optional

from emscoder.nlp.regex_fast import FastPattern, KeyGroup
from emscoder.nlp.regex_matcher import word_starts
from emscoder.nlp.sections import SENTENCE_END, block_end


class Frame(NamedTuple):
    """A frame: where its opener is, how far it reaches, and the status it gives."""

    rule_id: str
    start: int  # the opener's start (also the trigger shown to the coder)
    opener_end: int
    end: int
    status: str  # a ConText category, upper case
    allowed_types: frozenset
    overrides: frozenset


class FrameFinder:
    """Finds the frames of a text from compiled opener and break patterns."""

    def __init__(self, openers: list[dict], breaks: list[dict], max_sentences: int) -> None:
        self.max_sentences = max_sentences
        # multiline: `^` in a pattern is a line start. FastPattern: most narratives hold no opener, and
        # plain `re` would try every pattern at every character of every one
        self.openers = [(FastPattern(rule["pattern"], re.M), rule) for rule in openers]
        # the word-start candidates of all keyed openers in one lookup per text (as LowercaseRegexMatcher)
        self.keyed = [i for i, (pattern, _) in enumerate(self.openers) if pattern.keys is not None]
        self.key_group = KeyGroup([self.openers[i][0].keys for i in self.keyed])
        self.breaks = re.compile("|".join(f"(?:{rule['pattern']})" for rule in breaks), re.M) if breaks else None

    def frames(self, text: str, lower: str) -> tuple[Frame, ...]:
        """The frames of a text (`lower` is its lower-cased copy, same length), in order."""
        found = []
        index = word_starts(lower)
        candidates: list = [None] * len(self.openers)
        if index is not None:
            for which, selected in zip(self.keyed, self.key_group.candidates(index)):
                candidates[which] = selected
        for (pattern, rule), selected in zip(self.openers, candidates):
            for match in pattern.finditer(lower, index, selected):
                if rule.get("sentence_start") and not at_sentence_start(lower, match.start()):
                    continue
                end = self._frame_end(text, lower, match.end(), rule.get("max_sentences", self.max_sentences))
                found.append(Frame(rule["id"], match.start(), match.end(), end, rule["status"],
                                   frozenset(rule["allowed_types"]), frozenset(rule.get("overrides", ()))))
        found.sort(key=lambda frame: frame.start)
        return tuple(found)

    def _frame_end(self, text: str, lower: str, opener_end: int, max_sentences: int) -> int:
        line_end = text.find("\n", opener_end)
        limit = block_end(text, line_end) if line_end != -1 else len(text)
        for count, sentence_end in enumerate(SENTENCE_END.finditer(text, opener_end, limit), start=1):
            if count == max_sentences:
                limit = sentence_end.end()
                break
        if self.breaks is None:
            return limit
        found = self.breaks.search(lower, opener_end, limit)
        if found is None:
            return limit
        sentence_start = _sentence_start(text, found.start())
        return found.start() if sentence_start <= opener_end else sentence_start


def at_sentence_start(text: str, char: int) -> bool:
    """True when `char` begins a line, follows a line-start bullet ("-", "*", with or without a space),
    or follows . ! ? : ; and one or two spaces. Checked in code rather than as a look-behind in the
    opener's regex, so the opener keeps its word-start keys (`regex_fast`): about 1 ms/doc less."""
    if char == 0 or text[char - 1] == "\n":
        return True
    bullet = char - 1 if text[char - 1] in "-*" else char - 2 if text[char - 2:char] in ("- ", "* ") else -1
    if bullet >= 0 and (bullet == 0 or text[bullet - 1] == "\n"):
        return True
    for spaces in (1, 2):
        mark = char - spaces - 1
        if mark >= 0 and text[mark + 1:char] == " " * spaces and text[mark] in ".!?:;":
            return True
    return False


def _sentence_start(text: str, char: int) -> int:
    """Start of the sentence holding `char` (after the last `. ! ?` + space or line break before it)."""
    start = max(0, char - 400)
    for end in SENTENCE_END.finditer(text, start, char):
        start = end.end()
    return start


class FrameIndex:
    """Lookups into the frames of one text by character offset."""

    def __init__(self, frames: tuple[Frame, ...]) -> None:
        self.frames = frames
        self.starts = [frame.opener_end for frame in frames]

    def status_at(self, char: int, label: str) -> Optional[Frame]:
        """The innermost frame whose status reaches a target of type `label` starting at `char`."""
        for which in range(bisect_right(self.starts, char) - 1, -1, -1):
            frame = self.frames[which]
            if char < frame.end and label in frame.allowed_types:
                return frame
        return None


@lru_cache(maxsize=1)
def frame_finder() -> FrameFinder:
    """The finder built from resources/nlp/frames.json."""
    from emscoder.nlp.rules import frame_rules

    _version, openers, breaks, max_sentences = frame_rules()
    return FrameFinder(openers, breaks, max_sentences)
