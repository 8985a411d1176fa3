//! The project's task runner: `cargo xtask <task>`. Each task installs what it needs when missing.

mod args;
mod bench;
mod calibrate;
mod conll;
mod corpora;
mod eval;
mod example_eval;
mod fuzz;
mod lists;
mod process;
mod python;
mod quote_eval;
mod salience_eval;
mod sentence_eval;
mod train;
mod web;

use std::process::ExitCode;

use args::Args;
use process::command;

const USAGE: &str = "\
Usage: cargo xtask <task>

Tasks:
  test     run every test: formatting, clippy, unit, golden and property tests, the Python
           package's pytest tests, a short run of each fuzz target, then the browser tests
           (wasm-bindgen-test in headless Chromium, the page end to end with playwright-core)
  fuzz [TARGET] [--seconds N]
           a short run of each fuzz target of fuzz/ (or of the one named), or N seconds of each;
           see fuzz/README.md
  wheel [--bench] [--data DIR]
           build the Python package's abi3 wheel into target/wheels with maturin (installed from PyPI
           into target/python-venv) and print its size; --bench: its throughput against the CLI run
           per article, on one thread and on all, on the CoNLL-2003 test documents of DIR
  dist     build the browser files into dist/: the static site, article-analyzer.html (one file,
           works offline), article-analyzer-element.js, demo.html, pkg/ (the npm package) and
           node/; print sizes and pkg/'s integrity hashes
  serve [--port N]  build dist/ and serve it on http://127.0.0.1:8080 (or N, or $PORT)
  jsonl          the CLI's --jsonl with a candidate model: cargo xtask jsonl --model FILE < in > out
  eval-example   entity precision/recall on the running example ../shared/examples/openai-microsoft.txt
  eval-sentences [--errors]  sentence boundary P/R/F1 on ../shared/eval/sentences
  eval-quotes [--errors]  quote F1 and speaker accuracy on the hand-annotated xtask/data/quotes
  train [--data DIR] [--lists DIR] [--out FILE] [--train-only] [--corpora LIST] [--epochs N] [--seed N]
        [--min-count N] [--runs N]
           train the entity model on CoNLL-2003 train+dev and the corpora of docs/training-data.md
           (--train-only: hold out CoNLL dev and a part of each corpus, report their F1), with the
           gazetteer lists of model/lists (or DIR), and write model/ner.bin
  calibrate [--data DIR] [--model FILE] [--set dev|test]
           how well entity confidences match how often entities are right, on CoNLL-2003 dev (or
           test), for a range of temperatures of the model
  eval [--data DIR] [--model FILE] [--errors]
           entity P/R/F1 on CoNLL-2003 dev and test, tagging speed, salience against GUM's,
           sentence boundary P/R/F1 (--errors: list the dev errors) and the quotations of eval-quotes
  eval --salience [--fit]
           salience alone: rank correlation and precision of the top 3 against GUM's salience on
           ../shared/eval/gum-news, next to two baselines (--fit: first choose weights on GUM's other
           genres in ../shared/data/gum); see docs/salience.md
  bench [--data DIR] [--rounds N] [--long-mb N] [--no-build] [--jsonl-only]
           speed (MB/s, tokens/s), model load time, gzipped page size and wasm memory of the native
           and wasm builds next to compromise and wink-nlp (benches/peers), on CoNLL-2003 test;
           prints the report and writes it into docs/performance.md (--jsonl-only: the CLI's --jsonl
           on one thread and on every core alone, printed only)";

