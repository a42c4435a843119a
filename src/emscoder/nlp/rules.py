"""Load and strictly validate the NLP rule files (medspaCy TargetRule / ConTextRule JSON formats)."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import get_args

from medspacy.context import ConTextRule
from medspacy.ner import TargetRule
from medspacy.section_detection import SectionRule

from emscoder.errors import RuleFileError
from emscoder.model import Status
from emscoder.nlp.regex_matcher import CASE_SENSITIVE_MARK
from emscoder.resources import resource_text

TARGET_FILE = "nlp/targets.json"
CONTEXT_FILE = "nlp/context.json"
TARGET_KEYS = {"literal", "category", "pattern", "metadata"}
TARGET_CATEGORIES = {"INTERVENTION", "MEDICATION", "BED_CONFINEMENT", "DISTRESS", "CONDITION", "CREW", "SIGNATURE",
                     "REFUSAL", "DEATH", "PCS", "VITAL", "MILEAGE"}
REQUIRED_TARGET_METADATA = {"INTERVENTION": ("id", "concept", "class"), "VITAL": ("id", "concept", "normal")}
TARGET_METADATA_KEYS = {"id", "concept", "class", "normal", "crystalloid", "may_be_route", "default_status",
                         "one_per_sentence"}
STATUSES = set(get_args(Status))
CONTEXT_KEYS = {"literal", "category", "pattern", "direction", "max_scope", "allowed_types", "excluded_types",
                "max_targets", "metadata"}
CONTEXT_CATEGORIES = {"NEGATED", "REFUSED", "ATTEMPTED_UNSUCCESSFUL", "HYPOTHETICAL", "HISTORICAL",
                      "PRIOR_TO_ARRIVAL", "OTHER_PROVIDER", "FAMILY", "TERMINATE", "PSEUDO"}
STATUS_CATEGORIES = CONTEXT_CATEGORIES - {"TERMINATE", "PSEUDO"}  # the ConText categories that set a status
SECTION_FILE = "nlp/sections.json"
FRAME_FILE = "nlp/frames.json"
FRAME_RULE_KEYS = {"id", "pattern", "status", "allowed_types", "overrides", "max_sentences", "sentence_start"}
FRAME_BREAK_KEYS = {"id", "pattern"}
SECTION_KEYS = {"literal", "category", "pattern", "metadata"}
SECTION_CATEGORY_KEYS = {"status", "allowed_types", "overrides", "reach"}
FILE_KEYS = {"schema_version", "version", "_about"}  # plus the file's own list (and section_categories)


def _load(relative: str, list_key: str, extra_keys: frozenset = frozenset()) -> tuple[str, list[dict], dict]:
    """(version, the rule list, the whole file) of a rule file, checked at the top level."""
    try:
        data = json.loads(resource_text(relative))
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{relative}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    unknown = set(data) - FILE_KEYS - {list_key} - extra_keys
    if unknown or data.get("schema_version") != 1 or not isinstance(data.get(list_key), list):
        raise RuleFileError(f"{relative}: expected schema_version 1 and a '{list_key}' list"
                            f"{f'; unknown keys {sorted(unknown)}' if unknown else ''}")
    return data.get("version", "?"), data[list_key], data


def _check(relative: str, index: int, rule: dict, keys: set[str], categories: set[str],
           required_meta: tuple[str, ...]) -> None:
    rule_id = (rule.get("metadata") or {}).get("id", f"#{index}")
    where = f"{relative}: rule {rule_id} ({rule.get('literal')!r})"
    if set(rule) - keys:
        raise RuleFileError(f"{where}: unknown key(s) {sorted(set(rule) - keys)}")
    if not isinstance(rule.get("literal"), str) or not rule["literal"].strip():
        raise RuleFileError(f"{where}: 'literal' must be a non-empty string")
    if rule.get("category") not in categories:
        raise RuleFileError(f"{where}: unknown category {rule.get('category')!r}")
    missing = [k for k in required_meta if k not in (rule.get("metadata") or {})]
    if missing:
        raise RuleFileError(f"{where}: metadata lacks {missing}")
    if "pattern" in rule:
        _check_regex(where, rule["pattern"])


def _check_regex(where: str, pattern: object) -> None:
    """medspaCy's regex form of a TargetRule: `pattern` is a regular expression string."""
    if not isinstance(pattern, str):
        raise RuleFileError(f"{where}: 'pattern' must be a regular expression string")
    if CASE_SENSITIVE_MARK not in pattern and re.sub(r"\\[A-Z]", "", pattern) != re.sub(r"\\[A-Z]", "", pattern).lower():
        raise RuleFileError(f"{where}: write the pattern in lower case (it is matched on lower-cased text); "
                            f"mark a case-sensitive part with (?-i:...)")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RuleFileError(f"{where}: invalid regular expression: {exc}") from None


