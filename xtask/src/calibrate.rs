//! `cargo xtask calibrate`: how well the entities' confidences match how often they are right, on
//! CoNLL-2003 (full pipeline, PERSON/ORG/LOC/MISC), for a range of temperatures of the entity
//! model: the figures that chose [the temperature] the library keeps, and that check it.
//!
//! A mention is right when its span and label are exactly a gold entity's. For each temperature:
//! F1, the log loss and Brier score of the confidences against rightness, and the expected
//! calibration error (ECE: the mean gap between confidence and accuracy over equal-width bins of
//! confidence, weighted by the mentions in each) in 5 and 10 bins; then the reliability table, in 5
//! bins, of the temperature with the least log loss, and of the one the library keeps.

use article_analyzer::entity::model::{Model, TEMPERATURE};
use article_analyzer::entity::training::TYPES;
use article_analyzer::Analyzer;

use crate::args::Args;
use crate::conll::{self, Document};
use crate::eval::Counts;

/// The temperatures tried.
const TEMPERATURES: [f32; 14] =
    [10.0, 20.0, 30.0, 35.0, 40.0, 42.0, 45.0, 48.0, 50.0, 55.0, 60.0, 70.0, 80.0, 100.0];

/// Confidences are kept to three decimals, so one of 0 or 1 may be wrong: the log loss counts it
/// as this far from 0 or 1.
const LOG_LOSS_FLOOR: f64 = 0.0005;

/// The confidence of each mention and whether it is right, with the F1 of the run.
struct Run {
    temperature: f32,
    f1: f64,
    mentions: Vec<(f64, bool)>,
}

impl Run {
    fn log_loss(&self) -> f64 {
        let loss: f64 = self
            .mentions
            .iter()
            .map(|&(p, right)| {
                let p = p.clamp(LOG_LOSS_FLOOR, 1.0 - LOG_LOSS_FLOOR);
                -(if right { p } else { 1.0 - p }).ln()
            })
            .sum();
        loss / self.mentions.len().max(1) as f64
    }

    fn brier(&self) -> f64 {
        let sum: f64 = self.mentions.iter().map(|&(p, right)| (p - f64::from(u8::from(right))).powi(2)).sum();
        sum / self.mentions.len().max(1) as f64
    }

    /// Per bin of equal width: (mentions, mean confidence, share right).
    fn bins(&self, count: usize) -> Vec<(usize, f64, f64)> {
        let mut bins = vec![(0usize, 0.0, 0.0); count];
        for &(p, right) in &self.mentions {
            let bin = ((p * count as f64) as usize).min(count - 1);
            bins[bin].0 += 1;
            bins[bin].1 += p;
            bins[bin].2 += f64::from(u8::from(right));
        }
        bins.into_iter().map(|(n, p, r)| (n, p / n.max(1) as f64, r / n.max(1) as f64)).collect()
    }

    /// Expected calibration error over `count` bins.
    fn ece(&self, count: usize) -> f64 {
        let total = self.mentions.len().max(1) as f64;
        self.bins(count).iter().map(|&(n, p, r)| n as f64 / total * (p - r).abs()).sum()
    }

    fn print_reliability(&self) {
        println!("reliability at temperature {} (5 bins):", self.temperature);
        println!("  {:<12} {:>8} {:>16} {:>10}", "confidence", "mentions", "mean confidence", "right");
        for (bin, (n, p, r)) in self.bins(5).into_iter().enumerate() {
            let range = format!("{:.1}-{:.1}", bin as f64 / 5.0, (bin + 1) as f64 / 5.0);
            println!("  {range:<12} {n:>8} {p:>16.3} {r:>10.3}");
        }
    }
}

/// Analyses `documents` with `model` at `temperature` and scores the confidences.
fn run(model: &Model, temperature: f32, documents: &[Document]) -> Run {
    let analyzer = Analyzer::with_model(model.clone().with_temperature(temperature));
    let mut counts = Counts::default();
    let mut mentions = Vec::new();
    for document in documents {
        let entities = analyzer.analyze(&document.text).entities;
        counts.add(document, &entities);
        for entity in &entities {
            if let Some(kind) = TYPES.iter().position(|&l| l == entity.label) {
                let right = document.entities.contains(&(entity.span, kind));
                mentions.push((entity.confidence, right));
            }
        }
    }
    Run { temperature, f1: counts.f1(), mentions }
}

/// `cargo xtask calibrate [--data DIR] [--model FILE] [--set dev|test]`.
pub fn run_task(args: &[String]) -> Result<(), String> {
    let args = Args::new("calibrate", args, &["--data DIR", "--model FILE", "--set dev|test"])?;
    let data = args.path("--data").unwrap_or_else(|| crate::repo_root().join("../shared/data"));
    let set = args.value("--set").unwrap_or("dev");
    if !["dev", "test"].contains(&set) {
        return Err(args.error(format!("--set is dev or test, not {set:?}")));
    }
    let model = match args.path("--model") {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Model::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Model::embedded().clone(),
    };
    let documents = conll::read(&data.join("conll2003").join(format!("{set}.txt")))?;
    println!("CoNLL-2003 {set}, full pipeline, PERSON/ORG/LOC/MISC mentions:");
    println!(
        "  {:>11} {:>7} {:>8} {:>9} {:>7} {:>9} {:>10}",
        "temperature", "F1", "log loss", "Brier", "ECE 5", "ECE 10", "mentions"
    );
    let mut runs = Vec::new();
    for temperature in TEMPERATURES.into_iter().chain([TEMPERATURE]) {
        let run = run(&model, temperature, &documents);
        println!(
            "  {:>11} {:>7.2} {:>8.4} {:>9.4} {:>7.4} {:>9.4} {:>10}",
            temperature,
            run.f1,
            run.log_loss(),
            run.brier(),
            run.ece(5),
            run.ece(10),
            run.mentions.len()
        );
        runs.push(run);
    }
    let kept = runs.pop().expect("the kept temperature's run");
    let best = runs.iter().min_by(|a, b| a.log_loss().total_cmp(&b.log_loss())).expect("runs");
    println!("least log loss at temperature {}", best.temperature);
    best.print_reliability();
    println!("the library's temperature, {TEMPERATURE}:");
    kept.print_reliability();
    Ok(())
}
