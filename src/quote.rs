//! Direct quotations and who said them, from the tokens, sentences and entity mentions an analysis
//! already has (no parser): see `docs/quotes.md` for the conventions and the measured accuracy.
//!
//! 1. Pairing. Straight (`"`) and curly (`“ ”`) double quote marks are paired left to right within a
//!    paragraph. A quotation that runs over paragraphs (each paragraph opens with a quote mark, only
//!    the last closes) is one span. A quote mark left open at the end of a paragraph that the next
//!    paragraph does not continue, or at the end of the text, is dropped. Single quotes are ignored,
//!    so a quote inside a quote stays inside its quotation.
//! 2. Attribution. The reporting word ([`CUES`]) nearest the quotation in its sentence: after it
//!    (`"...," X said`, `"...," said X`) when the quotation ends its clause (with `,`, `?`, `!` or a
//!    dash inside, or a lowercase word after it), else before it (`X said: "..."`, `according to X,
//!    "..."`), else after it. The speaker is the named PERSON or ORG mention next to the reporting
//!    word (skipping an apposition between commas: `X, the company's chief executive, said`), after
//!    it for an inverted `said X`, or a pronoun next to it resolved to the last named speaker that
//!    fits (`he`/`she`: a PERSON, `it`: an ORG, `they`: either).
//! 3. A quotation with no reporting word that follows a quotation of the same or the previous
//!    paragraph continues it (`"...," X said. "..."`) and takes its speaker.
//! 4. Not quotations: titles and names in quotes (every word capitalized, a few words) and short
//!    quotes (fewer than [`MIN_UNATTRIBUTED_WORDS`] words) with no reporting word: scare quotes.
//!
//! Every search looks at most [`WINDOW`] tokens away from its quotation, so the whole pass is linear
//! in the number of tokens.

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::entity::{Entity, Label};
use crate::span::Span;
use crate::token::{Gap, Token, TokenKind};

/// One direct quotation. Serializes as `{"start", "end", "speaker", "cue"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Start of the quotation, its opening quote mark included.
    pub start: usize,
    /// End of the quotation, its closing quote mark included.
    pub end: usize,
    /// Who said it, when the text names them; `None` otherwise.
    pub speaker: Option<Speaker>,
    /// The reporting word ("said", "according to"), when there is one.
    pub cue: Option<Span>,
}

/// The mention that names who said a quotation: a name, or a pronoun resolved to one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Start of the mention.
    pub start: usize,
    /// End of the mention.
    pub end: usize,
    /// The mention's text ("Jane Doe", "she").
    pub text: String,
    /// The index in [`Analysis::groups`](crate::Analysis::groups) of the entity the mention names
    /// or resolves to; `None` when it resolves to none.
    pub group: Option<usize>,
}

/// Reporting words, as lowercase tokens. After the verbs of the Gender Gap Tracker's quote
/// extractor (`nlp/english/rules/quote_verb_list.txt` of
/// <https://github.com/sfu-discourse-lab/GenderGapTracker>, Asr et al., PLoS ONE 16(1), 2021),
/// keeping those that introduce speech and leaving out the ones that are more often nouns or
/// other verbs in news ("state", "report", "note", "point", "present", "release", "think",
/// "continue", "finding"), plus "ask", "quote", "reply" forms, "tweet" and "write" forms.
/// Multi-word cues are in [`MULTI_WORD_CUES`].
pub const CUES: &[&str] = &[
    "accepted",
    "acknowledge",
    "acknowledged",
    "acknowledges",
    "add",
    "added",
    "adding",
    "adds",
    "admit",
    "admits",
    "admitted",
    "admitting",
    "advised",
    "announce",
    "announced",
    "announces",
    "argue",
    "argued",
    "argues",
    "arguing",
    "ask",
    "asked",
    "asks",
    "assert",
    "asserted",
    "asserting",
    "asserts",
    "assured",
    "assures",
    "claimed",
    "claiming",
    "clarified",
    "commented",
    "commenting",
    "conclude",
    "concluded",
    "concludes",
    "confirm",
    "confirmed",
    "confirms",
    "criticized",
    "declare",
    "declared",
    "declares",
    "described",
    "describes",
    "describing",
    "disputed",
    "estimated",
    "exclaimed",
    "explain",
    "explained",
    "explaining",
    "explains",
    "insist",
    "insisted",
    "insisting",
    "insists",
    "mentioned",
    "noted",
    "noting",
    "predicted",
    "predicts",
    "proclaimed",
    "quoted",
    "quoting",
    "recalled",
    "recalls",
    "reiterated",
    "remarked",
    "replied",
    "replies",
    "reported",
    "responded",
    "said",
    "say",
    "saying",
    "says",
    "stated",
    "stating",
    "suggested",
    "suggests",
    "tell",
    "telling",
    "tells",
    "testified",
    "told",
    "tweeted",
    "warn",
    "warned",
    "warning",
    "warns",
    "write",
    "writes",
    "writing",
    "wrote",
];

