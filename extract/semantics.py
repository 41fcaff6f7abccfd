"""Code-side checks on a small model's records: what code can decide exactly, it decides.

- a meeting needs two or more distinct participants;
- a date is kept only when its evidence sentence states that day (day number and month), or a
  weekday in the sentence resolves it against the publication date; otherwise it is null;
- a commitment's amount and deadline are kept only when the numbers and months they name are
  in its sentence;
- a commitment needs an intention in its sentence (future or conditional tense, "promis",
  "d'ici", "will", "plans" ...): completed past facts are not commitments;
- an agreement's sentence must name an agreement, and a "negotiating" status must be
  supported by negotiation words;
- countries are named in English ("Japon" -> "Japan");
- records that say the same thing are merged (same participants; same agreement title words;
  same actor and action words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from extract.grounding import fold
from extract.names import name_key, same_person, strip_accents
from extract.text.countries import english_country

MONTHS = {
    1: "janvier january januar enero gennaio",
    2: "fevrier february februar febrero febbraio",
    3: "mars march marz marzo",
    4: "avril april abril aprile",
    5: "mai may mayo maggio",
    6: "juin june juni junio giugno",
    7: "juillet july juli julio luglio",
    8: "aout august agosto",
    9: "septembre september septiembre settembre",
    10: "octobre october oktober octubre ottobre",
    11: "novembre november noviembre",
    12: "decembre december dezember diciembre dicembre",
}
WEEKDAYS = [
    "lundi monday montag lunes lunedi",
    "mardi tuesday dienstag martes martedi",
    "mercredi wednesday mittwoch miercoles mercoledi",
    "jeudi thursday donnerstag jueves giovedi",
    "vendredi friday freitag viernes venerdi",
    "samedi saturday samstag sabado sabato",
    "dimanche sunday sonntag domingo domenica",
]


_INTENT = re.compile(
    r"\b\w{2,}(?:ra|ras|rons|rez|ront|rait|raient)\b|\b(?:va|vont|doit|doivent|promis|promet|"
    r"engag\w*|prévoi\w*|prévoy\w*|prévu\w*|entend\w*|compte\w*|veut|veulent|souhait\w*|envisag\w*|"
    r"d['’]ici|annonc\w*|will|shall|plan\w*|pledg\w*|promis\w*|commit\w*|intend\w*|aims?)\b",
    re.IGNORECASE,
)


_NEGOTIATION = re.compile(r"n[ée]goci|pourparler|discussion|negotiat|talks|verhandl", re.I)
_AGREEMENT = re.compile(
    r"accord|pacte|traité|cadre|entente|arrangement|protocole|mémorandum|agreement|deal|"
    r"treaty|framework|pact|memorandum|abkommen|vertrag|acuerdo|tratado",
    re.IGNORECASE,
)


_MEETING = re.compile(
    r"rencontr|entretien|entretenu|sommet|réuni|visite|accueilli|s['’]est rendu|meet|\bmet\b|"
    r"talks|summit|visit|welcomed|treffen|reuni[oó]n|incontr",
    re.IGNORECASE,
)
_JOINT = re.compile(r"sign|paraph|scell|conclu|accueil|host", re.IGNORECASE)
_BODY_END = re.compile(r"[.!?»”\"…)\]]\s*$")


def _is_body(sentence: str) -> bool:
    """A sentence of running text: it ends like one (headlines, captions, menus do not)."""
    return _BODY_END.search(sentence) is not None


def sentences_about(
    kind: str, article: str, spans: Sequence[tuple[int, int]], people: list[str]
) -> list[int]:
    """Numbers (1-based) of the body sentences that may state a record of ``kind``.

    ``meetings``: a meeting word ("rencontre", "talks" ...), or two people named with a joint
    act (signing, welcoming). ``agreements``: an agreement word. ``commitments``: an intention
    (``states_intention``). Code narrows the model's choice; the model still decides.
    """
    surnames = {key.split()[-1] for key in map(name_key, people) if key}
    out = []
    for number, (start, end) in enumerate(spans, 1):
        text = article[start:end]
        if not _is_body(text):
            continue
        if kind == "meetings":  # a meeting word, or two people (by surname) in a joint act
            hit = bool(_MEETING.search(text)) or (
                len(surnames & _words(text)) >= 2 and bool(_JOINT.search(text))
            )
        elif kind == "agreements":
            hit = bool(_AGREEMENT.search(text))
        else:
            hit = states_intention(text)
        if hit:
            out.append(number)
    return out


def states_intention(sentence: str) -> bool:
    """True when the sentence carries a promise or plan (tense or wording), French or English."""
    return _INTENT.search(sentence) is not None


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", strip_accents(fold(text))))


def supported_date(
    value: str | None, sentence: str, published: dt.date | None, status: str
) -> str | None:
    """``value`` if ``sentence`` states that day; else a weekday resolved from ``published``."""
    words = _words(sentence)
    if value:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        if day and str(day.day) in words and words & set(MONTHS[day.month].split()):
            return value
        if day and value in sentence:
            return value
    if published is not None:
        for index, names in enumerate(WEEKDAYS):
            if words & set(names.split()):
                delta = (index - published.weekday()) % 7
                if status in ("held", "signed"):
                    delta = -((published.weekday() - index) % 7)
                return (published + dt.timedelta(days=delta)).isoformat()
    return None


def supported_text(value: str | None, sentence: str) -> str | None:
    """``value`` (an amount or a deadline) if every number and month it names is in the
    sentence, else ``None``: a small model fills such fields with dates it made up."""
    if not value:
        return None
    words = _words(sentence)
    said = _words(value)
    numbers = {w for w in said if w.isdigit()}
    if not numbers <= {w for w in words if w.isdigit()}:
        return None
    for names in MONTHS.values():
        month = set(names.split())
        if said & month and not words & month:
            return None
    return value


def _same_people(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(any(same_person(x, y) for y in b) for x in a)


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb))


def refine(
    records: dict[str, list[dict[str, Any]]], article: str, published: dt.date | None
) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, str, dict[str, Any]]]]:
    """Apply the checks above; returns new lists (drafts keep their evidence and span) and every
    draft dropped, as (type, reason, draft): nothing is dropped without a trace."""
    dropped: list[tuple[str, str, dict[str, Any]]] = []
    meetings: list[dict[str, Any]] = []
    for m in records.get("meetings", []):
        people: list[str] = []
        for p in m.get("participants", []):
            if not any(same_person(p, q) for q in people):
                people.append(p)
        if len(people) < 2:
            dropped.append(("meetings", "fewer than two distinct participants", m))
            continue
        m = {**m, "participants": people}
        m["date"] = supported_date(m.get("date"), m["evidence"], published, m.get("status", ""))
        if any(_same_people(people, k["participants"]) for k in meetings):
            dropped.append(("meetings", "duplicate of a meeting with the same participants", m))
        else:
            meetings.append(m)
    agreements: list[dict[str, Any]] = []
    for a in records.get("agreements", []):
        a = {**a, "parties": list(dict.fromkeys(english_country(p) for p in a.get("parties", [])))}
        a["signed_date"] = supported_date(
            a.get("signed_date"), a["evidence"], published, a.get("status", "")
        )
        if a.get("status") == "negotiating" and not _NEGOTIATION.search(a["evidence"]):
            dropped.append(("agreements", "status negotiating not supported by the sentence", a))
        elif not _AGREEMENT.search(a["evidence"]):
            dropped.append(("agreements", "the sentence names no agreement", a))
        elif any(_overlap(a["title"], k["title"]) >= 0.5 for k in agreements):
            dropped.append(("agreements", "duplicate of an agreement with a similar title", a))
        else:
            agreements.append(a)
    commitments: list[dict[str, Any]] = []
    for c in records.get("commitments", []):
        c = {**c, "actor": english_country(c["actor"])}
        c["amount"] = supported_text(c.get("amount"), c["evidence"])
        c["deadline"] = supported_text(c.get("deadline"), c["evidence"])
        dup = any(
            same_person(c["actor"], k["actor"]) and _overlap(c["action"], k["action"]) >= 0.6
            for k in commitments
        )
        if dup:
            dropped.append(("commitments", "duplicate of a commitment by the same actor", c))
        elif not c.get("action"):
            dropped.append(("commitments", "no action", c))
        elif not states_intention(c["evidence"]):
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
