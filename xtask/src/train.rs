//! `cargo xtask train`: trains the entity model (averaged structured perceptron over the library's
//! features, BILOU tags, constrained Viterbi) on CoNLL-2003 and writes `model/ner.bin`.
//!
//! Deterministic: a fixed seed drives the only randomness (the order of sentences in each epoch),
//! features are indexed in sorted order, and hash maps are used for look-ups only.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use article_analyzer::entity::model::Model;
use article_analyzer::entity::training::{
    extract_second_pass, gazetteer_key, model_to_bytes, Decoder, Features, Gazetteer, GAZETTEER_MAX_LEN,
    NUM_TAGS, OUTSIDE,
};

use crate::args::Args;
use crate::conll::{self, prepare, Document, Prepared};
use crate::corpora::{self, Corpus};
use crate::eval::{score_model, tag_with_model};

/// The corpora trained on unless `--corpora` says otherwise: "conll" is CoNLL-2003, the others are
/// [`corpora::NAMES`]; a corpus named twice is trained on twice.
const DEFAULT_CORPORA: &str = "conll,conll,wikigold,gum,crossner,wnut17";

/// Training settings.
pub struct Options {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Features seen fewer times in training are dropped.
    pub min_count: u32,
    /// Seed of the sentence shuffling.
    pub seed: u64,
    /// Perceptrons trained (each on its own sentence order) and averaged into the model.
    pub runs: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { epochs: 12, min_count: 5, seed: 0x5EED_2003, runs: 3 }
    }
}

