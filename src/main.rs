//! The `article-analyzer` command: analyses UTF-8 text and writes JSON with UTF-16 offsets.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

use article_analyzer::{Analysis, Analyzer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

const USAGE: &str = "\
Usage: article-analyzer [FILE]     analyse FILE (or stdin when FILE is absent or -), write one JSON object
       article-analyzer --jsonl    read {\"id\":..,\"text\":..} lines on stdin, write one result line each

Offsets are UTF-16 code units, end exclusive.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["-V" | "--version"] => {
            println!("article-analyzer {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        ["--jsonl"] => analyze_lines(),
        [] | ["-"] => read_stdin().and_then(|text| analyze_document(&text)),
        [path] if !path.starts_with('-') => read_file(path).and_then(|text| analyze_document(&text)),
        _ => Err(format!("unexpected arguments {args:?}; see --help")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("article-analyzer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    io::stdin().lock().read_to_end(&mut bytes).map_err(|e| format!("cannot read stdin: {e}"))?;
    utf8(bytes, "stdin")
}

fn read_file(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    utf8(bytes, path)
}

fn utf8(bytes: Vec<u8>, source: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!("{source} is not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to())
    })
}

fn analyze_document(text: &str) -> Result<(), String> {
    let analysis = Analyzer::new().analyze(text).to_utf16(text);
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &analysis).map_err(|e| format!("cannot write output: {e}"))?;
    writeln!(out).and_then(|()| out.flush()).map_err(|e| format!("cannot write output: {e}"))
}

/// One input line of `--jsonl`.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    text: String,
}

/// One output line of `--jsonl`.
#[derive(Serialize)]
struct Output<'a> {
    id: Option<&'a RawValue>,
    #[serde(flatten)]
    analysis: &'a Analysis,
}

fn analyze_lines() -> Result<(), String> {
    let analyzer = Analyzer::new();
    let mut input = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        if input.read_until(b'\n', &mut line).map_err(|e| format!("cannot read stdin: {e}"))? == 0 {
            break;
        }
        let text = std::str::from_utf8(&line).map_err(|e| {
            format!("line {number}: not valid UTF-8 (invalid byte at column {})", e.valid_up_to() + 1)
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let document: Document =
            serde_json::from_str(text).map_err(|e| format!("line {number}: malformed JSON line: {e}"))?;
        let analysis = analyzer.analyze(&document.text).to_utf16(&document.text);
        let output = Output { id: document.id, analysis: &analysis };
        serde_json::to_writer(&mut out, &output)
            .and_then(|()| writeln!(out).map_err(serde_json::Error::io))
            .map_err(|e| format!("cannot write output: {e}"))?;
    }
    out.flush().map_err(|e| format!("cannot write output: {e}"))
}
