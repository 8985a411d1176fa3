//! `cargo xtask eval` (quotations): quote F1 and speaker accuracy on the hand-annotated development
//! set `xtask/data/quotes/dev.jsonl` (the Wikinews articles of `../shared/eval/sentences` and the
//! running example; conventions and scoring in `docs/quotes.md`).
//!
//! A predicted quotation is found when its span overlaps a gold one's by at least half of the gold
//! span (one to one, in text order). Its speaker is right when both are null, or when the predicted
//! speaker overlaps the gold speaker mention, or when it names or resolves to the same entity: the
//! predicted mention's text or its group's text holds the last word of the gold speaker's name.

use std::collections::BTreeMap;
use std::path::Path;

use std::time::{Duration, Instant};

use article_analyzer::{quote, Analysis, Analyzer, Document};
use serde_json::Value;

/// The annotation, from the repository root.
pub const GOLD: &str = "xtask/data/quotes/dev.jsonl";
/// The documents the annotation's `doc` names, in `../shared/eval/sentences`.
const DOCUMENTS: &str = "gum_news_sbd.json";
/// The running example's name in the annotation.
const RUNNING_EXAMPLE_ID: &str = "openai-microsoft";

/// How many times each document is analysed for the speed figure.
const SPEED_ROUNDS: usize = 20;

/// One gold quotation.
struct Gold {
    start: usize,
    end: usize,
    /// The speaker mention's span and the name of who it is, or `None` when nobody is named.
    speaker: Option<(usize, usize, String)>,
}

/// Prints quote precision, recall, F1 and speaker accuracy; with `show_errors`, every miss.
pub fn run(
    root: &Path,
    sentence_sets: &Path,
    running_example: &Path,
    show_errors: bool,
) -> Result<(), String> {
    let texts = documents(sentence_sets, running_example)?;
    let gold = read_gold(&root.join(GOLD), &texts)?;
    let analyzer = Analyzer::new();
    let (mut predicted_total, mut gold_total, mut found, mut speakers_right) = (0, 0, 0, 0);
    for (doc, text) in &texts {
        let analysis = analyzer.analyze(text);
        let golds = gold.get(doc.as_str()).map(Vec::as_slice).unwrap_or_default();
        predicted_total += analysis.quotes.len();
        gold_total += golds.len();
        let mut used = vec![false; analysis.quotes.len()];
        for g in golds {
            let matched = analysis.quotes.iter().enumerate().find(|(i, q)| {
                let overlap = q.end.min(g.end).saturating_sub(q.start.max(g.start));
                !used[*i] && 2 * overlap >= g.end - g.start
            });
            let Some((i, _)) = matched else {
                if show_errors {
                    println!("  missed   {doc}: {}", excerpt(&text[g.start..g.end]));
                }
                continue;
            };
            used[i] = true;
            found += 1;
            if speaker_right(&analysis, i, g) {
                speakers_right += 1;
            } else if show_errors {
                let predicted = analysis.quotes[i].speaker.as_ref().map(|s| {
                    let group = s.group.map_or("-", |g| analysis.groups[g].text.as_str());
                    format!("{} ({group})", s.text)
                });
                let expected = g.speaker.as_ref().map(|(_, _, name)| name.as_str());
                println!(
                    "  speaker  {doc}: {} -> {predicted:?}, gold {expected:?}",
                    excerpt(&text[g.start..g.end])
                );
            }
        }
        if show_errors {
            for (quote, _) in analysis.quotes.iter().zip(&used).filter(|(_, &u)| !u) {
                println!("  spurious {doc}: {}", excerpt(&text[quote.start..quote.end]));
            }
        }
    }
    let (analysis_time, quote_time) = speed(&analyzer, &texts);
    let precision = 100.0 * found as f64 / predicted_total.max(1) as f64;
    let recall = 100.0 * found as f64 / gold_total.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    let accuracy = 100.0 * speakers_right as f64 / found.max(1) as f64;
    println!("\nQuotations on {GOLD} ({gold_total} gold in {} documents)", texts.len());
    println!("quote precision {precision:.1}  recall {recall:.1}  F1 {f1:.1}  (target >= 85, aim 90)");
    println!("speaker accuracy {accuracy:.1} over {found} found  (target >= 80, aim 88)");
    println!(
        "speed: finding quotations takes {:.1}% of the analysis time ({:.1} of {:.1} ms per round of \
         these documents, fastest of {SPEED_ROUNDS})",
        100.0 * quote_time.as_secs_f64() / analysis_time.as_secs_f64().max(f64::MIN_POSITIVE),
        quote_time.as_secs_f64() * 1e3,
        analysis_time.as_secs_f64() * 1e3
    );
    Ok(())
}

