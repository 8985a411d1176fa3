//! `cargo bench`: throughput of sentence splitting and of the full analysis, natively.
//!
//! Inputs are the files named on the command line (`cargo bench -- FILE...`), or by default the
//! page's sample article, each repeated to about 4 MB so that one
//! pass takes long enough to time. Reports MB/s (of UTF-8 input) and tokens/s, best of 5 passes,
//! after the time the entity model takes to load (`model/ner.bin`, which a first analysis waits for),
//! best of 20.

use std::hint::black_box;
use std::time::{Duration, Instant};

use article_analyzer::entity::model::Model;
use article_analyzer::{sentence, token, Analyzer};

/// Bytes each input is repeated up to.
const TARGET_BYTES: usize = 4 << 20;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let files = if files.is_empty() { vec!["www/sample.txt".to_string()] } else { files };
    match std::fs::read("model/ner.bin") {
        Ok(model) => {
            let load = best_of(20, || {
                black_box(Model::from_bytes(black_box(&model))).map_or(0, |m| m.feature_count())
            });
            println!("entity model load (model/ner.bin): {:.1} ms", load.as_secs_f64() * 1e3);
        }
        Err(error) => eprintln!("skipping the model's load time: model/ner.bin: {error}"),
    }
    let analyzer = Analyzer::new();
    println!("{:<44} {:>9} {:>12} {:>12} {:>14}", "input", "MB", "split MB/s", "full MB/s", "full tokens/s");
    for file in files {
        let Ok(one) = std::fs::read_to_string(&file) else {
            eprintln!("skipping {file}: cannot read it as UTF-8");
            continue;
        };
        if one.trim().is_empty() {
            continue;
        }
        let text = repeat_paragraphs(&one);
        let tokens = token::tokenize(&text).len();
        let megabytes = text.len() as f64 / 1e6;
        let split = best_of(5, || black_box(sentence::split(black_box(&text))).len());
        let full = best_of(5, || black_box(analyzer.analyze(black_box(&text))).sentences.len());
        println!(
            "{:<44} {:>9.2} {:>12.1} {:>12.1} {:>14.0}",
            file,
            megabytes,
            megabytes / split.as_secs_f64(),
            megabytes / full.as_secs_f64(),
            tokens as f64 / full.as_secs_f64()
        );
    }
}

/// `text` repeated, a blank line apart, to about [`TARGET_BYTES`].
fn repeat_paragraphs(text: &str) -> String {
    let copies = TARGET_BYTES.div_ceil(text.len() + 2);
    vec![text; copies].join("\n\n")
}

/// The shortest of `passes` timings of `work`.
fn best_of(passes: usize, mut work: impl FnMut() -> usize) -> Duration {
    (0..passes)
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}
