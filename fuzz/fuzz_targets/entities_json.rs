//! Any bytes as the custom-entities JSON of the CLI's `--entities FILE.json`: what parses is an
//! array of objects with no member but `name`, `label`, `aliases` and `url`, and the analyzer built from
//! it either refuses it with a message or analyses a fixed article and a text made of the names
//! themselves, keeping every invariant of an analysis.
#![no_main]

use article_analyzer::{Analyzer, CustomEntity};
use article_analyzer_fuzz::{invariants::assert_invariants, JsonObject};
use libfuzzer_sys::fuzz_target;

/// A short article with the shapes the entity rules and the model look at.
const ARTICLE: &str = "OpenAI's chief met Microsoft in New York on Tuesday, March 3. \
    \"The deal,\" said Satya Nadella, \"is worth $10 billion.\" Shares rose 5% to 1,000 units.";

/// The members a custom entity may have.
const MEMBERS: [&str; 4] = ["name", "label", "aliases", "url"];

fuzz_target!(|bytes: &[u8]| {
    let Ok(entities) = serde_json::from_slice::<Vec<CustomEntity>>(bytes) else { return };
    let objects: Vec<JsonObject> =
        serde_json::from_slice(bytes).expect("the entities taken are an array of JSON objects");
    for object in &objects {
        assert!(
            object.keys().all(|member| MEMBERS.contains(&member.as_str())),
            "unknown member in {object:?}"
        );
    }
    let names: Vec<&str> = entities
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.aliases))
        .map(String::as_str)
        .collect();
    let text_of_names = names.join(", ");
    match Analyzer::with_custom_entities(entities) {
        Ok(analyzer) => {
            for text in [ARTICLE, &text_of_names] {
                assert_invariants(text, &analyzer.analyze(text));
            }
        }
        Err(refused) => assert!(!refused.to_string().is_empty(), "a refusal says why"),
    }
});
