"""Tokens per article from the recorded usage, prompt overhead, and one call vs four per-type calls.

    python bench/tokens.py

Reads the usage the local model's server reported in recordings/ (single strategy), and checks
it against the usage in the documents of a replay run of the seeds (``run_batch`` in replay).

Article tokens, the same tokenizer for every figure: the server reports, for each first call,
``cached_tokens`` = the prompt prefix it reused from the previous request, a different article.
That shared prefix is everything before the article (chat template, instructions, publication
date, ``<<<``), counted by the model's own tokenizer. So

    fixed overhead F = shared prefix (min cached_tokens over first calls, > 0) + SUFFIX
    article tokens A = first-call prompt_tokens - F

where SUFFIX (the ``>>>`` marker and the ChatML turn tokens after the article) is an estimate.
For comparison the table also shows the chars / 3.2 proxy.

Four per-type calls are not recorded: their prompt is an estimate derived from these figures,
4 x F + 4 x A per article (every call repeats the instructions and the article).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

SUFFIX = 7  # "\n>>>" (~2) + "<|im_end|>", "\n", "<|im_start|>", "assistant", "\n" (Qwen2.5 ChatML)
CHARS_PER_TOKEN_PROXY = 3.2


def replay_usage() -> dict[str, dict[str, int]]:
    """Usage per seed from the documents of a replay run of seeds/."""
    from extract.pipeline import run_batch

    settings = _common.recorded_settings(cassette="replay", recordings=_common.RECORDINGS_DIR)
    with tempfile.TemporaryDirectory(prefix="bench-tok-") as out:
        manifest = asyncio.run(run_batch([_common.SEEDS_DIR], Path(out), settings))
        usage = {}
        for article_id, status in manifest.articles.items():
            if status.status != "ok":
                raise SystemExit(f"replay of {article_id} failed: {status.error}")
            doc = json.loads((Path(out) / f"{article_id}.json").read_text(encoding="utf-8"))
            usage[article_id] = doc["usage"]
    return usage


def main() -> None:
    recs = _common.recordings()
    texts = _common.seeds()
    print("tokens: recorded usage of the local model (single strategy), per seed article")
    print(f"machine: {_common.machine()}")
    model = recs[0].model
    first = {r.seed: r for r in recs if r.turns == 2}
    cached = [
        int((r.usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
        for r in first.values()
    ]
    prefix = min(c for c in cached if c > 0)
    fixed = prefix + SUFFIX
    docs = replay_usage()

    print(f"model {model}; {len(recs)} recorded requests for {len(first)} seeds")
    print(
        f"fixed overhead F = {prefix} (shared prefix reported as cached_tokens) + {SUFFIX} "
        f"(estimated suffix) = {fixed} tokens per call"
    )
    print()
    header = (
        f"{'seed':<22}{'chars':>6}{'A':>6}{'ch/tok':>7}{'A~c/3.2':>8}{'calls':>6}"
        f"{'prompt':>8}{'compl':>7}{'evaluated':>10}{'prompt/A':>9}{'1st/A':>7}  replay doc"
    )
    print(header)
    rows = []
    for seed, text in texts.items():
        mine = [r for r in recs if r.seed == seed]
        prompt = sum(int(r.usage.get("prompt_tokens") or 0) for r in mine)
        completion = sum(int(r.usage.get("completion_tokens") or 0) for r in mine)
        evaluated = sum(
            int(r.usage.get("prompt_tokens") or 0)
            - int((r.usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
            for r in mine
        )
        first_prompt = int(first[seed].usage["prompt_tokens"])
        article = first_prompt - fixed
        doc = docs.get(seed, {})
        same = doc.get("prompt_tokens") == prompt and doc.get("completion_tokens") == completion
        rows.append((len(text), article, len(mine), prompt, completion, evaluated, first_prompt))
        print(
            f"{seed:<22}{len(text):>6}{article:>6}{len(text) / article:>7.2f}"
            f"{len(text) / CHARS_PER_TOKEN_PROXY:>8.0f}{len(mine):>6}{prompt:>8}{completion:>7}"
            f"{evaluated:>10}{prompt / article:>9.2f}{first_prompt / article:>7.2f}  "
            f"{'same' if same else 'DIFFERS: ' + json.dumps(doc)}"
        )
    n = len(rows)
    chars, art, calls, prompt, compl, evald, first_p = (
        sum(col) / n for col in zip(*rows, strict=True)
    )
    print(
        f"{'mean per article':<22}{chars:>6.0f}{art:>6.0f}{chars / art:>7.2f}"
        f"{chars / CHARS_PER_TOKEN_PROXY:>8.0f}{calls:>6.2f}{prompt:>8.0f}{compl:>7.0f}"
        f"{evald:>10.0f}{prompt / art:>9.2f}{first_p / art:>7.2f}"
    )
    print()
    print(
        "A = article tokens (first-call prompt - F); prompt/compl = all calls of the article, "
        "validation re-asks included; evaluated = prompt tokens the server computed "
        "(prompt - cached: the instructions prefix is reused across articles, a re-ask reuses "
        "the whole first prompt); prompt/A = prompt overhead ratio; 1st/A = the same for the "
        "first call alone; replay doc = usage in the document of a replay run."
    )
    print(
        f"Proxy check: chars/3.2 gives {chars / CHARS_PER_TOKEN_PROXY:.0f} article tokens "
        f"on average vs {art:.0f} derived from the recorded counts "
        f"({chars / art:.2f} chars per token for these French articles)."
    )

    # ---- one call vs four per-type calls (estimate) --------------------------------------
    from extract.strategies.prompts import SINGLE_SYSTEM

    paragraphs = SINGLE_SYSTEM.split("\n\n")
    typed = [
        p
        for p in paragraphs
        if p.split(":", 1)[0] in ("meetings", "agreements", "quotes", "commitments")
    ]
    typed_share = sum(len(p) for p in typed) / len(SINGLE_SYSTEM)
    wrapper = 20  # ChatML system/user turn tokens + "Publication date: ...\n\nArticle:\n<<<\n"
    system_tokens = prefix - wrapper
    trimmed = fixed - system_tokens * typed_share * 3 / 4  # each call keeps 1 of 4 type sections
    one_first = fixed + art
    four = 4 * fixed + 4 * art
    four_trim = 4 * trimmed + 4 * art
    print()
    print("one call vs four per-type calls, prompt tokens per article (mean of the seeds):")
    print(f"  one call, first call only               : {one_first:7.0f}  (F + A)")
    print(
        f"  one call, with the recorded re-asks     : {prompt:7.0f}  (measured, "
        f"{calls:.2f} calls per article)"
    )
    print(
        f"  four per-type calls (estimate)          : {four:7.0f}  (4 x F + 4 x A)  "
        f"= {four / one_first:.2f} x the first call, {four / prompt:.2f} x measured"
    )
    print(
        f"  four calls, each with only its section  : {four_trim:7.0f}  (estimate: F less "
        f"3/4 of the type sections, {typed_share:.0%} of the instructions by chars)"
    )
    print(
        f"  completion tokens                       : {compl:7.0f}  measured for one call; "
        "four calls write the same records (plus ~3 empty JSON envelopes): about the same"
    )
    print(
        "  The four-call figures are estimates derived from the recorded counts, not "
        "recordings. With a server that caches the shared prefix (llama-server) the "
        "repeated instructions are not recomputed but are still counted (and billed by "
        "hosted APIs) as prompt tokens."
    )


if __name__ == "__main__":
    main()
