//! The project's task runner: `cargo xtask <task>`. Each task installs what it needs when missing.

mod bench;
mod conll;
mod eval;
mod example_eval;
mod sentence_eval;
mod serve;
mod train;
mod web;

use std::process::{Command, ExitCode};

const USAGE: &str = "\
Usage: cargo xtask <task>

Tasks:
  test     run every test: formatting, clippy, unit, golden and property tests, then the browser
           tests (wasm-bindgen-test in headless Chromium, the page end to end with playwright-core)
  dist     build the browser files into dist/: the static site, article-analyzer.html (one file,
           works offline), article-analyzer-element.js, pkg/ (ES module) and node/; print sizes
  serve [--port N]  build dist/ and serve it on http://127.0.0.1:8080 (or N, or $PORT)
  eval-example   entity precision/recall on the running example ../shared/examples/openai-microsoft.txt
  eval-sentences [--errors]  sentence boundary P/R/F1 on ../shared/eval/sentences
  train [--data DIR] [--out FILE] [--train-only] [--epochs N] [--seed N] [--min-count N] [--runs N]
           train the entity model on CoNLL-2003 train+dev (--train-only: train, report dev F1 per epoch)
           and write model/ner.bin
  eval [--data DIR] [--model FILE] [--errors]
           entity P/R/F1 on CoNLL-2003 dev and test, tagging speed,
           and sentence boundary P/R/F1 (--errors: list the dev errors)
  bench [--data DIR] [--rounds N] [--long-mb N] [--no-build]
           speed (MB/s, tokens/s), model load time, gzipped page size and wasm memory of the native
           and wasm builds next to compromise and wink-nlp (bench/peers), on CoNLL-2003 test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("dist") => web::dist(),
        Some("serve") => web::serve(&args[1..]),
        Some("eval-sentences") => sentence_eval::run(
            &repo_root().join("../shared/eval/sentences"),
            args.iter().any(|a| a == "--errors"),
        ),
        Some("train") => train::run(&args[1..]),
        Some("eval") => eval::run(&args[1..])
            .and_then(|()| sentence_eval::run(&repo_root().join("../shared/eval/sentences"), false))
            .and_then(|()| example_eval::run(&repo_root().join("../shared/examples/openai-microsoft.txt"))),
        Some("eval-example") => {
            example_eval::run(&repo_root().join("../shared/examples/openai-microsoft.txt"))
        }
        Some("bench") => bench::run(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command from the repository root and fails if it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: running {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(repo_root())
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed ({status})", args.join(" ")))
    }
}

/// The size in bytes of `path` compressed with `gzip -9`, as a web server would send it.
fn gzip_size(path: &std::path::Path) -> Result<u64, String> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !output.status.success() {
        return Err(format!("gzip {} failed ({})", path.display(), output.status));
    }
    Ok(output.stdout.len() as u64)
}

/// The repository root (the parent of this crate's directory).
fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory")
        .to_path_buf()
}

/// Every test: formatting and lints first (cheap), then the native test suite, then the browser tests.
fn test() -> Result<(), String> {
    run("cargo", &["fmt", "--all", "--check"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    run("cargo", &["test", "--workspace"])?;
    web::test()
}