/// `cargo xtask train [--data DIR] [--lists DIR] [--out FILE] [--train-only] [--corpora LIST]
/// [--epochs N] [--seed N] [--min-count N] [--runs N]`: trains the model and writes it. `--train-only`
/// holds out CoNLL-2003 dev and each corpus' held-out part, and reports their F1.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::new(
        "train",
        args,
        &[
            "--data DIR",
            "--lists DIR",
            "--out FILE",
            "--train-only",
            "--corpora LIST",
            "--epochs N",
            "--seed N",
            "--min-count N",
            "--runs N",
        ],
    )?;
    let data = args.path("--data").unwrap_or_else(|| crate::repo_root().join("../shared/data"));
    let lists = args.path("--lists").unwrap_or_else(|| crate::repo_root().join("model/lists"));
    let out = args.path("--out").unwrap_or_else(|| crate::repo_root().join("model/ner.bin"));
    let train_only = args.switch("--train-only");
    let defaults = Options::default();
    let options = Options {
        epochs: args.number("--epochs")?.unwrap_or(defaults.epochs),
        min_count: args.number("--min-count")?.unwrap_or(defaults.min_count),
        seed: args.number("--seed")?.unwrap_or(defaults.seed),
        runs: args.number("--runs")?.unwrap_or(defaults.runs),
    };
    if !data.join("conll2003/train.txt").is_file() {
        return Err(format!("no CoNLL-2003 data at {}/conll2003 (pass --data DIR)", data.display()));
    }
    let started = Instant::now();
    let chosen: Vec<&str> = args.value("--corpora").unwrap_or(DEFAULT_CORPORA).split(',').collect();
    if let Some(unknown) = chosen.iter().find(|&&name| name != "conll" && !corpora::NAMES.contains(&name)) {
        return Err(format!(
            "unknown corpus {unknown:?}; the corpora are conll, {}",
            corpora::NAMES.join(", ")
        ));
    }
    let gazetteer = build_gazetteer(&data, &lists)?;
    let conll_train = conll::read(&data.join("conll2003/train.txt"))?;
    let dev = conll::read(&data.join("conll2003/dev.txt"))?;
    let mut documents = Vec::new();
    for _ in chosen.iter().filter(|&&name| name == "conll") {
        documents.extend(conll_train.iter().cloned());
        if !train_only {
            documents.extend(dev.iter().cloned());
        }
    }
    println!(
        "training on CoNLL-2003 {} ({} documents){}",
        if train_only { "train.txt" } else { "train.txt + dev.txt" },
        documents.len(),
        if train_only { ", reporting dev.txt F1 after each epoch" } else { "" }
    );
    let dev = train_only.then_some(dev);
    // Held out, every corpus is scored, trained on or not, so that mixes compare on the same sets.
    let names = corpora::NAMES.iter().filter(|name| train_only || chosen.contains(name));
    let corpora: Vec<Corpus> = names.map(|name| corpora::load(&data, name)).collect::<Result<_, _>>()?;
    for corpus in &corpora {
        let times = chosen.iter().filter(|&&name| name == corpus.name).count();
        if times > 0 {
            println!("and {} ({} documents) {times} time(s)", corpus.name, corpus.train.len());
        }
        for _ in 0..times {
            documents.extend(corpus.train.iter().cloned());
            if !train_only {
                documents.extend(corpus.held_out.iter().cloned());
            }
        }
    }
    let bytes = train(&documents, dev.as_deref(), &gazetteer, &options);
    if train_only {
        let model = Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
        for corpus in &corpora {
            let (p, r, f) = corpus.score(|document| tag_with_model(&model, document)).prf(None);
            println!("held-out {}: P {p:.2} R {r:.2} F1 {f:.2}", corpus.name);
        }
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let model = Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
    println!(
        "wrote {}: {} bytes ({} gzipped), {} features, {} gazetteer entries, in {:.0} s",
        out.display(),
        bytes.len(),
        crate::gzip_size(&out).map_or("?".into(), |n| n.to_string()),
        model.feature_count(),
        model.gazetteer_len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Feature ids of a run of tokens: `ids[offsets[i]..offsets[i + 1]]` for token `i`.
struct Ids {
    offsets: Vec<usize>,
    ids: Vec<u32>,
}

impl Ids {
    fn new() -> Ids {
        Ids { offsets: vec![0], ids: Vec::new() }
    }

    fn push(&mut self, keys: &[u32], index: &HashMap<u32, u32>) {
        self.ids.extend(keys.iter().filter_map(|k| index.get(k)));
        self.offsets.push(self.ids.len());
    }

    fn token(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// One training sentence: where it is, the feature ids of each token (base features, and second
/// pass features) and the gold tags.
struct Example {
    document: usize,
    start: usize,
    base: Ids,
    second: Ids,
    gold: Vec<u8>,
}

/// Folds of the jackknife that gives the second pass realistic first-pass tags to learn from.
const FOLDS: usize = 5;

/// Trains on `documents` and returns the model file; reports F1 on `dev` after each epoch if given.
///
/// The model tags in two passes (see [`Model::tag`]): the first pass uses the base features, the
/// second adds features of what the first pass tagged across the document. The first-pass tags of
/// the training documents come from a jackknife (each fold tagged by a model trained on the other
/// folds), so that the second pass learns how far to trust them.
pub fn train(
    documents: &[Document],
    dev: Option<&[Document]>,
    gazetteer: &Gazetteer,
    options: &Options,
) -> Vec<u8> {
    let prepared: Vec<Prepared> = documents.iter().map(|d| prepare(d, gazetteer)).collect();
    let mut keys = frequent_keys(prepared.iter().map(|p| &p.features), options.min_count);
    println!("base features seen at least {} times: {}", options.min_count, keys.len());
    let mut index: HashMap<u32, u32> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    let mut examples = Vec::new();
    for (d, document) in prepared.iter().enumerate() {
        for sentence in document.sentences.iter().filter(|s| !s.tokens.is_empty()) {
            let mut example = Example {
                document: d,
                start: sentence.tokens.start,
                base: Ids::new(),
                second: Ids::new(),
                gold: Vec::new(),
            };
            for i in sentence.tokens.clone() {
                example.base.push(document.features.token(i), &index);
                example.gold.push(document.gold[i]);
            }
            examples.push(example);
        }
    }
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    println!("{} sentences, {tokens} tokens", examples.len());
    let first_pass = jackknife(&prepared, &examples, keys.len(), options);
    let second: Vec<Features> = prepared
        .iter()
        .zip(&first_pass)
        .map(|(document, tags)| {
            let mut features = Features::default();
            extract_second_pass(&document.features, tags, &mut features);
            features
        })
        .collect();
    for key in frequent_keys(second.iter(), options.min_count) {
        index.entry(key).or_insert_with(|| {
            keys.push(key);
            keys.len() as u32 - 1
        });
    }
    for example in &mut examples {
        for i in example.start..example.start + example.gold.len() {
            example.second.push(second[example.document].token(i), &index);
        }
    }
    println!("features with second-pass ones: {}", keys.len());
    // Several perceptrons that differ in the order they see the sentences; the model averages them.
    let mut runs: Vec<(Perceptron, Random)> = (0..options.runs)
        .map(|r| (Perceptron::new(keys.len()), Random::new(options.seed ^ (r as u64) << 32)))
        .collect();
    let mut order: Vec<(usize, bool)> = (0..examples.len()).flat_map(|e| [(e, false), (e, true)]).collect();
    let mut decoder = Decoder::default();
    for epoch in 1..=options.epochs {
        let mut wrong = 0;
        for (perceptron, random) in &mut runs {
            random.shuffle(&mut order);
            wrong += order
                .iter()
                .map(|&(e, second)| perceptron.learn(&examples[e], second, &mut decoder))
                .sum::<usize>();
        }
        let mut line = format!(
            "epoch {epoch:>2}: {:.2}% of training tokens mistagged",
            50.0 * wrong as f64 / (tokens * runs.len()) as f64
        );
        if let Some(dev) = dev {
            let model =
                Model::from_bytes(&ensemble_bytes(&runs, &keys, gazetteer)).expect("a fresh model loads");
            line += &format!(", dev F1 {:.2}", score_model(&model, dev).f1());
        }
        println!("{line}");
    }
    ensemble_bytes(&runs, &keys, gazetteer)
}

/// The model file of the perceptrons' summed averaged weights.
fn ensemble_bytes(runs: &[(Perceptron, Random)], keys: &[u32], gazetteer: &Gazetteer) -> Vec<u8> {
    let averaged: Vec<Perceptron> = runs.iter().map(|(p, _)| p.averaged()).collect();
    let rows: Vec<(u32, [f32; NUM_TAGS])> = keys
        .iter()
        .enumerate()
        .map(|(f, &key)| {
            (key, std::array::from_fn(|t| averaged.iter().map(|p| p.weights[f * NUM_TAGS + t]).sum()))
        })
        .collect();
    let transitions =
        std::array::from_fn(|a| std::array::from_fn(|b| averaged.iter().map(|p| p.transitions[a][b]).sum()));
    model_to_bytes(&rows, &transitions, gazetteer)
}

/// The keys occurring at least `min_count` times, sorted.
fn frequent_keys<'f>(features: impl Iterator<Item = &'f Features>, min_count: u32) -> Vec<u32> {
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for document in features {
        for &key in &document.keys {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut keys: Vec<u32> = counts.into_iter().filter(|&(_, n)| n >= min_count).map(|(k, _)| k).collect();
    keys.sort_unstable();
    keys
}

/// First-pass tags of every training token, each fold tagged by a model trained on the others.
fn jackknife(
    documents: &[Prepared],
    examples: &[Example],
    features: usize,
    options: &Options,
) -> Vec<Vec<u8>> {
    let mut tags: Vec<Vec<u8>> = documents.iter().map(|d| vec![OUTSIDE; d.gold.len()]).collect();
    let mut decoder = Decoder::default();
    let (mut emissions, mut predicted) = (Vec::new(), Vec::new());
    let mut correct = 0;
    for fold in 0..FOLDS {
        let mut perceptron = Perceptron::new(features);
        let mut order: Vec<(usize, bool)> = (0..examples.len())
            .filter(|&e| examples[e].document % FOLDS != fold)
            .map(|e| (e, false))
            .collect();
        let mut random = Random::new(options.seed ^ fold as u64);
        for _ in 0..options.epochs {
            random.shuffle(&mut order);
            for &(e, second) in &order {
                perceptron.learn(&examples[e], second, &mut decoder);
            }
        }
        let averaged = perceptron.averaged();
        for example in examples.iter().filter(|e| e.document % FOLDS == fold) {
            averaged.emissions(example, false, &mut emissions);
            decoder.decode(&emissions, &averaged.transitions, &mut predicted);
            correct += predicted.iter().zip(&example.gold).filter(|(p, g)| p == g).count();
            tags[example.document][example.start..example.start + predicted.len()]
                .copy_from_slice(&predicted);
        }
    }
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    println!(
        "jackknife first pass ({FOLDS} folds): {:.2}% of tokens tagged right",
        100.0 * correct as f64 / tokens as f64
    );
    tags
}

/// An averaged perceptron: weights plus, for averaging, the sum of each update times its time.
struct Perceptron {
    weights: Vec<f32>,
    timed: Vec<f64>,
    transitions: [[f32; NUM_TAGS]; NUM_TAGS],
    timed_transitions: [[f64; NUM_TAGS]; NUM_TAGS],
    time: f64,
    emissions: Vec<[f32; NUM_TAGS]>,
    predicted: Vec<u8>,
}

impl Perceptron {
    fn new(features: usize) -> Perceptron {
        Perceptron {
            weights: vec![0.0; features * NUM_TAGS],
            timed: vec![0.0; features * NUM_TAGS],
            transitions: [[0.0; NUM_TAGS]; NUM_TAGS],
            timed_transitions: [[0.0; NUM_TAGS]; NUM_TAGS],
            time: 1.0,
            emissions: Vec::new(),
            predicted: Vec::new(),
        }
    }

    /// The emission scores of `example`'s tokens, with or without the second-pass features.
    fn emissions(&self, example: &Example, second: bool, out: &mut Vec<[f32; NUM_TAGS]>) {
        out.clear();
        for i in 0..example.gold.len() {
            let extra = if second { example.second.token(i) } else { &[] };
            let mut sums = [0.0; NUM_TAGS];
            for &id in example.base.token(i).iter().chain(extra) {
                for (sum, w) in sums.iter_mut().zip(&self.weights[id as usize * NUM_TAGS..][..NUM_TAGS]) {
                    *sum += w;
                }
            }
            out.push(sums);
        }
    }

    /// Tags `example`, updates the weights if wrong, and returns the number of mistagged tokens.
    fn learn(&mut self, example: &Example, second: bool, decoder: &mut Decoder) -> usize {
        let (mut emissions, mut predicted) =
            (std::mem::take(&mut self.emissions), std::mem::take(&mut self.predicted));
        self.emissions(example, second, &mut emissions);
        decoder.decode(&emissions, &self.transitions, &mut predicted);
        let mut wrong = 0;
        for (i, (&p, &g)) in predicted.iter().zip(&example.gold).enumerate() {
            if p != g {
                wrong += 1;
                let extra = if second { example.second.token(i) } else { &[] };
                for &id in example.base.token(i).iter().chain(extra) {
                    self.add(id as usize * NUM_TAGS + usize::from(g), 1.0);
                    self.add(id as usize * NUM_TAGS + usize::from(p), -1.0);
                }
            }
            if i > 0 && (predicted[i - 1], p) != (example.gold[i - 1], g) {
                self.add_transition(example.gold[i - 1], g, 1.0);
                self.add_transition(predicted[i - 1], p, -1.0);
            }
        }
        self.time += 1.0;
        (self.emissions, self.predicted) = (emissions, predicted);
        wrong
    }

    fn add(&mut self, slot: usize, delta: f32) {
        self.weights[slot] += delta;
        self.timed[slot] += self.time * f64::from(delta);
    }

    fn add_transition(&mut self, from: u8, to: u8, delta: f32) {
        let (from, to) = (usize::from(from), usize::from(to));
        self.transitions[from][to] += delta;
        self.timed_transitions[from][to] += self.time * f64::from(delta);
    }

    /// A perceptron holding the averaged weights (for tagging only).
    fn averaged(&self) -> Perceptron {
        let average = |w: f32, timed: f64| (f64::from(w) - timed / self.time) as f32;
        Perceptron {
            weights: self.weights.iter().zip(&self.timed).map(|(&w, &t)| average(w, t)).collect(),
            timed: Vec::new(),
            transitions: std::array::from_fn(|a| {
                std::array::from_fn(|b| average(self.transitions[a][b], self.timed_transitions[a][b]))
            }),
            timed_transitions: [[0.0; NUM_TAGS]; NUM_TAGS],
            time: self.time,
            emissions: Vec::new(),
            predicted: Vec::new(),
        }
    }
}

/// xorshift64*: the trainer's only source of randomness.
struct Random(u64);

impl Random {
    /// A generator whose state is `seed` scrambled (SplitMix64), never the stuck state 0.
    fn new(seed: u64) -> Random {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Random((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Gazetteer kinds: one bit per (source, type). GMB (Groningen Meaning Bank, ODbL) first, then
/// WNUT-17 (CC BY 4.0).
const GMB_KINDS: [&str; 5] = ["per", "org", "geo", "gpe", "eve"];
const WNUT_KINDS: [&str; 6] = ["person", "location", "corporation", "product", "creative-work", "group"];

/// Names from the entity annotations of GMB and WNUT-17 (never from CoNLL), and from the lists in
/// `lists` (see [`crate::lists`]).
fn build_gazetteer(data: &Path, lists: &Path) -> Result<Gazetteer, String> {
    let mut names: BTreeMap<Vec<String>, u16> = BTreeMap::new();
    let gmb_rows: Vec<Row> =
        corpora::gmb_rows(data)?.into_iter().map(|r| (r.sentence_start, r.word, r.tag)).collect();
    collect_names(&gmb_rows, &GMB_KINDS, 0, &mut names);
    println!("gazetteer: {} names from GMB (ODbL)", names.len());
    let before = names.len();
    let mut wnut_rows = Vec::new();
    for file in ["wnut17/wnut17train.conll", "wnut17/emerging.dev.conll"] {
        let path = data.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut new_sentence = true;
        for line in text.lines() {
            match line.split_once('\t') {
                Some((word, tag)) => {
                    wnut_rows.push((new_sentence, word.to_string(), tag.trim().to_string()));
                    new_sentence = false;
                }
                None => new_sentence = true,
            }
        }
    }
    collect_names(&wnut_rows, &WNUT_KINDS, GMB_KINDS.len(), &mut names);
    println!("gazetteer: {} more names from WNUT-17 train and dev (CC BY 4.0)", names.len() - before);
    let before = names.len();
    for (words, kind) in crate::lists::read(lists, GMB_KINDS.len() + WNUT_KINDS.len())? {
        *names.entry(words).or_default() |= kind;
    }
    println!(
        "gazetteer: {} more names from {} (model/lists/SOURCES.md)",
        names.len() - before,
        lists.display()
    );
    let entries = names.iter().map(|(words, &kinds)| {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        (gazetteer_key(&words), kinds)
    });
    let gazetteer = Gazetteer::new(entries.collect());
    Ok(gazetteer)
}

/// One annotated word: whether it starts a sentence, the word, its IOB tag.
type Row = (bool, String, String);

/// Titles that GMB includes in person names.
const TITLES: [&str; 40] = [
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "President",
    "Prime",
    "Minister",
    "Foreign",
    "Secretary",
    "General",
    "Vice",
    "King",
    "Queen",
    "Prince",
    "Pope",
    "Senator",
    "Sen.",
    "Rep.",
    "Governor",
    "Gov.",
    "Chancellor",
    "Premier",
    "Chairman",
    "Sheikh",
    "Ayatollah",
    "Cardinal",
    "Archbishop",
    "Bishop",
    "Rev.",
    "Lieutenant",
    "Colonel",
    "Gen.",
    "Col.",
    "Lt.",
    "Captain",
    "Judge",
    "Ambassador",
    "Defense",
    "Interior",
    "Deputy",
];

/// Adds the IOB-tagged names of `rows` (sentence start, word, tag) to `names`, kind bit `first +
/// index in kinds`. Only names that start with a capital or digit and fit the match length count.
fn collect_names(rows: &[Row], kinds: &[&str], first: usize, names: &mut BTreeMap<Vec<String>, u16>) {
    let mut open: Option<(Vec<String>, usize)> = None;
    let mut finish = |open: &mut Option<(Vec<String>, usize)>| {
        if let Some((mut words, kind)) = open.take() {
            // GMB puts titles inside person names ("President Bush"); CoNLL does not.
            while words.len() > 1 && TITLES.contains(&words[0].as_str()) {
                words.remove(0);
            }
            let starts_well = words[0].chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if starts_well && words.len() <= GAZETTEER_MAX_LEN {
                *names.entry(words).or_default() |= 1 << (first + kind);
            }
        }
    };
    for (sentence_start, word, tag) in rows {
        let (prefix, name) = tag.split_once('-').unwrap_or((tag, ""));
        let kind = kinds.iter().position(|&k| k == name);
        let continues = !*sentence_start
            && prefix == "I"
            && kind.is_some()
            && open.as_ref().map(|o| Some(o.1)) == Some(kind);
        if continues {
            if let Some(o) = open.as_mut() {
                o.0.push(word.clone());
            }
            continue;
        }
        finish(&mut open);
        if let Some(kind) = kind {
            open = Some((vec![word.clone()], kind));
        }
    }
    finish(&mut open);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<Document> {
        let path = crate::repo_root().join("tests/fixtures/ner/tiny.conll");
        conll::read(&path).expect("fixture")
    }

    #[test]
    fn training_learns_the_fixture_and_is_deterministic() {
        let options = Options { epochs: 5, min_count: 1, seed: 7, runs: 2 };
        let documents = fixture();
        let bytes = train(&documents, None, &Gazetteer::default(), &options);
        assert_eq!(bytes, train(&documents, None, &Gazetteer::default(), &options));
        let model = Model::from_bytes(&bytes).expect("trained model loads");
        let document =
            &conll::parse("Quorvin NNP B-NP B-PER\nvisited VBD B-VP O\nZeltania NNP B-NP B-LOC\n. . O O\n")
                [0];
        let found: Vec<(String, &str)> =
            tag_with_model(&model, document).into_iter().map(|e| (e.text, e.label.as_str())).collect();
        assert_eq!(found, [("Quorvin".to_string(), "PERSON"), ("Zeltania".to_string(), "LOC")]);
    }

    #[test]
    fn gazetteer_names_come_from_iob_rows_without_titles() {
        let rows = [
            (true, "New", "B-geo"),
            (false, "York", "I-geo"),
            (false, "is", "O"),
            (false, "big", "B-geo"),
            (true, "President", "B-per"),
            (false, "Bush", "I-per"),
        ];
        let rows: Vec<Row> = rows.iter().map(|(s, w, t)| (*s, w.to_string(), t.to_string())).collect();
        let mut names = BTreeMap::new();
        collect_names(&rows, &GMB_KINDS, 0, &mut names);
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            [(vec!["Bush".to_string()], 1), (vec!["New".to_string(), "York".to_string()], 1 << 2)]
        );
    }
}
