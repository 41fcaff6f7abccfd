"""Across articles: one event per real-world meeting, agreement, quote and commitment, with every
source that reports it and every point where the sources disagree.

Works on records, whatever extracted them (a run's documents, or golden files). Rules, explicit
and tested, per type (two records are *the same event* when):

- meetings: they share two principals (``same_person``) and their days, when both are given,
  are at most ``DAY_TOLERANCE`` apart (further apart: two meetings of the same people);
- agreements: they share a party and their title and subject words overlap (``_words``: the
  overlap coefficient is at least ``TITLE_OVERLAP``);
- quotes: the same speaker, and one text holds the other after folding typography, or most of
  the shorter one's words are the longer one's (the same words carried by two outlets);
- commitments: the same actor (a leader and her country stay apart: only a source can say they
  are one) and overlapping action words (``ACTION_OVERLAP``).

Records of one article never merge with each other unless they are duplicates (the same fields);
they may each join an event of other articles. Candidates are blocked by type and by names
(principals, parties, speaker, actor) before any comparison, and two records already in one
event are not compared again, so cost grows with the number of records that share a name, not
with the square of all records (``bench/consolidation.py``).

Canonical values: the value the sources agree on; where they are compatible, the most specific
one ("Bern" and "Federal Palace, Bern" -> the latter); where they are not (two
days, two amounts, held and planned), the most frequent value (the first source's on a tie) and
a contradiction listing every value with its article and span. Dates are compared as resolved
by each article against its own publication date. A record's own ``conflicts`` (a caption's
day against the body's, within one article) are contradictions too.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from extract.models import SCHEMA_VERSION, RecordType, Span
from extract.text.dates import iso_day
from extract.text.grounding import fold
from extract.text.people import COMPANY_FORMS, same_person, strip_accents

DAY_TOLERANCE = 2  # days: a meeting dated 27 and 28 October by two outlets is one meeting
TITLE_OVERLAP = 0.3
ACTION_OVERLAP = 0.3
QUOTE_OVERLAP = 0.6
# Fields whose differing values are a contradiction (others are descriptions in each source's
# words: titles, topics, actions; their canonical value is the most frequent or the longest).
COMPARED: dict[RecordType, tuple[str, ...]] = {
    "meetings": ("date", "location", "status"),
    "agreements": ("signed_date", "location", "status", "signatories"),
    "quotes": ("speaker",),
    "commitments": ("amount", "deadline"),
}
_STOP = frozenset(
    "a an and the of to for in on at by with from its their his her this that u s us "
    "agreement accord deal framework memorandum treaty pact cooperation".split()
)


class Member(BaseModel):
    """One source's record of the event."""

    model_config = ConfigDict(extra="forbid")

    article_id: str
    span: Span
    evidence: str
    record: dict[str, Any]


class SourcedValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any
    article_id: str
    span: Span


class Contradiction(BaseModel):
    """One field the sources give different values for."""

    model_config = ConfigDict(extra="forbid")

    field: str
    values: list[SourcedValue] = Field(min_length=2)


class Event(BaseModel):
    """One real-world meeting, agreement, quote or commitment and every source reporting it."""

    model_config = ConfigDict(extra="forbid")

    type: RecordType
    canonical: dict[str, Any]
    members: list[Member] = Field(min_length=1)
    contradictions: list[Contradiction] = Field(default_factory=list)


