//! Any bytes as the CLI's `--jsonl` stream ([`jsonl::analyze_lines`]): the stream either gives each
//! `{"id": .., "text": ..}` line, in order, its id and the analysis of its text alone, or stops at a
//! line it names, having written the results of the lines before it.
#![no_main]

use article_analyzer::{jsonl, Analyzer};
use article_analyzer_fuzz::JsonObject;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let analyzer = Analyzer::new();
    let mut output = Vec::new();
    let outcome = jsonl::analyze_lines(&analyzer, bytes, &mut output);
    let output = std::str::from_utf8(&output).expect("the output is UTF-8");
    assert!(output.is_empty() || output.ends_with('\n'), "every result ends its line");
    let results: Vec<&str> = output.lines().collect();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let documents: Vec<(usize, &[u8])> =
        (1..).zip(lines.iter().copied()).filter(|&(number, line)| !is_blank(number, line)).collect();
    let answered = match outcome {
        Ok(()) => documents.len(),
        Err(error) => {
            let failed = error.line().unwrap_or_else(|| panic!("reading bytes fails at no line: {error}"));
            assert!((1..=lines.len()).contains(&failed), "{error} of {} lines", lines.len());
            documents.iter().filter(|&&(number, _)| number < failed).count()
        }
    };
    assert_eq!(results.len(), answered, "one result per line before any failure");
    for (result, &(number, line)) in results.iter().zip(&documents) {
        assert_result_of(&analyzer, without_bom(number, line), result);
    }
});

/// Line `number` of the stream without the byte order mark that may start the stream.
fn without_bom(number: usize, line: &[u8]) -> &[u8] {
    match number {
        1 => line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line),
        _ => line,
    }
}

/// Whether line `number` is UTF-8 and only whitespace (skipped by the stream).
fn is_blank(number: usize, line: &[u8]) -> bool {
    std::str::from_utf8(without_bom(number, line)).is_ok_and(|text| text.trim().is_empty())
}

/// Checks that `result` is the stream's answer to `line`: the line's id (`null` when absent) and
/// the analysis of its text alone, with UTF-16 offsets.
fn assert_result_of(analyzer: &Analyzer, line: &[u8], result: &str) {
    let input: JsonObject = serde_json::from_slice(line).expect("a line the stream answered is an object");
    let output: JsonObject = serde_json::from_str(result).expect("a result is a JSON object");
    let id = input.get("id").map_or("null", |id| id.get());
    assert_eq!(output["id"].get(), id, "the id is kept as written");
    let text: String = serde_json::from_str(input["text"].get()).expect("the text is a string");
    let alone = analyzer.analyze(&text).to_utf16(&text);
    let expected = [
        ("sentences", serde_json::to_string(&alone.sentences)),
        ("entities", serde_json::to_string(&alone.entities)),
        ("groups", serde_json::to_string(&alone.groups)),
        ("quotes", serde_json::to_string(&alone.quotes)),
    ];
    assert_eq!(output.len(), 1 + expected.len(), "members of {result}");
    for (member, json) in expected {
        assert_eq!(output[member].get(), json.expect("an analysis serializes"), "{member} of {result}");
    }
}
