"""Load and strictly validate the billing rule files (`resources/billing/rules.json`) and the scope-of-
practice / payer configuration (`scope_default.json`, or a state's copy). An unknown or missing key is
a RuleFileError naming the file, the rule id and the key: there is no silent fallback to defaults."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from emscoder.errors import RuleFileError
from emscoder.resources import resource_text

RULES_FILE = "billing/rules.json"
SCOPE_FILE = "billing/scope_default.json"
COMMON_KEYS = {"id", "version", "rationale", "source"}
FAMILY_KEYS = {
    "level": COMMON_KEYS | {"level"},
    "mileage": COMMON_KEYS | {"min_units", "whole_mile_threshold", "conflict_tolerance_miles", "exclude_pattern"},
    "modifiers": COMMON_KEYS | {"letters", "origin_only", "uncovered_destinations", "origin_patterns",
                                "destination_patterns", "pattern"},
    "diagnosis": COMMON_KEYS | {"codes", "literal_codes", "max_secondary", "code", "primary_codes", "generic_prefixes",
                                "vital_codes"},
    "necessity": COMMON_KEYS | {"conditions", "emergency_treatment", "treatment", "medication_routes"},
    "flags": {"id", "rule_id", "version", "severity", "message", "source"},
    "inference": COMMON_KEYS | {"emergency_pattern", "nonemergency_pattern", "rotor_pattern", "fixed_pattern",
                                "death_before_dispatch_pattern"},
}
ALS2_PROCEDURE_KEYS = {"concept", "effective_from", "device"}
SCOPE_KEYS = {
    "schema_version", "version", "_about", "state", "no_transport_code", "hcpcs", "mileage_hcpcs", "als_roles", "sct_roles",
    "sct_paramedic_credentials", "als_unit_levels", "als_interventions", "bls_medications", "bls_medication_routes",
    "als2_procedures", "als2_min_administrations", "als2_qualifying_routes", "als2_excluded_medications",
    "sct_interventions", "sct_medications", "interfacility_types", "als_dispatch_keywords", "dispatch_determinant_levels",
    "als_level_distress",
    "repetitive_trip_keywords", "pcs_max_age_days",
}
SEVERITIES = {"info", "warning", "error"}


@dataclass(frozen=True)
class RuleBook:
    """Validated rules by family and id, plus the scope-of-practice configuration."""

    version: str
    rules: dict[str, dict[str, dict[str, Any]]]  # family -> id -> rule
    scope: dict[str, Any]

    def rule(self, family: str, rule_id: str) -> dict[str, Any]:
        return self.rules[family][rule_id]

    def all_ids(self) -> set[str]:
        ids = {rule_id for family in self.rules.values() for rule_id in family}
        return ids | {rule["rule_id"] for rule in self.rules["flags"].values()}


def _parse(text: str, name: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise RuleFileError(f"{name}: expected an object with schema_version 1")
    return data


def _check_rule(name: str, family: str, rule: Any) -> None:
    if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
        raise RuleFileError(f"{name}: {family}: every rule needs a string 'id'")
    where = f"{name}: rule {rule['id']}"
    unknown = set(rule) - FAMILY_KEYS[family]
    if unknown:
        raise RuleFileError(f"{where}: unknown key(s) {sorted(unknown)}")
    required = FAMILY_KEYS["flags"] - {"rule_id"} if family == "flags" else COMMON_KEYS
    missing = [key for key in sorted(required | ({"rule_id"} if family == "flags" else set())) if key not in rule]
    if missing:
        raise RuleFileError(f"{where}: missing key(s) {missing}")
    if family == "flags" and rule["severity"] not in SEVERITIES:
        raise RuleFileError(f"{where}: severity must be one of {sorted(SEVERITIES)}")
    for key in ("pattern", "emergency_pattern", "nonemergency_pattern", "rotor_pattern", "fixed_pattern"):
        if key in rule:
            _check_regex(where, rule[key])
    for key in ("origin_patterns", "destination_patterns"):
        for pattern in rule.get(key, {}).values():
            _check_regex(where, pattern)


def _check_regex(where: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise RuleFileError(f"{where}: invalid regular expression: {exc}") from None


def parse_rules(text: str, name: str = RULES_FILE) -> dict[str, dict[str, dict]]:
    """Validate a rules file; returns family -> id -> rule."""
    data = _parse(text, name)
    unknown = set(data) - set(FAMILY_KEYS) - {"schema_version", "version", "_about"}
    if unknown:
        raise RuleFileError(f"{name}: unknown key(s) {sorted(unknown)}")
    families: dict[str, dict[str, dict]] = {}
    for family in FAMILY_KEYS:
        families[family] = {}
        for rule in data.get(family, []):
            _check_rule(name, family, rule)
            if rule["id"] in families[family]:
                raise RuleFileError(f"{name}: duplicate rule id {rule['id']}")
            families[family][rule["id"]] = rule
    return families


def parse_scope(text: str, name: str = SCOPE_FILE) -> dict[str, Any]:
    """Validate a scope-of-practice / payer configuration."""
    data = _parse(text, name)
    unknown, missing = set(data) - SCOPE_KEYS, SCOPE_KEYS - set(data) - {"_about"}
    if unknown or missing:
        raise RuleFileError(f"{name}: unknown key(s) {sorted(unknown)}; missing key(s) {sorted(missing)}")
    if data["no_transport_code"] not in ("A0998", "A0999"):
        raise RuleFileError(f"{name}: no_transport_code must be A0998 or A0999")
    levels = data["dispatch_determinant_levels"]
    if any(len(letter) != 1 or not letter.isupper() or level not in ("ALS", "BLS") for letter, level in levels.items()):
        raise RuleFileError(f"{name}: dispatch_determinant_levels maps one capital letter to ALS or BLS, got {levels}")
    for item in data["als2_procedures"]:
        if set(item) - ALS2_PROCEDURE_KEYS:
            raise RuleFileError(f"{name}: als2_procedures {item.get('concept')}: unknown key(s) {sorted(set(item) - ALS2_PROCEDURE_KEYS)}")
        if not isinstance(item.get("device", False), bool):
            raise RuleFileError(f"{name}: als2_procedures {item['concept']}: device must be true or false")
        if "effective_from" in item:
            try:
                dt.date.fromisoformat(item["effective_from"])
            except ValueError:
                raise RuleFileError(f"{name}: als2_procedures {item['concept']}: bad effective_from date") from None
    return data


def load_rulebook(scope_path: Path | None = None) -> RuleBook:
    """The packaged rules with the default scope, or with a state/payer scope file."""
    if scope_path is None:
        return default_rulebook()
    try:
        scope_text = scope_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{scope_path}: cannot read scope file ({exc})") from None
    rules = parse_rules(resource_text(RULES_FILE))
    scope = parse_scope(scope_text, str(scope_path))
    return RuleBook(version=f"{json.loads(resource_text(RULES_FILE))['version']}+{scope['version']}", rules=rules, scope=scope)


@lru_cache(maxsize=1)
def default_rulebook() -> RuleBook:
    """The packaged rules and default scope (cached per process)."""
    rules_text = resource_text(RULES_FILE)
    scope = parse_scope(resource_text(SCOPE_FILE))
    return RuleBook(version=f"{json.loads(rules_text)['version']}+{scope['version']}",
                    rules=parse_rules(rules_text), scope=scope)
