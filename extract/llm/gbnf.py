"""JSON Schema to a GBNF grammar without line breaks, for llama.cpp servers (``--mode gbnf``).

llama-server turns a ``response_format`` JSON schema into a grammar whose separators allow
spaces, newlines and indentation, and small models use them: the recorded pretty-printed
answers of the staged strategy took 2,721 tokens where the same JSON on one line takes 1,802
(-34 %), and output tokens are what a CPU model is slow at. The grammar written here accepts
the JSON of the schema on one line. ``grammar_for`` lets the model put one space after
``{ [ , :`` and before ``} ]`` (``spaces=True``): measured on the seeds with the local 1.5B
model, forbidding every space as well changed what the model wrote (no commitment found,
speaker accuracy 0.82 instead of 0.94), while one optional space kept it (figures in
bench/RESULTS.md).

Only the part of JSON Schema that Pydantic writes for our response models is supported:
``$ref``/``$defs``, ``anyOf``, ``enum``, ``const``, ``type`` (one or a list), object
``properties``/``required``, array ``items``/``minItems``/``maxItems``, string
``minLength``/``maxLength`` and simple anchored ``pattern`` (character classes, literal
characters, ``{n}``/``{m,n}``/``?``/``*``/``+``). For anything else ``compact_grammar`` returns
``None`` and the caller sends the schema as usual.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$defs"})
_PRIMITIVES = {
    "char": r'[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})',
    "string": '"\\"" char* "\\""',
    "integer": '"-"? ([0-9] | [1-9] [0-9]{0,15})',
    "number": 'integer ("." [0-9]+)? ([eE] [-+]? [0-9]+)?',
    "boolean": '"true" | "false"',
    "null": '"null"',
}
_NEEDS = {"string": ("char",), "number": ("integer",)}


class Unsupported(Exception):
    """The schema uses a feature this converter does not translate."""


def literal(text: str) -> str:
    """``text`` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def json_literal(value: Any) -> str:
    """The compact JSON text of ``value`` as a GBNF literal."""
    return literal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


