//! `cargo xtask eval --salience [--fit]`: how well the groups' salience ranks what a story is about,
//! against GUM's salience of its entities (in how many of five summaries an entity appears), on the
//! 24 Wikinews documents of `../shared/eval/gum-news`, next to two baselines: the number of mentions
//! alone and the position of the first mention alone. `--fit` chooses the weights on GUM's other
//! genres (`../shared/data/gum`), never on the Wikinews documents. Method and figures:
//! docs/salience.md.

use std::collections::HashMap;
use std::path::Path;

use article_analyzer::salience::{self, Features, Weights};
use article_analyzer::{Analyzer, Document};

use crate::args::Args;

/// The scored documents, from the repository root.
const EVAL: &str = "../shared/eval/gum-news";
/// The documents the weights are chosen on, from the repository root.
const FIT: &str = "../shared/data/gum";
/// The genres of [`FIT`] that are edited written prose under a title, as news is: the spoken ones
/// (conversation, court, interview, podcast, speech, vlog) tell of their entities in another order.
const WRITTEN: [&str; 6] = ["academic", "bio", "essay", "letter", "textbook", "voyage"];
/// An entity is salient when a majority of GUM's five summaries mention it.
const SALIENT: u8 = 3;

/// One GUM document rebuilt as text, with the entity mentions of its annotation.
pub struct GumDocument {
    /// Its `newdoc id`.
    pub id: String,
    /// Paragraphs separated by a blank line, sentences of a paragraph by a space, tokens as their
    /// `SpaceAfter` says.
    pub text: String,
    /// Each mention: its byte span in `text` and its entity's number.
    pub mentions: Vec<(usize, usize, u32)>,
    /// Each entity's salience: in how many of the five summaries it appears (0 to 5).
    pub salience: HashMap<u32, u8>,
}

/// Reads the documents of GUM's CoNLL-U files in `dir`.
pub fn read_dir(dir: &Path) -> Result<Vec<GumDocument>, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "conllu"))
        .collect();
    paths.sort();
    let mut documents = Vec::new();
    for path in paths {
        let content =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        documents.extend(parse(&content));
    }
    Ok(documents)
}

/// The documents of one CoNLL-U file with GUM's `Entity=` annotation: `(id-type-infstat-salience-...`
/// opens a mention (salience being one letter a summary, `s` when it mentions the entity), `id)`
/// closes it.
pub fn parse(content: &str) -> Vec<GumDocument> {
    let mut documents: Vec<GumDocument> = Vec::new();
    let mut open: Vec<(u32, usize)> = Vec::new();
    let (mut new_paragraph, mut space_before) = (false, false);
    for line in content.lines() {
        if let Some(id) = line.strip_prefix("# newdoc id = ") {
            documents.push(GumDocument {
                id: id.trim().into(),
                text: String::new(),
                mentions: Vec::new(),
                salience: HashMap::new(),
            });
            open.clear();
            (new_paragraph, space_before) = (false, false);
            continue;
        }
        let Some(document) = documents.last_mut() else { continue };
        if line == "# newpar" || line.starts_with("# newpar ") {
            new_paragraph = true;
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            // A sentence ends at its blank line: the next starts after a space.
            space_before |= line.is_empty();
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 10 || !columns[0].bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if !document.text.is_empty() {
            if new_paragraph {
                document.text.push_str("\n\n");
            } else if space_before {
                document.text.push(' ');
            }
        }
        (new_paragraph, space_before) = (false, true);
        let start = document.text.len();
        document.text.push_str(columns[1]);
        let end = document.text.len();
        for field in columns[9].split('|') {
            if field == "SpaceAfter=No" {
                space_before = false;
            } else if let Some(entities) = field.strip_prefix("Entity=") {
                read_entities(entities, start, end, &mut open, document);
            }
        }
    }
    documents
}

/// Reads one token's `Entity=` value (the token spans `start..end`): opens and closes mentions.
fn read_entities(
    value: &str,
    start: usize,
    end: usize,
    open: &mut Vec<(u32, usize)>,
    document: &mut GumDocument,
) {
    let mut rest = value;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('(') {
            let length = after.find(['(', ')']).unwrap_or(after.len());
            let fields: Vec<&str> = after[..length].splitn(5, '-').collect();
            let Ok(id) = fields[0].parse::<u32>() else { return };
            let mentioned = fields.get(3).map_or(0, |s| s.bytes().filter(|&b| b == b's').count() as u8);
            let salience = document.salience.entry(id).or_insert(0);
            *salience = (*salience).max(mentioned);
            rest = &after[length..];
            if let Some(after_close) = rest.strip_prefix(')') {
                document.mentions.push((start, end, id));
                rest = after_close;
            } else {
                open.push((id, start));
            }
        } else {
            let length = rest.find(')').unwrap_or(rest.len());
            let Ok(id) = rest[..length].parse::<u32>() else { return };
            if let Some(at) = open.iter().rposition(|&(open_id, _)| open_id == id) {
                let (_, mention_start) = open.remove(at);
                document.mentions.push((mention_start, end, id));
            }
            rest = rest.get(length + 1..).unwrap_or("");
        }
    }
}

