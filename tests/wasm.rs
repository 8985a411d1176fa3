//! The wasm API in a real browser (headless Chromium): `analyze`, `render`, `renderAnalysis`,
//! `labels` and the `Analyzer` class. Run by `cargo xtask test`, or by hand with
//! `cargo test --target wasm32-unknown-unknown --test wasm` (the runner is set in .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use article_analyzer::wasm::{analyze, labels, render, render_analysis, WasmAnalyzer};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Deserialize)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
struct Entity {
    start: usize,
    end: usize,
    label: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct Analysis {
    sentences: Vec<Span>,
    entities: Vec<Entity>,
    groups: Vec<serde::de::IgnoredAny>,
}

const LABELS: [&str; 9] = ["PERSON", "ORG", "LOC", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"];

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a browser document")
}

fn div() -> Element {
    document().create_element("div").unwrap()
}

/// `text[start..end]` in UTF-16 code units, as JavaScript's `slice` would cut it.
fn slice16(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).expect("a slice on character boundaries")
}

fn parse(value: JsValue) -> Analysis {
    serde_wasm_bindgen::from_value(value).expect("an analysis of the documented shape")
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

#[wasm_bindgen_test]
fn analyze_returns_plain_objects_with_utf16_offsets() {
    let text = "Zoë paid €5 in Zürich 😀. Then she left for Oslo.\n\nThe end.";
    let value = analyze(text).unwrap();
    // Plain objects (what JSON.stringify and the CLI show), not `Map`s.
    let json = String::from(js_sys::JSON::stringify(&value).unwrap());
    assert!(json.starts_with(r#"{"sentences":[{"start":0,"end":"#), "{json}");
    assert!(json.contains(r#""entities":["#) && json.contains(r#""groups":["#), "{json}");
    let analysis = parse(value);
    let sentences: Vec<String> = analysis.sentences.iter().map(|s| slice16(text, s.start, s.end)).collect();
    assert_eq!(sentences, ["Zoë paid €5 in Zürich 😀.", "Then she left for Oslo.", "The end."]);
    for entity in &analysis.entities {
        assert_eq!(slice16(text, entity.start, entity.end), entity.text);
        assert!(LABELS.contains(&entity.label.as_str()), "{entity:?}");
    }
    assert!(analysis.groups.len() <= analysis.entities.len());
}

#[wasm_bindgen_test]
fn analyze_accepts_empty_and_blank_text() {
    for text in ["", " \n\t ", "\u{feff}"] {
        let analysis = parse(analyze(text).unwrap());
        assert!(analysis.entities.is_empty(), "{text:?}");
        assert!(analysis.groups.is_empty(), "{text:?}");
        // A byte-order mark is not whitespace: it is kept as a sentence of its own.
        let expected = usize::from(text == "\u{feff}");
        assert_eq!(analysis.sentences.len(), expected, "{text:?}");
    }
}

#[wasm_bindgen_test]
fn labels_lists_every_label_once() {
    let labels: Vec<String> = serde_wasm_bindgen::from_value(labels().unwrap()).unwrap();
    assert_eq!(labels, LABELS);
}

const HOSTILE: &str = "Reporters pasted <img src=x onerror=\"document.title='pwned'\"> & more. \
    Then <script>document.title='pwned'</script> and \"><svg onload=\"document.title='pwned'\"> too.\n\n\
    Fish &amp; chips &lt;b&gt; cost $5.";

#[wasm_bindgen_test]
fn render_shows_markup_as_text_one_element_per_sentence() {
    let target = div();
    target.set_inner_html("<p>old content</p>");
    render(&target, HOSTILE).unwrap();
    assert_eq!(target.text_content().unwrap(), HOSTILE, "every character is kept, nothing is parsed");
    assert!(all(&target, "img, script, svg, p, b").is_empty(), "{}", target.inner_html());
    let html = target.inner_html();
    assert!(
        html.contains("&amp;") && html.contains("&lt;"),
        "ampersands and angle brackets are escaped: {html}"
    );
    assert!(!html.contains("<img") && !html.contains("<script") && !html.contains("<svg"), "{html}");
    let sentences = all(&target, ".sentence");
    let analysis = parse(analyze(HOSTILE).unwrap());
    assert_eq!(sentences.len(), analysis.sentences.len());
    assert!(sentences.len() >= 3, "{}", target.inner_html());
    for (node, span) in sentences.iter().zip(&analysis.sentences) {
        assert_eq!(node.text_content().unwrap(), slice16(HOSTILE, span.start, span.end));
        assert!(all(node, ".sentence").is_empty(), "sentences never nest");
    }
    let marks = all(&target, "mark.entity");
    assert_eq!(marks.len(), analysis.entities.len());
    for mark in marks {
        assert!(LABELS.contains(&mark.get_attribute("data-label").unwrap().as_str()));
        assert_eq!(mark.child_element_count(), 0, "a mark holds text only");
    }
}

#[wasm_bindgen_test]
fn analyzer_class_matches_the_free_functions() {
    let analyzer = WasmAnalyzer::new(None).unwrap();
    let ours = js_sys::JSON::stringify(&analyzer.analyze(HOSTILE).unwrap()).unwrap();
    let free = js_sys::JSON::stringify(&analyze(HOSTILE).unwrap()).unwrap();
    assert_eq!(String::from(ours), String::from(free));
    let (a, b) = (div(), div());
    analyzer.render(&a, HOSTILE).unwrap();
    render(&b, HOSTILE).unwrap();
    assert_eq!(a.inner_html(), b.inner_html());
}

/// A hand-made analysis, so that entity rendering is tested whatever the model finds.
/// Without `groups` (a JSON array), `renderAnalysis` groups the mentions itself.
fn hand_made(
    text: &str,
    sentences: &[&str],
    entities: &[(&str, &str, usize)],
    groups: Option<&str>,
) -> JsValue {
    let units = |s: &str| s.encode_utf16().count();
    let find = |needle: &str, nth: usize| {
        let byte = text.match_indices(needle).nth(nth).expect("needle in text").0;
        units(&text[..byte])
    };
    let sentences: Vec<String> = sentences
        .iter()
        .map(|s| format!(r#"{{"start":{},"end":{}}}"#, find(s, 0), find(s, 0) + units(s)))
        .collect();
    let entities: Vec<String> = entities
        .iter()
        .map(|(label, needle, nth)| {
            let start = find(needle, *nth);
            format!(
                r#"{{"start":{start},"end":{},"label":"{label}","text":{:?}}}"#,
                start + units(needle),
                needle
            )
        })
        .collect();
    let groups = groups.map(|g| format!(r#","groups":{g}"#)).unwrap_or_default();
    let json =
        format!(r#"{{"sentences":[{}],"entities":[{}]{groups}}}"#, sentences.join(","), entities.join(","));
    js_sys::JSON::parse(&json).unwrap()
}

#[wasm_bindgen_test]
fn render_analysis_marks_entities_and_splits_one_that_crosses_a_sentence_edge() {
    let text = "😀 Acme Corp. rose 5%. Jane Doe said Acme Corp.'s plan worked.";
    let analysis = hand_made(
        text,
        &["😀 Acme Corp. rose 5%.", "Jane Doe said Acme Corp.'s plan worked."],
        &[("ORG", "Acme Corp.", 0), ("MISC", "5%. Jane", 0), ("ORG", "Acme Corp.'s", 0)],
        None,
    );
    let target = div();
    render_analysis(&target, text, analysis).unwrap();
    assert_eq!(target.text_content().unwrap(), text);
    let sentences = all(&target, ".sentence");
    assert_eq!(sentences.len(), 2);
    assert!(all(&target, ".sentence .sentence").is_empty());
    let marks = all(&target, "mark.entity");
    let seen: Vec<(String, String, Option<String>)> = marks
        .iter()
        .map(|m| {
            (m.get_attribute("data-label").unwrap(), m.text_content().unwrap(), m.get_attribute("data-part"))
        })
        .collect();
    let expected = [
        ("ORG", "Acme Corp.", None),
        ("MISC", "5%.", Some("start")),
        ("MISC", " ", Some("middle")),
        ("MISC", "Jane", Some("end")),
        ("ORG", "Acme Corp.'s", None),
    ];
    let expected: Vec<(String, String, Option<String>)> =
        expected.iter().map(|(l, t, p)| (l.to_string(), t.to_string(), p.map(String::from))).collect();
    assert_eq!(seen, expected);
    // Each piece stays inside its sentence (the space between them is a piece outside both); the
    // pieces' texts add up to the mention; the two mentions of Acme Corp. share a group.
    assert_eq!(all(&sentences[0], "mark").len(), 2);
    assert_eq!(all(&sentences[1], "mark").len(), 2);
    assert_eq!(marks[2].parent_element().unwrap(), target);
    let group = |i: usize| marks[i].get_attribute("data-group").unwrap();
    assert_eq!(group(0), group(4));
    assert_eq!((group(1), group(2)), (group(3), group(3)));
    assert_ne!(group(0), group(1));
}

#[wasm_bindgen_test]
fn render_analysis_links_every_mention_to_its_group_aliases_included() {
    // As an analyzer with the custom entity {name: "Microsoft", aliases: ["MSFT"]} groups them.
    let text = "MSFT and Apple rose. Microsoft said MSFT and Apple's Microsoft deal held.";
    let groups = r#"[{"text":"Microsoft","label":"ORG","count":4,"first":0},
        {"text":"Apple","label":"ORG","count":2,"first":9}]"#;
    let entities = [
        ("ORG", "MSFT", 0),
        ("ORG", "Apple", 0),
        ("ORG", "Microsoft", 0),
        ("ORG", "MSFT", 1),
        ("ORG", "Apple's", 0),
        ("ORG", "Microsoft", 1),
    ];
    let sentences = ["MSFT and Apple rose.", "Microsoft said MSFT and Apple's Microsoft deal held."];
    let target = div();
    render_analysis(&target, text, hand_made(text, &sentences, &entities, Some(groups))).unwrap();
    let groups: Vec<String> = all(&target, "mark.entity")
        .iter()
        .map(|m| m.get_attribute("data-group").unwrap_or_default())
        .collect();
    assert_eq!(groups, ["0", "1", "0", "0", "1", "0"]);
}

#[wasm_bindgen_test]
fn analyzer_with_custom_entities_tags_and_groups_them() {
    let custom = js_sys::JSON::parse(
        r#"[{"name":"Harbor Freight Lines","label":"ORG","aliases":["Harbor Freight"]},
            {"name":"Maria Lindqvist","label":"PERSON"}]"#,
    )
    .unwrap();
    let analyzer = WasmAnalyzer::new(Some(custom.unchecked_into())).unwrap();
    let text = "Harbor Freight Lines hired Maria Lindqvist. Harbor Freight's board agreed.";
    let value = analyzer.analyze(text).unwrap();
    let json = String::from(js_sys::JSON::stringify(&value).unwrap());
    assert!(
        json.contains(r#""groups":[{"text":"Harbor Freight Lines","label":"ORG","count":2,"first":0}"#),
        "{json}"
    );
    let analysis = parse(value);
    let mentions: Vec<(&str, &str)> =
        analysis.entities.iter().map(|e| (e.label.as_str(), e.text.as_str())).collect();
    for expected in
        [("ORG", "Harbor Freight Lines"), ("PERSON", "Maria Lindqvist"), ("ORG", "Harbor Freight")]
    {
        assert!(mentions.contains(&expected), "{expected:?} in {mentions:?}");
    }
    let target = div();
    analyzer.render(&target, text).unwrap();
    let harbor: Vec<String> =
        all(&target, "mark[data-group=\"0\"]").iter().map(|m| m.text_content().unwrap()).collect();
    assert_eq!(harbor, ["Harbor Freight Lines", "Harbor Freight"]);
    let bad = js_sys::JSON::parse(r#"[{"name":"X","label":"NOPE"}]"#).unwrap();
    assert!(WasmAnalyzer::new(Some(bad.unchecked_into())).is_err());
}

#[wasm_bindgen_test]
fn render_analysis_rejects_an_analysis_that_does_not_fit() {
    let text = "Short text.";
    let target = div();
    let bad = [
        r#"{"sentences":[{"start":0,"end":99}],"entities":[]}"#,
        r#"{"sentences":[{"start":5,"end":11},{"start":0,"end":4}],"entities":[]}"#,
        r#"{"sentences":[],"entities":[{"start":0,"end":5,"label":"NOPE","text":"Short"}]}"#,
        r#"{"sentences":[],"entities":[{"start":3,"end":3,"label":"ORG","text":""}]}"#,
        r#"{"sentences":"nope"}"#,
    ];
    for json in bad {
        let value = js_sys::JSON::parse(json).unwrap();
        assert!(render_analysis(&target, text, value).is_err(), "{json}");
    }
}
