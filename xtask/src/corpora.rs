//! The training corpora beside CoNLL-2003, read from `../shared/data` with their labels mapped onto
//! the model's four types (PER, ORG, LOC, MISC), each split into a part to train on and a part held
//! out, which `cargo xtask train --train-only` scores. The mapping of each corpus is written here;
//! docs/training-data.md gives the sources, licences and the reasons for each choice.

use std::path::Path;

use article_analyzer::entity::training::TYPES;
use article_analyzer::span::Span;
use article_analyzer::Entity;

use crate::conll::{self, Document, DocumentEnd};
use crate::eval::{score_with, Counts};
use crate::process::command;

/// The corpora `--corpora` may name, in the order they are read.
pub const NAMES: [&str; 6] = ["wikigold", "gum", "crossner", "wnut17", "btc", "gmb"];

const PER: usize = 0;
const ORG: usize = 1;
const LOC: usize = 2;
const MISC: usize = 3;

/// One corpus: its documents to train on, those held out, and which types it annotates.
pub struct Corpus {
    /// Its name in [`NAMES`].
    pub name: &'static str,
    /// The documents to train on.
    pub train: Vec<Document>,
    /// The documents held out for `--train-only`'s scores (trained on too in the shipped model).
    pub held_out: Vec<Document>,
    /// The types it annotates (indices into the model's types): where a type is not annotated, a
    /// name of that type is unmarked text, so predictions of it are neither right nor wrong.
    pub annotated: [bool; 4],
}

impl Corpus {
    /// The scores of `tag` (the model alone or the full pipeline) on the held-out documents,
    /// counting only the annotated types.
    pub fn score(&self, tag: impl Fn(&Document) -> Vec<Entity>) -> Counts {
        score_with(&self.held_out, |document| self.annotated_only(tag(document)))
    }

    /// The entities of `predicted` whose type the corpus annotates.
    pub fn annotated_only(&self, mut predicted: Vec<Entity>) -> Vec<Entity> {
        predicted.retain(|e| TYPES.iter().position(|&l| l == e.label).is_some_and(|k| self.annotated[k]));
        predicted
    }
}

