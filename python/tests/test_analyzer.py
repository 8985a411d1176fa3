"""The Python package against the CLI: the same JSON byte for byte, the same errors, no crash on any str."""

import ast
import inspect
import json
import pickle
import random
import re
import threading
from pathlib import Path

import pytest

import article_analyzer
from article_analyzer import Analyzer, analyze, analyze_many, to_code_points
from conftest import FIXTURES, compact, run_cli

ENTITIES = FIXTURES / "entities.json"


def test_each_article_is_the_clis_json_byte_for_byte(cli, articles):
    for name, text in articles.items():
        result = run_cli(cli, "-", stdin=text.encode("utf-8"))
        assert result.returncode == 0, result.stderr
        assert result.stdout == (compact(analyze(text)) + "\n").encode("utf-8"), name
        assert compact(Analyzer().analyze(text)) == compact(analyze(text))


def test_analyze_many_is_the_clis_jsonl_byte_for_byte_on_any_number_of_threads(cli, articles, short_texts):
    texts = [*articles.values(), *short_texts, ""]
    lines = "".join(compact({"id": i, "text": text}) + "\n" for i, text in enumerate(texts))
    result = run_cli(cli, "--jsonl", stdin=lines.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    expected = result.stdout.decode("utf-8").splitlines()
    assert len(expected) == len(texts)
    for threads in [None, 1, 2, 3, 1000]:
        analyses = analyze_many(texts, threads=threads)
        got = [compact({"id": i, **analysis}) for i, analysis in enumerate(analyses)]
        assert got == expected, threads
    assert Analyzer().analyze_many(iter(texts[:5])) == analyses[:5]
    assert analyze_many([]) == []


def test_custom_entities_give_the_clis_json(cli, articles):
    entities = json.loads(ENTITIES.read_text(encoding="utf-8"))
    analyzer = Analyzer(custom_entities=entities)
    for name, text in articles.items():
        result = run_cli(cli, "--entities", str(ENTITIES), "-", stdin=text.encode("utf-8"))
        assert result.returncode == 0, result.stderr
        assert result.stdout == (compact(analyzer.analyze(text)) + "\n").encode("utf-8"), name
    assert analyzer.analyze_many(list(articles.values()), threads=2) == [
        analyzer.analyze(text) for text in articles.values()
    ]
    groups = analyzer.analyze(articles["edges.txt"])["groups"]
    openai = next(g for g in groups if g["text"] == "OpenAI")
    assert list(openai) == ["text", "label", "count", "first", "salience", "url"]
    assert (openai["count"], openai["first"], openai["url"]) == (3, 7, "https://openai.com")
    named = [g["salience"] for g in groups if g["label"] in {"PERSON", "ORG", "LOC", "MISC"}]
    assert all(0 < s <= 1 for s in named) and abs(sum(named) - 1) < 1e-9, named
    assert all("url" not in g for g in groups if g["text"] != "OpenAI")


@pytest.mark.parametrize(
    "entities, error",
    [
        ([{"name": "OpenAI", "label": "COMPANY"}], ValueError),
        ([{"name": "OpenAI", "label": "ORG", "wikidata": "Q21708200"}], ValueError),
        ([{"label": "ORG"}], ValueError),
        ([{"name": "OpenAI", "label": "ORG", "aliases": "Open AI"}], TypeError),
        ([{"name": "OpenAI", "label": "ORG"}, ["OpenAI", "ORG"]], TypeError),
        ([{"name": 5, "label": "ORG"}], TypeError),
        ([{"name": "OpenAI", "label": "ORG", "url": 5}], TypeError),
        ([{"name": " ".join(["word"] * 65), "label": "ORG"}], ValueError),
    ],
)
def test_a_refused_custom_entity_raises_the_clis_message(cli, tmp_path, entities, error):
    path = tmp_path / "entities.json"
    path.write_text(json.dumps(entities), encoding="utf-8")
    result = run_cli(cli, "--entities", str(path), "-")
    assert result.returncode == 1
    with pytest.raises(error) as raised:
        Analyzer(custom_entities=entities)
    message = str(raised.value)
    index, _, reason = message.partition(": ")
    assert index == f"custom entity {len(entities) - 1}"
    # The CLI adds the file's name, and the line and column for JSON that serde refused.
    assert reason in result.stderr.decode("utf-8"), (message, result.stderr)


def test_a_wrong_argument_raises_a_type_error_that_names_it():
    cases = [
        (lambda: analyze(b"bytes"), "analyze: `text` must be a str, got bytes"),
        (lambda: analyze(None), "analyze: `text` must be a str, got NoneType"),
        (lambda: Analyzer().analyze(5), "Analyzer.analyze: `text` must be a str, got int"),
        (lambda: analyze_many("one text"), "analyze_many: `texts` must be an iterable of str, not a str"),
        (lambda: analyze_many(["a", 3]), "analyze_many: `texts[1]` must be a str, got int"),
        (lambda: analyze_many(5), "analyze_many: `texts` must be an iterable of str, got int"),
        (lambda: analyze_many(["a"], threads=2.0), "analyze_many: `threads` must be an int or None"),
        (lambda: Analyzer(custom_entities={"name": "OpenAI"}), "Analyzer: `custom_entities` must be a list"),
        (lambda: Analyzer(custom_entities="OpenAI"), "Analyzer: `custom_entities` must be a list"),
        (lambda: Analyzer([{"name": "OpenAI", "label": {1}}]), "custom entity 0: a set is not a JSON value"),
        (lambda: to_code_points([], "text"), "to_code_points: `analysis` must be a dict"),
    ]
    for call, message in cases:
        with pytest.raises(TypeError) as raised:
            call()
        assert str(raised.value).startswith(message)
    for threads in [0, -2]:
        with pytest.raises(ValueError, match="`threads` must be at least 1"):
            analyze_many(["a"], threads=threads)


def test_custom_entities_round_trip_through_pickle_as_engines_ship_functions():
    entities = [
        {"name": "OpenAI", "label": "ORG", "aliases": ["Open AI"], "url": "https://openai.com"},
        {"name": "Oslo", "label": "LOC"},
    ]
    analyzer = Analyzer(custom_entities=tuple(entities))
    assert analyzer.custom_entities == [entities[0], {**entities[1], "aliases": []}]
    copy = pickle.loads(pickle.dumps(analyzer))
    text = "Open AI opened an office in Oslo."
    assert copy.analyze(text) == analyzer.analyze(text)
    assert copy.custom_entities == analyzer.custom_entities
    assert Analyzer().custom_entities == [] and Analyzer(None).custom_entities == []


def test_code_points_slice_each_entity_as_python_does(articles):
    text = articles["unicode.txt"]
    analysis = analyze(text)
    utf16 = text.encode("utf-16-le")
    for entity in analysis["entities"]:
        assert utf16[2 * entity["start"] : 2 * entity["end"]].decode("utf-16-le") == entity["text"]
    converted = to_code_points({"id": 7, **analysis}, text)
    assert converted["id"] == 7
    assert [text[e["start"] : e["end"]] for e in converted["entities"]] == [e["text"] for e in analysis["entities"]]
    for utf16_span, span in zip(analysis["sentences"], converted["sentences"]):
        assert utf16[2 * utf16_span["start"] : 2 * utf16_span["end"]].decode("utf-16-le") == text[span["start"] : span["end"]]
    assert converted["entities"][-1]["start"] < analysis["entities"][-1]["start"], "the astral characters count"
    assert analysis == analyze(text), "the analysis given is not changed"
    for group in converted["groups"]:
        assert group["first"] in {e["start"] for e in converted["entities"]}
    with pytest.raises(ValueError, match="is not a UTF-16 offset of `text`"):
        to_code_points(analysis, text[:20])
    plain = analyze("Angela Merkel visited Paris.")
    assert to_code_points(plain, "Angela Merkel visited Paris.") == plain


def test_quotes_convert_to_code_points_with_their_speaker_and_cue():
    text = '😀🇳🇴 "We will build the new plant in Texas next year," Maria Gonzalez said. "It was a hard year."'
    analysis = analyze(text)
    converted = to_code_points(analysis, text)
    quote = converted["quotes"][0]
    assert text[quote["start"] : quote["end"]] == '"We will build the new plant in Texas next year,"'
    assert text[quote["speaker"]["start"] : quote["speaker"]["end"]] == quote["speaker"]["text"] == "Maria Gonzalez"
    assert analysis["groups"][quote["speaker"]["group"]]["text"] == "Maria Gonzalez"
    assert text[quote["cue"]["start"] : quote["cue"]["end"]] == "said"
    assert [q["start"] for q in converted["quotes"]] < [q["start"] for q in analysis["quotes"]]
    unattributed = '😀 "This was a hard year for all of us in the valley."'
    assert analyze(unattributed)["quotes"] == [{"start": 3, "end": 54, "speaker": None, "cue": None}]
    converted = to_code_points(analyze(unattributed), unattributed)
    assert converted["quotes"] == [{"start": 2, "end": 53, "speaker": None, "cue": None}]


def test_a_lone_surrogate_reads_as_one_replacement_character_and_is_kept_in_entity_texts():
    analyzer = Analyzer([{"name": "Acme\ufffd Corp", "label": "ORG"}])
    # "\ud83d\ude00" is two code points in a str, not the emoji that UTF-16 would pair them into.
    text = "😀\ud83d\ude00 Acme\ud800 Corp hired Angela Merkel\udfff in Paris\udc80."
    analysis = analyzer.analyze(text)
    replaced = analyzer.analyze(re.sub("[\ud800-\udfff]", "\ufffd", text))
    assert [e["text"] for e in analysis["entities"]] == ["Acme\ud800 Corp", "Angela Merkel", "Paris"]
    assert [e["text"] for e in replaced["entities"]] == ["Acme\ufffd Corp", "Angela Merkel", "Paris"]
    for field in ["sentences", "groups"]:
        assert analysis[field] == replaced[field]
    quoted = analyzer.analyze('"We will hire more people next year," Acme\ud800 Corp said.')
    assert quoted["quotes"][0]["speaker"]["text"] == "Acme\ud800 Corp"
    converted = to_code_points(analysis, text)
    assert [text[e["start"] : e["end"]] for e in converted["entities"]] == [e["text"] for e in analysis["entities"]]
    assert analyze_many([text, "\ud800", "\udfff" * 3]) == [analyze(text), analyze("\ud800"), analyze("\udfff" * 3)]


def test_no_str_makes_it_fail(short_texts):
    generator = random.Random(16)
    pieces = [
        *" \t\n\r\u000b\u000c\u0085\u2028\u00a0\u3000.?!\"'“”‘’()[]$%€…-—",
        "\ud800", "\udbff", "\udc00", "\udfff", "😀", "🇳🇴", "e\u0301", "\u0000", "\ufeff", "\ufffd",
        "U.S.", "Mr.", "OPENAI", "Open AI", "$1.2 billion", "5%", "Monday", "3:30 p.m.", "Angela Merkel",
    ]
    texts = []
    for _ in range(300):
        base = generator.choice(short_texts)
        cut = generator.randrange(len(base) + 1)
        noise = "".join(generator.choice(pieces) for _ in range(generator.randrange(12)))
        texts.append(base[:cut] + noise + base[cut:])
    for text, analysis in zip(texts, analyze_many(texts, threads=2)):
        converted = to_code_points(analysis, text)
        for entity in converted["entities"]:
            assert text[entity["start"] : entity["end"]] == entity["text"]
        for sentence in converted["sentences"]:
            assert text[sentence["start"] : sentence["end"]].strip() != ""


def test_analyze_many_lets_other_python_threads_run():
    texts = ["Angela Merkel met Emmanuel Macron in Paris on Monday. " * 400] * 40
    counted = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = counted[0]
        analyze_many(texts, threads=1)
        during = counted[0] - before
    finally:
        done.set()
        counter.join()
    # Holding the GIL, the call would let the counter run only between two Python calls: not at all.
    assert during > 1000, during


def test_the_wheel_ships_stubs_that_declare_what_the_module_has():
    package = Path(article_analyzer.__file__).parent
    assert (package / "py.typed").is_file()
    stub = ast.parse((package / "__init__.pyi").read_text(encoding="utf-8"))
    declared = {}
    for node in stub.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            declared[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            declared[node.target.id] = node
    public = {name for name in dir(article_analyzer) if not name.startswith("_")} - {"article_analyzer"}
    assert public | {"__version__"} <= set(declared), public - set(declared)

    def fields(name):
        keys = []
        for base in declared[name].bases:
            if isinstance(base, ast.Name) and base.id in declared:
                keys += fields(base.id)
        keys += [n.target.id for n in declared[name].body if isinstance(n, ast.AnnAssign)]
        return keys

    acme = {"name": "Acme", "label": "ORG", "url": "https://acme.example"}
    text = 'Acme hired Jane Doe on Monday. "We will grow fast in every market this year," Jane Doe said.'
    analysis = Analyzer([acme]).analyze(text)
    assert fields("Analysis") == list(analysis)
    assert fields("Quote") == list(analysis["quotes"][0])
    assert fields("Speaker") == list(analysis["quotes"][0]["speaker"])
    assert fields("Span") == list(analysis["quotes"][0]["cue"])
    assert fields("Span") == list(analysis["sentences"][0])
    assert fields("Entity") == list(analysis["entities"][0])
    assert fields("EntityGroup") == list(analysis["groups"][0])
    assert fields("CustomEntity") == list(Analyzer([acme]).custom_entities[0])
    label = next(n for n in stub.body if isinstance(n, ast.Assign) and n.targets[0].id == "Label")
    assert tuple(e.value for e in label.value.slice.elts) == article_analyzer.LABELS

    def parameters(node):
        return [a.arg for a in node.args.args if a.arg != "self"]

    for name in ["analyze", "analyze_many", "to_code_points"]:
        assert parameters(declared[name]) == list(inspect.signature(getattr(article_analyzer, name)).parameters)
    methods = {n.name: n for n in declared["Analyzer"].body if isinstance(n, ast.FunctionDef)}
    assert parameters(methods["__init__"]) == list(inspect.signature(Analyzer).parameters)
    for name in ["analyze", "analyze_many"]:
        assert parameters(methods[name]) == list(inspect.signature(getattr(Analyzer, name)).parameters)[1:]
