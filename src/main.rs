//! The `article-analyzer` command: analyses UTF-8 text and writes JSON with UTF-16 offsets.

use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use article_analyzer::{jsonl, Analyzer, CustomEntity};

const USAGE: &str = "\
Usage: article-analyzer [--entities FILE.json] [FILE]   analyse FILE (or stdin when FILE is absent or -),
                                                       write one JSON object
       article-analyzer [--entities FILE.json] --jsonl  read {\"id\":..,\"text\":..} lines on stdin, write
                                                       one result line each, ids and order preserved

Options:
  --entities FILE.json  also tag custom entities: a JSON array of
                        {\"name\": \"OpenAI\", \"label\": \"ORG\", \"aliases\": [\"Open AI\"]} (aliases optional;
                        labels PERSON, ORG, LOC, MISC, DATE, TIME, MONEY, PERCENT, QUANTITY). Their mentions
                        win over the model and group under their name.
  -h, --help            print this help
  -V, --version         print the version

Offsets are UTF-16 code units, end exclusive.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let result = take_entities_option(&mut args).and_then(|entities| run(&args, entities));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("article-analyzer: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Removes `--entities FILE` (or `--entities=FILE`) from `args` and returns the path, if given.
fn take_entities_option(args: &mut Vec<String>) -> Result<Option<String>, String> {
    let Some(at) = args.iter().position(|a| a == "--entities" || a.starts_with("--entities=")) else {
        return Ok(None);
    };
    let option = args.remove(at);
    let path = match option.strip_prefix("--entities=") {
        Some(path) => path.to_string(),
        None if at < args.len() => args.remove(at),
        None => return Err("--entities needs a FILE.json argument; see --help".to_string()),
    };
    if args.iter().any(|a| a == "--entities" || a.starts_with("--entities=")) {
        return Err("--entities given twice; see --help".to_string());
    }
    Ok(Some(path))
}

/// The analyzer with the custom entities of `--entities FILE.json`.
fn read_entities(path: &str) -> Result<Analyzer, String> {
    let text = read_file(path).map_err(|e| format!("--entities: {e}"))?;
    let entities: Vec<CustomEntity> = serde_json::from_str(without_bom(&text))
        .map_err(|e| format!("--entities: {path} is not a JSON array of {{name, label, aliases}}: {e}"))?;
    Analyzer::with_custom_entities(entities).map_err(|e| format!("--entities: {path}: {e}"))
}

/// `text` without a leading UTF-8 byte order mark, which some editors write.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Runs the command for the arguments left once `--entities` is taken out.
fn run(args: &[String], entities: Option<String>) -> Result<(), String> {
    let analyzer = || -> Result<Analyzer, String> {
        Ok(match &entities {
            Some(path) => read_entities(path)?,
            None => Analyzer::new(),
        })
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["-h" | "--help"] => {
            println!("{USAGE}");
            Ok(())
        }
        ["-V" | "--version"] => {
            println!("article-analyzer {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        ["--jsonl"] => analyze_lines(&analyzer()?),
        [] | ["-"] => {
            let analyzer = analyzer()?;
            read_stdin().and_then(|text| analyze_document(&analyzer, &text))
        }
        [path] if !path.starts_with('-') => {
            let analyzer = analyzer()?;
            read_file(path).and_then(|text| analyze_document(&analyzer, &text))
        }
        _ => Err(format!("unexpected arguments {args:?}; see --help")),
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

fn analyze_document(analyzer: &Analyzer, text: &str) -> Result<(), String> {
    let analysis = analyzer.analyze(text).to_utf16(text);
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &analysis).map_err(|e| format!("cannot write output: {e}"))?;
    writeln!(out).and_then(|()| out.flush()).map_err(|e| format!("cannot write output: {e}"))
}

fn analyze_lines(analyzer: &Analyzer) -> Result<(), String> {
    let output = BufWriter::new(io::stdout().lock());
    jsonl::analyze_lines(analyzer, io::stdin().lock(), output).map_err(|e| e.to_string())
}