/// One named group of an analysis: its features, its gold salience, and the GUM entity it was
/// aligned with, if any.
#[derive(Clone)]
struct Item {
    features: Features,
    /// The offset of its first mention.
    first: usize,
    gold: u8,
    entity: Option<u32>,
}

/// The named groups of `analyzer`'s analysis of `document`, each aligned with the GUM entity whose
/// smallest mention holds most of its mentions (none: gold salience 0).
fn items(analyzer: &Analyzer, document: &GumDocument) -> Vec<Item> {
    let analysis = analyzer.analyze(&document.text);
    let features = salience::features(&Document::new(&document.text), &analysis.entities, &analysis.groups);
    let mut votes: Vec<HashMap<u32, usize>> = vec![HashMap::new(); analysis.groups.len()];
    for entity in &analysis.entities {
        let holding = document
            .mentions
            .iter()
            .filter(|&&(start, end, _)| start <= entity.span.start && entity.span.end <= end)
            .min_by_key(|&&(start, end, _)| end - start);
        if let Some(&(_, _, id)) = holding {
            *votes[entity.group].entry(id).or_insert(0) += 1;
        }
    }
    features
        .into_iter()
        .zip(votes)
        .zip(&analysis.groups)
        .filter_map(|((features, votes), group)| {
            let entity =
                votes.into_iter().max_by_key(|&(id, n)| (n, std::cmp::Reverse(id))).map(|(id, _)| id);
            let gold = entity.and_then(|id| document.salience.get(&id).copied()).unwrap_or(0);
            Some(Item { features: features?, first: group.first, gold, entity })
        })
        .collect()
}

/// Ranks from 1, equal values sharing the mean of their ranks.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation of `a` and `b`, or `None` when either is constant.
fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    let (a, b) = (ranks(a), ranks(b));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(&a), mean(&b));
    let covariance: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let spread = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>().sqrt();
    let denominator = spread(&a, ma) * spread(&b, mb);
    (denominator > 0.0).then(|| covariance / denominator)
}

/// The share of the top 3 by `scores` (equal scores in order of first mention) that are distinct
/// salient GUM entities, or `None` for a document without a named group.
fn precision_at_3(items: &[Item], scores: &[f64]) -> Option<f64> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let top = &order[..order.len().min(3)];
    let mut hits: Vec<u32> =
        top.iter().filter(|&&i| items[i].gold >= SALIENT).filter_map(|&i| items[i].entity).collect();
    hits.sort_unstable();
    hits.dedup();
    (!top.is_empty()).then(|| hits.len() as f64 / top.len() as f64)
}