class Consolidation(BaseModel):
    """``extract consolidate``'s document: the events of a set of articles."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    articles: list[str] = Field(description="The article ids consolidated.")
    events: list[Event]


# ----------------------------------------------------------------------------------- rules


def _folded_words(text: str | None) -> list[str]:
    """The words of ``text``, typography, accents and case folded, in order."""
    return re.findall(r"\w+", strip_accents(fold(text or "")).casefold())


def _words(text: str | None) -> set[str]:
    return {w for w in _folded_words(text) if w not in _STOP and len(w) > 1}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _shared_people(a: Sequence[str], b: Sequence[str]) -> int:
    return sum(1 for x in a if any(same_person(x, y) for y in b))


def _name_words(name: str) -> list[str]:
    """A party's or actor's words, folded, legal forms left out ("Nordwerk Logistik AG")."""
    return [w for w in _folded_words(name) if w not in COMPANY_FORMS and w not in _STOP]


def _same_name(a: str, b: str) -> bool:
    """The same organisation or country: the same words once legal forms are left out, or the
    words of one all in the other ("Nordwerk" and "Nordwerk Logistik AG")."""
    wa, wb = set(_name_words(a)), set(_name_words(b))
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _same_party(a: Sequence[str], b: Sequence[str]) -> bool:
    return any(_same_name(x, y) for x in a for y in b)


def same_event(kind: RecordType, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """The rule of ``kind`` (module docstring) for two records of different articles."""
    if kind == "meetings":
        need = min(2, len(a["participants"]), len(b["participants"]))
        if _shared_people(a["participants"], b["participants"]) < need:
            return False
        da, db = iso_day(a.get("date")), iso_day(b.get("date"))
        return da is None or db is None or abs((da - db).days) <= DAY_TOLERANCE
    if kind == "agreements":
        if not _same_party(a["parties"], b["parties"]):
            return False
        wa = _words(f"{a['title']} {a.get('subject') or ''}")
        wb = _words(f"{b['title']} {b.get('subject') or ''}")
        return _overlap(wa, wb) >= TITLE_OVERLAP
    if kind == "quotes":
        if not same_person(a["speaker"], b["speaker"]):
            return False
        ta, tb = _text(a["text"]), _text(b["text"])
        if ta in tb or tb in ta:
            return True
        return _overlap(_words(ta), _words(tb)) >= QUOTE_OVERLAP
    if not _same_party(sorted(_actors(a["actor"])), sorted(_actors(b["actor"]))):
        return False
    return _overlap(_words(a["action"]), _words(b["action"])) >= ACTION_OVERLAP


def _actors(actor: str) -> set[str]:
    """The members of a (possibly joint) actor, folded: "United States and Japan"."""
    parts = re.split(r"\s+(?:and|&)\s+|\s*,\s*", actor)
    return {fold(p).casefold().strip() for p in parts if p.strip()}


def _block_keys(kind: RecordType, record: Mapping[str, Any]) -> set[str]:
    """Words two records of the same event must share: a comparison happens only within.
    People by surname; organisations and countries by each of their words."""
    if kind in ("meetings", "quotes"):
        people = record["participants"] if kind == "meetings" else [record["speaker"]]
        return {words[-1] for words in map(_folded_words, people) if words}
    names = record["parties"] if kind == "agreements" else sorted(_actors(record["actor"]))
    return {w for name in names for w in _name_words(name)}


# ------------------------------------------------------------------------------ clustering


class _Item:
    def __init__(self, kind: RecordType, article_id: str, record: dict[str, Any]) -> None:
        self.kind = kind
        self.article_id = article_id
        self.record = record
        self.identity = _json(
            {k: v for k, v in record.items() if k not in ("evidence", "span", "conflicts")}
        )


def _clusters(items: list[_Item]) -> list[list[int]]:
    """Union-find over blocked pairs, never joining two groups that hold different records of
    one article (duplicates of one article may join)."""
    parent = list(range(len(items)))
    articles: list[dict[str, set[str]]] = [{i.article_id: {i.identity}} for i in items]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def compatible(ra: int, rb: int) -> bool:
        for article, ids in articles[ra].items():
            other = articles[rb].get(article)
            if other is not None and (ids != other or len(ids) > 1):
                return False
        return True

    blocks: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        for key in _block_keys(item.kind, item.record):
            blocks[key].append(n)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = items[i], items[j]
                if a.article_id == b.article_id and a.identity != b.identity:
                    continue
                ra, rb = root(i), root(j)
                if ra == rb:
                    continue  # already one event: no comparison needed
                if a.article_id != b.article_id and not same_event(a.kind, a.record, b.record):
                    continue
                if compatible(ra, rb):
                    parent[rb] = ra
                    for article, ids in articles[rb].items():
                        articles[ra].setdefault(article, set()).update(ids)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(items)):
        groups[root(n)].append(n)
    return sorted(groups.values())


# ------------------------------------------------------------------------------ canonical


def _text(value: Any) -> str:
    return fold(str(value)).casefold().strip()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _compatible(a: Any, b: Any) -> bool:
    """Equal, or one the more specific form of the other ("Bern" in "Federal Palace, Bern"; the
    words of "in autumn" all in "in the autumn")."""
    if isinstance(a, list) or isinstance(b, list):  # two signatory lists: the same people
        la, lb = list(a or []), list(b or [])
        return _shared_people(la, lb) == len(la) and _shared_people(lb, la) == len(lb)
    ta, tb = _text(a), _text(b)
    if ta == tb or (bool(ta) and bool(tb) and (ta in tb or tb in ta)):
        return True
    if set(re.findall(r"\d+", ta)) != set(re.findall(r"\d+", tb)):
        return False  # two days, two amounts
    wa, wb = _words(ta), _words(tb)  # "in the autumn" / "in autumn"; "2029" / "by summer 2029"
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _canonical_value(values: list[Any]) -> Any:
    present = [v for v in values if v not in (None, "", [])]
    if not present:
        return values[0] if values else None
    counts = Counter(_json(v) for v in present)
    top = max(counts.values())
    first = next(v for v in present if counts[_json(v)] == top)
    if all(_compatible(first, v) for v in present):  # the most specific compatible form
        return max(present, key=lambda v: len(v) if isinstance(v, list | str) else 0)
    return first


_DATES = ("date", "signed_date", "deadline")


def _stated(record: Mapping[str, Any], name: str) -> Any:
    """The record's value for ``name``; for a date it could not resolve, the article's words
    ("lundi"): a reader compares them with another source's day."""
    value = record.get(name)
    if value in (None, "") and name in _DATES:
        return record.get("date_text")
    return value


