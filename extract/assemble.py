"""From the model's draft records to output records: grounding, canonical names, dedup.

Shared by every strategy. A draft that cannot be grounded is not dropped: it goes to
``rejected`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from extract.drafts import Draft, as_dict
from extract.models import (
    Agreement,
    ArticleExtraction,
    Commitment,
    Meeting,
    Quote,
    RecordType,
    Rejected,
)
from extract.text.countries import country_code, english_country
from extract.text.dates import (
    DateExpression,
    date_expression,
    find_date_expressions,
    iso_day,
    resolve_date,
    stated_in,
)
from extract.text.grounding import find_span, locate_evidence
from extract.text.named import is_nullish, party_named, person_named
from extract.text.people import canonical, is_company_form, strip_accents
from extract.text.quotes import inside_quotation

_MODELS: dict[str, type[BaseModel]] = {
    "meetings": Meeting,
    "agreements": Agreement,
    "quotes": Quote,
    "commitments": Commitment,
}


def _names(values: list[str], article: str, language: str) -> list[str]:
    out: list[str] = []
    for value in values:
        name = canonical(value, article, language)
        if name and name not in out:
            out.append(name)
    return out


def quote_problem(article: str, text: str) -> str | None:
    """Why ``text`` cannot be a quote of ``article`` (None when it is verbatim there)."""
    span = find_span(article, text)
    if span is None:
        return "quote text is not in the article verbatim (copy the exact words, or drop it)"
    if not inside_quotation(article, span):
        return "quote text is not between quotation marks in the article (drop it)"
    return None


def evidence_problem(article: str, evidence: str) -> str | None:
    """Why ``evidence`` cannot be located in ``article`` (None when it can)."""
    if locate_evidence(article, evidence) is None:
        return "evidence is not a passage of the article (copy one sentence exactly)"
    return None


def _trimmed(article: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and article[start].isspace():
        start += 1
    while end > start and article[end - 1].isspace():
        end -= 1
    return start, end


def _cuts_a_word(article: str, span: tuple[int, int]) -> bool:
    """True when ``span`` starts or ends in the middle of a word ("ratulations", "Congrat")."""
    start, end = span
    starts_inside = (
        0 < start < len(article) and article[start - 1].isalnum() and article[start].isalnum()
    )
    ends_inside = 0 < end < len(article) and article[end - 1].isalnum() and article[end].isalnum()
    return starts_inside or ends_inside


def _without_placeholders(draft: dict[str, Any]) -> dict[str, Any]:
    """Strings models write instead of null ("null", "unknown", "n/a") become null; list items
    that are such strings are dropped."""
    out: dict[str, Any] = {}
    for key, value in draft.items():
        if is_nullish(value):
            value = None
        elif isinstance(value, list):
            value = [v for v in value if not is_nullish(v)]
        out[key] = value
    return out


def _named_people(values: list[str], article: str, field: str) -> list[str]:
    """The values that are people the article names: a country or a company (a legal form:
    "Nordwerk AG") is never a meeting participant or a signatory."""
    kept = [v for v in values if person_named(v, article) and not _place_or_company(v)]
    if values and not kept:
        raise ValueError(f"{field}: no one the article names ({', '.join(values)})")
    return kept


def _place_or_company(name: str) -> bool:
    words = name.replace(",", " ").split()
    return country_code(name) is not None or (bool(words) and is_company_form(words[-1]))


def build_record(
    kind: RecordType,
    draft: Draft | dict[str, Any],
    article: str,
    language: str,
    *,
    published: dt.date | None = None,
) -> Any:
    """One output record from a draft; raises ValueError with the reason when it fails.

    The same checks for every strategy: placeholders become null; a quote lies between quotation
    marks of any language; speakers, participants, signatories, parties and actors are named in
    the article (unnamed participants and signatories are dropped; a record left with none, or
    whose speaker or actor the article never names, fails). Dates are decided here, in code,
    from the record's evidence (``date_text``), and resolved against ``published`` (see
    ``extract.text.dates``); what the model proposed for a date is only used to pick a commitment's
    deadline among the sentence's expressions.
    """
    raw = draft.model_dump() if isinstance(draft, Draft) else dict(draft)
    fields = _without_placeholders(raw)
    given = fields.pop("span", None)
    if given is not None and not 0 <= given[0] < given[1] <= len(article):
        given = None
    if kind == "quotes":
        text = str(fields.get("text", ""))
        span = given if given and article[given[0] : given[1]] == text else find_span(article, text)
        if span is None:
            raise ValueError("quote text not found verbatim in the article")
        span = _trimmed(article, span)  # a passage found across paragraphs ends in "\n\n"
        if _cuts_a_word(article, span):
            raise ValueError("quote text starts or ends inside a word of the article")
        if not inside_quotation(article, span):
            raise ValueError("quote text is not between quotation marks in the article")
        fields["text"] = fields["evidence"] = article[span[0] : span[1]]
        speaker = canonical(str(fields.get("speaker") or ""), article, language)
        if speaker and not person_named(speaker, article) and not party_named(speaker, article):
            raise ValueError(f"speaker {speaker!r} is not named in the article")
        fields["speaker"] = speaker
        fields["language"] = fields.get("language") or language
    else:
        evidence = str(fields.get("evidence", ""))
        exact = given and article[given[0] : given[1]] == evidence
        located = given if exact else locate_evidence(article, evidence)
        if located is None:
            raise ValueError("evidence not found in the article")
        span = located
        fields["evidence"] = article[span[0] : span[1]]
    fields["span"] = span
    if kind == "meetings":
        people = _names(fields.get("participants") or [], article, language)
        fields["participants"] = _named_people(people, article, "participants")
        if len(fields["participants"]) < 2:  # golden guidelines: a meeting of two or more
            raise ValueError("a meeting needs two participants the article names as people")
        fields["date"] = iso_day(fields.get("date"))
    elif kind == "agreements":
        people = _names(fields.get("signatories") or [], article, language)
        fields["signatories"] = [
            p for p in people if person_named(p, article) and not _place_or_company(p)
        ]
        parties = [english_country(str(p)) for p in fields.get("parties") or []]
        named = [p for p in parties if party_named(p, article)]
        if parties and not named:
            raise ValueError(f"parties: none the article names ({', '.join(parties)})")
        fields["parties"] = list(dict.fromkeys(named))
        fields["signed_date"] = iso_day(fields.get("signed_date"))
    elif kind == "commitments":
        if problem := action_problem(str(fields.get("action") or "")):
            raise ValueError(problem)
        actor = english_country(canonical(str(fields.get("actor") or ""), article, language))
        if actor and not party_named(actor, article) and not person_named(actor, article):
            raise ValueError(f"actor {actor!r} is not named in the article")
        fields["actor"] = actor
        for name in ("amount", "deadline"):  # a value the evidence does not state is invented
            value = fields.get(name)
            if value and not stated_in(str(value), fields["evidence"], language):
                fields[name] = None
    if kind != "quotes":
        date_fields(kind, fields, language, published)
    if kind in ("meetings", "agreements"):
        fields["conflicts"] = date_conflicts(kind, fields, article, language, published)
    try:
        return _MODELS[kind].model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"invalid record: {where}: {first['msg']}") from None


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Verbs whose base form ends in "-ed": not a past tense.
_BASE_ED = frozenset(
    "exceed proceed succeed need feed embed speed breed bleed shed seed heed".split()
)


def action_problem(action: str) -> str | None:
    """Why a commitment's action (English, by the prompt's contract: "what they will do,
    starting with a verb") states no future action, or None. One word ("announces",
    "financiar") names none; a past tense first ("developed a method") is a past fact, unless an
    intention follows ("pledged to cut")."""
    words = action.split()
    if len(words) < 2:
        return f"action {action!r} states no action (one word)"
    first = words[0].casefold()
    if first.endswith("ed") and len(first) > 3 and first not in _BASE_ED and words[1] != "to":
        return f"action {action!r} is a past fact"
    return None


def date_fields(
    kind: RecordType, fields: dict[str, Any], language: str, published: dt.date | None
) -> None:
    """Set ``date_text`` from the evidence and the date (or deadline) resolved from it."""
    evidence = fields["evidence"]
    if kind == "commitments":
        deadline = fields.get("deadline")
        expression = _deadline_expression(evidence, language, deadline) if deadline else None
        fields["date_text"] = expression.text if expression else None
        day = resolve_date(expression, published, planned=True) if expression else None
        if day is not None:
            fields["deadline"] = day.isoformat()
        elif deadline and _ISO_DAY.fullmatch(str(deadline)):
            fields["deadline"] = None  # a day the article does not give: never a guess
        return
    expression = date_expression(evidence, language)
    fields["date_text"] = expression.text if expression else None
    planned = fields.get("status") not in ("held", "signed")
    day = None
    if expression is not None and not expression.bound:  # "before Thursday" is no date
        day = resolve_date(expression, published, planned=planned)
    fields["date" if kind == "meetings" else "signed_date"] = day


def _key_words(kind: RecordType, fields: dict[str, Any]) -> tuple[set[str], int]:
    """Words naming the record's parties (surnames; party names) and how many of them another
    sentence must name to be about the same event."""
    if kind == "meetings":
        people = [str(p) for p in fields.get("participants") or []]
        return {w for p in people for w in _folded_words(p)[-1:]}, min(2, len(people))
    names = [*map(str, fields.get("signatories") or []), *map(str, fields.get("parties") or [])]
    return {w for n in names for w in _folded_words(n) if len(w) > 3}, 1


def _lines(article: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in article.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((at + lead, at + lead + len(stripped)))
        at += len(line) + 1
    return spans


def _folded_words(text: str) -> list[str]:
    return re.findall(r"\w+", strip_accents(text).casefold())


def date_conflicts(
    kind: RecordType,
    fields: dict[str, Any],
    article: str,
    language: str,
    published: dt.date | None,
) -> list[dict[str, Any]]:
    """Other days the article gives for the same event: a sentence outside the evidence (a photo
    caption, the standfirst) that names the record's parties and states a different day. The
    record keeps its own (the body's) date; each other day is kept with its passage."""
    field = "date" if kind == "meetings" else "signed_date"
    day = fields.get(field)
    keys, need = _key_words(kind, fields)
    if day is None or not keys or need == 0:
        return []
    planned = fields.get("status") not in ("held", "signed")
    start, end = fields["span"]
    out: dict[str, dict[str, Any]] = {}
    for s, e in _lines(article):  # a caption is a line of its own; dates split sentences
        if s < end and start < e:
            continue  # the evidence's own paragraph
        sentence = article[s:e]
        if len(keys & set(_folded_words(sentence))) < need:
            continue
        for expression in find_date_expressions(sentence, language):
            if expression.bound:
                continue
            other = resolve_date(expression, published, planned=planned)
            if other is not None and other != day and other.isoformat() not in out:
                out[other.isoformat()] = {
                    "field": field,
                    "value": other.isoformat(),
                    "evidence": sentence,
                    "span": (s, e),
                }
    return list(out.values())


def _deadline_expression(evidence: str, language: str, deadline: object) -> DateExpression | None:
    """The expression of ``evidence`` that the model's ``deadline`` stands for: the one with its
    numbers or its month (the sentence may also say when the promise was made)."""
    found = find_date_expressions(evidence, language)
    said = str(deadline)
    digits = set(re.findall(r"\d+", said))
    months = {e.month for e in find_date_expressions(said, "en") if e.month}
    if _ISO_DAY.fullmatch(said):
        months.add(int(said[5:7]))
    for expression in found:
        numbers = set(re.findall(r"\d+", expression.text))
        if (numbers and numbers <= digits) or (expression.month in months and months):
            return expression
    return None


def _identity(record: Any) -> str:
    # date_text comes from the evidence: like it, it does not make a record different
    data = record.model_dump(mode="json", exclude={"evidence", "span", "date_text"})
    return json.dumps(data, sort_keys=True, ensure_ascii=False).casefold()


def assemble(
    drafts: Mapping[RecordType, Sequence[Draft | dict[str, Any]]],
    article: str,
    language: str,
    *,
    published: dt.date | None = None,
) -> tuple[ArticleExtraction, list[Rejected]]:
    """Ground every draft; identical records (all fields but evidence) are kept once.

    ``published`` resolves the records' relative dates ("ce mardi"); without it they stay
    null and ``date_text`` keeps the words.
    """
    kept: dict[RecordType, list[Any]] = {kind: [] for kind in _MODELS}  # type: ignore[misc]
    rejected: list[Rejected] = []
    for kind in kept:
        seen: set[str] = set()
        for draft in drafts.get(kind, []):
            try:
                record = build_record(kind, draft, article, language, published=published)
            except ValueError as exc:
                rejected.append(Rejected(type=kind, reason=str(exc), record=as_dict(draft)))
                continue
            identity = _identity(record)
            if identity not in seen:
                seen.add(identity)
                kept[kind].append(record)
    return ArticleExtraction(**kept), rejected
