"""Shared fixtures: the founding article (read from ../shared, never copied) and loaded knowledge."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

# ../shared beside the checkout, or where VERIFY_SHARED points (CI may check out elsewhere).
_SHARED = [Path(p) for p in (os.environ.get("VERIFY_SHARED"), ROOT.parent / "shared", "/work/shared") if p]
SHARED = next((p for p in _SHARED if (p / "seed").is_dir()), _SHARED[0])
SEED = SHARED / "seed" / "conoco_ar.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The founding Arabic article; tests using it skip where ../shared is absent."""
    if not SEED.is_file():
        pytest.skip(f"founding article not found at {SEED} (../shared is not checked out here)")
    return SEED


@pytest.fixture(scope="session")
def english_path() -> Path:
    """Our own English report of the same events, written for the tests."""
    return DATA / "conoco_en.txt"


@pytest.fixture(scope="session")
def knowledge():  # type: ignore[no-untyped-def]
    from verify.registry import Knowledge, Settings

    return Knowledge.load(Settings())


@pytest.fixture(scope="session")
def registry():  # type: ignore[no-untyped-def]
    from verify.registry.sources import SourceRegistry

    return SourceRegistry.load()


@pytest.fixture(scope="session")
def places():  # type: ignore[no-untyped-def]
    from verify.registry.places import Gazetteer

    return Gazetteer.load()
