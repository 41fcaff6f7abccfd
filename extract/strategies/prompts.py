"""Prompt text and its version; a change to any prompt must bump ``PROMPT_VERSION``.

Examples in prompts never come from the seed articles: a value the golden files hold (a party,
an amount, a deadline) would be a hint the evaluation then rewards.

The fixed instructions come first and the article last, so a server that caches prompt
prefixes (llama.cpp) reads the instructions once per run. In instructor's JSON-schema mode the
model does not see field descriptions: every rule it needs is written here.
"""

from __future__ import annotations

import datetime as dt

PROMPT_VERSION = "single-2"

SINGLE_SYSTEM = """\
You extract facts from one news article into JSON. The article may be in any language.

language: the ISO 639-1 code of the article's language ("fr", "en", "de", ...).

meetings: each meeting between two or more named people, held or planned (not a speech, not a
dinner). participants: the people's full names. date: YYYY-MM-DD only when the article gives
the day, else null. location: the place or null. status: "held" or "planned". topics: short
English phrases. evidence: one short sentence copied from the article.

agreements: each distinct signed or planned agreement reported as news. title: a short English
title. parties: countries or organisations in English ("France", "European Union"). signatories:
people who signed. subject: what it covers, in English. signed_date: YYYY-MM-DD or null.
location or null. status: "signed", "planned" or "negotiating". evidence: a sentence copied
from the article.

quotes: words inside quotation marks (« », “ ”, " ") that the article attributes to a named
person. text: the exact words between the marks, copied character for character in the
article's language, never translated, shortened or reworded; without the marks. speaker: the
person's full name. Skip excerpts of documents and headlines.

commitments: a concrete promise or announced intention of an actor (not a past fact). actor:
who commits. action: what, in English. amount: quantity as text ("500 buses", "$2 billion")
or null. deadline: date or short text or null. evidence: a sentence copied from the
article.

Use null or an empty list when the article says nothing. Never invent names, dates or words."""


def article_message(text: str, published: dt.date | None) -> str:
    """The user turn: publication date, then the article between markers."""
    when = published.isoformat() if published else "unknown"
    return f"Publication date: {when}\n\nArticle:\n<<<\n{text}\n>>>"


STAGED_VERSION = "staged-6"

STAGED_SYSTEM = """\
You answer questions about one news article. The article may be in any language; its sentences
are numbered [1], [2], ... Answer in compact JSON on one line, nothing else. Use only what the article says: never invent
names, dates or facts; use null or an empty list when the article does not say. Write titles,
actions and topics in short English."""

QUESTIONS = {
    "speaker": (
        "Sentence [{sentence}] contains the quoted words «{text}». Who says these words? "
        "Answer with one name from the list, or with the name as the article writes it when "
        'the list lacks it, or "none" when they are not a person\'s words (a title, a '
        "document, the writer's own phrase)."
    ),
    "meetings": (
        "List the meetings between two or more named people (held or planned; not a speech, "
        "not a dinner). For each: participants (names from the list), sentence (the number of "
        'the sentence that reports it), status ("held" or "planned"), date (YYYY-MM-DD only '
        "when that sentence gives the day, else null), location (city or place, or null), "
        "topics (up to 3 short English phrases). At most 3, no repeats."
    ),
    "agreements": (
        "List each distinct agreement that was signed or is planned, as reported news (not "
        "older accords mentioned in passing). For each: title (short English), parties "
        '(countries or organisations in English, e.g. "France", "European Union"), signatories '
        "(names from the list, or empty), sentence (number of the sentence that reports it), "
        'status ("signed", "planned" or "negotiating"), signed_date (YYYY-MM-DD only when '
        "that sentence gives the day, else null), location (or null). At most 3, no repeats."
    ),
    "commitments": (
        "List concrete promises or announced intentions (future actions, not past facts). "
        "For each: actor (a person from the list or a country), action (short English), "
        'amount (quantity as text, e.g. "500 buses", "$2 billion", or null), deadline '
        '(date or short text such as "by June", or null), sentence (number of the sentence '
        "that states it). At most 4, no repeats."
    ),
    # no sentence hinted: one word first, the open question only on "yes"
    "meetings_any": (
        "Does the article report a meeting between two or more named people (held or "
        'planned; not a speech, not a dinner)? Answer "yes" or "no".'
    ),
    "agreements_any": (
        "Does the article report an agreement, deal or treaty that was signed, is planned or "
        'is being negotiated? Answer "yes" or "no".'
    ),
    "commitments_any": (
        "Does the article report a concrete promise or announced plan of a named person, "
        "organisation or country (a future action, not a past fact, not a forecast)? Answer "
        '"yes" or "no".'
    ),
    # rung d: code picks the sentences that may state a record; the model chooses among them
    "meetings_in": (
        "Sentences {sentences} may report meetings. List the meetings between two or more "
        "named people that they report (held or planned; not a speech, not a dinner). For "
        'each: sentence (its number), participants (names from the list), status ("held" or '
        '"planned"), date (YYYY-MM-DD only when that sentence gives the day, else null), '
        "location (city or place, or null), topics (up to 2 short English phrases). One "
        "record per meeting, at most 3."
    ),
    "agreements_in": (
        "Sentences {sentences} may report agreements. List each distinct agreement signed or "
        "planned that they report as news (not older accords mentioned in passing). For each: "
        "sentence (its number), title (short, in English: translate), parties (countries or "
        'organisations in English, e.g. "France", "European Union"), signatories (names from '
        'the list, or empty), status ("signed", "planned" or "negotiating"), signed_date '
        "(YYYY-MM-DD only when that sentence gives the day, else null), location (or null). "
        "One record per agreement, at most 3."
    ),
    "commitments_in": (
        "Sentences {sentences} may state promises or plans. List the concrete promises or "
        "announced intentions they state: what someone will do (future actions, not past "
        "facts). For each: sentence (its number); actor (who will act: a person from the list, "
        'or a country in English; two countries joined by "and" when both will act); action '
        "(what they will do, translated into English with its details, starting with a verb); "
        "amount (the quantity the sentence names, as text, else null); deadline (the date or "
        "time limit the sentence states, else null). At most 4, no repeats."
    ),
}


ENGLISH_FIX = (
    "Some {fields} are not in English. Give the same records again, with every {fields} "
    "translated into short English."
)


def staged_user(numbered: str, published: dt.date | None, question: str) -> str:
    """The user turn of a staged call: the fixed numbered article first, the question last,
    so every call about one article shares the same prompt prefix (llama.cpp prompt cache)."""
    when = published.isoformat() if published else "unknown"
    return f"Publication date: {when}\n\nArticle:\n{numbered}\n\nQuestion: {question}"


def people_line(people: list[str]) -> str:
    return "Names in the article: " + "; ".join(people) if people else ""
