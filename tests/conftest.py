import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _shared() -> pathlib.Path:
    """$ALIGNER_SHARED if set, else ../shared beside the project (what CI has)."""
    env = os.environ.get("ALIGNER_SHARED")
    return pathlib.Path(env) if env else ROOT.parent / "shared"


SHARED = _shared()
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def pytest_configure(config):
    # The suite's embeddings go to a git-ignored folder of the checkout, never the user's ~/.cache;
    # tests that need a cold cache set their own folder.
    os.environ.setdefault("ALIGNER_CACHE_DIR", str(ROOT / "tests" / ".cache" / "embeddings"))
    # The whole suite runs offline, as on CI and a fresh machine: nothing may reach for a model hub.
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[var] = "1"


@pytest.fixture(scope="session")
def corpus_dir() -> pathlib.Path:
    return ROOT / "corpus"


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set ALIGNER_SHARED or put it at ../shared)")
    return SHARED


@pytest.fixture
def fake_encoder():
    from fakes import FakeEncoder

    return FakeEncoder()
