//! `cargo xtask train`: trains the entity model (averaged structured perceptron over the library's
//! features, BILOU tags, constrained Viterbi) on CoNLL-2003 and writes `model/ner.bin`.
//!
//! Deterministic: a fixed seed drives the only randomness (the order of sentences in each epoch),
//! features are indexed in sorted order, and hash maps are used for look-ups only.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use article_analyzer::entity::decode::{Decoder, NUM_TAGS};
use article_analyzer::entity::features::{gazetteer_key, Gazetteer, GAZETTEER_MAX_LEN};
use article_analyzer::entity::model::Model;

use crate::conll::{self, prepare, Document};
use crate::eval::score_model;

/// Training settings.
pub struct Options {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Features seen fewer times in training are dropped.
    pub min_count: u32,
    /// Seed of the sentence shuffling.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options { epochs: 12, min_count: 2, seed: 0x5EED_2003 }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut data = crate::repo_root().join("../shared/data");
    let mut out = crate::repo_root().join("model/ner.bin");
    let mut train_only = false;
    let mut options = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--data" => data = iter.next().ok_or("--data needs a directory")?.into(),
            "--out" => out = iter.next().ok_or("--out needs a file")?.into(),
            "--train-only" => train_only = true,
            "--epochs" => {
                options.epochs = iter.next().and_then(|n| n.parse().ok()).ok_or("--epochs needs a number")?;
            }
            other => {
                return Err(format!(
                    "train: unknown argument {other:?} (use --data DIR, --out FILE, --epochs N, --train-only)"
                ))
            }
        }
    }
    if !data.join("conll2003/train.txt").is_file() {
        return Err(format!("no CoNLL-2003 data at {}/conll2003 (pass --data DIR)", data.display()));
    }
    let started = Instant::now();
    let gazetteer = build_gazetteer(&data)?;
    let mut documents = conll::read(&data.join("conll2003/train.txt"))?;
    let dev = conll::read(&data.join("conll2003/dev.txt"))?;
    let dev = if train_only {
        println!(
            "training on train.txt ({} documents), reporting dev.txt F1 after each epoch",
            documents.len()
        );
        Some(dev)
    } else {
        documents.extend(dev);
        println!("training on train.txt + dev.txt ({} documents)", documents.len());
        None
    };
    let bytes = train(&documents, dev.as_deref(), &gazetteer, &options);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let model = Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
    println!(
        "wrote {}: {} bytes ({} gzipped), {} features, {} gazetteer entries, in {:.0} s",
        out.display(),
        bytes.len(),
        gzipped_size(&out).map_or("?".into(), |n| n.to_string()),
        model.feature_count(),
        model.gazetteer_len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn gzipped_size(path: &PathBuf) -> Option<usize> {
    let output = Command::new("gzip").args(["-9", "-c"]).arg(path).output().ok()?;
    output.status.success().then_some(output.stdout.len())
}

/// One training sentence: the kept feature ids of each token and the gold tags.
struct Example {
    offsets: Vec<usize>,
    ids: Vec<u32>,
    gold: Vec<u8>,
}

/// Trains on `documents` and returns the model file; reports F1 on `dev` after each epoch if given.
pub fn train(
    documents: &[Document],
    dev: Option<&[Document]>,
    gazetteer: &Gazetteer,
    options: &Options,
) -> Vec<u8> {
    let prepared: Vec<_> = documents.iter().map(|d| prepare(d, gazetteer)).collect();
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for document in &prepared {
        for &key in &document.features.keys {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut keys: Vec<u32> =
        counts.iter().filter(|(_, &n)| n >= options.min_count).map(|(&k, _)| k).collect();
    keys.sort_unstable();
    println!("features: {} distinct, {} seen at least {} times", counts.len(), keys.len(), options.min_count);
    let index: HashMap<u32, u32> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    let mut examples = Vec::new();
    for document in &prepared {
        for sentence in &document.sentences {
            let mut example = Example { offsets: vec![0], ids: Vec::new(), gold: Vec::new() };
            for i in sentence.tokens.clone() {
                example.ids.extend(document.features.token(i).iter().filter_map(|k| index.get(k)));
                example.offsets.push(example.ids.len());
                example.gold.push(document.gold[i]);
            }
            if !example.gold.is_empty() {
                examples.push(example);
            }
        }
    }
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    println!("{} sentences, {tokens} tokens", examples.len());
    let mut perceptron = Perceptron::new(keys.len());
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut random = Random(options.seed);
    let mut decoder = Decoder::default();
    let (mut emissions, mut predicted) = (Vec::new(), Vec::new());
    for epoch in 1..=options.epochs {
        random.shuffle(&mut order);
        let mut wrong = 0;
        for &e in &order {
            let example = &examples[e];
            emissions.clear();
            emissions.extend(
                (0..example.gold.len())
                    .map(|i| perceptron.scores(&example.ids[example.offsets[i]..example.offsets[i + 1]])),
            );
            decoder.decode(&emissions, &perceptron.transitions, &mut predicted);
            wrong += predicted.iter().zip(&example.gold).filter(|(p, g)| p != g).count();
            if predicted != example.gold {
                perceptron.update(example, &predicted);
            }
            perceptron.tick();
        }
        let mut line = format!(
            "epoch {epoch:>2}: {:.2}% of training tokens mistagged",
            100.0 * wrong as f64 / tokens as f64
        );
        if let Some(dev) = dev {
            let model =
                Model::from_bytes(&perceptron.to_bytes(&keys, gazetteer)).expect("a fresh model loads");
            line += &format!(", dev F1 {:.2}", score_model(&model, dev).f1());
        }
        println!("{line}");
    }
    perceptron.to_bytes(&keys, gazetteer)
}

/// An averaged perceptron: weights plus, for averaging, the sum of each update times its time.
struct Perceptron {
    weights: Vec<f32>,
    timed: Vec<f64>,
    transitions: [[f32; NUM_TAGS]; NUM_TAGS],
    timed_transitions: [[f64; NUM_TAGS]; NUM_TAGS],
    time: f64,
}

impl Perceptron {
    fn new(features: usize) -> Perceptron {
        Perceptron {
            weights: vec![0.0; features * NUM_TAGS],
            timed: vec![0.0; features * NUM_TAGS],
            transitions: [[0.0; NUM_TAGS]; NUM_TAGS],
            timed_transitions: [[0.0; NUM_TAGS]; NUM_TAGS],
            time: 1.0,
        }
    }

    fn scores(&self, ids: &[u32]) -> [f32; NUM_TAGS] {
        let mut sums = [0.0; NUM_TAGS];
        for &id in ids {
            let row = &self.weights[id as usize * NUM_TAGS..][..NUM_TAGS];
            for (sum, w) in sums.iter_mut().zip(row) {
                *sum += w;
            }
        }
        sums
    }

    fn update(&mut self, example: &Example, predicted: &[u8]) {
        for (i, (&p, &g)) in predicted.iter().zip(&example.gold).enumerate() {
            if p != g {
                for &id in &example.ids[example.offsets[i]..example.offsets[i + 1]] {
                    self.add(id as usize * NUM_TAGS + usize::from(g), 1.0);
                    self.add(id as usize * NUM_TAGS + usize::from(p), -1.0);
                }
            }
            if i > 0 && (predicted[i - 1], p) != (example.gold[i - 1], g) {
                self.add_transition(example.gold[i - 1], g, 1.0);
                self.add_transition(predicted[i - 1], p, -1.0);
            }
        }
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

    fn tick(&mut self) {
        self.time += 1.0;
    }

    /// The averaged weights, serialized.
    fn to_bytes(&self, keys: &[u32], gazetteer: &Gazetteer) -> Vec<u8> {
        let average = |w: f32, timed: f64| (f64::from(w) - timed / self.time) as f32;
        let rows: Vec<(u32, [f32; NUM_TAGS])> = keys
            .iter()
            .enumerate()
            .map(|(f, &key)| {
                let slot = f * NUM_TAGS;
                (key, std::array::from_fn(|t| average(self.weights[slot + t], self.timed[slot + t])))
            })
            .collect();
        let transitions = std::array::from_fn(|a| {
            std::array::from_fn(|b| average(self.transitions[a][b], self.timed_transitions[a][b]))
        });
        Model::to_bytes(&rows, &transitions, gazetteer)
    }
}

/// xorshift64*: the trainer's only source of randomness.
struct Random(u64);

impl Random {
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
const GMB_KINDS: [&str; 7] = ["per", "org", "geo", "gpe", "eve", "art", "nat"];
const WNUT_KINDS: [&str; 6] = ["person", "location", "corporation", "product", "creative-work", "group"];

/// Names from the entity annotations of GMB and WNUT-17 (never from CoNLL).
fn build_gazetteer(data: &Path) -> Result<Gazetteer, String> {
    let mut names: BTreeMap<Vec<String>, u16> = BTreeMap::new();
    let gmb = data.join("gmb/ner_dataset.csv.zip");
    let output = Command::new("unzip")
        .arg("-p")
        .arg(&gmb)
        .output()
        .map_err(|e| format!("cannot run unzip to read {}: {e}", gmb.display()))?;
    if !output.status.success() {
        return Err(format!("unzip -p {} failed", gmb.display()));
    }
    let csv = String::from_utf8_lossy(&output.stdout);
    let rows = csv.lines().skip(1).filter_map(|line| {
        let mut fields = line.rsplitn(3, ',');
        let tag = fields.next()?;
        let _pos = fields.next()?;
        let word = fields.next()?.split_once(',')?.1;
        let word = word
            .strip_prefix('"')
            .and_then(|w| w.strip_suffix('"'))
            .map_or(word.to_string(), |w| w.replace("\"\"", "\""));
        Some((line.starts_with("Sentence"), word, tag.to_string()))
    });
    let before = names.len();
    collect_names(rows, &GMB_KINDS, 0, &mut names);
    println!("gazetteer: {} names from GMB (ODbL)", names.len() - before);
    let before = names.len();
    for file in ["wnut17/wnut17train.conll", "wnut17/emerging.dev.conll"] {
        let path = data.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut new_sentence = true;
        let mut rows = Vec::new();
        for line in text.lines() {
            match line.split_once('\t') {
                Some((word, tag)) => {
                    rows.push((new_sentence, word.to_string(), tag.trim().to_string()));
                    new_sentence = false;
                }
                None => new_sentence = true,
            }
        }
        collect_names(rows.into_iter(), &WNUT_KINDS, GMB_KINDS.len(), &mut names);
    }
    println!("gazetteer: {} more names from WNUT-17 train and dev (CC BY 4.0)", names.len() - before);
    let entries = names.iter().map(|(words, &kinds)| {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        (gazetteer_key(&words), kinds)
    });
    Ok(Gazetteer::new(entries.collect()))
}

/// Adds the IOB-tagged names of `rows` (sentence start, word, tag) to `names`, kind bit `first +
/// index in kinds`. Only names that start with a capital or digit and fit the match length count.
fn collect_names(
    rows: impl Iterator<Item = (bool, String, String)>,
    kinds: &[&str],
    first: usize,
    names: &mut BTreeMap<Vec<String>, u16>,
) {
    let mut open: Option<(Vec<String>, usize)> = None;
    let mut finish = |open: &mut Option<(Vec<String>, usize)>| {
        if let Some((words, kind)) = open.take() {
            let starts_well = words[0].chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if starts_well && words.len() <= GAZETTEER_MAX_LEN {
                *names.entry(words).or_default() |= 1 << (first + kind);
            }
        }
    };
    for (sentence_start, word, tag) in rows {
        let (prefix, name) = tag.split_once('-').unwrap_or((&tag, ""));
        let kind = kinds.iter().position(|&k| k == name);
        let continues = !sentence_start
            && prefix == "I"
            && kind.is_some()
            && open.as_ref().map(|o| Some(o.1)) == Some(kind);
        if continues {
            if let Some(o) = open.as_mut() {
                o.0.push(word);
            }
            continue;
        }
        finish(&mut open);
        if let Some(kind) = kind {
            open = Some((vec![word], kind));
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
        let options = Options { epochs: 5, min_count: 1, seed: 7 };
        let documents = fixture();
        let bytes = train(&documents, None, &Gazetteer::default(), &options);
        assert_eq!(bytes, train(&documents, None, &Gazetteer::default(), &options));
        let model = Model::from_bytes(&bytes).expect("trained model loads");
        let document =
            &conll::parse("Quorvin NNP B-NP B-PER\nvisited VBD B-VP O\nZeltania NNP B-NP B-LOC\n. . O O\n")
                [0];
        let found: Vec<(String, &str)> = crate::eval::tag_with_model(&model, document)
            .into_iter()
            .map(|e| (e.text, e.label.as_str()))
            .collect();
        assert_eq!(found, [("Quorvin".to_string(), "PERSON"), ("Zeltania".to_string(), "LOC")]);
    }

    #[test]
    fn gazetteer_names_come_from_iob_rows() {
        let rows =
            [(true, "New", "B-geo"), (false, "York", "I-geo"), (false, "is", "O"), (false, "big", "B-geo")];
        let mut names = BTreeMap::new();
        collect_names(
            rows.iter().map(|(s, w, t)| (*s, w.to_string(), t.to_string())),
            &GMB_KINDS,
            0,
            &mut names,
        );
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            [(vec!["New".to_string(), "York".to_string()], 1 << 2)]
        );
    }
}
