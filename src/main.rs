//! The `article-analyzer` command: analyses UTF-8 text and writes JSON with UTF-16 offsets.

use std::io::{self, BufWriter, Read, Write};
use std::num::NonZeroUsize;
use std::process::ExitCode;

use article_analyzer::{jsonl, jsonld, Analyzer, CustomEntity};

const USAGE: &str = "\
Usage: article-analyzer [--entities FILE.json] [FILE]   analyse FILE (or stdin when FILE is absent or -),
                                                       write one JSON object
       article-analyzer [--entities FILE.json] --jsonld [--headline TEXT] [--url URL] [FILE]
                                                       write the entities as schema.org JSON-LD: a
                                                       NewsArticle about its most salient entities
       article-analyzer [--entities FILE.json] --jsonl [--threads N]
                                                       read {\"id\":..,\"text\":..} lines on stdin, write
                                                       one result line each, ids and order preserved

Options:
  --entities FILE.json  also tag custom entities: a JSON array of
                        {\"name\": \"OpenAI\", \"label\": \"ORG\", \"aliases\": [\"Open AI\"], \"url\": \"https://openai.com\"}
                        (aliases and url optional; labels PERSON, ORG, LOC, MISC, DATE, TIME, MONEY, PERCENT,
                        QUANTITY). Their mentions win over the model and group under their name, with url.
  --headline TEXT, --url URL
                        with --jsonld: the article's headline and address
  --threads N           with --jsonl: analyse N lines at once (default: one per core); results are still
                        written in input order
  -h, --help            print this help
  -V, --version         print the version

Offsets are UTF-16 code units, end exclusive.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let result = take_option(&mut args, "--entities", "a FILE.json argument").and_then(|entities| {
        let threads = take_option(&mut args, "--threads", "a number")?.map(|n| threads(&n)).transpose()?;
        let article = Article {
            headline: take_option(&mut args, "--headline", "a TEXT argument")?,
            url: take_option(&mut args, "--url", "a URL argument")?,
        };
        let jsonld = match args.iter().position(|a| a == "--jsonld") {
            Some(at) => Some(args.remove(at)).map(|_| article),
            None if article.headline.is_some() || article.url.is_some() => {
                return Err("--headline and --url are for --jsonld; see --help".to_string());
            }
            None => None,
        };
        run(&args, entities, threads, jsonld)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("article-analyzer: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Removes `NAME VALUE` (or `NAME=VALUE`) from `args` and returns the value, if given; `what` says
/// what the value is when it is missing.
fn take_option(args: &mut Vec<String>, name: &str, what: &str) -> Result<Option<String>, String> {
    let is_option =
        |arg: &String| arg.strip_prefix(name).is_some_and(|rest| rest.is_empty() || rest.starts_with('='));
    let Some(at) = args.iter().position(is_option) else {
        return Ok(None);
    };
    let option = args.remove(at);
    let value = match option.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')) {
        Some(value) => value.to_string(),
        None if at < args.len() => args.remove(at),
        None => return Err(format!("{name} needs {what}; see --help")),
    };
    if args.iter().any(is_option) {
        return Err(format!("{name} given twice; see --help"));
    }
    Ok(Some(value))
}

/// The number of `--threads N`: 1 or more.
fn threads(value: &str) -> Result<NonZeroUsize, String> {
    value.parse().map_err(|_| {
        format!("--threads needs a whole number of threads, 1 or more, got {value:?}; see --help")
    })
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

/// Runs the command for the arguments left once `--entities`, `--threads` and `--jsonld` (with its
/// article's headline and address) are taken out.
fn run(
    args: &[String],
    entities: Option<String>,
    threads: Option<NonZeroUsize>,
    jsonld: Option<Article>,
) -> Result<(), String> {
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
        ["--jsonl"] if jsonld.is_some() => {
            Err("--jsonld is for one document, not --jsonl; see --help".into())
        }
        ["--jsonl"] => analyze_lines(&analyzer()?, threads),
        _ if threads.is_some() => Err("--threads is for --jsonl; see --help".to_string()),
        [] | ["-"] => {
            let analyzer = analyzer()?;
            read_stdin().and_then(|text| analyze_document(&analyzer, &text, jsonld.as_ref()))
        }
        [path] if !path.starts_with('-') => {
            let analyzer = analyzer()?;
            read_file(path).and_then(|text| analyze_document(&analyzer, &text, jsonld.as_ref()))
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

/// Writes the analysis of `text`, or with `jsonld` its JSON-LD, as one line.
fn analyze_document(analyzer: &Analyzer, text: &str, jsonld: Option<&Article>) -> Result<(), String> {
    let analysis = analyzer.analyze(text).into_utf16(text);
    // Buffered: stdout alone is line-buffered, which looks for a line break in each of the
    // serializer's many small writes.
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match jsonld {
        Some(Article { headline, url }) => {
            let article = jsonld::NewsArticle::new(&analysis.groups, headline.as_deref(), url.as_deref());
            serde_json::to_writer(&mut out, &article)
        }
        None => serde_json::to_writer(&mut out, &analysis),
    };
    written.map_err(|e| format!("cannot write output: {e}"))?;
    writeln!(out).and_then(|()| out.flush()).map_err(|e| format!("cannot write output: {e}"))
}

/// `--jsonl`: on the calling thread alone with `--threads 1`, else on `threads` (by default, one
/// per core).
fn analyze_lines(analyzer: &Analyzer, threads: Option<NonZeroUsize>) -> Result<(), String> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN));
    let output = BufWriter::new(io::stdout().lock());
    let result = match threads.get() {
        1 => jsonl::analyze_lines(analyzer, io::stdin().lock(), output),
        // The input is read on a thread of its own, which cannot hold the lock of stdin.
        #[cfg(not(target_arch = "wasm32"))]
        _ => {
            let input = io::BufReader::with_capacity(64 * 1024, io::stdin());
            jsonl::analyze_lines_in_parallel(analyzer, input, output, threads)
        }
        // wasm has no threads (the CLI is built for it only by `cargo test --target wasm32-...`).
        #[cfg(target_arch = "wasm32")]
        _ => jsonl::analyze_lines(analyzer, io::stdin().lock(), output),
    };
    result.map_err(|e| e.to_string())
}

/// What `--jsonld` is told of the article beyond its text.
struct Article {
    headline: Option<String>,
    url: Option<String>,
}
