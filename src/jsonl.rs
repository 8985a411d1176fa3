//! The JSON Lines stream of the CLI's `--jsonl`, for archives: one `{"id": .., "text": ..}` object a
//! line in, one `{"id": .., "sentences": .., "entities": .., "groups": ..}` line out, in order,
//! offsets in UTF-16 code units. `id` is echoed byte for byte (any JSON value, or absent); blank
//! lines are skipped; a UTF-8 byte order mark before the first line is skipped. Memory does not grow
//! with the number of lines, and each result is flushed before the next line is read.

use std::fmt;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{Analysis, Analyzer};

/// Why a stream stopped: a line that is not valid UTF-8 or not a JSON object with a `text`, or a
/// failure to read or write.
///
/// Opaque: [`Display`](fmt::Display) says what went wrong, and where.
#[derive(Debug)]
pub struct JsonlError {
    line: Option<usize>,
    message: String,
}

impl JsonlError {
    /// The number of the input line at fault (from 1), if a line was.
    pub fn line(&self) -> Option<usize> {
        self.line
    }
}

impl fmt::Display for JsonlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsonlError {}

/// One input line.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    text: String,
}

/// One output line.
#[derive(Serialize)]
struct Output<'a> {
    id: Option<&'a RawValue>,
    #[serde(flatten)]
    analysis: &'a Analysis,
}

/// Analyses each line of `input` and writes its result line to `output`, flushing after each.
/// Stops at the first bad line, having written the results of the lines before it.
pub fn analyze_lines(
    analyzer: &Analyzer,
    mut input: impl BufRead,
    mut output: impl Write,
) -> Result<(), JsonlError> {
    let mut line = Vec::new();
    let mut result = Vec::new();
    for number in 1.. {
        line.clear();
        if !read_line(&mut input, &mut line)? {
            break;
        }
        result.clear();
        analyze_line(analyzer, number, &line, &mut result)?;
        if !result.is_empty() {
            write_flushed(&mut output, &result)?;
        }
    }
    Ok(())
}

/// Reads the next line of `input`, its `\n` included, into `line`; false at the end of the input.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> Result<bool, JsonlError> {
    let read = input.read_until(b'\n', line).map_err(|e| io_error("read the input", e))?;
    Ok(read > 0)
}

/// Writes `bytes` to `output` and flushes it.
fn write_flushed(output: &mut impl Write, bytes: &[u8]) -> Result<(), JsonlError> {
    output.write_all(bytes).and_then(|()| output.flush()).map_err(|e| io_error("write the output", e))
}

fn io_error(what: &str, e: std::io::Error) -> JsonlError {
    JsonlError { line: None, message: format!("cannot {what}: {e}") }
}

/// Appends the result line of input line `number`, `line`, to `result`: nothing for a blank line.
fn analyze_line(
    analyzer: &Analyzer,
    number: usize,
    line: &[u8],
    result: &mut Vec<u8>,
) -> Result<(), JsonlError> {
    let at_line = |message: String| JsonlError { line: Some(number), message };
    let text = std::str::from_utf8(line)
        .map_err(|e| at_line(format!("not valid UTF-8 (invalid byte at column {})", e.valid_up_to() + 1)))?;
    let text = if number == 1 { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
    if text.trim().is_empty() {
        return Ok(());
    }
    // serde would also take the fields in order from an array (`[1, "text"]`).
    if !text.trim_start().starts_with('{') {
        return Err(at_line("not a JSON object {\"id\": .., \"text\": ..}".to_string()));
    }
    let document: Document =
        serde_json::from_str(text).map_err(|e| at_line(format!("malformed JSON line: {e}")))?;
    let analysis = analyzer.analyze(&document.text).to_utf16(&document.text);
    serde_json::to_writer(&mut *result, &Output { id: document.id, analysis: &analysis })
        .map_err(|e| io_error("write the output", e.into()))?;
    result.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> (String, Result<(), JsonlError>) {
        let mut output = Vec::new();
        let outcome = analyze_lines(&Analyzer::new(), input.as_bytes(), &mut output);
        (String::from_utf8(output).expect("UTF-8 output"), outcome)
    }

    #[test]
    fn each_line_gets_its_id_and_analysis_until_a_bad_line() {
        let (output, outcome) =
            run("\u{feff}{\"id\": [1, \"a\"], \"text\": \"Paris.\"}\n\n{\"text\": \"\"}\n{\"id\": 3}\n");
        let array = run("[1, \"Paris.\"]\n").1.unwrap_err();
        assert_eq!(array.to_string(), "line 1: not a JSON object {\"id\": .., \"text\": ..}");
        assert_eq!(
            output,
            "{\"id\":[1, \"a\"],\"sentences\":[{\"start\":0,\"end\":6}],\"entities\":[{\"start\":0,\"end\":5,\
             \"label\":\"LOC\",\"text\":\"Paris\",\"group\":0,\"confidence\":0.943}],\"groups\":[{\"text\":\"Paris\",\"label\":\"LOC\",\
             \"count\":1,\"first\":0}]}\n{\"id\":null,\"sentences\":[],\"entities\":[],\"groups\":[]}\n"
        );
        let error = outcome.unwrap_err();
        assert_eq!(error.line(), Some(4));
        assert!(
            error.to_string().starts_with("line 4: malformed JSON line: missing field `text`"),
            "{error}"
        );
    }

    #[test]
    fn invalid_utf8_names_its_line_and_column() {
        let mut output = Vec::new();
        let error = analyze_lines(
            &Analyzer::new(),
            &b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n"[..],
            &mut output,
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "line 2: not valid UTF-8 (invalid byte at column 14)");
        assert_eq!(output.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}
