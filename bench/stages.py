"""Stage figures per split and language, no model: how much of the golden data the code-side
steps of the staged strategy reach (candidates, names, attribution, hints).

    python bench/stages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import GROUPS, STAGES, _seed_golden, _share, stage_figures  # noqa: E402

from extract.articles import load_article  # noqa: E402
from extract.evaluation.evaluate import load_golden  # noqa: E402


def main() -> None:
    print(
        "| split | language | quote candidates | speakers in name list | attributed by code "
        "| code's attribution right | participants in name list | meeting evidence hinted "
        "| agreement evidence hinted | commitment evidence hinted |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in ("dev", "test", "seeds"):
        folder, golden_dir = GROUPS[name]
        gold = load_golden(golden_dir) if name != "seeds" else _seed_golden()
        languages: dict[str, list[str]] = {}
        for path in folder.glob("*.txt"):
            languages.setdefault(load_article(path).language or "fr", []).append(path.stem)
        for language in sorted(languages):
            subset = {k: v for k, v in gold.items() if k in languages[language]}
            figures = stage_figures(folder, subset)
            print(
                f"| {name} | {language} | " + " | ".join(_share(figures[k]) for k in STAGES) + " |"
            )
        figures = stage_figures(folder, gold)
        print(f"| {name} | **all** | " + " | ".join(_share(figures[k]) for k in STAGES) + " |")


if __name__ == "__main__":
    main()