/// Multi-word reporting expressions, as lowercase token sequences; the speaker follows them.
pub const MULTI_WORD_CUES: &[&[&str]] = &[&["according", "to"], &["in", "the", "words", "of"]];

/// How far, in tokens, a search for a reporting word or a speaker goes from its quotation.
pub const WINDOW: usize = 40;

/// A quote with fewer words than this and no reporting word is a scare quote, not a quotation.
pub const MIN_UNATTRIBUTED_WORDS: usize = 6;

/// How many words a title in quotes has at most ("The Internet Explorer 6 Countdown").
const MAX_TITLE_WORDS: usize = 8;

/// Finds the direct quotations of `document`, in order, with their speakers among `entities` (the
/// grouped mentions of the same document, sorted and not overlapping).
pub fn find(document: &Document, entities: &[Entity]) -> Vec<Quote> {
    let context = Context::new(document, entities);
    let mut quotes: Vec<Quote> = Vec::new();
    let mut last_person: Option<Speaker> = None;
    let mut last_org: Option<Speaker> = None;
    let mut previous_end_token: Option<usize> = None;
    for (open, close) in pair_marks(&context) {
        let words = (open + 1..close).filter(|&k| context.tokens[k].kind != TokenKind::Punct).count();
        if words == 0 || context.is_title(open, close) {
            continue;
        }
        let attribution = context.attribute(open, close);
        let speaker = match attribution {
            Some((_, Some(Found::Pronoun(k)))) => {
                context.resolve_pronoun(k, last_person.as_ref(), last_org.as_ref())
            }
            Some((_, Some(Found::Mention(m)))) => Some(context.speaker_of(m)),
            Some((_, None)) => None,
            None if words < MIN_UNATTRIBUTED_WORDS => continue,
            None => match (previous_end_token, quotes.last()) {
                (Some(end), Some(previous)) if context.continues(end, open) => previous.speaker.clone(),
                _ => None,
            },
        };
        let cue = attribution
            .map(|(cue, _)| Span::new(context.tokens[cue.start].start, context.tokens[cue.end - 1].end));
        if let Some(speaker) = &speaker {
            match speaker.group.map(|g| context.group_labels.get(&g)) {
                Some(Some(Label::Person)) => last_person = Some(speaker.clone()),
                Some(Some(Label::Org)) => last_org = Some(speaker.clone()),
                _ => {}
            }
        }
        quotes.push(Quote {
            start: context.tokens[open].start,
            end: context.tokens[close].end,
            speaker,
            cue,
        });
        previous_end_token = Some(close);
    }
    quotes
}

/// What a speaker search found next to a reporting word.
#[derive(Clone, Copy, Debug)]
enum Found {
    /// The index of a PERSON or ORG mention in the entities.
    Mention(usize),
    /// The index of a pronoun token.
    Pronoun(usize),
}

/// The document read token by token, with what the searches need precomputed.
struct Context<'a> {
    text: &'a str,
    tokens: &'a [Token],
    entities: &'a [Entity],
    /// The sentence of each token (tokens outside every sentence get a number of their own).
    sentence_of: Vec<usize>,
    /// For each token, the PERSON or ORG mention that covers it.
    mention_at: Vec<Option<usize>>,
    /// Each group's label, for pronoun resolution.
    group_labels: std::collections::HashMap<usize, Label>,
    /// The indices of PERSON and ORG mentions, for the fallback of pronoun resolution.
    named: Vec<usize>,
}