/// The sentence boundary sets of `eval-sentences` and `eval`, from the repository root.
const SENTENCE_SETS: &str = "../shared/eval/sentences";
/// The running example of `eval-example` and `eval`, from the repository root.
const RUNNING_EXAMPLE: &str = "../shared/examples/openai-microsoft.txt";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args.split_first().map_or((None, &[][..]), |(task, rest)| (Some(task.as_str()), rest));
    let without_flags = |task| Args::new(task, rest, &[]).map(drop);
    let result = match task {
        Some("test") => without_flags("test").and_then(|()| test()),
        Some("wheel") => python::wheel(rest),
        Some("dist") => without_flags("dist").and_then(|()| web::dist()),
        Some("serve") => web::serve(rest),
        Some("eval-sentences") => Args::new("eval-sentences", rest, &["--errors"])
            .and_then(|args| sentence_eval::run(&repo_root().join(SENTENCE_SETS), args.switch("--errors"))),
        Some("train") => train::run(rest),
        Some("eval") if rest.iter().any(|arg| arg == "--salience") => salience_eval::run(rest),
        Some("eval") => eval::run(rest)
            .and_then(|()| sentence_eval::run(&repo_root().join(SENTENCE_SETS), false))
            .and_then(|()| example_eval::run(&repo_root().join(RUNNING_EXAMPLE)))
            .and_then(|()| eval_quotes(false)),
        Some("eval-quotes") => Args::new("eval-quotes", rest, &["--errors"])
            .and_then(|args| eval_quotes(args.switch("--errors"))),
        Some("jsonl") => eval::jsonl(rest),
        Some("eval-example") => {
            without_flags("eval-example").and_then(|()| example_eval::run(&repo_root().join(RUNNING_EXAMPLE)))
        }
        Some("bench") => bench::run(rest),
        Some("calibrate") => calibrate::run_task(rest),
        Some("fuzz") => fuzz::run(rest),
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

/// `cargo xtask eval-quotes`: quote F1 and speaker accuracy on the hand-annotated development set.
fn eval_quotes(show_errors: bool) -> Result<(), String> {
    let root = repo_root();
    quote_eval::run(&root, &root.join(SENTENCE_SETS), &root.join(RUNNING_EXAMPLE), show_errors)
}

/// The size in bytes of `path` compressed with `gzip -9`, as a web server would send it.
fn gzip_size(path: &std::path::Path) -> Result<u64, String> {
    let compressed = command("gzip", ["-9", "-c"]).arg(path).output_bytes()?;
    Ok(compressed.len() as u64)
}

/// The repository root, found at run time rather than compiled in, so that a copy of the checkout
/// works on itself: the nearest directory, from the current one up, that holds the workspace (see
/// `find_repo_root`). `cargo xtask` runs from wherever the user is; outside a checkout it stops
/// with an error that says so.
fn repo_root() -> std::path::PathBuf {
    static ROOT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let found = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))
            .and_then(|dir| {
                find_repo_root(&dir).ok_or_else(|| {
                    format!(
                        "no directory from {} up holds a Cargo.toml with [workspace] and an xtask/ folder; \
                         run cargo xtask inside the checkout",
                        dir.display()
                    )
                })
            });
        found.unwrap_or_else(|message| {
            eprintln!("xtask: {message}");
            std::process::exit(1)
        })
    })
    .clone()
}

/// The first of `dir` and its ancestors whose Cargo.toml declares a `[workspace]` and which holds an
/// `xtask/` folder (a cargo-fuzz crate has a workspace of its own, but no xtask).
fn find_repo_root(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    dir.ancestors()
        .find(|dir| {
            dir.join("xtask").is_dir()
                && std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(std::path::Path::to_path_buf)
}

/// Every test: formatting and lints first (cheap), then the native test suite, the Python package's
/// tests and a short run of each fuzz target, then the browser tests.
fn test() -> Result<(), String> {
    command("cargo", ["fmt", "--all", "--check"]).run()?;
    command("cargo", ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]).run()?;
    command("cargo", ["test", "--workspace"]).run()?;
    python::test()?;
    fuzz::run(&[])?;
    web::test()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_repository_root_from_any_directory_inside_it() {
        let tree = std::env::temp_dir().join(format!("xtask-root-test-{}", std::process::id()));
        let checkout = tree.join("copy");
        let not_a_workspace = tree.join("not-a-workspace");
        let files = [
            (checkout.join("Cargo.toml"), "[package]\nname = \"a\"\n\n[workspace]\nmembers = [\"xtask\"]\n"),
            (checkout.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n"),
            (checkout.join("xtask/src/main.rs"), ""),
            (checkout.join("src/entity/mod.rs"), ""),
            (checkout.join("fuzz/Cargo.toml"), "[package]\nname = \"fuzz\"\n\n[workspace]\n"),
            (checkout.join("fuzz/fuzz_targets/text.rs"), ""),
            (not_a_workspace.join("Cargo.toml"), "[package]\nname = \"b\"\n"),
            (not_a_workspace.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n"),
        ];
        for (path, text) in files {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        for inside in ["", "xtask", "xtask/src", "src/entity", "fuzz", "fuzz/fuzz_targets"] {
            assert_eq!(find_repo_root(&checkout.join(inside)), Some(checkout.clone()), "from {inside:?}");
        }
        assert_eq!(find_repo_root(&not_a_workspace.join("xtask")), None);
        assert_eq!(find_repo_root(&tree), None);
        std::fs::remove_dir_all(tree).unwrap();
    }
}
