import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def corpus_dir() -> pathlib.Path:
    return ROOT / "corpus"


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture
def fake_encoder():
    from fakes import FakeEncoder

    return FakeEncoder()
