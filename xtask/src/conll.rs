//! CoNLL-2003 documents rebuilt as the CLI receives them, and their gold entities projected onto the
//! library's own tokens and sentences (for training and evaluation of the entity model).

use std::path::Path;

use article_analyzer::entity::training::{
    extract, mark, Features, Gazetteer, WordFeatures, NUM_TAGS, OUTSIDE,
};
use article_analyzer::sentence::{split_tokens, Sentence};
use article_analyzer::span::Span;
use article_analyzer::token::tokenize;

/// The CoNLL type names in the order of the model's types (PERSON, ORG, LOC, MISC).
pub const TYPE_NAMES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

#[derive(Clone)]
/// One document: its tokens joined by single spaces, one sentence per line, and its gold entities
/// (byte spans of that text, type index into [`TYPE_NAMES`]).
pub struct Document {
    pub text: String,
    pub entities: Vec<(Span, usize)>,
}

/// Reads a CoNLL-2003 file (`token POS chunk NER` columns, IOB1 or IOB2 tags).
pub fn read(path: &Path) -> Result<Vec<Document>, String> {
    let content = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (the shared data lives in ../shared/data; pass --data DIR)",
            path.display()
        )
    })?;
    Ok(parse(&content))
}

/// Parses CoNLL-2003 text into documents.
pub fn parse(content: &str) -> Vec<Document> {
    parse_mapped(content, |name| TYPE_NAMES.iter().position(|&n| n == name), DocumentEnd::DocStart)
}

/// Where the documents of a token-per-line file end.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DocumentEnd {
    /// At each `-DOCSTART-` line (CoNLL-2003, WikiGold).
    DocStart,
    /// At each blank line: every sentence is a document of its own (tweets, CrossNER's paragraphs).
    Sentence,
}

/// Parses text of one token per line, the word first and the IOB1 or IOB2 tag last, mapping each
/// tag's type name onto an index into [`TYPE_NAMES`] with `kind_of` (`None`: not a name).
pub fn parse_mapped(
    content: &str,
    kind_of: impl Fn(&str) -> Option<usize>,
    end: DocumentEnd,
) -> Vec<Document> {
    let mut documents = Vec::new();
    let mut builder = Builder::default();
    for line in content.lines() {
        let columns: Vec<&str> = line.split_whitespace().collect();
        match columns.as_slice() {
            [] => {
                builder.end_sentence();
                if end == DocumentEnd::Sentence {
                    documents.extend(std::mem::take(&mut builder).finish());
                }
            }
            ["-DOCSTART-", ..] => {
                builder.end_sentence();
                documents.extend(std::mem::take(&mut builder).finish());
            }
            [word, .., tag] => {
                let (prefix, name) = tag.split_once('-').unwrap_or((tag, ""));
                builder.token(word, prefix, kind_of(name));
            }
            [word] => builder.token(word, "O", None),
        }
    }
    builder.end_sentence();
    documents.extend(builder.finish());
    documents
}

#[derive(Default)]
struct Builder {
    text: String,
    entities: Vec<(Span, usize)>,
    /// The entity being read: start and type.
    open: Option<(usize, usize)>,
    line_start: bool,
}

impl Builder {
    fn token(&mut self, word: &str, prefix: &str, kind: Option<usize>) {
        let continues = prefix == "I" && kind.is_some() && self.open.map(|(_, k)| Some(k)) == Some(kind);
        if !continues {
            self.close();
        }
        if !self.text.is_empty() {
            self.text.push(if self.line_start { '\n' } else { ' ' });
        }
        self.line_start = false;
        let start = self.text.len();
        self.text.push_str(word);
        if let (false, Some(kind)) = (continues, kind) {
            self.open = Some((start, kind));
        }
    }

    fn close(&mut self) {
        if let Some((start, kind)) = self.open.take() {
            self.entities.push((Span::new(start, self.text.len()), kind));
        }
    }

    fn end_sentence(&mut self) {
        self.close();
        self.line_start = true;
    }

    fn finish(mut self) -> Option<Document> {
        self.close();
        (!self.text.is_empty()).then_some(Document { text: self.text, entities: self.entities })
    }
}

/// A document run through the library's tokenizer, sentence splitter and feature extraction, with
/// the gold tag of each token.
pub struct Prepared {
    pub sentences: Vec<Sentence>,
    pub features: Features,
    pub gold: Vec<u8>,
}

/// Prepares `document` for training, with gazetteer features from `gazetteer`.
pub fn prepare(document: &Document, gazetteer: &Gazetteer) -> Prepared {
    let tokens = tokenize(&document.text);
    let sentences = split_tokens(&document.text, &tokens);
    let mut features = Features::default();
    extract(&document.text, &tokens, &sentences, gazetteer, WordFeatures::Every, &mut features);
    let mut sentence_of = vec![usize::MAX; tokens.len()];
    for (s, sentence) in sentences.iter().enumerate() {
        sentence_of[sentence.tokens.clone()].fill(s);
    }
    let mut gold = vec![OUTSIDE; tokens.len()];
    for &(span, kind) in &document.entities {
        // The tokens inside the entity, cut where the library's sentences cut it.
        let inside: Vec<usize> = (0..tokens.len())
            .filter(|&i| tokens[i].start >= span.start && tokens[i].end <= span.end)
            .collect();
        let mut i = 0;
        while i < inside.len() {
            let mut j = i + 1;
            while j < inside.len()
                && inside[j] == inside[j - 1] + 1
                && sentence_of[inside[j]] == sentence_of[inside[i]]
            {
                j += 1;
            }
            mark(&mut gold, inside[i], inside[j - 1] + 1, kind);
            i = j;
        }
    }
    debug_assert!(gold.iter().all(|&t| usize::from(t) < NUM_TAGS));
    Prepared { sentences, features, gold }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_rebuilt_with_gold_spans() {
        let documents = parse(
            "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n\
             Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nParis NNP B-NP I-LOC\n",
        );
        assert_eq!(documents.len(), 2);
        let first = &documents[0];
        assert_eq!(first.text, "EU rejects German\nPeter Blackburn");
        let spans: Vec<(&str, usize)> =
            first.entities.iter().map(|(s, k)| (s.slice(&first.text), *k)).collect();
        assert_eq!(spans, [("EU", 1), ("German", 3), ("Peter Blackburn", 0)]);
        assert_eq!(documents[1].entities, [(Span::new(0, 5), 2)]);
    }
}