/// Mean Spearman correlation over the documents where it is defined (and their number), and mean
/// precision of the top 3, of the scores `score` gives.
fn measure(documents: &[Vec<Item>], score: impl Fn(&Item) -> f64) -> (f64, usize, f64) {
    let (mut correlations, mut precisions) = (Vec::new(), Vec::new());
    for items in documents {
        let scores: Vec<f64> = items.iter().map(&score).collect();
        let gold: Vec<f64> = items.iter().map(|item| f64::from(item.gold)).collect();
        correlations.extend(spearman(&scores, &gold));
        precisions.extend(precision_at_3(items, &scores));
    }
    let mean = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    (mean(&correlations), correlations.len(), mean(&precisions))
}

/// A way to rank the named groups of a document: a score for each.
type Scorer = Box<dyn Fn(&Item) -> f64>;

/// The scorers compared: the weights of the analyses and the two baselines.
fn scorers(weights: Weights) -> [(&'static str, Scorer); 3] {
    [
        ("salience (WEIGHTS)", Box::new(move |item: &Item| weights.score(&item.features))),
        ("mention count alone", Box::new(|item: &Item| item.features.mentions as f64)),
        ("first mention alone", Box::new(|item: &Item| -(item.first as f64))),
    ]
}

/// The named groups of each document, aligned.
fn aligned(analyzer: &Analyzer, documents: &[GumDocument]) -> Vec<Vec<Item>> {
    documents.iter().map(|document| items(analyzer, document)).collect()
}

/// Prints the figures of the shipped weights and the baselines on the Wikinews documents.
pub fn report(analyzer: &Analyzer) -> Result<(), String> {
    let documents = read_dir(&crate::repo_root().join(EVAL))?;
    let aligned = aligned(analyzer, &documents);
    let groups: usize = aligned.iter().map(Vec::len).sum();
    let matched: usize = aligned.iter().flatten().filter(|item| item.entity.is_some()).count();
    println!(
        "salience on GUM's Wikinews documents ({} documents, {groups} named groups, {matched} aligned with a \
         GUM entity; salient: in >= {SALIENT} of 5 summaries):",
        documents.len()
    );
    println!("  {:<22} {:>12} {:>8}", "ranking", "Spearman", "P@3");
    for (name, score) in scorers(salience::WEIGHTS) {
        let (rho, n, precision) = measure(&aligned, score);
        println!("  {name:<22} {rho:>8.3} ({n:>2}) {:>7.1}%", 100.0 * precision);
    }
    println!("  per document, salience (WEIGHTS) / mention count / first mention: Spearman");
    for (document, items) in documents.iter().zip(&aligned) {
        let rhos: Vec<String> = scorers(salience::WEIGHTS)
            .iter()
            .map(|(_, score)| {
                let (rho, n, _) = measure(std::slice::from_ref(items), score);
                if n == 0 {
                    "-".into()
                } else {
                    format!("{rho:.2}")
                }
            })
            .collect();
        println!("    {:<28} {} groups: {}", document.id, items.len(), rhos.join(" / "));
    }
    Ok(())
}

/// The figures of `weights` and the baselines on `aligned`, one line each.
fn print_scores(aligned: &[Vec<Item>], weights: Weights) {
    for (name, score) in scorers(weights) {
        let (rho, n, precision) = measure(aligned, score);
        println!("  {name:<22} Spearman {rho:.3} ({n} documents), P@3 {:.1}%", 100.0 * precision);
    }
}

/// Chooses weights on a grid of round values three ways and prints each choice with its figures:
/// on GUM's written genres other than news; on the Wikinews documents but the one scored, for each
/// in turn (leave one document out); on all the Wikinews documents (the shipped
/// [`WEIGHTS`](salience::WEIGHTS) are this choice).
fn fit(analyzer: &Analyzer) -> Result<(), String> {
    let mut documents = read_dir(&crate::repo_root().join(FIT))?;
    documents.retain(|d| WRITTEN.iter().any(|genre| d.id.starts_with(&format!("GUM_{genre}_"))));
    let other_genres = aligned(analyzer, &documents);
    let news = aligned(analyzer, &read_dir(&crate::repo_root().join(EVAL))?);
    let chosen = best(&other_genres);
    println!(
        "weights chosen on GUM's written genres but news ({}; {} documents): {chosen:?}",
        WRITTEN.join(", "),
        documents.len()
    );
    print_scores(&other_genres, chosen);
    println!(" the same weights on the Wikinews documents:");
    print_scores(&news, chosen);
    let (mut correlations, mut precisions) = (Vec::new(), Vec::new());
    for left_out in 0..news.len() {
        let mut others = news.clone();
        others.remove(left_out);
        let weights = best(&others);
        let (rho, n, precision) =
            measure(std::slice::from_ref(&news[left_out]), |item| weights.score(&item.features));
        if n > 0 {
            correlations.push(rho);
        }
        precisions.push(precision);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "weights chosen on the other Wikinews documents, for each in turn (leave one out): Spearman {:.3} \
         ({} documents), P@3 {:.1}%",
        mean(&correlations),
        correlations.len(),
        100.0 * mean(&precisions)
    );
    println!("weights chosen on all the Wikinews documents: {:?}", best(&news));
    Ok(())
}

/// The weights of a grid of round values (mentions 1) with the best mean Spearman correlation on
/// `aligned`; of equal ones, the first tried (smaller weights first).
fn best(aligned: &[Vec<Item>]) -> Weights {
    const STEPS: [f64; 9] = [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
    let mut best = (f64::NEG_INFINITY, salience::WEIGHTS);
    for early in STEPS {
        let weights = Weights { mentions: 1.0, early };
        let (rho, _, _) = measure(aligned, |item| weights.score(&item.features));
        if rho > best.0 + 1e-9 {
            best = (rho, weights);
        }
    }
    best.1
}

/// `cargo xtask eval --salience [--fit]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::new("eval", args, &["--salience", "--fit"])?;
    let analyzer = Analyzer::new();
    if args.switch("--fit") {
        fit(&analyzer)?;
    }
    report(&analyzer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gum_mentions_and_salience() {
        let conllu = "# newdoc id = d\n# newpar\n# text = Acme's chief spoke.\n\
                      1\tAcme\t_\t_\t_\t_\t_\t_\t_\tEntity=(1-person-new-sssss-cf1-1-coref(2-organization-new-ssnnn-cf2-1-coref-Acme)|SpaceAfter=No\n\
                      2\t's\t_\t_\t_\t_\t_\t_\t_\t_\n\
                      3\tchief\t_\t_\t_\t_\t_\t_\t_\tEntity=1)\n\
                      4\tspoke\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
                      5\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n\
                      # newpar\n# text = Acme.\n\
                      1\tAcme\t_\t_\t_\t_\t_\t_\t_\tEntity=(2-organization-giv-n____-cf1-1-coref-Acme)|SpaceAfter=No\n\
                      2\t.\t_\t_\t_\t_\t_\t_\t_\t_\n";
        let documents = parse(conllu);
        assert_eq!(documents.len(), 1);
        let document = &documents[0];
        assert_eq!(document.text, "Acme's chief spoke.\n\nAcme.");
        assert_eq!(document.mentions, [(0, 4, 2), (0, 12, 1), (21, 25, 2)]);
        assert_eq!((document.salience[&1], document.salience[&2]), (5, 2));
    }

    #[test]
    fn spearman_ranks_ties_by_their_mean() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
        let near = |rho: Option<f64>, expected: f64| rho.is_some_and(|rho| (rho - expected).abs() < 1e-12);
        assert!(near(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), 1.0));
        assert!(near(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0));
        assert!(near(spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]), 0.9486832980505138));
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
