"""Majority rules a sitting may use. Quorum is separate: a share of the seated members who
have not recused, counted over those who cast approve, reject or abstain.

Each rule sees the counts of one proposal and answers "accepted?". Abstentions never count as
votes cast. The rules a city offers are named in the setting COUNCIL_MAJORITY_RULES (default:
all of them).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    name: str
    label: object
    accepts: Callable[[int, int, int, int], bool]  # approve, reject, abstain, eligible


RULES = {r.name: r for r in [
    Rule("simple", _l("Simple majority of votes cast (abstentions not counted)"),
         lambda approve, reject, abstain, eligible: approve > reject),
    Rule("two_thirds", _l("Two thirds of votes cast (abstentions not counted)"),
         lambda approve, reject, abstain, eligible: approve > 0 and 3 * approve >= 2 * (approve + reject)),
    Rule("absolute", _l("More than half of the seated members who did not recuse"),
         lambda approve, reject, abstain, eligible: 2 * approve > eligible),
]}


def enabled_rules() -> dict[str, Rule]:
    names = current_app.config.get("COUNCIL_MAJORITY_RULES") or list(RULES)
    return {n: RULES[n] for n in names if n in RULES}


def quorum_met(quorum_percent: int, present: int, eligible: int) -> bool:
    """present / eligible >= quorum_percent %, in integers (no rounding surprises)."""
    return eligible > 0 and present * 100 >= quorum_percent * eligible
