"""GUM documents of ../shared/data/gum -> training documents with PERSON / ORG / LOC / MISC names.

    python3 xtask/corpora/gum_names.py DATA_DIR > documents.jsonl

Cuts GUM's full noun-phrase entity mentions to names exactly as the Wikinews benchmark does, by
calling the functions of ../shared/eval/gum-news/names.py (its code only: none of the evaluation
documents is read). Writes one JSON object per document: {"name", "text", "entities": [[start,
end, label]]}, offsets in UTF-8 bytes of "text", labels PER / ORG / LOC / MISC. MISC comes from
the benchmark's unscored names (proper-noun runs of event, object, abstract and substance
mentions, groups of people), which CoNLL-2003 tags MISC.
"""
import glob
import json
import os
import re
import sys
import tempfile

# Some GUM documents carry no salience field in their entity annotations; the benchmark's parser
# reads fields by position, so a neutral one ("nnnnn": in no summary) is put in its place.
NO_SALIENCE = re.compile(r"\((\d+-[a-z]+-[^-()|]+)-(cf\d)")


def byte_offsets(text):
    """UTF-8 byte offset of each code point of `text`, and of its end."""
    offsets, at = [], 0
    for ch in text:
        offsets.append(at)
        at += len(ch.encode("utf-8"))
    offsets.append(at)
    return offsets


def parse(names, path):
    """The benchmark's parse of the GUM document at `path`, salience fields filled in."""
    with open(path, encoding="utf-8") as f:
        text = NO_SALIENCE.sub(r"(\1-nnnnn-\2", f.read())
    with tempfile.TemporaryDirectory() as folder:
        copy = os.path.join(folder, os.path.basename(path))
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text)
        return names.parse_doc(copy)


def main():
    data = sys.argv[1]
    benchmark = os.path.join(data, "..", "eval", "gum-news")
    sys.path.insert(0, benchmark)
    import names  # the benchmark's cutting rules

    paths = sorted(glob.glob(os.path.join(data, "gum", "GUM_*.conllu")))
    if not paths:
        sys.exit(f"no GUM_*.conllu in {os.path.join(data, 'gum')}")
    parsed = [parse(names, p) for p in paths]
    # The LOC convention needs the places of the whole corpus, as names.load computes them.
    place_ids = {m.identity for d in parsed for m in d.mentions if m.etype == "place" and m.identity}
    place_texts = {d.text[s:e] for d in parsed for s, e, label, info in names.gold_for_doc(d)[0]
                   if label == "LOC" and info["mention"].etype == "place"}
    for path, doc in zip(paths, parsed):
        gold, misc, _, _ = names.gold_for_doc(doc, place_ids, place_texts)
        at = byte_offsets(doc.text)
        entities = [(at[s], at[e], {"PERSON": "PER"}.get(label, label)) for s, e, label, _ in gold]
        entities += [(at[s], at[e], "MISC") for s, e, _ in misc]
        entities.sort()
        kept, end = [], 0
        for entity in entities:
            if entity[0] >= end:
                kept.append(list(entity))
                end = entity[1]
        print(json.dumps({"name": os.path.basename(path),
                          "text": doc.text, "entities": kept}, ensure_ascii=False))


if __name__ == "__main__":
    main()