impl<'a> Context<'a> {
    fn new(document: &'a Document, entities: &'a [Entity]) -> Context<'a> {
        let tokens = document.tokens();
        let mut sentence_of = vec![usize::MAX; tokens.len()];
        for (index, sentence) in document.sentences().iter().enumerate() {
            for k in sentence.tokens.clone() {
                sentence_of[k] = index;
            }
        }
        let mut mention_at = vec![None; tokens.len()];
        let mut named = Vec::new();
        let mut group_labels = std::collections::HashMap::new();
        let mut k = 0;
        for (index, entity) in entities.iter().enumerate() {
            if !matches!(entity.label, Label::Person | Label::Org) {
                continue;
            }
            named.push(index);
            group_labels.insert(entity.group, entity.label);
            while k < tokens.len() && tokens[k].end <= entity.span.start {
                k += 1;
            }
            let mut j = k;
            while j < tokens.len() && tokens[j].start < entity.span.end {
                mention_at[j] = Some(index);
                j += 1;
            }
        }
        Context { text: document.text(), tokens, entities, sentence_of, mention_at, group_labels, named }
    }

    /// The lowercase-sensitive text of token `k`.
    fn word(&self, k: usize) -> &'a str {
        self.tokens[k].text(self.text)
    }

    /// Whether token `k` is in the same sentence as token `other`.
    fn same_sentence(&self, k: usize, other: usize) -> bool {
        self.sentence_of[k] == self.sentence_of[other] && self.sentence_of[k] != usize::MAX
    }

    /// Whether token `k` is a double quote mark.
    fn is_mark(&self, k: usize) -> bool {
        matches!(self.word(k), "\"" | "“" | "”" | "„" | "″")
    }

    /// Whether token `k` opens a paragraph: it follows a blank line, or a line break that also
    /// ends a sentence (a hard-wrapped line inside a sentence is not a new paragraph).
    fn opens_paragraph(&self, k: usize) -> bool {
        match self.tokens[k].gap {
            Gap::BlankLine => true,
            Gap::LineBreak => k > 0 && !self.same_sentence(k - 1, k),
            Gap::None | Gap::Space => false,
        }
    }

    /// Whether the quote from `open` to `close` is a title or a name: a few words, every one
    /// capitalized but small function words, no punctuation but at its end.
    fn is_title(&self, open: usize, close: usize) -> bool {
        let inner = &self.tokens[open + 1..close];
        let mut words = 0;
        for (index, token) in inner.iter().enumerate() {
            let word = token.text(self.text);
            match token.kind {
                TokenKind::Punct if index + 1 == inner.len() || matches!(word, "-" | ":" | "&" | "'") => {}
                TokenKind::Punct => return false,
                TokenKind::Word => {
                    words += 1;
                    let small = matches!(
                        word,
                        "a" | "an" | "the" | "of" | "and" | "or" | "in" | "on" | "at" | "to" | "for" | "'s"
                    );
                    if !small && !word.starts_with(|c: char| c.is_uppercase()) {
                        return false;
                    }
                }
                _ => words += 1,
            }
        }
        words <= MAX_TITLE_WORDS
    }

    /// Whether a quotation opening at token `open` continues the one that closed at token `end`:
    /// nothing but its own sentence lies between them, in the same or the next paragraph.
    fn continues(&self, end: usize, open: usize) -> bool {
        let paragraphs = (end + 1..=open).filter(|&k| self.opens_paragraph(k)).count();
        paragraphs <= 1 && open - end <= WINDOW
    }

    /// The reporting word of the quotation from `open` to `close` (a token range) and the speaker
    /// found next to it, if any.
    fn attribute(&self, open: usize, close: usize) -> Option<(std::ops::Range<usize>, Option<Found>)> {
        let ends_clause = close >= 1
            && (matches!(self.word(close - 1), "," | "?" | "!" | "—" | "–" | "-" | "--" | "...")
                || self.tokens.get(close + 1).is_some_and(|t| {
                    t.kind == TokenKind::Word && t.text(self.text).starts_with(char::is_lowercase)
                })
                || self.tokens.get(close + 1).is_some_and(|t| t.text(self.text) == ","));
        let after =
            || self.cue_after(close).map(|cue| (cue.clone(), self.speaker_near(cue, close + 1, true)));
        let before = || self.cue_before(open).map(|cue| (cue.clone(), self.speaker_near(cue, open, false)));
        if ends_clause {
            after().or_else(before)
        } else {
            before().or_else(after)
        }
    }

    /// The reporting word at token `k`, as a token range, if one starts there.
    fn cue_at(&self, k: usize) -> Option<std::ops::Range<usize>> {
        let word = self.word(k);
        if !word.starts_with(char::is_lowercase) && !self.opens_sentence(k) {
            return None;
        }
        let lower = word.to_lowercase();
        if CUES.contains(&lower.as_str()) {
            return Some(k..k + 1);
        }
        MULTI_WORD_CUES.iter().find_map(|cue| {
            let matches = cue.iter().enumerate().all(|(i, part)| {
                self.tokens.get(k + i).is_some_and(|t| t.text(self.text).eq_ignore_ascii_case(part))
            });
            matches.then(|| k..k + cue.len())
        })
    }

    /// Whether token `k` is the first of its sentence.
    fn opens_sentence(&self, k: usize) -> bool {
        k == 0 || !self.same_sentence(k - 1, k)
    }

    /// The nearest reporting word after the quotation closing at token `close`, in its sentence,
    /// before any other quote mark.
    fn cue_after(&self, close: usize) -> Option<std::ops::Range<usize>> {
        let last = (close + WINDOW).min(self.tokens.len().saturating_sub(1));
        (close + 1..=last)
            .take_while(|&k| self.same_sentence(k, close) && !self.is_mark(k))
            .find_map(|k| self.cue_at(k))
    }

    /// The nearest reporting word before the quotation opening at token `open`, in its sentence,
    /// after any other quote mark.
    fn cue_before(&self, open: usize) -> Option<std::ops::Range<usize>> {
        (open.saturating_sub(WINDOW)..open)
            .rev()
            .take_while(|&k| self.same_sentence(k, open) && !self.is_mark(k))
            .find_map(|k| self.cue_at(k))
    }

    /// The speaker next to the reporting word `cue`: before it back to token `limit` (exclusive,
    /// the quotation's side) when `limit` is before the cue, else after it up to `limit`; an
    /// inverted `said X` or a multi-word cue looks after it first.
    fn speaker_near(&self, cue: std::ops::Range<usize>, limit: usize, quote_before: bool) -> Option<Found> {
        let multi_word = cue.len() > 1;
        let between = if quote_before { cue.start.saturating_sub(limit) } else { 0 };
        let bare = between == 0 || (between == 1 && self.word(limit) == ",");
        if multi_word || (quote_before && bare) {
            return self
                .speaker_after(cue.end)
                .or_else(|| self.speaker_before(cue.start, limit, quote_before));
        }
        self.speaker_before(cue.start, limit, quote_before).or_else(|| self.speaker_after(cue.end))
    }

    /// The first PERSON or ORG mention or pronoun after token `from`, within a few tokens, in the
    /// sentence, before a comma, a colon or a quote mark.
    fn speaker_after(&self, from: usize) -> Option<Found> {
        let last = (from + WINDOW / 4).min(self.tokens.len());
        for k in from..last {
            if !self.same_sentence(k, from.saturating_sub(1)) || self.is_mark(k) {
                return None;
            }
            if let Some(found) = self.found_at(k) {
                return Some(found);
            }
            if matches!(self.word(k), "," | ":" | ";" | "." | "by") {
                return None;
            }
        }
        None
    }

    /// The nearest PERSON or ORG mention or pronoun before token `cue`, skipping an apposition
    /// between commas right before it; with the quotation before the cue, not before token `limit`,
    /// else not before the sentence's start or another quote mark.
    fn speaker_before(&self, cue: usize, limit: usize, quote_before: bool) -> Option<Found> {
        let floor = if quote_before { limit } else { cue.saturating_sub(WINDOW) };
        let mut k = cue;
        // Adverbs and auxiliaries between a subject and its verb: "also said", "has said".
        while k > floor
            && matches!(
                self.word(k - 1),
                "also" | "later" | "then" | "has" | "had" | "have" | "once" | "again"
            )
        {
            k -= 1;
        }
        if k > floor && self.word(k - 1) == "," {
            let opening = (floor..k - 1)
                .rev()
                .take_while(|&j| self.same_sentence(j, cue))
                .find(|&j| self.word(j) == ",");
            if let Some(j) = opening {
                if let Some(found) = (j > floor).then(|| self.found_at(j - 1)).flatten() {
                    return Some(found);
                }
            }
        }
        (floor..k)
            .rev()
            .take_while(|&j| self.same_sentence(j, cue) && !self.is_mark(j))
            .find_map(|j| self.found_at(j))
    }

    /// The PERSON or ORG mention or the pronoun at token `k`.
    fn found_at(&self, k: usize) -> Option<Found> {
        if let Some(m) = self.mention_at[k] {
            return Some(Found::Mention(m));
        }
        matches!(self.word(k), "he" | "He" | "she" | "She" | "it" | "It" | "they" | "They")
            .then_some(Found::Pronoun(k))
    }

    /// The speaker for mention `m`.
    fn speaker_of(&self, m: usize) -> Speaker {
        let entity = &self.entities[m];
        Speaker {
            start: entity.span.start,
            end: entity.span.end,
            text: entity.text.clone(),
            group: Some(entity.group),
        }
    }

    /// The pronoun at token `k` as a speaker, resolved to the last named speaker that fits, or
    /// failing one, to the last fitting named mention before it.
    fn resolve_pronoun(&self, k: usize, person: Option<&Speaker>, org: Option<&Speaker>) -> Option<Speaker> {
        let token = self.tokens[k];
        let word = self.word(k).to_lowercase();
        let fits = |label: Label| match word.as_str() {
            "he" | "she" => label == Label::Person,
            "it" => label == Label::Org,
            _ => true,
        };
        let last_speaker = [person, org]
            .into_iter()
            .flatten()
            .filter(|s| s.start < token.start)
            .filter(|s| s.group.and_then(|g| self.group_labels.get(&g)).is_some_and(|&l| fits(l)))
            .max_by_key(|s| s.start);
        let group = match last_speaker {
            Some(speaker) => speaker.group,
            None => {
                let before = self.named.partition_point(|&m| self.entities[m].span.end <= token.start);
                self.named[..before]
                    .iter()
                    .rev()
                    .take(WINDOW)
                    .find(|&&m| fits(self.entities[m].label))
                    .map(|&m| self.entities[m].group)
            }
        };
        Some(Speaker { start: token.start, end: token.end, text: self.word(k).to_string(), group })
    }
}