/// Reads the corpus called `name` (one of [`NAMES`]) from `data`.
pub fn load(data: &Path, name: &str) -> Result<Corpus, String> {
    let read = |file: &str| {
        let path = data.join(file);
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let all = [true; 4];
    let corpus = match name {
        // Wikipedia articles with CoNLL-2003's own labels (CC BY 4.0).
        "wikigold" => {
            let documents = conll::parse(&read("wikigold/wikigold.conll.txt")?);
            split_every_fifth("wikigold", documents, all)
        }
        // GUM's attribution-licensed genres, names cut as the Wikinews benchmark cuts them.
        "gum" => {
            let script = crate::repo_root().join("xtask/corpora/gum_names.py");
            let lines = command("python3", [script.as_os_str(), data.as_os_str()]).output()?;
            let documents = lines.lines().map(gum_document).collect::<Result<Vec<_>, _>>()?;
            split_every_fifth("gum", documents, all)
        }
        // Wikipedia paragraphs of five domains with fine-grained labels (MIT; text CC BY-SA).
        "crossner" => {
            let (mut train, mut held_out) = (Vec::new(), Vec::new());
            for domain in ["ai", "literature", "music", "politics", "science"] {
                for file in ["train", "dev", "test"] {
                    let content = read(&format!("crossner/{domain}/{file}.txt"))?;
                    let documents = conll::parse_mapped(&content, crossner_kind, DocumentEnd::Sentence);
                    if file == "test" { &mut held_out } else { &mut train }.extend(documents);
                }
            }
            Corpus { name: "crossner", train, held_out, annotated: all }
        }
        // Tweets, Reddit and YouTube comments with emerging entities (CC BY 4.0).
        "wnut17" => {
            let mut train = Vec::new();
            for file in ["wnut17/wnut17train.conll", "wnut17/emerging.dev.conll"] {
                train.extend(conll::parse_mapped(&read(file)?, wnut_kind, DocumentEnd::Sentence));
            }
            let held_out = conll::parse_mapped(
                &read("wnut17/emerging.test.annotated")?,
                wnut_kind,
                DocumentEnd::Sentence,
            );
            Corpus { name: "wnut17", train, held_out, annotated: all }
        }
        // Tweets with PER, ORG and LOC (CC BY 4.0); section F is the corpus' recommended test set.
        "btc" => {
            let kind = |name: &str| ["PER", "ORG", "LOC"].iter().position(|&n| n == name);
            let (mut train, mut held_out) = (Vec::new(), Vec::new());
            for section in ["a", "b", "e", "f", "g", "h"] {
                let documents =
                    conll::parse_mapped(&read(&format!("btc/{section}.conll"))?, kind, DocumentEnd::Sentence);
                if section == "f" { &mut held_out } else { &mut train }.extend(documents);
            }
            Corpus { name: "btc", train, held_out, annotated: [true, true, true, false] }
        }
        // Voice of America news with partly automatic labels (ODbL).
        "gmb" => split_every_fifth("gmb", gmb_documents(data)?, all),
        _ => return Err(format!("unknown corpus {name:?}; the corpora are {}", NAMES.join(", "))),
    };
    Ok(corpus)
}

/// A corpus without a test split of its own: every fifth document is held out.
fn split_every_fifth(name: &'static str, documents: Vec<Document>, annotated: [bool; 4]) -> Corpus {
    let (mut train, mut held_out) = (Vec::new(), Vec::new());
    for (i, document) in documents.into_iter().enumerate() {
        if i % 5 == 4 { &mut held_out } else { &mut train }.push(document);
    }
    Corpus { name, train, held_out, annotated }
}

/// One line of `xtask/corpora/gum_names.py`: `{"name", "text", "entities": [[start, end, label]]}`.
fn gum_document(line: &str) -> Result<Document, String> {
    let bad = |what: &str| format!("gum_names.py wrote a bad {what}: {line:.80}");
    let line: serde_json::Value = serde_json::from_str(line).map_err(|_| bad("line"))?;
    let text = line["text"].as_str().ok_or_else(|| bad("text"))?.to_string();
    let mut entities = Vec::new();
    for entity in line["entities"].as_array().ok_or_else(|| bad("entity list"))? {
        let (start, end, label) = (entity[0].as_u64(), entity[1].as_u64(), entity[2].as_str());
        let (Some(start), Some(end), Some(label)) = (start, end, label) else { return Err(bad("entity")) };
        let (start, end) = (start as usize, end as usize);
        match conll::TYPE_NAMES.iter().position(|&n| n == label) {
            Some(kind) if text.get(start..end).is_some() => entities.push((Span::new(start, end), kind)),
            _ => return Err(bad("entity")),
        }
    }
    Ok(Document { text, entities })
}

/// CrossNER's labels: people, organisations and places as CoNLL-2003 marks them; named works,
/// events, awards, products and the like are MISC; the kinds of things that are mostly common
/// nouns or terms (algorithm, task, field, metrics, genres, chemicals, proteins, theories,
/// instruments) are not names.
fn crossner_kind(label: &str) -> Option<usize> {
    Some(match label {
        "person" | "politician" | "scientist" | "writer" | "musicalartist" | "researcher" => PER,
        "organisation" | "politicalparty" | "university" | "band" => ORG,
        "location" | "country" => LOC,
        "misc" | "award" | "election" | "event" | "book" | "album" | "song" | "poem" | "product"
        | "academicjournal" | "magazine" | "conference" | "programlang" | "astronomicalobject" => MISC,
        _ => return None,
    })
}

/// WNUT-17's labels: a corporation or a group (bands, teams, parties) is an organisation; products
/// and creative works are MISC.
fn wnut_kind(label: &str) -> Option<usize> {
    Some(match label {
        "person" => PER,
        "corporation" | "group" => ORG,
        "location" => LOC,
        "product" | "creative-work" => MISC,
        _ => return None,
    })
}

/// One row of GMB's `ner_dataset.csv` (`Sentence: N,word,POS,tag`, the sentence number on a
/// sentence's first row only).
pub struct GmbRow {
    /// Whether the row opens a sentence.
    pub sentence_start: bool,
    /// The word, unquoted.
    pub word: String,
    /// Its part-of-speech tag.
    pub pos: String,
    /// Its IOB tag (`B-geo`, `I-per`, `O`, ...).
    pub tag: String,
}

/// The rows of GMB's `ner_dataset.csv`, read from its zip file in `data` (for the gazetteer and for
/// [`load`]).
pub fn gmb_rows(data: &Path) -> Result<Vec<GmbRow>, String> {
    let csv = command("unzip", ["-p"]).arg(data.join("gmb/ner_dataset.csv.zip")).output()?;
    let row = |line: &str| {
        let mut fields = line.rsplitn(3, ',');
        let (tag, pos, rest) = (fields.next()?, fields.next()?, fields.next()?);
        let (sentence, word) = rest.split_once(',')?;
        let word = word
            .strip_prefix('"')
            .and_then(|w| w.strip_suffix('"'))
            .map_or(word.to_string(), |w| w.replace("\"\"", "\""));
        let (pos, tag) = (pos.to_string(), tag.to_string());
        Some(GmbRow { sentence_start: !sentence.is_empty(), word, pos, tag })
    };
    Ok(csv.lines().skip(1).filter_map(row).collect())
}

/// GMB's sentences, each a document. Its labels: per, org and geo as PER, ORG and LOC; a gpe is LOC
/// when a proper noun ("Iraq") and MISC when an adjective ("Iraqi"), as CoNLL-2003 marks
/// nationalities; events, artefacts and natural phenomena are MISC; times are not names.
fn gmb_documents(data: &Path) -> Result<Vec<Document>, String> {
    let mut rows = String::new();
    for GmbRow { sentence_start, word, pos, tag } in gmb_rows(data)? {
        if sentence_start && !rows.is_empty() {
            rows.push('\n');
        }
        let tag = match tag.split_once('-') {
            Some((prefix, "gpe")) if pos.starts_with("NNP") => format!("{prefix}-LOC"),
            Some((prefix, "gpe")) => format!("{prefix}-MISC"),
            Some((prefix, "per")) => format!("{prefix}-PER"),
            Some((prefix, "org")) => format!("{prefix}-ORG"),
            Some((prefix, "geo")) => format!("{prefix}-LOC"),
            Some((prefix, "eve" | "art" | "nat")) => format!("{prefix}-MISC"),
            _ => "O".to_string(),
        };
        rows.push_str(&format!("{word}\t{tag}\n"));
    }
    Ok(conll::parse_mapped(&rows, |n| conll::TYPE_NAMES.iter().position(|&t| t == n), DocumentEnd::Sentence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_grained_labels_map_onto_the_four_types() {
        let documents = conll::parse_mapped(
            "The\tO\nLabour\tB-politicalparty\nParty\tI-politicalparty\nuses\tO\nAdaBoost\tB-algorithm\n\n\
             Ada\tB-scientist\nwrote\tO\nNotes\tB-book\n",
            crossner_kind,
            DocumentEnd::Sentence,
        );
        let names: Vec<Vec<(&str, usize)>> = documents
            .iter()
            .map(|d| d.entities.iter().map(|(s, k)| (s.slice(&d.text), *k)).collect())
            .collect();
        assert_eq!(names, [vec![("Labour Party", ORG)], vec![("Ada", PER), ("Notes", MISC)]]);
    }

    #[test]
    fn gum_lines_become_documents_and_bad_spans_are_refused() {
        let document =
            gum_document(r#"{"name":"x","text":"Zoë met Acme","entities":[[0,4,"PER"],[9,13,"ORG"]]}"#);
        let document = document.expect("a good line");
        let names: Vec<&str> = document.entities.iter().map(|(s, _)| s.slice(&document.text)).collect();
        assert_eq!(names, ["Zoë", "Acme"]);
        assert!(gum_document(r#"{"name":"x","text":"Zoë","entities":[[0,3,"PER"]]}"#).is_err());
        assert!(gum_document(r#"{"name":"x","text":"Zoë","entities":[[0,4,"PERSON"]]}"#).is_err());
    }
}
