"""The README's Dask recipe, run as written on a local cluster of two worker processes over a small
archive, writes what the CLI's --jsonl writes for the same files."""

import re

from conftest import ROOT, compact, run_cli


def recipe() -> str:
    """The README's Python block that reads an archive with dask.bag."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    (block,) = [block for block in blocks if "dask.bag" in block]
    return block


def test_the_readmes_dask_recipe_writes_the_clis_jsonl(cli, articles, short_texts, tmp_path, monkeypatch):
    texts = [*articles.values(), *short_texts]
    archive = tmp_path / "archive"
    archive.mkdir()
    files = [texts[0::3], texts[1::3], texts[2::3]]
    for number, part in enumerate(files):
        lines = [compact({"id": f"{number}-{i}" if i % 2 else i, "text": text}) for i, text in enumerate(part)]
        lines.insert(len(lines) // 2, "")  # a blank line, which both skip
        (archive / f"news-{number}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    exec(compile(recipe(), "README.md", "exec"), namespace)
    client = namespace["client"]
    cluster = client.cluster
    try:
        assert len(cluster.workers) == 2
    finally:
        client.close()
        cluster.close()

    archive_bytes = b"".join(path.read_bytes() for path in sorted(archive.glob("*.jsonl")))
    expected = run_cli(cli, "--jsonl", stdin=archive_bytes)
    assert expected.returncode == 0, expected.stderr
    outputs = sorted((tmp_path / "analysed").glob("*.jsonl"), key=lambda path: int(path.stem))
    assert len(outputs) == len(files)
    got = "".join(path.read_text(encoding="utf-8").rstrip("\n") + "\n" for path in outputs)
    assert got == expected.stdout.decode("utf-8")
    assert len(got.splitlines()) == len(texts)