def _event(kind: RecordType, members: list[_Item]) -> Event:
    records = [m.record for m in members]
    canonical: dict[str, Any] = {}
    for name in records[0]:
        if name in ("evidence", "span", "conflicts"):
            continue
        canonical[name] = _canonical_value([r.get(name) for r in records])
    contradictions: list[Contradiction] = []
    for name in COMPARED[kind]:
        sourced = [
            SourcedValue(value=value, article_id=m.article_id, span=m.record["span"])
            for m in members
            if (value := _stated(m.record, name)) not in (None, "", [])
        ]
        for m in members:  # the article's own other values for the field
            for conflict in m.record.get("conflicts") or []:
                if conflict["field"] == name:
                    sourced.append(
                        SourcedValue(
                            value=conflict["value"], article_id=m.article_id, span=conflict["span"]
                        )
                    )
        distinct = list({_json(v.value).casefold(): v.value for v in sourced}.values())
        if any(not _compatible(a, b) for x, a in enumerate(distinct) for b in distinct[x + 1 :]):
            contradictions.append(Contradiction(field=name, values=sourced))
    return Event(
        type=kind,
        canonical=canonical,
        members=[
            Member(
                article_id=m.article_id,
                span=m.record["span"],
                evidence=m.record["evidence"],
                record=m.record,
            )
            for m in members
        ],
        contradictions=contradictions,
    )


def consolidate_records(
    articles: Mapping[str, Mapping[str, Iterable[Any]]],
) -> Consolidation:
    """Events from ``{article_id: {record type: records}}`` (models or their JSON data)."""
    events: list[Event] = []
    for kind in COMPARED:
        items = [
            _Item(kind, article_id, _data(record))
            for article_id, lists in sorted(articles.items())
            for record in lists.get(kind, [])
        ]
        for group in _clusters(items):
            events.append(_event(kind, [items[n] for n in group]))
    return Consolidation(articles=sorted(articles), events=events)


