#!/usr/bin/env python3
"""Builds the gazetteer lists of model/lists/ from pinned package-registry releases.

Each list is one kind of name, one name a line, sorted, UTF-8. Every package is fetched with its
registry's own client (`pip download`) at a pinned version, and its sha256 is checked
before anything is read from it; SOURCES.md records what was taken from which release under which
licence. `cargo xtask train` reads only the files written here, so training needs no network.

Usage: python3 xtask/lists/fetch.py [--cache DIR]   (run from anywhere; standard library only)
"""

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "model" / "lists"

# (client, name, version, file the client saves, sha256 of that file)
PACKAGES = {
    "names": ("pip", "names", "0.3.0", "names-0.3.0.tar.gz",
              "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"),
}

# What each release is licensed under: (code, data).
LICENCES = {
    "names": ("MIT", "public domain: the US Census Bureau's 1990 name frequency lists, as the package's "
              "README states"),
}

# What each list is: (releases it comes from, what was taken and how it was filtered).
DESCRIPTIONS = {
    "given-names": (["names"], "every name of dist.male.first and dist.female.first (the 1990 census "
                    "lists of first names), capitalised"),
    "family-names": (["names"], "the names of dist.all.last borne by at least {MIN_FAMILY_NAME_PERCENT}% "
                     "of the 1990 population, capitalised"),
}

# Filters, chosen on held-out data (a model trained on CoNLL train, scored on CoNLL dev and on
# WikiGold): with every census family name borne by 0.001% (18,839), dev F1 92.74 and WikiGold 60.89;
# with those of 0.005% (2,753), 92.80 and 61.07. No lists at all: 92.54 and 60.21. Lists of places,
# nationalities and listed companies were tried and dropped (docs/gazetteer-lists.md).
# Census 1990 family names covering at least this share of people, in percent (the list's second column).
MIN_FAMILY_NAME_PERCENT = 0.005


def fetch(key, cache):
    """The bytes of a pinned release, downloaded into `cache` once, checked against its sha256."""
    client, name, version, filename, sha256 = PACKAGES[key]
    path = cache / filename
    if not path.is_file():
        command = ["pip", "download", "--no-deps", "--ignore-requires-python", "-d", str(cache),
                   f"{name}=={version}"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        sys.exit(f"{filename}: sha256 {actual}, expected {sha256}; refusing to use it")
    return data


def member(archive, path):
    """One file of a wheel (zip) or of an sdist or npm tarball."""
    if zipfile.is_zipfile(io.BytesIO(archive)):
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            return z.read(path)
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        return t.extractfile(path).read()


def census(archive, file, min_percent=0.0):
    """Names of a 1990 census list (NAME  percent  cumulative  rank), capitalised as names are."""
    text = member(archive, f"names-0.3.0/names/{file}").decode("ascii")
    names = []
    for line in text.splitlines():
        fields = line.split()
        if fields and float(fields[1]) >= min_percent:
            names.append(fields[0].capitalize())
    return names


def given_names(cache):
    archive = fetch("names", cache)
    return set(census(archive, "dist.male.first") + census(archive, "dist.female.first"))


def family_names(cache):
    return set(census(fetch("names", cache), "dist.all.last", MIN_FAMILY_NAME_PERCENT))


LISTS = {
    "given-names": given_names,
    "family-names": family_names,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="where the downloaded releases are kept")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.gettempdir()) / "article-analyzer-lists"
    cache.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for kind, build in LISTS.items():
        names = sorted(build(cache))
        text = "".join(name + "\n" for name in names)
        (OUT / f"{kind}.txt").write_text(text, encoding="utf-8")
        rows.append((kind, len(names), len(text.encode())))
        print(f"{kind}.txt: {len(names)} names, {len(text.encode())} bytes")
    (OUT / "SOURCES.md").write_text(sources(rows), encoding="utf-8")


def sources(rows):
    """SOURCES.md: where each list comes from, under which licence, and how it was cut."""
    out = ["# Gazetteer lists", "",
           "Written by `python3 xtask/lists/fetch.py` (do not edit by hand); read by `cargo xtask train`",
           "(xtask/src/lists.rs), each list one kind of the model's gazetteer, looked up as the hash of",
           "its lowercased tokens. Every list comes whole from its sources, filtered only as said here.",
           "", "## Releases", "",
           "| release | fetched with | file | sha256 | licence of the code | licence of the data |",
           "|---|---|---|---|---|---|"]
    for key, (client, name, version, filename, sha256) in PACKAGES.items():
        code, data = LICENCES[key]
        registry = "pip download (PyPI)" if client == "pip" else "npm pack (npm)"
        out.append(f"| {name} {version} | {registry} | {filename} | `{sha256}` | {code} | {data} |")
    out += ["", "## Lists", "", "| file | names | bytes | from | what was taken |", "|---|---:|---:|---|---|"]
    for kind, count, size in rows:
        releases, what = DESCRIPTIONS[kind]
        what = what.format(**globals())
        names = ", ".join(f"{PACKAGES[r][1]} {PACKAGES[r][2]}" for r in releases)
        out.append(f"| {kind}.txt | {count} | {size} | {names} | {what} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