class _Converter:
    def __init__(self, schema: dict[str, Any], spaces: bool) -> None:
        after, before = (" sp", "sp ") if spaces else ("", "")
        self.comma, self.colon = f'","{after}', f'":"{after}'
        self.open_obj, self.close_obj = f'"{{"{after}', f'{before}"}}"'
        self.open_arr, self.close_arr = f'"["{after}', f'{before}"]"'
        self.spaces = spaces
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.rules: dict[str, str] = {}
        self.used: set[str] = set()
        self.root = self.expr(schema)

    def grammar(self) -> str:
        needed = set(self.used)
        for name in list(needed):
            needed.update(_NEEDS.get(name, ()))
        lines = [f"root ::= {self.root}"]
        lines += [f"{name} ::= {body}" for name, body in self.rules.items()]
        lines += [f"{name} ::= {_PRIMITIVES[name]}" for name in _PRIMITIVES if name in needed]
        if self.spaces:
            lines.append('sp ::= " "?')
        return "\n".join(lines) + "\n"

    def primitive(self, name: str) -> str:
        self.used.add(name)
        return name

    def ref(self, target: str) -> str:
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix) :] not in self.defs:
            raise Unsupported(f"$ref {target}")
        key = target[len(prefix) :]
        name = "def-" + re.sub(r"[^a-zA-Z0-9]+", "-", key)
        if name not in self.rules:
            self.rules[name] = ""  # reserve the name first: a recursive schema ends here
            self.rules[name] = self.expr(self.defs[key])
        return name

    def expr(self, schema: dict[str, Any]) -> str:
        unknown = set(schema) - _ANNOTATIONS - {
            "$ref", "anyOf", "enum", "const", "type", "properties", "required", "items",
            "minItems", "maxItems", "minLength", "maxLength", "pattern", "additionalProperties",
        }  # fmt: skip
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        if schema.get("additionalProperties", False) is not False:
            raise Unsupported("additionalProperties")
        if "$ref" in schema:
            if set(schema) - _ANNOTATIONS - {"$ref"}:
                raise Unsupported("$ref with siblings")
            return self.ref(schema["$ref"])
        if "anyOf" in schema:
            return "(" + " | ".join(self.expr(s) for s in schema["anyOf"]) + ")"
        if "const" in schema:
            return json_literal(schema["const"])
        if "enum" in schema:
            return "(" + " | ".join(json_literal(v) for v in schema["enum"]) + ")"
        kind = schema.get("type")
        if isinstance(kind, list):
            return "(" + " | ".join(self.expr({**schema, "type": k}) for k in kind) + ")"
        if kind == "object":
            return self.obj(schema)
        if kind == "array":
            return self.array(schema)
        if kind == "string":
            return self.string(schema)
        if kind in ("integer", "number", "boolean", "null"):
            return self.primitive(kind)
        raise Unsupported(f"type {kind!r}")

    def obj(self, schema: dict[str, Any]) -> str:
        if "properties" not in schema:  # any object: not what a response model describes
            raise Unsupported("object without properties")
        props: dict[str, Any] = schema["properties"]
        required = [k for k in props if k in schema.get("required", [])]
        optional = [k for k in props if k not in required]
        c = self.comma
        pairs = {k: f"{json_literal(k)} {self.colon} {self.expr(v)}" for k, v in props.items()}
        if required:
            body = f" {c} ".join(pairs[k] for k in required)
            body += "".join(f" ({c} {pairs[k]})?" for k in optional)
        elif optional:  # no key is certain to come first: one branch per first key
            branches = [
                pairs[k] + "".join(f" ({c} {pairs[j]})?" for j in optional[i + 1 :])
                for i, k in enumerate(optional)
            ]
            body = "(" + " | ".join(branches) + ")?"
        else:
            body = ""
        return f"{self.open_obj} {body} {self.close_obj}" if body else '"{" "}"'

    def array(self, schema: dict[str, Any]) -> str:
        if "items" not in schema:
            raise Unsupported("array without items")
        item = self.expr(schema["items"])
        low, high = int(schema.get("minItems", 0)), schema.get("maxItems")
        if high is not None and int(high) == 0:
            return '"[" "]"'
        c = self.comma
        if high is None:
            rest = f"({c} {item})*" if low <= 1 else f"({c} {item}){{{low - 1},}}"
        else:
            rest = f"({c} {item}){{{max(low - 1, 0)},{int(high) - 1}}}"
        items = f"{item} {rest}"
        inner = items if low > 0 else f"({items})?"
        return f"{self.open_arr} {inner} {self.close_arr}"

    def string(self, schema: dict[str, Any]) -> str:
        if "pattern" in schema:
            if "minLength" in schema or "maxLength" in schema:
                raise Unsupported("pattern with a length")
            return f'"\\"" {_pattern(schema["pattern"])} "\\""'
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        if low == 0 and high is None:
            return self.primitive("string")
        self.used.add("char")
        return f'"\\"" char{{{low},{"" if high is None else int(high)}}} "\\""'


_PATTERN_TOKEN = re.compile(r"\[(?:\\.|[^\]\\])+\]|\\d|[A-Za-z0-9 _:./-]")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}|[?*+]")


def _pattern(pattern: str) -> str:
    """An anchored regex of classes and literal characters as a GBNF sequence."""
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise Unsupported(f"unanchored pattern {pattern!r}")
    body, parts, at = pattern[1:-1], [], 0
    while at < len(body):
        token = _PATTERN_TOKEN.match(body, at)
        if token is None:
            raise Unsupported(f"pattern {pattern!r}")
        text = token.group()
        if '"' in text:
            raise Unsupported(f"pattern {pattern!r}")
        part = "[0-9]" if text == r"\d" else text if text.startswith("[") else literal(text)
        at = token.end()
        if quantifier := _QUANTIFIER.match(body, at):
            part += quantifier.group()
            at = quantifier.end()
        parts.append(part)
    return " ".join(parts) if parts else '""'


def compact_grammar(schema: dict[str, Any], *, spaces: bool = False) -> str | None:
    """The GBNF grammar of ``schema`` without line breaks (``spaces``: one optional space
    after ``{ [ , :`` and before ``} ]``), or ``None`` when the schema is unsupported."""
    try:
        return _Converter(schema, spaces).grammar()
    except Unsupported:
        return None


@lru_cache(maxsize=512)
def grammar_for(model: type[BaseModel]) -> str | None:
    """``compact_grammar`` of a response model's JSON schema, computed once per model."""
    return compact_grammar(model.model_json_schema(), spaces=True)
