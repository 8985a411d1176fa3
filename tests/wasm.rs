//! The wasm API in a real browser (headless Chromium): `analyze`, `render`, `renderAnalysis`,
//! `labels` and the `Analyzer` class. Run by `cargo xtask test`, or by hand with
//! `cargo test --target wasm32-unknown-unknown --test wasm` (the runner is set in .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use article_analyzer::entity::custom::MAX_NAME_TOKENS;
use article_analyzer::wasm::{analyze, labels, render, render_analysis, to_json_ld, WasmAnalyzer};
use article_analyzer::{entity, Analysis, Entity, Label, Span};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

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

/// The analysis JavaScript got, read back as the core's type: what it serializes to deserializes.
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
    let value = analyze(text.into()).unwrap();
    // Plain objects (what JSON.stringify and the CLI show), not `Map`s.
    let json = String::from(js_sys::JSON::stringify(&value).unwrap());
    assert!(json.starts_with(r#"{"sentences":[{"start":0,"end":"#), "{json}");
    assert!(json.contains(r#""entities":["#) && json.contains(r#""groups":["#), "{json}");
    let analysis = parse(value);
    let sentences: Vec<String> = analysis.sentences.iter().map(|s| slice16(text, s.start, s.end)).collect();
    assert_eq!(sentences, ["Zoë paid €5 in Zürich 😀.", "Then she left for Oslo.", "The end."]);
    for entity in &analysis.entities {
        assert_eq!(slice16(text, entity.span.start, entity.span.end), entity.text);
        assert_eq!(analysis.groups[entity.group].label, entity.label);
        assert!((0.0..=1.0).contains(&entity.confidence), "{entity:?}");
    }
    assert!(json.contains(r#""confidence":"#), "{json}");
    assert!(analysis.groups.len() <= analysis.entities.len());
}

#[wasm_bindgen_test]
fn analyze_accepts_empty_and_blank_text() {
    for text in ["", " \n\t ", "\u{feff}"] {
        let analysis = parse(analyze(text.into()).unwrap());
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
    render(target.clone().into(), HOSTILE.into()).unwrap();
    assert_eq!(target.text_content().unwrap(), HOSTILE, "every character is kept, nothing is parsed");
    assert!(all(&target, "img, script, svg, p, b").is_empty(), "{}", target.inner_html());
    let html = target.inner_html();
    assert!(
        html.contains("&amp;") && html.contains("&lt;"),
        "ampersands and angle brackets are escaped: {html}"
    );
    assert!(!html.contains("<img") && !html.contains("<script") && !html.contains("<svg"), "{html}");
    let sentences = all(&target, ".sentence");
    let analysis = parse(analyze(HOSTILE.into()).unwrap());
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
    let ours = js_sys::JSON::stringify(&analyzer.analyze(HOSTILE.into()).unwrap()).unwrap();
    let free = js_sys::JSON::stringify(&analyze(HOSTILE.into()).unwrap()).unwrap();
    assert_eq!(String::from(ours), String::from(free));
    let (a, b) = (div(), div());
    analyzer.render(a.clone().into(), HOSTILE.into()).unwrap();
    render(b.clone().into(), HOSTILE.into()).unwrap();
    assert_eq!(a.inner_html(), b.inner_html());
}

#[wasm_bindgen_test]
fn analyze_gives_the_core_analysis_as_it_serializes() {
    // Groups named after a later mention (all capitals first, a possessive), quotes with a speaker
    // and without one, characters of two UTF-16 units and of none in ASCII before and inside names.
    let text =
        "\"Nobody expected the river to rise this fast in the middle of the night, and nobody was ready.\"\n\
        ZÜRICH (Reuters) - Siemens AG's chief Roland Busch met Angela Merkel in Zürich 😀 on Monday.\n\
        \"We will hire 500 people in Zürich next year,\" Busch said. Siemens AG rose 5% to €120.\n\
        Merkel's office said Merkel would visit Siemens AG's plant in Munich.";
    let core = article_analyzer::Analyzer::new().analyze(text).into_utf16(text);
    let expected = core.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap();
    let got = analyze(text.into()).unwrap();
    let json = |value: &JsValue| String::from(js_sys::JSON::stringify(value).unwrap());
    assert_eq!(json(&got), json(&expected));
    // The case it is about: entities, groups and a speaker, and a group whose text is not its
    // first mention's.
    assert!(core.entities.len() > 5, "{core:?}");
    assert!(core.quotes.iter().any(|q| q.speaker.is_some() && q.cue.is_some()), "{core:?}");
    assert!(core.quotes.iter().any(|q| q.speaker.is_none()), "{core:?}");
    let first_mention_differs = |(index, group): (usize, &entity::EntityGroup)| {
        core.entities.iter().find(|e| e.group == index).is_some_and(|e| e.text != group.text)
    };
    assert!(core.groups.iter().enumerate().any(first_mention_differs), "{core:?}");
}

/// A hand-made analysis of `text` as JavaScript holds it (UTF-16 offsets), so that entity rendering
/// is tested whatever the model finds: `sentences` and `mentions` (label, text, which occurrence,
/// group) found in `text`, and a group per group index, named after its first mention.
fn hand_made(text: &str, sentences: &[&str], mentions: &[(Label, &str, usize, usize)]) -> JsValue {
    let find = |needle: &str, nth: usize| {
        let start = text.match_indices(needle).nth(nth).expect("needle in text").0;
        Span::new(start, start + needle.len())
    };
    let entities: Vec<Entity> = mentions
        .iter()
        .map(|&(label, needle, nth, group)| Entity { group, ..Entity::new(text, find(needle, nth), label) })
        .collect();
    let mut groups: Vec<entity::EntityGroup> = Vec::new();
    for mention in &entities {
        if mention.group == groups.len() {
            let (text, label, first) = (mention.text.clone(), mention.label, mention.span.start);
            groups.push(entity::EntityGroup::new(text, label, first));
        }
        groups[mention.group].count += 1;
    }
    let sentences = sentences.iter().map(|s| find(s, 0)).collect();
    let analysis = Analysis { sentences, entities, groups, quotes: Vec::new() }.to_utf16(text);
    analysis.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("serializes")
}

#[wasm_bindgen_test]
fn render_analysis_marks_entities_and_splits_one_that_crosses_a_sentence_edge() {
    let text = "😀 Acme Corp. rose 5%. Jane Doe said Acme Corp.'s plan worked.";
    let analysis = hand_made(
        text,
        &["😀 Acme Corp. rose 5%.", "Jane Doe said Acme Corp.'s plan worked."],
        &[
            (Label::Org, "Acme Corp.", 0, 0),
            (Label::Misc, "5%. Jane", 0, 1),
            (Label::Org, "Acme Corp.'s", 0, 0),
        ],
    );
    let target = div();
    render_analysis(target.clone().into(), text.into(), analysis).unwrap();
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
fn render_analysis_marks_each_mention_with_its_group_as_given() {
    // As an analyzer with the custom entity {name: "Microsoft", aliases: ["MSFT"]} groups them:
    // from the mentions alone, nothing would tell that MSFT is Microsoft.
    let text = "MSFT and Apple rose. Microsoft said MSFT and Apple's Microsoft deal held.";
    let mentions = [
        (Label::Org, "MSFT", 0, 0),
        (Label::Org, "Apple", 0, 1),
        (Label::Org, "Microsoft", 0, 0),
        (Label::Org, "MSFT", 1, 0),
        (Label::Org, "Apple's", 0, 1),
        (Label::Org, "Microsoft", 1, 0),
    ];
    let sentences = ["MSFT and Apple rose.", "Microsoft said MSFT and Apple's Microsoft deal held."];
    let target = div();
    render_analysis(target.clone().into(), text.into(), hand_made(text, &sentences, &mentions)).unwrap();
    let groups: Vec<String> = all(&target, "mark.entity")
        .iter()
        .map(|m| m.get_attribute("data-group").unwrap_or_default())
        .collect();
    assert_eq!(groups, ["0", "1", "0", "0", "1", "0"]);
}

#[wasm_bindgen_test]
fn analyzer_with_custom_entities_tags_and_groups_them() {
    let custom = js_sys::JSON::parse(
        r#"[{"name":"Harbor Freight Lines","label":"ORG","aliases":["Harbor Freight"],"url":"https://hfl.example"},
            {"name":"Maria Lindqvist","label":"PERSON"}]"#,
    )
    .unwrap();
    let analyzer = WasmAnalyzer::new(Some(custom.unchecked_into())).unwrap();
    let text = "Harbor Freight Lines hired Maria Lindqvist. Harbor Freight's board agreed.";
    let value = analyzer.analyze(text.into()).unwrap();
    let json = String::from(js_sys::JSON::stringify(&value).unwrap());
    assert!(
        json.contains(
            r#""groups":[{"text":"Harbor Freight Lines","label":"ORG","count":2,"first":0,"salience":"#
        ),
        "{json}"
    );
    assert!(
        json.contains(
            r#","url":"https://hfl.example"},{"text":"Maria Lindqvist","label":"PERSON","count":1,"#
        ),
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
    // A newsroom's own names are certain.
    assert!(analysis.entities.iter().all(|e| e.confidence == 1.0), "{:?}", analysis.entities);
    let target = div();
    analyzer.render(target.clone().into(), text.into()).unwrap();
    let harbor: Vec<String> =
        all(&target, "mark[data-group=\"0\"]").iter().map(|m| m.text_content().unwrap()).collect();
    assert_eq!(harbor, ["Harbor Freight Lines", "Harbor Freight"]);
}

/// Asserts that `result` failed with a JavaScript `TypeError` whose message is `expected`.
fn assert_type_error<T>(result: Result<T, JsValue>, expected: &str) {
    let Err(error) = result else { panic!("no error, expected a TypeError {expected:?}") };
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?} is not a TypeError ({expected:?})");
    assert_eq!(String::from(error.unchecked_into::<js_sys::Error>().message()), expected);
}

/// Misused arguments of every kind, each with how the error messages describe it.
fn not_strings() -> Vec<(JsValue, &'static str)> {
    vec![
        (5.into(), "number"),
        (true.into(), "boolean"),
        (JsValue::UNDEFINED, "undefined"),
        (JsValue::NULL, "null"),
        (js_sys::Array::of1(&"text".into()).into(), "array"),
        (js_sys::Object::new().into(), "object"),
        (js_sys::Symbol::for_("text").into(), "symbol"),
    ]
}

#[wasm_bindgen_test]
fn every_export_refuses_a_text_that_is_not_a_string() {
    let analyzer = WasmAnalyzer::new(None).unwrap();
    let analysis = analyze("Some text.".into()).unwrap();
    for (text, kind) in not_strings() {
        let expected = |function: &str| format!("{function}: `text` must be a string, got {kind}");
        assert_type_error(analyze(text.clone()), &expected("analyze"));
        assert_type_error(analyzer.analyze(text.clone()), &expected("Analyzer.analyze"));
        assert_type_error(render(div().into(), text.clone()), &expected("render"));
        assert_type_error(analyzer.render(div().into(), text.clone()), &expected("Analyzer.render"));
        let rendered = render_analysis(div().into(), text, analysis.clone());
        assert_type_error(rendered, &expected("renderAnalysis"));
    }
}

#[wasm_bindgen_test]
fn every_render_refuses_an_element_that_is_not_one() {
    let analyzer = WasmAnalyzer::new(None).unwrap();
    let analysis = analyze("Some text.".into()).unwrap();
    let document = document();
    let mut not_elements = not_strings();
    not_elements.push(("#preview".into(), r##""#preview""##));
    not_elements.push((document.clone().into(), "object"));
    not_elements.push((document.create_text_node("text").into(), "object"));
    // An impostor with the right `nodeType` but no document.
    not_elements.push((js_sys::JSON::parse(r#"{"nodeType":1}"#).unwrap(), "object"));
    for (element, kind) in not_elements {
        let expected = |function: &str| format!("{function}: `element` must be a DOM Element, got {kind}");
        assert_type_error(render(element.clone(), "Some text.".into()), &expected("render"));
        let rendered = analyzer.render(element.clone(), "Some text.".into());
        assert_type_error(rendered, &expected("Analyzer.render"));
        let rendered = render_analysis(element, "Some text.".into(), analysis.clone());
        assert_type_error(rendered, &expected("renderAnalysis"));
    }
}

#[wasm_bindgen_test]
fn render_accepts_an_element_of_another_window() {
    // An iframe's element, which `instanceof Element` of this window does not recognise.
    let iframe = document().create_element("iframe").unwrap();
    document().document_element().unwrap().append_child(&iframe).unwrap();
    let inner: web_sys::Document =
        js_sys::Reflect::get(&iframe, &"contentDocument".into()).unwrap().unchecked_into();
    let target = inner.create_element("div").unwrap();
    assert!(!target.is_instance_of::<Element>());
    render(target.clone().into(), HOSTILE.into()).unwrap();
    assert_eq!(target.text_content().unwrap(), HOSTILE);
    assert!(target.query_selector_all(".sentence").unwrap().length() > 0);
    iframe.remove();
}

#[wasm_bindgen_test]
fn new_analyzer_names_the_entity_and_field_that_is_wrong() {
    let new = |json: &str| WasmAnalyzer::new(Some(js_sys::JSON::parse(json).unwrap().unchecked_into()));
    let good = r#"{"name":"Acme","label":"ORG"}, {"name":"Oslo","label":"LOC","aliases":[]}, {"name":"Bo","label":"PERSON"}"#;
    let fourth = |entity: &str| new(&format!("[{good}, {entity}]"));
    let expected = |problem: &str| format!("new Analyzer: custom entity 3: {problem}");
    assert_type_error(
        new("5"),
        "new Analyzer: `custom_entities` must be an array of {name, label, aliases, url} objects, got number",
    );
    assert_type_error(
        new(r#"{"name":"Acme","label":"ORG"}"#),
        "new Analyzer: `custom_entities` must be an array of {name, label, aliases, url} objects, got object",
    );
    assert_type_error(fourth("null"), &expected("must be an object {name, label, aliases, url}, got null"));
    assert_type_error(
        fourth(r#""Acme""#),
        &expected(r#"must be an object {name, label, aliases, url}, got "Acme""#),
    );
    assert_type_error(fourth(r#"{"label":"ORG"}"#), &expected("`name` must be a string, got undefined"));
    assert_type_error(
        fourth(r#"{"name":["Acme"],"label":"ORG"}"#),
        &expected("`name` must be a string, got array"),
    );
    let labels = "PERSON, ORG, LOC, MISC, DATE, TIME, MONEY, PERCENT, QUANTITY";
    assert_type_error(
        fourth(r#"{"name":"Acme","label":"org"}"#),
        &expected(&format!(r#"`label` must be one of {labels}, got "org""#)),
    );
    assert_type_error(
        fourth(r#"{"name":"Acme","label":"ORG","aliases":"Acme Corp"}"#),
        &expected(r#"`aliases` must be an array of strings, got "Acme Corp""#),
    );
    assert_type_error(
        fourth(r#"{"name":"Acme","label":"ORG","aliases":["Acme Corp", 7]}"#),
        &expected("`aliases[1]` must be a string, got number"),
    );
    assert_type_error(
        fourth(r#"{"name":"Acme","label":"ORG","url":5}"#),
        &expected("`url` must be a string, got number"),
    );
    assert_type_error(
        fourth(r#"{"name":"Acme","label":"ORG","alias":["Acme Corp"]}"#),
        &expected("unknown field `alias` (expected `name`, `label`, `aliases` or `url`)"),
    );
    // The core's own refusal, a name too long to match in bounded time, is a TypeError too.
    let long = "Word ".repeat(MAX_NAME_TOKENS + 1);
    let Err(error) = fourth(&format!(r#"{{"name":"{long}","label":"ORG"}}"#)) else { panic!("a long name") };
    assert!(error.is_instance_of::<js_sys::TypeError>());
    let message = String::from(error.unchecked_into::<js_sys::Error>().message());
    assert!(message.starts_with(&expected("the name or alias \"Word Word")), "{message}");
}

#[wasm_bindgen_test]
fn new_analyzer_accepts_aliases_missing_undefined_or_null() {
    for aliases in [None, Some(JsValue::UNDEFINED), Some(JsValue::NULL)] {
        let entity = js_sys::Object::new();
        js_sys::Reflect::set(&entity, &"name".into(), &"Nordvik Shipping".into()).unwrap();
        js_sys::Reflect::set(&entity, &"label".into(), &"ORG".into()).unwrap();
        if let Some(aliases) = &aliases {
            js_sys::Reflect::set(&entity, &"aliases".into(), aliases).unwrap();
        }
        let analyzer = WasmAnalyzer::new(Some(js_sys::Array::of1(&entity).unchecked_into())).unwrap();
        let analysis = parse(analyzer.analyze("Nordvik Shipping agreed.".into()).unwrap());
        let mentions: Vec<(&str, &str)> =
            analysis.entities.iter().map(|e| (e.label.as_str(), e.text.as_str())).collect();
        assert_eq!(mentions, [("ORG", "Nordvik Shipping")], "aliases: {aliases:?}");
    }
}

#[wasm_bindgen_test]
fn render_analysis_refuses_an_analysis_that_does_not_fit_and_names_the_field() {
    let text = "Short text.";
    let beyond = "is out of order, empty or beyond `text` (11 UTF-16 units)";
    // An analysis of `text` with these sentences, mentions and groups (JSON arrays' contents).
    let analysis = |sentences: &str, entities: &str, groups: &str| {
        format!(r#"{{"sentences":[{sentences}],"entities":[{entities}],"groups":[{groups}]}}"#)
    };
    let short = r#"{"text":"Short","label":"ORG","count":1,"first":0}"#;
    let bad = [
        ("5".into(), "`analysis` must be an Analysis {sentences, entities, groups}, got number".into()),
        ("null".into(), "`analysis` must be an Analysis {sentences, entities, groups}, got null".into()),
        (r#"{"sentences":"nope"}"#.into(), r#"`analysis.sentences` must be an array, got "nope""#.into()),
        (r#"{"sentences":[]}"#.into(), "`analysis.entities` must be an array, got undefined".into()),
        (
            r#"{"sentences":[],"entities":[],"groups":{}}"#.into(),
            "`analysis.groups` must be an array, got object".into(),
        ),
        (
            r#"{"sentences":[],"entities":[],"groups":null}"#.into(),
            "`analysis.groups` must be an array, got null".into(),
        ),
        (
            analysis("5", "", ""),
            "`analysis`: invalid type: floating point `5.0`, expected a Span {start, end}".into(),
        ),
        (
            analysis("", r#"{"start":0,"end":5,"label":"NOPE","text":"Short","group":0}"#, short),
            "`analysis`: unknown variant `NOPE`, expected one of `PERSON`, `ORG`, `LOC`, `MISC`, `DATE`, \
             `TIME`, `MONEY`, `PERCENT`, `QUANTITY`"
                .into(),
        ),
        (
            analysis("", r#"{"start":0,"end":5,"label":"ORG","text":"Short"}"#, short),
            "`analysis`: missing field `group`".into(),
        ),
        (
            analysis("", r#"{"start":0,"end":5,"label":"ORG","text":"Short","group":0}"#, short),
            "`analysis`: missing field `confidence`".into(),
        ),
        (
            analysis(
                "",
                r#"{"start":0,"end":5,"label":"ORG","text":"Short","group":0,"confidence":2}"#,
                short,
            ),
            "`analysis`: confidence 2 is not in [0, 1]".into(),
        ),
        (analysis(r#"{"start":0,"end":99}"#, "", ""), format!("`analysis.sentences[0]` (0..99) {beyond}")),
        (
            analysis(r#"{"start":5,"end":11},{"start":0,"end":4}"#, "", ""),
            format!("`analysis.sentences[1]` (0..4) {beyond}"),
        ),
        (
            analysis("", r#"{"start":3,"end":3,"label":"ORG","text":"","group":0,"confidence":1}"#, short),
            format!("`analysis.entities[0]` (3..3) {beyond}"),
        ),
        (
            analysis(
                "",
                r#"{"start":0,"end":5,"label":"ORG","text":"Short","group":1,"confidence":1}"#,
                short,
            ),
            "`analysis.entities[0].group` (1) is not an index of `analysis.groups` (1 groups)".into(),
        ),
    ];
    for (json, expected) in bad {
        let value = js_sys::JSON::parse(&json).unwrap();
        let rendered = render_analysis(div().into(), text.into(), value);
        assert_type_error(rendered, &format!("renderAnalysis: {expected}"));
    }
    let fits = analysis(
        r#"{"start":0,"end":11}"#,
        r#"{"start":0,"end":5,"label":"ORG","text":"Short","group":0,"confidence":0.5}"#,
        short,
    );
    render_analysis(div().into(), text.into(), js_sys::JSON::parse(&fits).unwrap()).unwrap();
}

/// A JavaScript string of `parts` with a lone surrogate (half a UTF-16 pair, which no Rust string
/// can hold) before each part, never two halves in a row that would make a pair.
fn with_lone_surrogates(parts: &[&str]) -> js_sys::JsString {
    const LONE: [u16; 4] = [0xD800, 0xDC00, 0xD83D, 0xDE00];
    let mut units = Vec::new();
    for (part, lone) in parts.iter().zip(LONE.iter().cycle()) {
        units.push(*lone);
        units.extend(part.encode_utf16());
    }
    js_sys::JsString::from_char_code(&units)
}

/// `left`, the UTF-16 unit `lone` and `right` as one JavaScript string.
fn between(left: &str, lone: u16, right: &str) -> js_sys::JsString {
    let units: Vec<u16> = left.encode_utf16().chain([lone]).chain(right.encode_utf16()).collect();
    js_sys::JsString::from_char_code(&units)
}

#[wasm_bindgen_test]
fn lone_surrogates_are_kept_in_entity_texts_and_rendering() {
    // A custom name holding a lone surrogate; the text has others near and inside names, and the
    // custom name with another lone surrogate, which matches it (both read as U+FFFD).
    let name = between("Nordvik", 0xDC00, "Shipping");
    let mention = between("Nordvik", 0xD83D, "Shipping");
    let text = with_lone_surrogates(&[
        "Harbor Freight Lines hired Maria Lindqvist",
        ". Nordvik",
        "Shipping rose 5% in Oslo",
        " on Tuesday, said Acme",
        " Corp. in New York.",
        "",
    ]);
    assert!(!text.is_valid_utf16() && !name.is_valid_utf16());
    let entity = js_sys::Object::new();
    js_sys::Reflect::set(&entity, &"name".into(), &name).unwrap();
    js_sys::Reflect::set(&entity, &"label".into(), &"ORG".into()).unwrap();
    let analyzer = WasmAnalyzer::new(Some(js_sys::Array::of1(&entity).unchecked_into())).unwrap();
    let value = analyzer.analyze(text.clone().into()).unwrap();
    let entities: js_sys::Array = js_sys::Reflect::get(&value, &"entities".into()).unwrap().unchecked_into();
    let field = |object: &JsValue, name: &str| js_sys::Reflect::get(object, &name.into()).unwrap();
    let mut texts = Vec::new();
    for entity in entities.iter() {
        let (start, end) =
            (field(&entity, "start").as_f64().unwrap(), field(&entity, "end").as_f64().unwrap());
        let slice = text.slice(start as u32, end as u32);
        assert_eq!(field(&entity, "text"), JsValue::from(&slice), "{start}..{end}");
        texts.push(slice);
    }
    assert!(texts.contains(&mention), "the custom entity is found, the text's lone surrogate kept");
    // A group's text is a name, not a slice: there a lone surrogate reads as U+FFFD.
    let groups = String::from(js_sys::JSON::stringify(&field(&value, "groups")).unwrap());
    assert!(groups.contains(r#"{"text":"Nordvik�Shipping","label":"ORG","count":1"#), "{groups}");

    let target = div();
    analyzer.render(target.clone().into(), text.clone().into()).unwrap();
    assert_eq!(field(&target, "textContent"), JsValue::from(&text), "the text rendered as given");
    let rendered = div();
    render_analysis(rendered.clone().into(), text.clone().into(), value).unwrap();
    assert_eq!(rendered.inner_html(), target.inner_html());
    let marks: Vec<JsValue> = all(&target, "mark.entity").iter().map(|m| field(m, "textContent")).collect();
    assert!(marks.contains(&JsValue::from(&mention)), "the custom entity's mark holds its lone surrogate");
}

#[wasm_bindgen_test]
fn a_quotes_speaker_keeps_its_lone_surrogate() {
    let name = between("Nordvik", 0xDC00, "Shipping");
    let text =
        between("\"We will hire more people in every port next year,\" Nordvik", 0xD83D, "Shipping said.");
    let entity = js_sys::Object::new();
    js_sys::Reflect::set(&entity, &"name".into(), &name).unwrap();
    js_sys::Reflect::set(&entity, &"label".into(), &"ORG".into()).unwrap();
    let analyzer = WasmAnalyzer::new(Some(js_sys::Array::of1(&entity).unchecked_into())).unwrap();
    let value = analyzer.analyze(text.clone().into()).unwrap();
    let field = |object: &JsValue, name: &str| js_sys::Reflect::get(object, &name.into()).unwrap();
    let quotes: js_sys::Array = field(&value, "quotes").unchecked_into();
    assert_eq!(quotes.length(), 1);
    let speaker = field(&quotes.get(0), "speaker");
    let (start, end) = (field(&speaker, "start").as_f64().unwrap(), field(&speaker, "end").as_f64().unwrap());
    let slice = text.slice(start as u32, end as u32);
    assert!(!slice.is_valid_utf16(), "the speaker is the custom name with its lone surrogate");
    assert_eq!(field(&speaker, "text"), JsValue::from(&slice));
    assert_eq!(field(&field(&quotes.get(0), "cue"), "start").as_f64(), Some(f64::from(end as u32 + 1)));
}

#[wasm_bindgen_test]
fn to_json_ld_is_the_core_news_article_of_the_groups() {
    let custom =
        js_sys::JSON::parse(r#"[{"name":"Harbor Freight Lines","label":"ORG","url":"https://hfl.example"}]"#)
            .unwrap();
    let analyzer = WasmAnalyzer::new(Some(custom.unchecked_into())).unwrap();
    let text = "Harbor Freight Lines hired Maria Lindqvist in Oslo on Monday. Harbor Freight Lines grew.";
    let value = analyzer.analyze(text.into()).unwrap();
    let options = js_sys::JSON::parse(r#"{"headline":"Hired"}"#).unwrap();
    let json = String::from(js_sys::JSON::stringify(&to_json_ld(value.clone(), options).unwrap()).unwrap());
    let analysis = parse(value);
    let expected = article_analyzer::jsonld::NewsArticle::new(&analysis.groups, Some("Hired"), None);
    assert_eq!(json, serde_json::to_string(&expected).unwrap());
    assert!(
        json.contains(r#""about":[{"@type":"Organization","name":"Harbor Freight Lines","sameAs":"https://hfl.example"}"#),
        "{json}"
    );
    assert_type_error(
        to_json_ld(JsValue::from(5), JsValue::UNDEFINED),
        "toJsonLd: `analysis.groups` must be an array, got number",
    );
    let bad = js_sys::JSON::parse(r#"{"groups":[{"text":"A","label":"ORG","count":1,"first":0}]}"#).unwrap();
    let url = js_sys::JSON::parse(r#"{"url":7}"#).unwrap();
    assert_type_error(to_json_ld(bad, url), "toJsonLd: `options.url` must be a string, got number");
}
