"""Code-side checks on the staged strategy's records: what code can decide exactly, it decides.

Every check that drops a record says why (the pipeline lists it under ``rejected``):

- a meeting needs two or more distinct participants; one from a sentence code did not hint must
  say "meet" (the profile's words) or name two of its participants and most of them (a
  sentence naming one person, a quote's attribution or a caption, reports no meeting);
- where the language has a profile and code hinted the record's sentence, an agreement's
  sentence must name an agreement (and a "negotiating" status needs negotiation words), and a
  commitment's sentence must carry an intention (a completed past fact is not a commitment).
  A record from a sentence code did not hint (the model read every sentence) keeps the model's
  judgement: a hint is not a gate;
- countries are named in English ("Japon" -> "Japan");
- records that say the same thing are merged (same participants; similar agreement titles; same
  actor and action words);
- an agreement or a commitment moves to the hinted sentence its fields point at (shared
  numbers, names and word stems) when the model's sentence number is a neighbour's.
Dates, amounts and deadlines are checked for every strategy in ``extract.assemble``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from extract.drafts import Draft, DraftAgreement, DraftCommitment, DraftMeeting, Dropped
from extract.models import RecordType
from extract.text.countries import english_country
from extract.text.grounding import fold
from extract.text.hints import states_intention, words
from extract.text.people import same_person, strip_accents
from extract.text.profiles import mentions, profile


def _surname(name: str) -> str:
    folded = re.findall(r"\w+", strip_accents(fold(name)))
    return folded[-1] if folded else ""


def _same_people(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(any(same_person(x, y) for y in b) for x in a)


def _overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / max(1, len(wa | wb))


# The fields whose words point at an agreement's or a commitment's sentence.
POINTERS: dict[str, tuple[str, ...]] = {
    "agreements": ("title", "location", "parties", "signatories"),
    "commitments": ("action", "amount", "deadline"),
}
_STEM = 5  # leading letters two languages' forms of a word often share ("interoperab…")


def _stems(text: str) -> set[str]:
    folded = (w.casefold() for w in words(text))
    return {w[:_STEM] for w in folded if len(w) >= _STEM}


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", re.sub(r"(?<=\d)[.,\u00a0\u202f ](?=\d)", "", text)))


def pointing(kind: str, answer: Mapping[str, object], sentence: str) -> int:
    """How strongly a record's English fields point at ``sentence`` (any language): shared
    numbers (twice) and shared word stems (names, cognates: "interoperability" and
    "interoperabilità")."""
    said: list[str] = []
    for name in POINTERS[kind]:
        value = answer.get(name)
        said += [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
    text = " ".join(said)
    return 2 * len(_numbers(text) & _numbers(sentence)) + len(_stems(text) & _stems(sentence))


def closest_sentence(
    kind: str,
    answer: Mapping[str, object],
    number: int,
    hinted: list[int],
    article: str,
    spans: Sequence[tuple[int, int]],
) -> int:
    """The hinted sentence the record's fields point at most strongly, when that is not the
    sentence the model gave (a small model often gives a neighbour's number: "buy back
    shares" on the sentence about job cuts); the model's number on a tie."""
    if kind not in POINTERS or number not in hinted:
        return number

    def strength(n: int) -> int:
        start, end = spans[n - 1]
        return pointing(kind, answer, article[start:end])

    best = max(hinted, key=strength)
    return best if strength(best) > strength(number) else number


def refine(
    records: Mapping[RecordType, list[Draft]],
    language: str,
    hinted: Mapping[RecordType, Collection[tuple[int, int]]] | None = None,
) -> tuple[dict[RecordType, list[Draft]], list[Dropped]]:
    """Apply the checks above; returns new lists and every draft dropped, as (type, reason,
    draft). ``hinted`` maps a type to the spans of the sentences code hinted for it."""
    hinted = hinted or {}
    p = profile(language)
    dropped: list[Dropped] = []

    def drop(kind: RecordType, reason: str, draft: Draft) -> None:
        dropped.append(Dropped(kind, reason, draft))

    def checked(kind: RecordType, draft: Draft) -> bool:
        return p.has_rules and draft.span in set(hinted.get(kind, ()))

    def unsupported_meeting(draft: DraftMeeting) -> bool:
        """A meeting from a sentence code did not hint (the model read every sentence) that
        neither says "meet" nor names two of its participants: nothing in it reports one."""
        if not p.has_rules or checked("meetings", draft):
            return False
        sentence = draft.evidence
        said = mentions(p.meeting, sentence) or mentions(p.joint_act, sentence)
        named = words(sentence) & {_surname(x) for x in draft.participants}
        # two of its participants, and most of them: a list of everyone a caption names is none
        return not said and (len(named) < 2 or 2 * len(named) < len(set(draft.participants)))

    meetings: list[DraftMeeting] = []
    for m in records.get("meetings", []):
        assert isinstance(m, DraftMeeting)
        people: list[str] = []
        for name in m.participants:
            if not any(same_person(name, q) for q in people):
                people.append(name)
        m = m.model_copy(update={"participants": people})
        if len(people) < 2:
            drop("meetings", "fewer than two distinct participants", m)
        elif unsupported_meeting(m):
            reason = "the sentence neither reports a meeting nor names most of its participants"
            drop("meetings", reason, m)
        elif any(_same_people(people, k.participants) for k in meetings):
            drop("meetings", "duplicate of a meeting with the same participants", m)
        else:
            meetings.append(m)
    agreements: list[DraftAgreement] = []
    for a in records.get("agreements", []):
        assert isinstance(a, DraftAgreement)
        parties = list(dict.fromkeys(english_country(x) for x in a.parties))
        a = a.model_copy(update={"parties": parties})
        if (
            checked("agreements", a)
            and a.status == "negotiating"
            and not mentions(p.negotiation, a.evidence)
        ):
            drop("agreements", "status negotiating not supported by the sentence", a)
        elif checked("agreements", a) and not mentions(p.agreement, a.evidence):
            drop("agreements", "the sentence names no agreement", a)
        elif any(_overlap(a.title or "", k.title or "") >= 0.5 for k in agreements):
            drop("agreements", "duplicate of an agreement with a similar title", a)
        else:
            agreements.append(a)
    commitments: list[DraftCommitment] = []
    for c in records.get("commitments", []):
        assert isinstance(c, DraftCommitment)
        c = c.model_copy(update={"actor": english_country(c.actor or "")})
        dup = any(
            same_person(c.actor or "", k.actor or "")
            and _overlap(c.action or "", k.action or "") >= 0.6
            for k in commitments
        )
        if dup:
            drop("commitments", "duplicate of a commitment by the same actor", c)
        elif not c.action:
            drop("commitments", "no action", c)
        elif checked("commitments", c) and not states_intention(c.evidence, language):
            drop("commitments", "the sentence states no intention", c)
        else:
            commitments.append(c)
    kept: dict[RecordType, list[Draft]] = {
        "meetings": [*meetings],
        "agreements": [*agreements],
        "quotes": [*records.get("quotes", [])],
        "commitments": [*commitments],
    }
    return kept, dropped
