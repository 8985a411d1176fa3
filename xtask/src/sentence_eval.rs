//! `cargo xtask eval` (sentences): boundary precision, recall and F1 on the evaluation sets in
//! `../shared/eval/sentences/`, the way the peers in issue 2 were measured.
//!
//! Each paragraph is split on its own; a boundary is the end offset of every sentence but the
//! paragraph's last, so paragraph ends (given by the data) are not counted.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// The evaluation sets, with the F1 that issue 2 sets as the target for each (none: for information).
const SETS: [(&str, Option<f64>); 3] =
    [("gum_news_sbd.json", Some(96.0)), ("pud_sbd.json", Some(99.7)), ("ewt_devtest_sbd.json", None)];

/// Counts of boundaries found, missed and wrongly added.
#[derive(Default)]
struct Counts {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
}

impl Counts {
    fn f1(&self) -> (f64, f64, f64) {
        let precision = self.true_positive as f64 / (self.true_positive + self.false_positive).max(1) as f64;
        let recall = self.true_positive as f64 / (self.true_positive + self.false_negative).max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
        (100.0 * precision, 100.0 * recall, 100.0 * f1)
    }
}

/// Prints boundary P/R/F1 for each set under `eval_dir`; with `show_errors`, every wrong boundary.
pub fn run(eval_dir: &Path, show_errors: bool) -> Result<(), String> {
    println!("Sentence boundaries (per paragraph, paragraph ends excluded)");
    println!("{:<24} {:>10} {:>8} {:>8} {:>8}  target", "set", "boundaries", "P", "R", "F1");
    for (name, target) in SETS {
        let path = eval_dir.join(name);
        let data =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let data: Value = serde_json::from_str(&data).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut counts = Counts::default();
        for paragraph in
            data["docs"].as_array().into_iter().flatten().flat_map(|d| d["paragraphs"].as_array()).flatten()
        {
            let text = paragraph["text"].as_str().unwrap_or_default();
            let gold = gold_boundaries(
                text,
                paragraph["sentences"].as_array().map(Vec::as_slice).unwrap_or_default(),
            );
            let spans = article_analyzer::sentence::split(text);
            let predicted: BTreeSet<usize> = spans.iter().rev().skip(1).map(|s| s.end).collect();
            counts.true_positive += predicted.intersection(&gold).count();
            counts.false_positive += predicted.difference(&gold).count();
            counts.false_negative += gold.difference(&predicted).count();
            if show_errors {
                for &at in predicted.symmetric_difference(&gold) {
                    let kind = if gold.contains(&at) { "missed" } else { "added " };
                    println!("  {kind} | {} || {}", context(text, at, -80), context(text, at, 60));
                }
            }
        }
        let (p, r, f1) = counts.f1();
        let gold_total = counts.true_positive + counts.false_negative;
        let target = target.map_or("(information)".to_string(), |t| format!(">= {t}"));
        println!("{name:<24} {gold_total:>10} {p:>8.2} {r:>8.2} {f1:>8.2}  {target}");
    }
    Ok(())
}

/// End offsets in `text` of every gold sentence but the last.
fn gold_boundaries(text: &str, sentences: &[Value]) -> BTreeSet<usize> {
    let mut cursor = 0;
    let mut ends = BTreeSet::new();
    for sentence in sentences {
        let sentence = sentence.as_str().unwrap_or_default().trim();
        if let Some(found) = text[cursor..].find(sentence) {
            cursor += found + sentence.len();
            ends.insert(cursor);
        }
    }
    ends.remove(&cursor);
    ends
}

/// Up to `width` bytes of `text` before (negative) or after `at`, on character boundaries.
fn context(text: &str, at: usize, width: isize) -> String {
    let (mut start, mut end) = if width < 0 {
        (at.saturating_sub(width.unsigned_abs()), at)
    } else {
        (at, (at + width as usize).min(text.len()))
    };
    while !text.is_char_boundary(start) {
        start += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[start..end].replace('\n', "⏎")
}
