//! Golden tests for the rule-based entities (DATE, TIME, MONEY, PERCENT, QUANTITY): every case of
//! `tests/golden/entities_rules.json` (name, text, expected mentions with byte offsets) must come
//! out of [`rules::tag`] exactly, independently of the statistical model. Then a property test:
//! on arbitrary mixes of the words the rules and custom entities look at, the merged mentions are
//! sorted, non-overlapping, on character boundaries and equal to their slice of the text.

use article_analyzer::entity::rules;
use article_analyzer::{sentence, token, Analyzer, CustomEntity, Label};
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn every_golden_rule_case_passes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/entities_rules.json");
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden file")).expect("JSON");
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 50, "the golden file lost its cases");
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().expect("text");
        let tokens = token::tokenize(text);
        let sentences = sentence::split_tokens(text, &tokens);
        let actual: Vec<Value> = rules::tag(text, &tokens, &sentences)
            .into_iter()
            .map(|e| json!({"start": e.span.start, "end": e.span.end, "text": e.text, "label": e.label}))
            .collect();
        if actual != *case["entities"].as_array().expect("entities") {
            failures.push(format!(
                "{}:\n    expected {}\n    got      {}",
                case["name"],
                case["entities"],
                json!(actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Pieces that exercise every rule family and the custom matcher, with odd characters between.
fn rule_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "$",
        "US",
        "€",
        "£",
        "3.5m",
        "20",
        "1,000",
        "2019",
        "2019-20",
        "%",
        "percent",
        "per",
        "cent",
        "billion",
        "five",
        "twenty-five",
        "a",
        "miles",
        "kg",
        "10km",
        "3",
        ":",
        "30",
        "p.m.",
        "ET",
        "0600",
        "GMT",
        "noon",
        "May",
        "Jan.",
        "5",
        "5th",
        ",",
        "January",
        "Tuesday",
        "last",
        "the",
        "end",
        "of",
        "year",
        "two",
        "years",
        "ago",
        "first",
        "quarter",
        "fiscal",
        "Q3",
        "/",
        "-",
        "Open",
        "AI",
        "OpenAI",
        "'s",
        "’s",
        "OPENAI",
        ".",
        "\n",
        "\n\n",
        "😀",
        "é",
        "\u{301}",
        "\u{200f}",
        "\0",
        "\r",
    ]);
    let gap = prop::sample::select(vec!["", " ", " ", " ", "\t"]);
    prop::collection::vec((piece, gap), 0..40)
        .prop_map(|pieces| pieces.into_iter().flat_map(|(p, g)| [p, g]).collect())
}

proptest! {
    #[test]
    fn merged_mentions_are_clean_on_arbitrary_text(text in rule_text()) {
        let analyzer = Analyzer::with_custom_entities(vec![
            CustomEntity { name: "OpenAI".into(), label: Label::Org, aliases: vec!["Open AI".into()] },
            CustomEntity { name: "May".into(), label: Label::Person, aliases: Vec::new() },
        ])
        .unwrap();
        let analysis = analyzer.analyze(&text);
        let mut previous_end = 0;
        for entity in &analysis.entities {
            prop_assert!(entity.span.start >= previous_end && entity.span.start < entity.span.end);
            prop_assert!(text.is_char_boundary(entity.span.start) && text.is_char_boundary(entity.span.end));
            prop_assert_eq!(entity.span.slice(&text), entity.text.as_str());
            previous_end = entity.span.end;
        }
        let mentions: usize = analysis.groups.iter().map(|g| g.count).sum();
        prop_assert_eq!(mentions, analysis.entities.len());
    }
}
