"""Code-side checks on the staged strategy's records: what code can decide exactly, it decides.

Every check that drops a record says why (the pipeline lists it under ``rejected``):

- a meeting needs two or more distinct participants; one from a sentence code did not hint must
  say "meet" (the profile's words) or name one of its participants;
- where the language has a profile and code hinted the record's sentence, an agreement's
  sentence must name an agreement (and a "negotiating" status needs negotiation words), and a
  commitment's sentence must carry an intention (a completed past fact is not a commitment).
  A record from a sentence code did not hint (the model read every sentence) keeps the model's
  judgement: a hint is not a gate;
- countries are named in English ("Japon" -> "Japan");
- records that say the same thing are merged (same participants; similar agreement titles; same
  actor and action words).
Dates, amounts and deadlines are checked for every strategy in ``extract.assemble``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from extract.text.countries import english_country
from extract.text.grounding import fold
from extract.text.hints import states_intention, words
from extract.text.people import same_person, strip_accents
from extract.text.profiles import mentions, profile

Dropped = tuple[str, str, dict[str, Any]]


def _surname(name: str) -> str:
    folded = re.findall(r"\w+", strip_accents(fold(name)))
    return folded[-1] if folded else ""


def _same_people(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(any(same_person(x, y) for y in b) for x in a)


def _overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / max(1, len(wa | wb))


def refine(
    records: dict[str, list[dict[str, Any]]],
    language: str,
    hinted: Mapping[str, Collection[tuple[int, int]]] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], list[Dropped]]:
    """Apply the checks above; returns new lists and every draft dropped, as (type, reason,
    draft). ``hinted`` maps a type to the spans of the sentences code hinted for it."""
    hinted = hinted or {}
    p = profile(language)
    dropped: list[Dropped] = []

    def checked(kind: str, draft: dict[str, Any]) -> bool:
        return p.has_rules and tuple(draft.get("span") or ()) in set(hinted.get(kind, ()))

    def unsupported_meeting(draft: dict[str, Any]) -> bool:
        """A meeting from a sentence code did not hint (the model read every sentence) that
        neither says "meet" nor names any of its participants: nothing in it reports one."""
        if not p.has_rules or checked("meetings", draft):
            return False
        sentence = draft.get("evidence", "")
        said = mentions(p.meeting, sentence) or mentions(p.joint_act, sentence)
        named = words(sentence) & {_surname(x) for x in draft["participants"]}
        return not said and not named

    meetings: list[dict[str, Any]] = []
    for m in records.get("meetings", []):
        people: list[str] = []
        for name in m.get("participants", []):
            if not any(same_person(name, q) for q in people):
                people.append(name)
        m = {**m, "participants": people}
        if len(people) < 2:
            dropped.append(("meetings", "fewer than two distinct participants", m))
        elif unsupported_meeting(m):
            dropped.append(
                ("meetings", "the sentence neither reports a meeting nor names its participants", m)
            )
        elif any(_same_people(people, k["participants"]) for k in meetings):
            dropped.append(("meetings", "duplicate of a meeting with the same participants", m))
        else:
            meetings.append(m)
    agreements: list[dict[str, Any]] = []
    for a in records.get("agreements", []):
        a = {**a, "parties": list(dict.fromkeys(english_country(x) for x in a.get("parties", [])))}
        if (
            checked("agreements", a)
            and a.get("status") == "negotiating"
            and not mentions(p.negotiation, a["evidence"])
        ):
            dropped.append(("agreements", "status negotiating not supported by the sentence", a))
        elif checked("agreements", a) and not mentions(p.agreement, a["evidence"]):
            dropped.append(("agreements", "the sentence names no agreement", a))
        elif any(_overlap(a["title"], k["title"]) >= 0.5 for k in agreements):
            dropped.append(("agreements", "duplicate of an agreement with a similar title", a))
        else:
            agreements.append(a)
    commitments: list[dict[str, Any]] = []
    for c in records.get("commitments", []):
        c = {**c, "actor": english_country(c["actor"])}
        dup = any(
            same_person(c["actor"], k["actor"]) and _overlap(c["action"], k["action"]) >= 0.6
            for k in commitments
        )
        if dup:
            dropped.append(("commitments", "duplicate of a commitment by the same actor", c))
        elif not c.get("action"):
            dropped.append(("commitments", "no action", c))
        elif checked("commitments", c) and not states_intention(c["evidence"], language):
            dropped.append(("commitments", "the sentence states no intention", c))
        else:
            commitments.append(c)
    kept = {
        "meetings": meetings,
        "agreements": agreements,
        "quotes": records.get("quotes", []),
        "commitments": commitments,
    }
    return kept, dropped
