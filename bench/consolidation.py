"""Consolidation: clustering quality on the seeds' golden records, and cost on synthetic records.

    python bench/consolidation.py    # seeds and event-group scores; 1,000 / 5,000 / 10,000 records

Quality: ``extract consolidate`` on the four seeds' golden files and on the event groups'
(``golden/corpus/events``), B-cubed against the clusters labelled by hand in
``bench/consolidation/{seeds,events}.labels.json`` (the rules alone: golden records in).

Cost: synthetic articles of one meeting, one agreement, one quote and one commitment each, each
event reported by one to four articles, names from a large pool, consolidated in one process;
wall time and peak traced memory, side by side for three sizes in one run.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.consolidation import consolidate, consolidate_records, score_folder  # noqa: E402

SEEDS = sorted((ROOT / "golden").glob("00?_*.json"))
SYLLABLES = "ka lo mi ren sa tu vel bor an dri es fa gu hel".split()
TOPICS = "port rail grid water schools housing trams minerals fisheries vaccines".split()


def _name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()

    return f"{word()} {word()}"


def synthetic(articles: int, seed: int = 7) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Articles of one record per type; each event is reported by one to four articles (as a
    news feed: several outlets, a few days), with names drawn from a large pool."""
    rng = random.Random(seed)
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    event: dict[str, Any] = {}
    left = 0
    for n in range(articles):
        if left == 0:  # a new event, reported by the next 1-4 articles
            people = [_name(rng), _name(rng)]
            event = {
                "people": people,
                "parties": [_name(rng).split()[0], _name(rng).split()[0]],
                "topic": rng.choice(TOPICS),
                "day": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            }
            left = rng.randint(1, 4)
        left -= 1
        people, parties, topic, day = (
            event["people"], event["parties"], event["topic"], event["day"]
        )  # fmt: skip
        base = {"evidence": f"sentence {n}", "span": [0, 10]}
        out[f"a{n:06d}"] = {
            "meetings": [{**base, "participants": people, "date": day, "location": None,
                          "status": "held", "topics": [topic]}],
            "agreements": [{**base, "title": f"{topic} agreement", "parties": parties,
                            "signatories": [], "status": "signed", "signed_date": day}],
            "quotes": [{**base, "speaker": people[0], "text": f"We will build the {topic} now",
                        "language": "en"}],
            "commitments": [{**base, "actor": parties[0], "action": f"fund the {topic} plan",
                             "amount": f"{rng.randint(1, 2)} million euros"}],
        }  # fmt: skip
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for path in SEEDS:
            shutil.copy(path, tmp)
        events = consolidate(tmp)
        scores = score_folder(events, tmp, ROOT / "bench" / "consolidation" / "seeds.labels.json")
    shared = sum(1 for e in events.events if len({m.article_id for m in e.members}) > 1)
    print(f"seeds (golden records in): {len(events.events)} events, {shared} from 2+ articles")
    print(json.dumps(scores.model_dump()))
    groups = ROOT / "golden" / "corpus" / "events"
    events = consolidate(groups)
    scores = score_folder(events, groups, ROOT / "bench" / "consolidation" / "events.labels.json")
    shared = sum(1 for e in events.events if len({m.article_id for m in e.members}) > 1)
    print(f"event groups g1-g4 (golden): {len(events.events)} events, {shared} from 2+ articles")
    print(json.dumps(scores.model_dump()))
    print("\n| records | events | seconds | peak MiB | µs/record |")
    print("|---:|---:|---:|---:|---:|")
    for articles in (250, 1250, 2500):
        data = synthetic(articles)
        tracemalloc.start()
        started = time.perf_counter()
        result = consolidate_records(data)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        records = 4 * articles
        print(
            f"| {records:,} | {len(result.events):,} | {seconds:.2f} | {peak:.1f} | "
            f"{seconds / records * 1e6:.0f} |"
        )


if __name__ == "__main__":
    main()