/// The time of one round of analyses of `texts`, and of the quotation step of those analyses
/// ([`quote::find`] alone, on the same tokens and mentions): each the fastest of [`SPEED_ROUNDS`].
fn speed(analyzer: &Analyzer, texts: &BTreeMap<String, String>) -> (Duration, Duration) {
    let prepared: Vec<(Document, Analysis)> =
        texts.values().map(|text| (Document::new(text), analyzer.analyze(text))).collect();
    let (mut analysis_time, mut quote_time) = (Duration::MAX, Duration::MAX);
    for _ in 0..SPEED_ROUNDS {
        let started = Instant::now();
        for text in texts.values() {
            std::hint::black_box(analyzer.analyze(text));
        }
        analysis_time = analysis_time.min(started.elapsed());
        let started = Instant::now();
        for (document, analysis) in &prepared {
            std::hint::black_box(quote::find(document, &analysis.entities));
        }
        quote_time = quote_time.min(started.elapsed());
    }
    (analysis_time, quote_time)
}

/// Whether the speaker of predicted quotation `i` of `analysis` is right for gold `g`.
fn speaker_right(analysis: &Analysis, i: usize, g: &Gold) -> bool {
    let predicted = analysis.quotes[i].speaker.as_ref();
    let Some((start, end, name)) = &g.speaker else { return predicted.is_none() };
    let Some(speaker) = predicted else { return false };
    if speaker.start < *end && *start < speaker.end {
        return true;
    }
    let last = name.split_whitespace().last().unwrap_or_default();
    let holds = |text: &str| text.split(|c: char| !c.is_alphanumeric()).any(|word| word == last);
    holds(&speaker.text) || speaker.group.is_some_and(|group| holds(&analysis.groups[group].text))
}

/// The documents by name: each Wikinews article's paragraphs joined by blank lines, and the running
/// example.
fn documents(sentence_sets: &Path, running_example: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = sentence_sets.join(DOCUMENTS);
    let data = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let data: Value = serde_json::from_str(&data).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut texts = BTreeMap::new();
    for doc in data["docs"].as_array().into_iter().flatten() {
        let paragraphs: Vec<&str> =
            doc["paragraphs"].as_array().into_iter().flatten().filter_map(|p| p["text"].as_str()).collect();
        texts.insert(doc["doc_id"].as_str().unwrap_or_default().to_string(), paragraphs.join("\n\n"));
    }
    let example = std::fs::read_to_string(running_example)
        .map_err(|e| format!("cannot read {}: {e}", running_example.display()))?;
    texts.insert(RUNNING_EXAMPLE_ID.to_string(), example);
    Ok(texts)
}

/// The gold quotations by document, each checked against its text: the annotation stores the
/// quotation's and the speaker mention's text next to their offsets.
fn read_gold(path: &Path, texts: &BTreeMap<String, String>) -> Result<BTreeMap<String, Vec<Gold>>, String> {
    let data = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut gold: BTreeMap<String, Vec<Gold>> = BTreeMap::new();
    for (number, line) in data.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        let at = |problem: &str| format!("{}:{}: {problem}", path.display(), number + 1);
        let entry: Value = serde_json::from_str(line).map_err(|e| at(&e.to_string()))?;
        let doc = entry["doc"].as_str().ok_or_else(|| at("no doc"))?;
        let text = texts.get(doc).ok_or_else(|| at("an unknown doc"))?;
        let span = |value: &Value, field: &str| -> Result<(usize, usize), String> {
            let offset = |key| value[key].as_u64().map(|o| o as usize).ok_or_else(|| at("no offset"));
            let (start, end) = (offset("start")?, offset("end")?);
            match text.get(start..end) {
                Some(found) if Some(found) == value[field].as_str() => Ok((start, end)),
                _ => Err(at(&format!("the offsets do not hold its {field}"))),
            }
        };
        let (start, end) = span(&entry, "quote")?;
        let speaker = match &entry["speaker"] {
            Value::Null => None,
            speaker => {
                let (s, e) = span(speaker, "text")?;
                Some((
                    s,
                    e,
                    speaker["name"].as_str().ok_or_else(|| at("a speaker without a name"))?.to_string(),
                ))
            }
        };
        gold.entry(doc.to_string()).or_default().push(Gold { start, end, speaker });
    }
    Ok(gold)
}

/// The start and end of a quotation on one line.
fn excerpt(quote: &str) -> String {
    let quote = quote.replace('\n', "⏎");
    let chars: Vec<char> = quote.chars().collect();
    if chars.len() <= 90 {
        return quote;
    }
    let head: String = chars[..50].iter().collect();
    let tail: String = chars[chars.len() - 30..].iter().collect();
    format!("{head} … {tail}")
}
