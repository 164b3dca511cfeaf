"""Pair mode: judge each row's claim against its evidence, a sentence or a whole article.

For evidence longer than ``top_k`` sentences the judge first picks the rationale, the sentences
that speak to the claim, in two steps so that a 3,000-row sheet of articles takes minutes:
a cheap lexical pass keeps the ``PREFILTER`` sentences sharing most words with the claim, then
those are scored by embedding cosine plus word overlap plus shared named entities, and the
``top_k`` scoring at least ``threshold`` are kept (the best one always, so a weak rationale is
judged and found unrelated rather than skipped). The rules and the classifier see only those.

Such an article is then decided by :mod:`verify.model.article`: unrelated when even its best
sentence is far from the claim, partial when it speaks to the topic without restating the
claim, and only then agreeing or denying; the verdict's ``rationale`` says which sentences.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from verify.embed import Embedder
from verify.judge import ScoredPair, decide, pair_features
from verify.model.align import AlignData, align_data, concat
from verify.model.article import ArticleGate, article_relation, default_gate
from verify.model.delta import words_to_embed
from verify.model.features import Matrix, PairInput, PairVectors, featurize
from verify.model.judgemodel import JudgeModel, combine
from verify.model.rationale import PREFILTER, candidate_sentences, select_rationale
from verify.records import Claim, ClaimKind, FacetDiff, Facets, Progress, Relation, SourceType
from verify.registry import Gazetteer, SourceRegistry, entity_similarity
from verify.text import has_arabic, split_sentences

FacetFn = Callable[[str, str], Facets]

_CHUNK = 200
_SCORE_CHUNK = 4096
_MEMO_MAX = 100_000


@dataclass(frozen=True)
class PairVerdict:
    relation: Relation
    confidence: float
    rationale: tuple[str, ...]
    facets: tuple[FacetDiff, ...]
    label: str | None = None
    """The model's own label, for a model trained on a user's labels (``relation`` is then that
    label's relation through the model's map, ``unverified`` where it has none, and
    ``confidence`` the label's probability)."""


@dataclass(frozen=True)
class Prepared:
    """Pairs ready to classify: rule features, rationale and the feature matrix."""

    pairs: tuple[PairInput, ...]
    rationales: tuple[tuple[str, ...], ...]
    X: Matrix
    align: AlignData | None = None
    """The pairs as the word-alignment network reads them (claim against its rationale)."""
    sentences: tuple[int, ...] = ()
    """How many sentences each evidence text has (empty: not counted, none is an article)."""

    def take(self, rows: Sequence[int]) -> Prepared:
        """The prepared pairs at ``rows``."""
        return Prepared(
            tuple(self.pairs[i] for i in rows),
            tuple(self.rationales[i] for i in rows),
            self.X[list(rows)],
            self.align.take(rows) if self.align is not None else None,
            tuple(self.sentences[i] for i in rows) if self.sentences else (),
        )


def facet_function(registry: SourceRegistry, places: Gazetteer) -> FacetFn:
    """``(text, lang) -> Facets`` from :mod:`verify.facets.extract`, or empty facets while it is absent."""
    try:
        from verify.facets import extract_facets
    except ImportError:
        warnings.warn("verify.facets is unavailable: judging without facets", RuntimeWarning, stacklevel=2)
        return lambda text, lang: Facets()

    def run(text: str, lang: str) -> Facets:
        return extract_facets(text, lang=lang, published=None, registry=registry, places=places)

    return run


def _claim(i: int, text: str, role: str, facets: Facets) -> Claim:
    party = role == "claim"
    return Claim(
        id=f"{role}-{i}",
        document_id=f"row-{i}",
        text=text,
        start=0,
        end=len(text),
        source=f"the {role}",
        source_type=SourceType.PARTY if party else SourceType.INDEPENDENT,
        lang="ar" if has_arabic(text) else "en",
        kind=ClaimKind.EVENT,
        facets=facets,
    )


class PairJudge:
    """Judges claim/evidence texts with the facet rules and, when given, a trained model."""

    def __init__(
        self,
        embedder: Embedder,
        registry: SourceRegistry,
        places: Gazetteer,
        model: JudgeModel | None = None,
        *,
        top_k: int = 3,
        threshold: float = 0.35,
        facets: FacetFn | None = None,
        article_gate: ArticleGate | None = None,
        articles: bool = True,
    ) -> None:
        self.embedder = embedder
        self.registry = registry
        self.places = places
        self.model = model
        self.top_k = top_k
        self.threshold = threshold
        self.facets = facets or facet_function(registry, places)
        self.article_gate = (article_gate or default_gate()) if articles else None
        """How a claim against a whole article is decided (None: by the classifier alone)."""
        self._entities: dict[str, frozenset[str]] = {}
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}

    def remember(self, texts: Sequence[str], vectors: npt.NDArray[np.float32]) -> None:
        """Vectors already computed for ``texts`` (a run's claims), so scoring does not embed them again."""
        for text, vector in zip(texts, vectors, strict=True):
            self._vectors[text] = vector

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit vectors of ``texts``, each distinct text not seen before embedded once, in one batch."""
        distinct = list(dict.fromkeys(texts))
        missing = [t for t in distinct if t not in self._vectors]
        if missing and len(self._vectors) + len(missing) > _MEMO_MAX:
            # Full: forget the rest, keeping (re-embedding) only what this call returns.
            self._vectors.clear()
            missing = distinct
        if missing:
            self._vectors.update(zip(missing, self.embedder.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.array([self._vectors[t] for t in texts], dtype=np.float32)

    def entities(self, text: str) -> frozenset[str]:
        """Registry source ids and gazetteer place ids named in ``text`` (memoised: claims repeat)."""
        if text not in self._entities:
            if len(self._entities) > 50_000:
                self._entities.clear()
            found = {f"s:{m.id}" for m in self.registry.find_mentions(text)}
            self._entities[text] = frozenset(found | {f"p:{m.id}" for m in self.places.find(text)})
        return self._entities[text]

    def prepare(
        self, claims: Sequence[str], evidences: Sequence[str], progress: Progress | None = None
    ) -> Prepared:
        """Rationales, rule features and the feature matrix of every pair."""
        pairs: list[PairInput] = []
        rationales: list[tuple[str, ...]] = []
        blocks: list[Matrix] = []
        aligned: list[AlignData] = []
        counts = tuple(sum(1 for s in split_sentences(e) if s.text.strip()) for e in evidences)
        for start in range(0, len(claims), _CHUNK):
            stop = min(len(claims), start + _CHUNK)
            chunk = self._prepare_chunk(start, claims[start:stop], evidences[start:stop])
            pairs.extend(chunk[0])
            rationales.extend(chunk[1])
            blocks.append(chunk[2])
            if self._reads_alignment:
                aligned.append(
                    self.alignment([p.claim.text for p in chunk[0]], [p.evidence.text for p in chunk[0]])
                )
            if progress:
                progress(f"prepared {stop}/{len(claims)} pairs")
        X = np.vstack(blocks) if blocks else np.zeros((0, 0))
        return Prepared(tuple(pairs), tuple(rationales), X, concat(aligned) if aligned else None, counts)

    @property
    def _reads_alignment(self) -> bool:
        # Without a model the pairs are being prepared for training, which fits the network.
        return self.model is None or self.model.aligner is not None

    def alignment(self, claims: Sequence[str], evidences: Sequence[str]) -> AlignData:
        """The pairs as the word-alignment network reads them (words embedded through the memo)."""
        return align_data(claims, evidences, self.encode)

    def _prepare_chunk(
        self, offset: int, claims: Sequence[str], evidences: Sequence[str]
    ) -> tuple[list[PairInput], list[tuple[str, ...]], Matrix]:
        candidates = [
            candidate_sentences(c, e, max(PREFILTER, self.top_k))
            for c, e in zip(claims, evidences, strict=True)
        ]
        flat = [s for group in candidates for s in group]
        vectors = self.encode([*claims, *flat])
        claim_vecs, sent_vecs = vectors[: len(claims)], vectors[len(claims) :]
        pairs: list[PairInput] = []
        rationales: list[tuple[str, ...]] = []
        evidence_vecs: list[npt.NDArray[np.float32]] = []
        at = 0
        for i, (claim, group) in enumerate(zip(claims, candidates, strict=True)):
            vecs = sent_vecs[at : at + len(group)]
            at += len(group)
            cosines = [float(x) for x in vecs @ claim_vecs[i]]
            chosen, score = select_rationale(
                claim, group, cosines, self.entities, top_k=self.top_k, threshold=self.threshold
            )
            picked = [group.index(s) for s in chosen]
            mean = vecs[picked].mean(axis=0)
            evidence_vecs.append(mean / (np.linalg.norm(mean) or 1.0))
            text = " ".join(chosen)
            c = _claim(offset + i, claim, "claim", self.facets(claim, "ar" if has_arabic(claim) else "en"))
            e = _claim(offset + i, text, "evidence", self.facets(text, "ar" if has_arabic(text) else "en"))
            rules = pair_features(c, e, similarity=entity_similarity, opposing=False)
            pairs.append(PairInput(c, e, rules, score, len(chosen)))
            rationales.append(chosen)
        return pairs, rationales, self._matrix(pairs, claim_vecs, np.array(evidence_vecs, dtype=np.float32))

    def probabilities(self, pairs: Sequence[ScoredPair]) -> list[dict[Relation, float]]:
        """The model's calibrated probabilities for pipeline pairs (claim, evidence, rule features).

        Both texts are single sentences here, so each is its own rationale; this is the
        :data:`~verify.judge.findings.PairScorer` that ``verify run`` passes to the judge. Texts given to
        :meth:`remember` are not embedded again; pairs are featurized in chunks of ``_SCORE_CHUNK``.
        """
        if self.model is None:
            raise ValueError("probabilities need a judge model")
        out: list[dict[Relation, float]] = []
        for start in range(0, len(pairs), _SCORE_CHUNK):
            chunk = pairs[start : start + _SCORE_CHUNK]
            claim_texts, evidence_texts = [c.text for c, _, _ in chunk], [e.text for _, e, _ in chunk]
            claim_vecs = self.encode(claim_texts)
            evidence_vecs = self.encode(evidence_texts)
            cosines = np.einsum("ij,ij->i", claim_vecs, evidence_vecs)
            inputs = []
            for (c, e, rules), cosine in zip(chunk, cosines, strict=True):
                _, score = select_rationale(c.text, [e.text], [float(cosine)], self.entities)
                inputs.append(PairInput(c, e, rules, score, 1))
            align = self.alignment(claim_texts, evidence_texts) if self._reads_alignment else None
            out.extend(self.model.proba(self._matrix(inputs, claim_vecs, evidence_vecs), align))
        return out

    def _matrix(
        self,
        pairs: Sequence[PairInput],
        claim_vecs: npt.NDArray[np.float32],
        evidence_vecs: npt.NDArray[np.float32],
    ) -> Matrix:
        """The feature matrix; embeds the single changed words not embedded before."""
        words = words_to_embed([p.claim.text for p in pairs], [p.evidence.text for p in pairs])
        word_vectors = dict(zip(words, self.encode(words), strict=True)) if words else {}
        return featurize(pairs, PairVectors(claim_vecs, evidence_vecs, word_vectors), entities=self.entities)

    def verdicts(self, prepared: Prepared) -> list[PairVerdict]:
        """Relation and confidence per prepared pair (rules alone when there is no model)."""
        if self.model is not None and self.model.own_labels:
            return self._label_verdicts(prepared, self.model)
        probas = self.model.proba(prepared.X, prepared.align) if self.model else [None] * len(prepared.pairs)
        out = []
        for pair, chosen, proba, article in zip(
            prepared.pairs, prepared.rationales, probas, self.is_article(prepared), strict=True
        ):
            if self.article_gate is not None and article:
                relation, conf = article_relation(pair.rationale_score, " ".join(chosen), self.article_gate)
            elif proba is None:
                relation, conf = decide(pair.rules), 0.5
            else:
                relation, conf = combine(pair.rules, proba)
            out.append(PairVerdict(relation, round(conf, 4), chosen, pair.rules.diffs))
        return out

    def is_article(self, prepared: Prepared) -> list[bool]:
        """Per prepared pair, whether its evidence is an article (more sentences than ``top_k``)."""
        return [count > self.top_k for count in prepared.sentences or (0,) * len(prepared.pairs)]

    @staticmethod
    def _label_verdicts(prepared: Prepared, model: JudgeModel) -> list[PairVerdict]:
        """The most probable of the model's own labels per pair, and its relation through the map."""
        relation = {label: Relation(r) for label, r in model.label_map}
        out = []
        for pair, chosen, proba in zip(
            prepared.pairs, prepared.rationales, model.label_proba(prepared.X, prepared.align), strict=True
        ):
            label = max(proba, key=lambda name: proba[name])
            out.append(
                PairVerdict(
                    relation.get(label, Relation.UNVERIFIED),
                    round(proba[label], 4),
                    chosen,
                    pair.rules.diffs,
                    label,
                )
            )
        return out

    def judge(
        self, claims: Sequence[str], evidences: Sequence[str], progress: Progress | None = None
    ) -> list[PairVerdict]:
        """Verdicts for ``claims[i]`` against ``evidences[i]``."""
        return self.verdicts(self.prepare(claims, evidences, progress))


# The spreadsheet side of pair mode lives in verify.model.sheet.

__all__ = [
    "PairJudge",
    "PairVerdict",
    "Prepared",
    "facet_function",
]
