"""The GBNF grammar of ``--mode gbnf``: it accepts the schema's JSON on one line and nothing else.

The grammars are checked without a llama.cpp server: ``to_regex`` below expands a (non-recursive)
grammar into a Python regular expression with the same language, so JSON texts can be matched
against it. The live check (a real server obeying the grammar) is in the committed recordings of
ladder rung e, made with ``--mode gbnf``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from extract.llm.gbnf import compact_grammar, grammar_for, literal
from extract.settings import Settings
from extract.strategies.base import AnswerModel
from extract.strategies.single import SingleAnswer
from extract.strategies.staged import _models

_TOKEN = re.compile(
    r'\s*(?:(?P<lit>"(?:\\.|[^"\\])*")|(?P<cls>\[(?:\\.|[^\]\\])*\])|(?P<name>[a-zA-Z][\w-]*)'
    r"|(?P<rep>\{\d+(?:,\d*)?\})|(?P<op>[()|?*+]))"
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def to_regex(grammar: str) -> re.Pattern[str]:
    """The language of a non-recursive GBNF grammar (the subset extract.llm.gbnf writes)."""
    rules = dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())

    def expand(name: str, depth: int = 0) -> str:
        assert depth < 20, "recursive grammar"
        body, out, at = rules[name], [], 0
        while at < len(body):
            m = _TOKEN.match(body, at)
            assert m, f"cannot read {body[at:]!r}"
            at = m.end()
            if m["lit"]:
                text = re.sub(r"\\(.)", lambda e: _ESCAPES[e.group(1)], m["lit"][1:-1])
                out.append(re.escape(text))
            elif m["cls"]:
                out.append(m["cls"])
            elif m["name"]:
                out.append(f"(?:{expand(m['name'], depth + 1)})")
            else:
                out.append(m["rep"] or m["op"])
        return "".join(out)

    return re.compile(expand("root"), re.DOTALL)


def one_line(value: Any, *, spaced: bool = False) -> str:
    separators = (", ", ": ") if spaced else (",", ":")
    return json.dumps(value, ensure_ascii=False, separators=separators)


class Item(BaseModel):
    sentence: Literal[3, 5, 12]
    name: Literal["Donald Trump", 'Li "Junior" \\ Wei']
    note: str | None = Field(default=None, max_length=10)
    day: str | None = Field(default=None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Answer(BaseModel):
    items: list[Item] = Field(max_length=2)
    tags: list[str]
    ok: bool
    score: float


GOOD = {
    "items": [
        {"sentence": 12, "name": 'Li "Junior" \\ Wei', "note": 'é, "x"', "day": "2025-10-27"},
        {"sentence": 3, "name": "Donald Trump"},
    ],
    "tags": ["a b", ""],
    "ok": True,
    "score": -1.5e3,
}


def test_one_line_json_of_the_schema_is_accepted() -> None:
    tight = to_regex(compact_grammar(Answer.model_json_schema()) or "")
    spaced = to_regex(compact_grammar(Answer.model_json_schema(), spaces=True) or "")
    for value in (GOOD, {**GOOD, "items": [], "tags": []}):
        assert tight.fullmatch(one_line(value))
        assert spaced.fullmatch(one_line(value)) and spaced.fullmatch(one_line(value, spaced=True))
        Answer.model_validate_json(one_line(value))  # and it is what the schema means
    assert not tight.fullmatch(one_line(GOOD, spaced=True))  # tight: no space at all


@pytest.mark.parametrize(
    "change",
    [
        {"items": [{"sentence": 4, "name": "Donald Trump"}]},  # not in the sentence enum
        {"items": [{"sentence": 3, "name": "Trump"}]},  # not in the name enum
        {"items": [{"sentence": 3, "name": "Donald Trump"}] * 3},  # maxItems 2
        {"items": [{"sentence": 3, "name": "Donald Trump", "note": "x" * 11}]},  # maxLength 10
        {"items": [{"sentence": 3, "name": "Donald Trump", "day": "27 October"}]},  # pattern
        {"items": [{"name": "Donald Trump", "sentence": 3}]},  # keys out of order
        {"ok": "yes"},
    ],
)
def test_json_outside_the_schema_is_refused(change: dict[str, Any]) -> None:
    grammar = to_regex(compact_grammar(Answer.model_json_schema(), spaces=True) or "")
    assert grammar.fullmatch(one_line(GOOD))
    assert not grammar.fullmatch(one_line({**GOOD, **change}))


def test_no_line_breaks_even_where_the_server_grammar_allows_them() -> None:
    pretty = json.dumps(GOOD, ensure_ascii=False, indent=2)
    for spaces in (False, True):
        grammar = compact_grammar(Answer.model_json_schema(), spaces=spaces) or ""
        assert not to_regex(grammar).fullmatch(pretty)
        assert not to_regex(grammar).fullmatch(one_line(GOOD).replace(",", ",\n"))


def test_every_response_model_of_the_strategies_is_supported() -> None:
    people = ["Donald Trump", "Sanae Takaichi"]
    models = _models(
        people, [*people, "Nordwerk AG"], list(range(1, 13)), {"meetings": [3], "commitments": []}
    )
    for model in [SingleAnswer, *models.values()]:
        grammar = grammar_for(model)
        assert grammar is not None and grammar.startswith("root ::= ")
        assert grammar_for(model) is grammar  # computed once per model class


def test_optional_properties_without_a_required_one() -> None:
    class Loose(BaseModel):
        a: int | None = None
        b: bool | None = None

    grammar = to_regex(compact_grammar(Loose.model_json_schema()) or "")
    for text in ("{}", '{"a":1}', '{"b":false}', '{"a":null,"b":true}'):
        assert grammar.fullmatch(text), text
    assert not grammar.fullmatch('{"b":true,"a":1}')
    assert not grammar.fullmatch('{,"b":true}')


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "date-time"},
        {"type": "string", "pattern": "[0-9]+"},  # unanchored
        {"type": "string", "pattern": "^(a|b)$"},  # alternation
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "object"},  # any object
        {"type": "array"},  # no items
        {"$ref": "#/definitions/X"},
        {"type": "tuple"},
    ],
)
def test_unsupported_schemas_give_none_so_the_schema_is_sent_as_usual(
    schema: dict[str, Any],
) -> None:
    assert compact_grammar(schema) is None


def test_literals_escape_quotes_backslashes_and_line_breaks() -> None:
    assert literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_a_schema_the_converter_cannot_translate_is_sent_as_response_format(
    settings: Settings,
) -> None:
    import asyncio
    import datetime as dt

    import httpx2

    from extract.llm.backend import LLM
    from tests.synthetic import completion

    class Dated(AnswerModel):
        when: dt.datetime  # "format": "date-time": not translated

    class Named(AnswerModel):
        name: Literal["a", "b"]

    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        seen.append(body)
        reply = {"name": "a"} if "grammar" in body else {"when": "2025-10-27T10:00:00"}
        return httpx2.Response(200, json=completion(reply))

    async def go() -> None:
        llm = LLM(settings.with_(mode="gbnf"), transport=httpx2.MockTransport(handler))
        try:
            for model in (Dated, Named):
                answer = await llm.ask([{"role": "user", "content": "x"}], model)
                assert answer.value is not None
        finally:
            await llm.aclose()

    asyncio.run(go())
    assert "grammar" not in seen[0] and seen[0]["response_format"]["type"] == "json_schema"
    assert seen[1]["response_format"] == {"type": "text"}
    assert seen[1]["grammar"] == grammar_for(Named)