def _data(record: Any) -> dict[str, Any]:
    if isinstance(record, BaseModel):
        data: dict[str, Any] = record.model_dump(mode="json", exclude={"optional"})
        return data
    return {k: v for k, v in dict(record).items() if k != "optional"}


def consolidate(directory: Path | str) -> Consolidation:
    """The events of a folder of documents: ``extract run``'s output (result documents), or
    golden files.

    Raises:
        InputError: the folder is missing or holds neither.
        SchemaError: a document does not validate.
    """
    from extract.evaluation.evaluate import load_golden, load_run

    folder = Path(directory)
    if _holds_results(folder):
        runs = load_run(folder)
        return consolidate_records({k: _by_type(r.extraction) for k, r in runs.items()})
    golden = load_golden(folder)
    return consolidate_records({k: _by_type(g) for k, g in golden.items()})


def _by_type(extraction: Any) -> dict[str, Sequence[Any]]:
    """An article's record lists (a result's ``extraction`` or a golden file) by type."""
    return {kind: getattr(extraction, kind) for kind in COMPARED}


def _holds_results(folder: Path) -> bool:
    """True for a run folder: a manifest, or a document with an ``extraction``."""
    if (folder / "manifest.json").is_file():
        return True
    for path in sorted(folder.glob("*.json"))[:5]:
        try:
            if "extraction" in json.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, ValueError):
            continue
    return False


# ------------------------------------------------------------------------------- scoring


class ClusterScores(BaseModel):
    """B-cubed precision, recall and F1 over records, and labelled contradictions found."""

    model_config = ConfigDict(extra="forbid")

    records: int
    precision: float
    recall: float
    f1: float
    contradictions_labelled: int
    contradictions_found: int


def _member_ids(
    consolidation: Consolidation, golden: Mapping[str, Mapping[str, Sequence[Any]]]
) -> list[tuple[RecordType, list[str]]]:
    """Each event as (type, member ids "article#index"), members found in ``golden`` by span."""
    index: dict[tuple[str, str, tuple[int, ...]], str] = {}
    for article_id, lists in golden.items():
        for kind in COMPARED:
            for n, record in enumerate(lists.get(kind, [])):
                span = tuple(_data(record)["span"])
                index[(kind, article_id, span)] = f"{article_id}#{n}"
    out = []
    for event in consolidation.events:
        ids = [index.get((event.type, m.article_id, tuple(m.span)), "") for m in event.members]
        out.append((event.type, [i for i in ids if i]))
    return out


def score_clusters(
    consolidation: Consolidation,
    golden: Mapping[str, Mapping[str, Sequence[Any]]],
    labels: Mapping[str, Any],
) -> ClusterScores:
    """B-cubed over every record of ``golden`` (a record no label lists is its own event), and
    how many labelled contradictions (type, member, field) the event holding that member lists.
    """
    predicted: dict[str, frozenset[str]] = {}
    contradicted: dict[str, set[str]] = {}
    events = _member_ids(consolidation, golden)
    for (kind, ids), event in zip(events, consolidation.events, strict=True):
        group = frozenset(f"{kind}:{i}" for i in ids)
        for member in group:
            predicted[member] = group
            contradicted[member] = {c.field for c in event.contradictions}
    truth: dict[str, frozenset[str]] = {}
    for kind, clusters in labels["clusters"].items():
        for cluster in clusters:
            group = frozenset(f"{kind}:{i}" for i in cluster)
            for member in group:
                truth[member] = group
    precision = recall = 0.0
    for member, group in predicted.items():
        true = truth.get(member, frozenset({member}))
        shared = len(group & true)
        precision += shared / len(group)
        recall += shared / len(true)
    n = len(predicted)
    p, r = (precision / n, recall / n) if n else (0.0, 0.0)
    found = sum(
        1
        for c in labels.get("contradictions", [])
        if c["field"] in contradicted.get(f"{c['type']}:{c['member']}", set())
    )
    return ClusterScores(
        records=n,
        precision=round(p, 3),
        recall=round(r, 3),
        f1=round(2 * p * r / (p + r), 3) if p + r else 0.0,
        contradictions_labelled=len(labels.get("contradictions", [])),
        contradictions_found=found,
    )