SPELLING_KEYS = {"categories", "min_length", "not_variants"}


@lru_cache(maxsize=1)
def spelling_settings() -> dict:
    """`spelling_variants` of resources/nlp/targets.json: which categories' long single-word literals
    also match when misspelled by one letter, from what length, and real words that are not typos."""
    _, _, data = _load(TARGET_FILE, "target_rules", frozenset({"spelling_variants"}))
    settings = data.get("spelling_variants", {"categories": [], "min_length": 7, "not_variants": []})
    where = f"{TARGET_FILE}: spelling_variants"
    if not isinstance(settings, dict) or set(settings) != SPELLING_KEYS:
        raise RuleFileError(f"{where}: expected exactly the keys {sorted(SPELLING_KEYS)}")
    if not set(settings["categories"]) <= TARGET_CATEGORIES:
        raise RuleFileError(f"{where}: unknown categories {sorted(set(settings['categories']) - TARGET_CATEGORIES)}")
    if not isinstance(settings["min_length"], int) or settings["min_length"] < 5:
        raise RuleFileError(f"{where}: min_length must be a whole number of at least 5")
    if not all(isinstance(word, str) and word == word.lower() for word in settings["not_variants"]):
        raise RuleFileError(f"{where}: not_variants must be lower-case words")
    return settings


@lru_cache(maxsize=1)
def target_rules() -> tuple[str, tuple[TargetRule, ...]]:
    """(file version, TargetRules) from resources/nlp/targets.json."""
    version, raw, _ = _load(TARGET_FILE, "target_rules", frozenset({"spelling_variants"}))
    rules = []
    for index, rule in enumerate(raw):
        required = REQUIRED_TARGET_METADATA.get(rule.get("category"), ("id", "concept"))
        _check(TARGET_FILE, index, rule, TARGET_KEYS, TARGET_CATEGORIES, required)
        _check_target_metadata(index, rule)
        rules.append(TargetRule(literal=rule["literal"], category=rule["category"], pattern=rule.get("pattern"),
                                metadata=rule["metadata"]))
    return version, tuple(rules)


def _check_target_metadata(index: int, rule: dict) -> None:
    """Unknown metadata keys are typos the pipeline would silently ignore; a default status must be one
    the findings know."""
    metadata = rule["metadata"]
    where = f"{TARGET_FILE}: rule {metadata.get('id', f'#{index}')} ({rule.get('literal')!r})"
    unknown = set(metadata) - TARGET_METADATA_KEYS
    if unknown:
        raise RuleFileError(f"{where}: unknown metadata key(s) {sorted(unknown)}")
    if metadata.get("default_status", "present") not in STATUSES:
        raise RuleFileError(f"{where}: unknown default_status {metadata['default_status']!r}")


@lru_cache(maxsize=1)
def context_rules() -> tuple[str, tuple[ConTextRule, ...]]:
    """(file version, ConTextRules) from resources/nlp/context.json."""
    version, raw, _ = _load(CONTEXT_FILE, "context_rules")
    rules = []
    for index, rule in enumerate(raw):
        _check(CONTEXT_FILE, index, rule, CONTEXT_KEYS, CONTEXT_CATEGORIES, ("id",))
        kwargs = {k: v for k, v in rule.items() if k != "literal"}
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        rules.append(ConTextRule(literal=rule["literal"], **kwargs))
    return version, tuple(rules)


@lru_cache(maxsize=1)
def section_rules() -> tuple[str, dict[str, dict], tuple[SectionRule, ...]]:
    """(file version, categories with their optional status, SectionRules) from resources/nlp/sections.json."""
    version, raw, data = _load(SECTION_FILE, "section_rules", frozenset({"section_categories"}))
    categories = data.get("section_categories")
    if not isinstance(categories, dict):
        raise RuleFileError(f"{SECTION_FILE}: expected a 'section_categories' object")
    for name, spec in categories.items():
        _check_section_category(name, spec)
    rules = []
    for index, rule in enumerate(raw):
        _check(SECTION_FILE, index, rule, SECTION_KEYS, set(categories), ("id",))
        rules.append(SectionRule(literal=rule["literal"], category=rule["category"], pattern=rule.get("pattern"),
                                 metadata=rule["metadata"]))
    return version, categories, tuple(rules)


