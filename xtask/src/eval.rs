//! `cargo xtask eval`: entity-level precision, recall and F1 of the entity model on CoNLL-2003 dev
//! and test (each document rebuilt as the CLI receives it), and tagging speed.

use std::time::Instant;

use article_analyzer::entity::model::Model;
use article_analyzer::entity::training::TYPES;
use article_analyzer::token::tokenize;
use article_analyzer::{Analyzer, Entity};

use crate::args::Args;
use crate::conll::{self, Document, TYPE_NAMES};
use crate::corpora;

/// Exact-match counts per type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    correct: [usize; 4],
    predicted: [usize; 4],
    gold: [usize; 4],
}

impl Counts {
    /// Adds one document's predictions; labels other than PERSON, ORG, LOC and MISC are ignored.
    pub fn add(&mut self, document: &Document, predicted: &[Entity]) {
        let mut predicted: Vec<(usize, usize, usize)> = predicted
            .iter()
            .filter_map(|e| Some((e.span.start, e.span.end, TYPES.iter().position(|&l| l == e.label)?)))
            .collect();
        predicted.sort_unstable();
        for &(_, _, kind) in &predicted {
            self.predicted[kind] += 1;
        }
        for &(span, kind) in &document.entities {
            self.gold[kind] += 1;
            if predicted.binary_search(&(span.start, span.end, kind)).is_ok() {
                self.correct[kind] += 1;
            }
        }
    }

    /// Precision, recall and F1 (percent) of one type, or of all with `None`.
    pub fn prf(&self, kind: Option<usize>) -> (f64, f64, f64) {
        let sum = |a: &[usize; 4]| kind.map_or(a.iter().sum(), |k| a[k]) as f64;
        let (c, p, g) = (sum(&self.correct), sum(&self.predicted), sum(&self.gold));
        let precision = if p > 0.0 { 100.0 * c / p } else { 0.0 };
        let recall = if g > 0.0 { 100.0 * c / g } else { 0.0 };
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        (precision, recall, f1)
    }

    /// Overall F1 (percent).
    pub fn f1(&self) -> f64 {
        self.prf(None).2
    }

    fn print(&self, title: &str) {
        println!("{title}");
        println!("  {:<8} {:>9} {:>9} {:>9} {:>7}", "label", "precision", "recall", "F1", "gold");
        for (kind, name) in TYPE_NAMES.iter().enumerate() {
            let (p, r, f) = self.prf(Some(kind));
            println!("  {name:<8} {p:>9.2} {r:>9.2} {f:>9.2} {:>7}", self.gold[kind]);
        }
        let (p, r, f) = self.prf(None);
        println!("  {:<8} {p:>9.2} {r:>9.2} {f:>9.2} {:>7}", "overall", self.gold.iter().sum::<usize>());
    }
}

/// Tags each document with `model` alone (tokenizer, sentence splitter, model).
pub fn tag_with_model(model: &Model, document: &Document) -> Vec<Entity> {
    model.tag(&article_analyzer::Document::new(&document.text))
}

/// Scores `tag` (the model alone, the full pipeline) on `documents`.
pub fn score_with(documents: &[Document], tag: impl Fn(&Document) -> Vec<Entity>) -> Counts {
    let mut counts = Counts::default();
    for document in documents {
        counts.add(document, &tag(document));
    }
    counts
}

/// Scores `model` alone on `documents`.
pub fn score_model(model: &Model, documents: &[Document]) -> Counts {
    score_with(documents, |document| tag_with_model(model, document))
}

/// `cargo xtask jsonl --model FILE`: the CLI's `--jsonl` (standard input to standard output) with a
/// candidate model, to score it on other sets, such as the Wikinews names.
pub fn jsonl(args: &[String]) -> Result<(), String> {
    let args = Args::new("jsonl", args, &["--model FILE"])?;
    let path = args.path("--model").ok_or_else(|| args.error("--model FILE is required"))?;
    let analyzer = Analyzer::with_model(read_model(&path)?);
    let input = std::io::stdin().lock();
    article_analyzer::jsonl::analyze_lines(&analyzer, input, std::io::stdout().lock())
        .map_err(|e| e.to_string())
}