def score_folder(
    events: Consolidation,
    folder: Path | str,
    labels: Path | str,
    golden_dir: Path | str | None = None,
) -> ClusterScores:
    """``score_clusters`` for the events of ``folder`` against a labels file.

    A folder of golden files is scored directly (the rules alone). A run's output (the whole
    chain) needs ``golden_dir``: each predicted record stands for the golden record the
    evaluation pairs it with in its article (same similarity and threshold as ``extract eval``;
    quotes by text), and the labels' clusters of golden records become clusters of the
    predicted records paired with them; a predicted record with no golden partner is an event
    of its own.

    Raises:
        InputError: a run folder without ``golden_dir``, or a labels file that is not JSON.
    """
    from extract.errors import InputError
    from extract.evaluation.evaluate import load_golden, load_run

    try:
        labelled = json.loads(Path(labels).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"labels: {exc}", path=labels) from None
    if not _holds_results(Path(folder)):
        golden = load_golden(Path(folder))
        lists = {k: _by_type(g) for k, g in golden.items()}
        return score_clusters(events, lists, labelled)
    if golden_dir is None:
        raise InputError("--labels on a run's output needs --golden DIR", path=folder)
    runs = load_run(Path(folder))
    golden = load_golden(Path(golden_dir))
    predicted = {k: _by_type(r.extraction) for k, r in runs.items()}
    return score_clusters(events, predicted, _relabelled(labelled, predicted, golden))


def _relabelled(
    labels: Mapping[str, Any], predicted: Mapping[str, Mapping[str, Sequence[Any]]], golden: Any
) -> dict[str, Any]:
    """The labels restated over predicted records: each golden member id becomes the id of the
    predicted record the evaluation pairs with it (members without one drop out)."""
    from extract.evaluation.evaluate import _ANY, SIMILARITY, align, quote_lenient_similarity

    partner: dict[str, str] = {}  # "kind:article#golden index" -> "article#predicted index"
    for article_id, lists in predicted.items():
        truth = golden.get(article_id)
        if truth is None:
            continue
        for kind in COMPARED:
            p_list, g_list = list(lists.get(kind, [])), list(getattr(truth, kind))
            similarity = quote_lenient_similarity if kind == "quotes" else SIMILARITY[kind]
            matrix = [[similarity(p, g) for g in g_list] for p in p_list]
            for i, j in align(matrix, _ANY if kind == "quotes" else 0.5):
                partner[f"{kind}:{article_id}#{j}"] = f"{article_id}#{i}"
    clusters = {
        kind: [
            [partner[f"{kind}:{m}"] for m in cluster if f"{kind}:{m}" in partner]
            for cluster in groups
        ]
        for kind, groups in labels["clusters"].items()
    }
    contradictions = [
        {**c, "member": partner[f"{c['type']}:{c['member']}"]}
        for c in labels.get("contradictions", [])
        if f"{c['type']}:{c['member']}" in partner
    ]
    return {"clusters": clusters, "contradictions": contradictions}


def markdown(events: Consolidation) -> str:
    """The events that two or more sources report, and every contradiction, as Markdown."""
    shared = [e for e in events.events if len({m.article_id for m in e.members}) > 1]
    lines = [
        f"# Events across {len(events.articles)} articles",
        "",
        f"{len(events.events)} events; {len(shared)} reported by two or more articles; "
        f"{sum(len(e.contradictions) for e in events.events)} contradictions.",
    ]
    for event in [*shared, *(e for e in events.events if e.contradictions and e not in shared)]:
        lines += ["", f"## {event.type[:-1]}: {_headline(event)}", ""]
        for member in event.members:
            evidence = " ".join(member.evidence.split())
            lines.append(f"- `{member.article_id}` [{member.span[0]}:{member.span[1]}] {evidence}")
        for contradiction in event.contradictions:
            values = "; ".join(
                f"{v.value} (`{v.article_id}` [{v.span[0]}:{v.span[1]}])"
                for v in contradiction.values
            )
            lines.append(f"- **{contradiction.field} disagrees:** {values}")
    return "\n".join(lines) + "\n"


