//! Golden tests for the rule-based entities (DATE, TIME, MONEY, PERCENT, QUANTITY): every case of
//! `tests/golden/entities_rules.json` (name, text, expected mentions with byte offsets) must come
//! out of [`rules::tag`] exactly, independently of the statistical model.

use article_analyzer::entity::rules;
use article_analyzer::{sentence, token};
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
