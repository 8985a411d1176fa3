//! What the fuzz targets in `fuzz_targets/` share: the invariants of every analysis (the same file
//! the property tests check, tests/invariants) and a type for checking the shape of JSON input.

use std::collections::HashMap;

use serde_json::value::RawValue;

#[path = "../../tests/invariants/mod.rs"]
pub mod invariants;

/// A JSON object with its members left unparsed, so that any valid JSON object parses (even one
/// holding `1e999`, which `serde_json::Value` refuses).
pub type JsonObject = HashMap<String, Box<RawValue>>;