def _headline(event: Event) -> str:
    c = event.canonical
    if event.type == "meetings":
        return " – ".join(c.get("participants") or [])
    if event.type == "agreements":
        return str(c.get("title"))
    if event.type == "quotes":
        return f"{c.get('speaker')}: «{c.get('text')}»"
    return f"{c.get('actor')}: {c.get('action')}"


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#1d1d1f}
h1{font-size:1.5rem}.summary{color:#555}
.event{border:1px solid #d0d0d7;border-radius:8px;margin:1.2rem 0;padding:.8rem 1rem}
.event h2{font-size:1.05rem;margin:.2rem 0 .6rem}.tag{font-size:.75rem;padding:.1rem .45rem;
border-radius:4px;background:#eef;color:#335;margin-right:.4rem;text-transform:uppercase}
.sources{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.7rem}
.source{background:#fafafc;border-left:3px solid #99a;padding:.5rem .7rem;font-size:.9rem}
.source .id{font-family:ui-monospace,monospace;font-size:.8rem;color:#556}
.source dl{margin:.4rem 0 0;display:grid;grid-template-columns:auto 1fr;gap:.1rem .6rem}
.source dt{color:#667}.source dd{margin:0}.clash{background:#ffe3e3;border-radius:3px;
padding:0 .2rem;font-weight:600}.contradictions{margin:.6rem 0 0;padding:.5rem .8rem;
background:#fff4f4;border:1px solid #f3c4c4;border-radius:6px;font-size:.9rem}
"""


def html(events: Consolidation) -> str:
    """A page with one block per event reported by two or more articles (and per event with a
    contradiction): its sources side by side with their evidence and spans, the values that
    disagree marked. Every text is escaped."""
    from html import escape

    shown = [
        e for e in events.events if len({m.article_id for m in e.members}) > 1 or e.contradictions
    ]
    blocks = []
    for event in shown:
        clashing = {c.field for c in event.contradictions}
        sources = []
        for member in event.members:
            rows = []
            for field in COMPARED[event.type]:
                value = _stated(member.record, field)
                if value in (None, "", []):
                    continue
                text = escape(", ".join(map(str, value)) if isinstance(value, list) else str(value))
                if field in clashing:
                    text = f'<span class="clash">{text}</span>'
                rows.append(f"<dt>{escape(field)}</dt><dd>{text}</dd>")
            evidence = escape(" ".join(member.evidence.split()))
            sources.append(
                f'<div class="source"><div class="id">{escape(member.article_id)} '
                f"[{member.span[0]}:{member.span[1]}]</div>{evidence}"
                f"<dl>{''.join(rows)}</dl></div>"
            )
        contradictions = "".join(
            f"<li><b>{escape(c.field)}</b>: "
            + "; ".join(
                f"{escape(str(v.value))} <span class='id'>({escape(v.article_id)} "
                f"[{v.span[0]}:{v.span[1]}])</span>"
                for v in c.values
            )
            + "</li>"
            for c in event.contradictions
        )
        blocks.append(
            f'<section class="event"><h2><span class="tag">{event.type[:-1]}</span>'
            f"{escape(_headline(event))}</h2>"
            f'<div class="sources">{"".join(sources)}</div>'
            + (f'<ul class="contradictions">{contradictions}</ul>' if contradictions else "")
            + "</section>"
        )
    summary = (
        f"{len(events.events)} events in {len(events.articles)} articles; {len(shown)} shown "
        f"(two or more sources, or a contradiction); "
        f"{sum(len(e.contradictions) for e in events.events)} contradictions."
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Events across {len(events.articles)} articles</title><style>{_CSS}</style>"
        f"</head><body><h1>Events across {len(events.articles)} articles</h1>"
        f'<p class="summary">{escape(summary)}</p>{"".join(blocks)}</body></html>\n'
    )
