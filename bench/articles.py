"""Choose the whole-article ladder (:mod:`verify.model.article`) by cross-validation on Baly folds 1-4.

Run from the repository root::

    .venv/bin/python -m bench.articles [--data ../shared/eval] [--write]

Baly et al. 2018 (Arabic claims against the whole articles retrieved for them, labels agree /
disagree / discuss / unrelated) is the development set of whole articles. The ladder's two
thresholds on the rationale score are chosen on three of the authors' folds (the grid of the
score's 5th to 95th percentiles there, maximising macro-F1) and the fourth fold is judged with
them, four rounds, so every figure printed for the ladder is out of fold. The shipped model is
not refitted: the ladder decides from its rationale alone. Printed beside it: the shipped
model's verdicts without the ladder on the same pairs (what ``verify pairs`` gave before).

``--write`` stores the thresholds chosen on all four folds, and each relation's out-of-fold
precision as its confidence, in verify/data/judge.json (``article``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from bench.eval import MAPS, Dataset, load_baly, report
from verify.embed import CachedEmbedder, load_embedder
from verify.model.article import ArticleGate, article_relation
from verify.model.judgemodel import load_model
from verify.model.pairs import PairJudge
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

LABELS = ("agree", "disagree", "discuss", "unrelated")
JUDGE_JSON = Path(__file__).parent.parent / "verify" / "data" / "judge.json"


def ladder(scores: Sequence[float], rationales: Sequence[str], gate: ArticleGate) -> list[str]:
    """Baly labels of the ladder's verdicts."""
    return [
        MAPS["baly"][str(article_relation(s, r, gate)[0])] for s, r in zip(scores, rationales, strict=True)
    ]


def choose(scores: np.ndarray, rationales: Sequence[str], gold: Sequence[str]) -> ArticleGate:
    """The thresholds (on a percentile grid of ``scores``) with the best macro-F1 on these pairs."""
    grid = np.quantile(scores, np.linspace(0.05, 0.95, 37))
    best: tuple[float, float, float] = (-1.0, 0.0, 0.0)
    for low in grid:
        for high in grid[grid >= low]:
            gate = ArticleGate(float(low), float(high))
            f1 = float(
                f1_score(
                    gold, ladder(scores, rationales, gate), labels=LABELS, average="macro", zero_division=0
                )
            )
            best = max(best, (f1, float(low), float(high)))
    return ArticleGate(round(best[1], 4), round(best[2], 4))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "verify" / "embeddings")
    parser.add_argument("--write", action="store_true", help="store the thresholds in verify/data/judge.json")
    parser.add_argument(
        "--per-fold", type=int, default=0, help="the first N pairs of each fold only (a quick check)"
    )
    args = parser.parse_args(argv)
    data = load_baly(args.data)
    if args.per_fold:
        keep = [i for i, g in enumerate(data.groups) if data.groups[: i + 1].count(g) <= args.per_fold]
        data = Dataset(
            data.name,
            *([getattr(data, f)[i] for i in keep] for f in ("claims", "evidences", "labels", "groups")),
        )
    shipped = load_model()
    judge = PairJudge(
        CachedEmbedder(load_embedder(None), args.cache_dir),
        SourceRegistry.load(),
        Gazetteer.load(),
        shipped,
        articles=False,
    )
    prepared = judge.prepare(data.claims, data.evidences, lambda m: print(f"[baly] {m}", file=sys.stderr))
    before = [(str(v.relation), v.confidence) for v in judge.verdicts(prepared)]
    report("Baly folds 1-4, shipped model without the ladder (before)", data, before)

    scores = np.array([p.rationale_score for p in prepared.pairs])
    rationales = [" ".join(r) for r in prepared.rationales]
    gold, groups = np.array(data.labels), np.array(data.groups)
    articles = np.array(judge.is_article(prepared))
    predicted = np.array([label for label, _ in before], dtype=object)
    predicted = np.array([MAPS["baly"][r] for r in predicted], dtype=object)
    for fold in sorted(set(data.groups)):
        train, test = (groups != fold) & articles, (groups == fold) & articles
        gate = choose(scores[train], [rationales[i] for i in np.flatnonzero(train)], list(gold[train]))
        print(f"fold {fold}: chosen on the other folds: related {gate.related}, takes_side {gate.takes_side}")
        at = np.flatnonzero(test)
        predicted[at] = ladder(scores[at], [rationales[i] for i in at], gate)
    inverse = {
        "agree": "corroborates",
        "disagree": "contradicts",
        "discuss": "partial",
        "unrelated": "unrelated",
    }
    precision = {
        inverse[label]: round(float(np.mean(gold[predicted == label] == label)), 3)
        for label in LABELS
        if np.any(predicted == label)
    }
    confidence = dict.fromkeys(inverse.values(), 0.5) | precision
    after = [(inverse[p], confidence[inverse[p]]) for p in predicted]
    print(
        f"\n{int(articles.sum())} of {len(articles)} evidence texts are articles "
        f"(more than {judge.top_k} sentences)"
    )
    report(
        "Baly folds 1-4, with the ladder, leave-one-fold-out (thresholds chosen on the other three)",
        data,
        after,
    )
    final = choose(scores[articles], [rationales[i] for i in np.flatnonzero(articles)], list(gold[articles]))
    print(f"\nchosen on all four folds: related {final.related}, takes_side {final.takes_side}")
    print(f"confidence (out-of-fold precision): {precision}")
    if args.write:
        text = JUDGE_JSON.read_text(encoding="utf-8")
        values = {"related": final.related, "takes_side": final.takes_side, "confidence": confidence}
        for key, value in values.items():
            text = re.sub(
                rf'^(    "{key}": ).*?(,?)$', rf"\g<1>{json.dumps(value)}\g<2>", text, count=1, flags=re.M
            )
        json.loads(text)  # still valid
        JUDGE_JSON.write_text(text, encoding="utf-8")
        print(f"wrote {JUDGE_JSON}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
