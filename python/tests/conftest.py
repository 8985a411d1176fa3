"""What the tests share: the repository, the CLI they compare with, and the texts they compare on."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "python"


def compact(value) -> str:
    """``value`` as the CLI writes JSON: no spaces, non-ASCII characters as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="session")
def cli() -> Path:
    """The CLI built from this checkout: $ARTICLE_ANALYZER_CLI (set by `cargo xtask test`), else the
    release build under the cargo target directory."""
    given = os.environ.get("ARTICLE_ANALYZER_CLI")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = Path(given) if given else ROOT / target / "release" / "article-analyzer"
    if not path.is_file():
        pytest.fail(f"no CLI at {path}: run `cargo build --release` or set ARTICLE_ANALYZER_CLI")
    return path


def run_cli(cli: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, check=False)


@pytest.fixture(scope="session")
def articles() -> dict:
    """Whole articles by name: the page's sample and the fixtures written for these tests."""
    files = [ROOT / "www" / "sample.txt", *sorted(FIXTURES.glob("*.txt"))]
    # newline="" keeps CRLF as it is in the file, as the CLI reads it.
    return {path.name: read(path) for path in files}


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


@pytest.fixture(scope="session")
def short_texts() -> list:
    """The texts of the sentence tests: the English Golden Rules and the project's own cases."""
    texts = []
    for name in ["english_golden_rules.json", "sentences.json"]:
        cases = json.loads((ROOT / "tests" / "golden" / name).read_text(encoding="utf-8"))["cases"]
        texts.extend(case["text"] for case in cases)
    return texts