/// The model file at `path`.
fn read_model(path: &std::path::Path) -> Result<Model, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Model::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// `cargo xtask eval [--data DIR] [--model FILE] [--errors] [--errors-in CORPUS]`: the model's
/// scores and speed on CoNLL-2003 dev and test and the full pipeline's on the other corpora's
/// held-out parts, or the model's errors on dev (`--errors`), or the full pipeline's on a corpus'
/// held-out part (`--errors-in`).
pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::new("eval", args, &["--data DIR", "--model FILE", "--errors", "--errors-in CORPUS"])?;
    let data = args.path("--data").unwrap_or_else(|| crate::repo_root().join("../shared/data"));
    let model_path = args.path("--model");
    let show_errors = args.switch("--errors");
    let model = match &model_path {
        Some(path) => read_model(path)?,
        None => Model::embedded().clone(),
    };
    println!(
        "model: {} ({} features, {} gazetteer entries)",
        model_path.as_deref().map_or("embedded model/ner.bin".into(), |p| p.display().to_string()),
        model.feature_count(),
        model.gazetteer_len()
    );
    println!(
        "note: the shipped model is trained on train + dev, so its dev figures are not held out; for those, \
         run `cargo xtask train --train-only --out FILE` and `cargo xtask eval --model FILE`"
    );
    if show_errors {
        errors(&conll::read(&data.join("conll2003/dev.txt"))?, |document| tag_with_model(&model, document));
        return Ok(());
    }
    let analyzer = Analyzer::with_model(model.clone());
    if let Some(name) = args.value("--errors-in") {
        let corpus = corpora::load(&data, name)?;
        errors(&corpus.held_out, |document| corpus.annotated_only(analyzer.analyze(&document.text).entities));
        return Ok(());
    }
    for (name, file) in [("dev", "dev.txt"), ("test", "test.txt")] {
        let documents = conll::read(&data.join("conll2003").join(file))?;
        let tokens: usize = documents.iter().map(|d| tokenize(&d.text).len()).sum();
        let started = Instant::now();
        let model_counts = score_model(&model, &documents);
        let model_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let pipeline = score_with(&documents, |document| analyzer.analyze(&document.text).entities);
        let pipeline_seconds = started.elapsed().as_secs_f64();
        pipeline.print(&format!(
            "CoNLL-2003 {name} ({} documents, {tokens} tokens), full pipeline (Analyzer::analyze):",
            documents.len()
        ));
        model_counts.print(&format!("CoNLL-2003 {name}, entity model alone (tokenize, split, Model::tag):"));
        println!(
            "  speed: model alone {:.0} tokens/s, full pipeline {:.0} tokens/s (one core, release build)\n",
            tokens as f64 / model_seconds,
            tokens as f64 / pipeline_seconds
        );
    }
    println!("held-out parts of the other corpora (not held out from the shipped model), full pipeline:");
    for name in corpora::NAMES {
        let corpus = corpora::load(&data, name)?;
        let (p, r, f) = corpus.score(|document| analyzer.analyze(&document.text).entities).prf(None);
        println!("  {name:<8} P {p:.2} R {r:.2} F1 {f:.2}");
    }
    crate::salience_eval::report(&analyzer)
}

/// Prints a breakdown of the errors of `tag` (the model alone or the full pipeline) on `documents`
/// (development aid).
pub fn errors(documents: &[Document], tag: impl Fn(&Document) -> Vec<Entity>) {
    let (mut wrong_label, mut boundary, mut missed, mut spurious, mut unreachable) = (0, 0, 0, 0, 0);
    let mut confusion = [[0usize; 4]; 4];
    for document in documents {
        let tokens = tokenize(&document.text);
        let predicted: Vec<(usize, usize, usize)> = tag(document)
            .iter()
            .filter_map(|e| Some((e.span.start, e.span.end, TYPES.iter().position(|&l| l == e.label)?)))
            .collect();
        for &(span, kind) in &document.entities {
            if !tokens.iter().any(|t| t.start == span.start) || !tokens.iter().any(|t| t.end == span.end) {
                unreachable += 1;
            }
            if predicted.contains(&(span.start, span.end, kind)) {
                continue;
            }
            if let Some(p) = predicted.iter().find(|p| p.0 == span.start && p.1 == span.end) {
                wrong_label += 1;
                confusion[kind][p.2] += 1;
                println!(
                    "LABEL {:?} gold {} pred {}",
                    &document.text[span.start..span.end],
                    TYPE_NAMES[kind],
                    TYPE_NAMES[p.2]
                );
            } else if let Some(p) = predicted.iter().find(|p| p.0 < span.end && span.start < p.1) {
                boundary += 1;
                println!(
                    "BOUNDARY gold {:?} {} pred {:?}",
                    &document.text[span.start..span.end],
                    TYPE_NAMES[kind],
                    &document.text[p.0..p.1]
                );
            } else {
                missed += 1;
                println!("MISSED {:?} {}", &document.text[span.start..span.end], TYPE_NAMES[kind]);
            }
        }
        for p in &predicted {
            if !document.entities.iter().any(|(s, _)| s.start < p.1 && p.0 < s.end) {
                spurious += 1;
                println!("SPURIOUS {:?} {}", &document.text[p.0..p.1], TYPE_NAMES[p.2]);
            }
        }
    }
    println!("errors: wrong label {wrong_label}, boundary {boundary}, missed {missed}, spurious {spurious}; gold spans not on token boundaries {unreachable}");
    println!("confusion (gold row, predicted column, PER ORG LOC MISC): {confusion:?}");
}