def _check_section_category(name: str, spec: object) -> None:
    where = f"{SECTION_FILE}: section category {name!r}"
    if not isinstance(spec, dict) or set(spec) - SECTION_CATEGORY_KEYS:
        raise RuleFileError(f"{where}: expected an object with keys among {sorted(SECTION_CATEGORY_KEYS)}")
    _check_status_fields(where, spec)
    if ("status" in spec) != ("allowed_types" in spec):
        raise RuleFileError(f"{where}: 'status' and 'allowed_types' go together")
    if spec.get("reach", "sentence") not in ("sentence", "line"):
        raise RuleFileError(f"{where}: 'reach' must be 'sentence' or 'line', not {spec['reach']!r}")
    overrides = spec.get("overrides", [])
    if overrides and "status" not in spec:
        raise RuleFileError(f"{where}: 'overrides' needs a 'status'")


def _check_status_fields(where: str, spec: dict) -> None:
    """The optional status, allowed_types and overrides of a section category or a frame opener."""
    if "status" in spec and spec["status"] not in STATUS_CATEGORIES:
        raise RuleFileError(f"{where}: unknown status {spec['status']!r}")
    allowed = spec.get("allowed_types", [])
    if not isinstance(allowed, list) or not set(allowed) <= TARGET_CATEGORIES:
        raise RuleFileError(f"{where}: unknown allowed_types {allowed!r}")
    overrides = spec.get("overrides", [])
    if not isinstance(overrides, list) or not set(overrides) <= STATUS_CATEGORIES:
        raise RuleFileError(f"{where}: 'overrides' must list ConText statuses, not {overrides!r}")


@lru_cache(maxsize=1)
def frame_rules() -> tuple[str, list[dict], list[dict], int]:
    """(file version, frame openers, frame breaks, max sentences of a frame) from
    resources/nlp/frames.json (see frames.py)."""
    version, openers, data = _load(FRAME_FILE, "frame_rules", frozenset({"frame_breaks", "max_sentences"}))
    breaks, max_sentences = data.get("frame_breaks"), data.get("max_sentences")
    if not isinstance(breaks, list) or not isinstance(max_sentences, int) or max_sentences < 1:
        raise RuleFileError(f"{FRAME_FILE}: expected a 'frame_breaks' list and a whole 'max_sentences' >= 1")
    for index, rule in enumerate(openers):
        where = _check_frame_rule(index, rule, FRAME_RULE_KEYS,
                                  FRAME_RULE_KEYS - {"overrides", "max_sentences", "sentence_start"})
        if not isinstance(rule.get("sentence_start", False), bool):
            raise RuleFileError(f"{where}: 'sentence_start' must be true or false")
        _check_status_fields(where, rule)
        own_limit = rule.get("max_sentences", max_sentences)
        if not isinstance(own_limit, int) or isinstance(own_limit, bool) or not 1 <= own_limit <= max_sentences:
            raise RuleFileError(f"{where}: 'max_sentences' must be a whole number from 1 to the file's {max_sentences}")
    for index, rule in enumerate(breaks):
        _check_frame_rule(index, rule, FRAME_BREAK_KEYS, FRAME_BREAK_KEYS)
    return version, openers, breaks, max_sentences


def _check_frame_rule(index: int, rule: object, keys: set[str], required: set[str]) -> str:
    """Keys and pattern of a frame opener or break; returns the rule's place for later messages."""
    if not isinstance(rule, dict):
        raise RuleFileError(f"{FRAME_FILE}: rule #{index}: expected an object")
    where = f"{FRAME_FILE}: rule {rule.get('id', f'#{index}')}"
    if set(rule) - keys or required - set(rule):
        raise RuleFileError(f"{where}: expected keys {sorted(required)} (optional: {sorted(keys - required)}); "
                            f"unknown {sorted(set(rule) - keys)}, missing {sorted(required - set(rule))}")
    _check_regex(where, rule["pattern"])
    return where