/// The quote marks of the text paired into quotations, as (opening, closing) token indices.
fn pair_marks(context: &Context) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut open: Option<usize> = None;
    for k in 0..context.tokens.len() {
        let new_paragraph = context.opens_paragraph(k);
        if !context.is_mark(k) {
            if new_paragraph {
                // An open quotation that the new paragraph does not continue is dropped.
                open = None;
            }
            continue;
        }
        let mark = context.word(k);
        match open {
            // Each paragraph of a long quotation opens with a quote mark: it continues.
            Some(_) if new_paragraph && mark != "”" => {}
            Some(start) if mark != "“" && mark != "„" => {
                pairs.push((start, k));
                open = None;
            }
            _ if mark == "”" => open = None,
            _ => open = Some(k),
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use crate::Analyzer;

    /// The quotations of `text` as (quotation, speaker text, speaker's group text, cue) strings.
    fn quotes(text: &str) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
        let analysis = Analyzer::new().analyze(text);
        analysis
            .quotes
            .iter()
            .map(|q| {
                let speaker = q.speaker.as_ref();
                (
                    text[q.start..q.end].to_string(),
                    speaker.map(|s| s.text.clone()),
                    speaker.and_then(|s| s.group).map(|g| analysis.groups[g].text.clone()),
                    q.cue.map(|c| text[c.start..c.end].to_string()),
                )
            })
            .collect()
    }

    /// The (quotation, speaker's group text) pairs of `text`.
    fn who(text: &str) -> Vec<(String, Option<String>)> {
        quotes(text).into_iter().map(|(q, _, g, _)| (q, g)).collect()
    }

    fn pair(quote: &str, speaker: Option<&str>) -> (String, Option<String>) {
        (quote.to_string(), speaker.map(str::to_string))
    }

    #[test]
    fn a_quotation_before_its_speaker_and_cue() {
        let text = "\"We will build the factory next year,\" Maria Gonzalez said on Tuesday.";
        let found = quotes(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "\"We will build the factory next year,\"");
        assert_eq!(found[0].1.as_deref(), Some("Maria Gonzalez"));
        assert_eq!(found[0].3.as_deref(), Some("said"));
    }

    #[test]
    fn a_speaker_and_cue_before_the_quotation() {
        let text = "Peter Olsen said: “The river has never been this low in our lifetime.”";
        assert_eq!(
            who(text),
            [pair("“The river has never been this low in our lifetime.”", Some("Peter Olsen"))]
        );
    }

    #[test]
    fn an_inverted_cue_with_an_apposition_after_the_name() {
        let text = "\"Sales grew in every region we serve,\" said Thomas Keller, the company's chief \
                    executive.";
        let found = quotes(text);
        assert_eq!(found[0].1.as_deref(), Some("Thomas Keller"), "{found:?}");
        assert_eq!(found[0].3.as_deref(), Some("said"));
    }

    #[test]
    fn an_apposition_between_the_name_and_the_cue() {
        let text = "\"The bridge will stay closed until the inspection ends,\" Laura Jensen, a spokeswoman \
                    for the Ministry of Transport, said.";
        assert_eq!(who(text)[0].1.as_deref(), Some("Laura Jensen"));
    }

    #[test]
    fn a_quotation_split_around_its_attribution_keeps_its_speaker() {
        let text = "\"We expected a hard winter,\" Ahmed Karimi said. \"Nobody expected the floods that \
                    came after it.\"";
        let found = who(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(_, s)| s.as_deref() == Some("Ahmed Karimi")), "{found:?}");
    }

    #[test]
    fn a_quotation_over_several_paragraphs_is_one() {
        let text = "Helen Brooks said: \"The first year was the hardest one for the whole team.\n\n\
                    \"We learned to trust each other again, and the results followed.\"\n\nThe club \
                    declined to comment.";
        let found = who(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("followed.\""), "{found:?}");
        assert_eq!(found[0].1.as_deref(), Some("Helen Brooks"));
    }

    #[test]
    fn a_quote_inside_a_quote_stays_in_its_quotation() {
        let text = "\"He told me 'never again' and walked out of the room,\" Sofia Marin said.";
        let found = who(text);
        assert_eq!(
            found,
            [pair("\"He told me 'never again' and walked out of the room,\"", Some("Sofia Marin"))]
        );
    }

    #[test]
    fn scare_quotes_and_titles_are_not_quotations() {
        let text = "The so-called \"experts\" reviewed the film \"The Long Road Home\" last week. The \
                    council's \"green plan\" failed.";
        assert_eq!(quotes(text), []);
    }

    #[test]
    fn a_short_quote_with_a_reporting_word_is_a_quotation() {
        let text = "Prime Minister Anna Berg said the plan was \"a serious mistake\".";
        let found = who(text);
        assert_eq!(found, [pair("\"a serious mistake\"", Some("Anna Berg"))]);
    }

    #[test]
    fn a_pronoun_resolves_to_the_last_named_speaker() {
        let text = "Daniel Ortega spoke to reporters on Monday. \"We are ready for the talks,\" Ortega \
                    said. \"Nobody wants another year of this conflict,\" he added.";
        let found = quotes(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].1.as_deref(), Some("he"));
        assert_eq!(found[1].2, found[0].2);
        assert!(found[1].2.is_some());
        assert_eq!(found[1].3.as_deref(), Some("added"));
    }

    #[test]
    fn according_to_names_the_speaker_after_it() {
        let text = "According to Greenpeace, \"the spill is the worst the coast has seen in decades.\"";
        assert_eq!(who(text)[0].1.as_deref(), Some("Greenpeace"));
    }

    #[test]
    fn a_quotation_of_nobody_named_has_no_speaker() {
        let text = "\"The water came in through the floor within minutes,\" one resident said.";
        let found = quotes(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, None);
        assert_eq!(found[0].3.as_deref(), Some("said"));
    }

    #[test]
    fn unbalanced_and_stray_quote_marks_do_not_panic_or_make_quotations() {
        for text in ["\"", "\"\"", "“", "”", "a \" b", "\"said\" \"", "” said “", "\"\n\n\"", "said \"x"]
        {
            let quotes = Analyzer::new().analyze(text).quotes;
            for quote in &quotes {
                assert!(quote.start < quote.end && quote.end <= text.len(), "{text:?}: {quote:?}");
            }
        }
        assert!(Analyzer::new().analyze("He said \"we will").quotes.is_empty());
    }
}
