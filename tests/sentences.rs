//! Golden tests for sentence splitting: pySBD's 48 English Golden Rules and our own news cases,
//! both in `tests/golden/` as data files (name, input, expected sentences).

use article_analyzer::sentence::split;
use serde_json::Value;

/// Runs every case of a golden file and returns a description of each failure.
fn failures(path: &str) -> Vec<String> {
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(!cases.is_empty(), "{path} has no cases");
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let expected: Vec<&str> =
            case["sentences"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        let actual: Vec<&str> = split(text).iter().map(|s| s.slice(text)).collect();
        if actual != expected {
            failures.push(format!("{}: expected {expected:?}\n    got {actual:?}", case["name"]));
        }
    }
    failures
}

#[test]
fn all_48_english_golden_rules_pass() {
    let failures = failures("tests/golden/english_golden_rules.json");
    assert!(failures.is_empty(), "{} golden rules fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn news_conventions_pass() {
    let failures = failures("tests/golden/sentences.json");
    assert!(failures.is_empty(), "{} news cases fail:\n{}", failures.len(), failures.join("\n"));
}
