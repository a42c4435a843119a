"""Level of service: one row per rule and per exclusion (no spaCy)."""
import pytest

from emscoder.rules import apply_rules
from rules_helpers import finding, med, pcr, proc

CHEST_PAIN = finding("distress", "chest_pain")
NON_EMERGENCY = {"response_mode": "non-emergency"}
EMT_CREW = {"crew": [{"role": "EMT"}, {"role": "EMT"}]}
INTERFACILITY = {"origin": {"type": "hospital", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"}}

CASES = [
    # (name, pcr fields, findings, expected label, expected rule id)
    ("no transport", {"transported": False}, [], "no-transport", "LVL-NO-TRANSPORT-01"),
    ("death before loading -> BLS base rate", {"transported": False}, [finding("death", "pronounced")], "BLS-emergency", "LVL-DEATH-BEFORE-LOAD-01"),
    ("death after loading billed as alive", {}, [finding("death", "pronounced"), proc("intubation")], "ALS2", "LVL-ALS2-PROC-01"),
    ("rotor wing", {"unit_level": "rotor-wing"}, [], "rotor-wing", "LVL-AIR-01"),
    ("fixed wing", {"unit_level": "fixed-wing"}, [], "fixed-wing", "LVL-AIR-01"),
    ("SCT: RN, interfacility, vent", {**INTERFACILITY, "crew": [{"role": "RN"}, {"role": "Paramedic"}]},
     [proc("ventilator_management", "prior_to_arrival")], "SCT", "LVL-SCT-01"),
    ("SCT care but scene origin", {"crew": [{"role": "RN"}, {"role": "Paramedic"}]}, [proc("ventilator_management")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("SCT care without specialty crew", INTERFACILITY, [med("heparin", "infusion")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("ALS2 intubation", {}, [proc("intubation")], "ALS2", "LVL-ALS2-PROC-01"),
    ("ALS2 IO line", {}, [proc("io_access")], "ALS2", "LVL-ALS2-PROC-01"),
    ("ALS2 pacing", {}, [proc("pacing")], "ALS2", "LVL-ALS2-PROC-01"),
    ("ALS2 manual defibrillation", {}, [proc("defibrillation")], "ALS2", "LVL-ALS2-PROC-01"),
    ("blood transfusion on 2025-01-01", {"service_date": "2025-01-01"}, [proc("blood_transfusion")], "ALS2", "LVL-ALS2-PROC-01"),
    ("blood transfusion before 2025 is not ALS2", {"service_date": "2024-12-31"}, [proc("blood_transfusion")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("ALS2 three IV pushes, same drug", {}, [med("epinephrine", "IVP")] * 3, "ALS2", "LVL-ALS2-MEDS-01"),
    ("ALS2 by administrations x3", {}, [med("epinephrine", "IV", administrations=3)], "ALS2", "LVL-ALS2-MEDS-01"),
    ("ALS2 infusion counts", {}, [med("adenosine", "IVP"), med("amiodarone", "infusion"), med("fentanyl", "IO")], "ALS2", "LVL-ALS2-MEDS-01"),
    ("two IV drugs + NS bolus is ALS1", {}, [med("adenosine"), med("adenosine"), med("normal_saline", crystalloid=True)], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("dextrose excluded", {}, [med("dextrose"), med("dextrose"), med("naloxone")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("IM/neb/SL/IN/PO never count", {}, [med("epinephrine", "IM"), med("albuterol", "NEB"), med("nitroglycerin", "SL"), med("midazolam", "IN"), med("ondansetron", "PO"), med("fentanyl", "IV")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("route not documented does not count", {}, [med("epinephrine", None)] * 3, "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("drugs before arrival do not count", {}, [med("epinephrine", "IV", "prior_to_arrival")] * 3, "BLS-emergency", "LVL-BLS-01"),
    ("failed intubation is not ALS2", {}, [proc("intubation", "attempted_unsuccessful"), CHEST_PAIN], "ALS1-emergency", "LVL-ALS1-ASSESSMENT-01"),
    ("other unit's intubation is not ALS2", {}, [proc("intubation", "other_provider")], "BLS-emergency", "LVL-BLS-01"),
    ("refused IV is not an intervention", {}, [proc("iv_access", "refused")], "BLS-emergency", "LVL-BLS-01"),
    ("planned pacing is not ALS2", {}, [proc("pacing", "hypothetical"), proc("iv_access")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("PICC in place is not a central line", {}, [proc("central_line", "historical")], "BLS-emergency", "LVL-BLS-01"),
    ("non-emergency ALS intervention", NON_EMERGENCY, [proc("iv_access")], "ALS1", "LVL-ALS1-INTERVENTION-01"),
    ("ALS assessment, emergency, ALS dispatch", {"dispatch_reason": "Chest pain"}, [], "ALS1-emergency", "LVL-ALS1-ASSESSMENT-01"),
    ("ALS assessment from presentation", {}, [CHEST_PAIN], "ALS1-emergency", "LVL-ALS1-ASSESSMENT-01"),
    ("ALS assessment alone non-emergency -> BLS", NON_EMERGENCY, [CHEST_PAIN], "BLS", "LVL-BLS-01"),
    ("BLS emergency", {"dispatch_reason": "Lift assist"}, [], "BLS-emergency", "LVL-BLS-01"),
    ("BLS non-emergency", NON_EMERGENCY, [], "BLS", "LVL-BLS-01"),
    ("tube placed by another unit: later ETT mentions are that tube", {},
     [proc("intubation", "other_provider"), proc("intubation"), proc("iv_access")], "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("IO placed before arrival: managing it is not an IO line", {},
     [proc("io_access", "prior_to_arrival"), proc("io_access")], "BLS-emergency", "LVL-BLS-01"),
    ("an AED is not manual defibrillation", {}, [proc("iv_access"), finding("intervention", "defibrillation", **{"class": "BLS"})],
     "ALS1-emergency", "LVL-ALS1-INTERVENTION-01"),
    ("shocks are not a device: this crew's shock counts after earlier ones", {},
     [proc("defibrillation", "prior_to_arrival"), proc("defibrillation")], "ALS2", "LVL-ALS2-PROC-01"),
    ("Alpha determinant: the ALS assessment does not count", {"dispatch_reason": "Falls (17-A-1)"}, [CHEST_PAIN],
     "BLS-emergency", "LVL-BLS-01"),
    ("Delta determinant warrants an ALS assessment", {"dispatch_reason": "Falls 17-D-3"}, [], "ALS1-emergency",
     "LVL-ALS1-ASSESSMENT-01"),
    ("death before dispatch (disposition) is no-transport, not QL",
     {"transported": False, "transport_disposition": "No transport - pronounced before dispatch"},
     [finding("death", "pronounced")], "no-transport", "LVL-DEATH-BEFORE-DISPATCH-01"),
    ("death before dispatch (narrative)",
     {"transported": False, "narrative": "Hospice RN had pronounced him dead at 0615, before the 911 call was placed."},
     [finding("death", "pronounced")], "no-transport", "LVL-DEATH-BEFORE-DISPATCH-01"),
    ("heparin drip is within paramedic scope by default", {**INTERFACILITY, **NON_EMERGENCY,
     "crew": [{"role": "RN"}, {"role": "Paramedic"}]}, [med("heparin", "infusion")], "ALS1", "LVL-ALS1-INTERVENTION-01"),
    ("IABP management is SCT care", {**INTERFACILITY, "crew": [{"role": "RN"}, {"role": "Paramedic"}]},
     [proc("iabp")], "SCT", "LVL-SCT-01"),
    ("EMT-only crew caps ALS", EMT_CREW, [proc("iv_access"), proc("intubation")], "BLS-emergency", "LVL-BLS-01"),
]


@pytest.mark.parametrize("name,fields,findings,label,rule_id", CASES, ids=[c[0] for c in CASES])
def test_level(name, fields, findings, label, rule_id):
    level = apply_rules(pcr(**fields), findings).level
    assert (level.label, level.rule_id) == (label, rule_id)
    assert level.rationale and level.source.startswith("\u00a7")


def test_not_higher_because_names_counts_and_exclusions():
    level = apply_rules(pcr(), [med("epinephrine"), med("amiodarone"), med("normal_saline", crystalloid=True),
                                proc("io_access", "attempted_unsuccessful")]).level
    text = " | ".join(level.not_higher_because)
    assert "2 qualifying IV/IO medication administration(s)" in text and "ALS2 needs 3" in text
    assert "normal_saline" in text and "crystalloid" in text and "io_access" in text and "unsuccessful" in text


def test_hcpcs_follow_the_scope_table():
    assert apply_rules(pcr(), [proc("intubation")]).level.hcpcs == "A0433"
    assert apply_rules(pcr(transported=False), []).level.hcpcs == "A0998"
    assert apply_rules(pcr(**NON_EMERGENCY), []).level.hcpcs == "A0428"
