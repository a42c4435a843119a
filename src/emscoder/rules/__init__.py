"""The rule stage: findings + structured fields -> level, mileage, modifiers, diagnoses, necessity,
flags and claim. Works on `Finding` objects only; never imports spaCy."""
from emscoder.rules.engine import RuleOutcome, apply_rules

__all__ = ["RuleOutcome", "apply_rules"]
