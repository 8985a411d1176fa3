//! Direct quotations and who said them, from the tokens, sentences and entity mentions an analysis
//! already has (no parser): see `docs/quotes.md` for the conventions and the measured accuracy.
//!
//! 1. Pairing ([`pair_marks`]). Straight (`"`) and curly (`“ ”`) double quote marks pair left to
//!    right within a paragraph. A quotation over paragraphs (each paragraph opens with a quote mark,
//!    only the last closes) is one span; one left open at a paragraph's end ends there. Single
//!    quotes are ignored, so a quote inside a quote stays inside its quotation.
//! 2. Attribution. The reporting word ([`CUES`]) nearest the quotation in its sentence: after it
//!    (`"...," X said`, `"...," said X`) when the quotation ends its clause, else before it
//!    (`X said: "..."`, `according to X, "..."`, also across the end of the sentence before when
//!    that ends with a colon or a comma). The speaker is the named PERSON or ORG next to the
//!    reporting word: the subject before it (past an apposition between commas, the nearest
//!    PERSON: `X, the company's chief executive, said`; past a description, the name that owns
//!    it, `X's spokesman said`, or nobody, `one resident said`), or after an inverted or
//!    multi-word cue; a name after an honorific the tagger missed; or a pronoun resolved to the
//!    last named speaker that fits (`he`/`she`: a PERSON, failing one the last PERSON mentioned;
//!    `it`/`they`: an ORG), else nobody.
//! 3. Without a reporting word next to it: a dash and a PERSON after it (`"..." - X`); the subject
//!    of a sentence that introduces it with a colon (`X defended the plan: "..."`); the speaker of
//!    the sentence before with a reporting word (`X said [...]. "..."`); or the speaker of the
//!    quotation it continues, in the same or the previous paragraph with nobody else named
//!    between (`"...," X said. "..."`).
//! 4. Not quotations: titles and names in quotes (a few words, every one capitalized), short
//!    quotes (fewer than [`MIN_UNATTRIBUTED_WORDS`] words) with no reporting word (scare quotes),
//!    and quotes with neither a reporting word nor a sentence's end (headlines).
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
/// "continue", "finding", and "call", which names more often than it quotes), plus forms of
/// "ask", "characterize", "quote" and "recall", and "continued" (`She continued: "..."`).
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
    "characterised",
    "characterized",
    "continued",
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
    "notes",
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
    "states",
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
    let mut previous_close: Option<usize> = None;
    for marks in pair_marks(&context) {
        let inner = marks.inner();
        let words = inner.clone().filter(|&k| context.tokens[k].kind != TokenKind::Punct).count();
        if words == 0 || context.is_title(inner.clone()) {
            continue;
        }
        let sentence_end = |k: usize| matches!(context.word(k), "." | "!" | "?" | "," | ";" | "..." | "…");
        let whole_sentence = inner.clone().last().is_some_and(sentence_end)
            || (marks.closed && marks.last + 1 < context.tokens.len() && sentence_end(marks.last + 1));
        let previous_group = quotes.last().and_then(|q| q.speaker.as_ref()).and_then(|s| s.group);
        let continued = previous_close.filter(|&close| context.continues(close, marks.open, previous_group));
        let attribution = context.attribute(&marks).or_else(|| {
            let previous = continued.and(quotes.last()).filter(|_| whole_sentence)?;
            Some(Attribution { cue: None, speaker: previous.speaker.clone().map(Found::Copied) })
        });
        let Some(attribution) = attribution else {
            // No reporting word and no quotation to continue: a quotation only if it is long and
            // ends like a sentence, else a scare quote or a headline.
            if words < MIN_UNATTRIBUTED_WORDS || !whole_sentence {
                continue;
            }
            quotes.push(Quote {
                start: context.tokens[marks.open].start,
                end: context.tokens[marks.last].end,
                speaker: None,
                cue: None,
            });
            previous_close = Some(marks.last);
            continue;
        };
        let speaker = attribution.speaker.and_then(|found| match found {
            Found::Pronoun(k) => context.resolve_pronoun(k, last_person.as_ref(), last_org.as_ref()),
            Found::Mention(m) => Some(context.speaker_of(m)),
            Found::Name(range) => Some(Speaker {
                start: context.tokens[range.start].start,
                end: context.tokens[range.end - 1].end,
                text: context.text[context.tokens[range.start].start..context.tokens[range.end - 1].end]
                    .to_string(),
                group: None,
            }),
            Found::Copied(speaker) => Some(speaker),
        });
        let cue = attribution
            .cue
            .map(|cue| Span::new(context.tokens[cue.start].start, context.tokens[cue.end - 1].end));
        if let Some(speaker) = &speaker {
            match speaker.group.and_then(|g| context.group_labels.get(&g)) {
                Some(Label::Person) => last_person = Some(speaker.clone()),
                Some(Label::Org) => last_org = Some(speaker.clone()),
                _ => {}
            }
        }
        quotes.push(Quote {
            start: context.tokens[marks.open].start,
            end: context.tokens[marks.last].end,
            speaker,
            cue,
        });
        previous_close = Some(marks.last);
    }
    quotes
}

/// A quotation's marks as token indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Marks {
    /// The opening quote mark.
    open: usize,
    /// The closing quote mark, or the last token of the paragraph of a quotation left open.
    last: usize,
    /// Whether `last` is a closing quote mark.
    closed: bool,
}

impl Marks {
    /// The tokens inside the quote marks.
    fn inner(&self) -> std::ops::Range<usize> {
        self.open + 1..if self.closed { self.last } else { self.last + 1 }
    }
}

/// What a speaker search found next to a reporting word.
#[derive(Clone, Debug)]
enum Found {
    /// The index of a PERSON or ORG mention in the entities.
    Mention(usize),
    /// The index of a pronoun token.
    Pronoun(usize),
    /// Tokens of a name the tagger missed after an honorific ("Mr. Toccafondi").
    Name(std::ops::Range<usize>),
    /// The speaker of the quotation this one continues.
    Copied(Speaker),
}

/// The reporting word of a quotation, as a token range, and who it names.
#[derive(Clone, Debug)]
struct Attribution {
    cue: Option<std::ops::Range<usize>>,
    speaker: Option<Found>,
}

/// Words between a subject and its reporting verb that do not end the subject: "also said".
fn is_adverb(word: &str) -> bool {
    matches!(
        word,
        "also"
            | "later"
            | "then"
            | "has"
            | "had"
            | "have"
            | "once"
            | "again"
            | "was"
            | "would"
            | "will"
            | "further"
            | "simply"
            | "previously"
    ) || (word.len() > 4 && word.ends_with("ly") && word.starts_with(char::is_lowercase))
}

/// Titles before a name that the tagger may leave out of a PERSON ("Mr. Toccafondi").
fn is_honorific(word: &str) -> bool {
    matches!(
        word,
        "Mr."
            | "Mr"
            | "Mrs."
            | "Mrs"
            | "Ms."
            | "Ms"
            | "Dr."
            | "Dr"
            | "Prof."
            | "Professor"
            | "Sen."
            | "Senator"
            | "Rep."
            | "Gov."
            | "Governor"
            | "President"
            | "Minister"
            | "Judge"
    )
}

/// The document read token by token, with what the searches need precomputed.
struct Context<'a> {
    text: &'a str,
    tokens: &'a [Token],
    entities: &'a [Entity],
    /// The sentence of each token (`usize::MAX` for a token outside every sentence).
    sentence_of: Vec<usize>,
    /// The first token of each sentence.
    sentence_starts: Vec<usize>,
    /// For each token, the PERSON or ORG mention that covers it.
    mention_at: Vec<Option<usize>>,
    /// Each group's label, for pronoun resolution.
    group_labels: std::collections::HashMap<usize, Label>,
    /// The indices of PERSON mentions, for the fallback of pronoun resolution.
    persons: Vec<usize>,
}

impl<'a> Context<'a> {
    fn new(document: &'a Document, entities: &'a [Entity]) -> Context<'a> {
        let tokens = document.tokens();
        let mut sentence_of = vec![usize::MAX; tokens.len()];
        let mut sentence_starts = Vec::with_capacity(document.sentences().len());
        for (index, sentence) in document.sentences().iter().enumerate() {
            sentence_starts.push(sentence.tokens.start);
            for k in sentence.tokens.clone() {
                sentence_of[k] = index;
            }
        }
        let mut mention_at = vec![None; tokens.len()];
        let mut persons = Vec::new();
        let mut group_labels = std::collections::HashMap::new();
        let mut k = 0;
        for (index, entity) in entities.iter().enumerate() {
            if !matches!(entity.label, Label::Person | Label::Org) {
                continue;
            }
            if entity.label == Label::Person {
                persons.push(index);
            }
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
        Context {
            text: document.text(),
            tokens,
            entities,
            sentence_of,
            sentence_starts,
            mention_at,
            group_labels,
            persons,
        }
    }

    /// The text of token `k`.
    fn word(&self, k: usize) -> &'a str {
        self.tokens[k].text(self.text)
    }

    /// Whether token `k` is in the same sentence as token `other`.
    fn same_sentence(&self, k: usize, other: usize) -> bool {
        self.sentence_of[k] == self.sentence_of[other] && self.sentence_of[k] != usize::MAX
    }

    /// The first token of the sentence of token `k` (`k` itself outside every sentence).
    fn sentence_start(&self, k: usize) -> usize {
        self.sentence_starts.get(self.sentence_of[k]).copied().unwrap_or(k)
    }

    /// Whether token `k` is a double quote mark.
    fn is_mark(&self, k: usize) -> bool {
        matches!(self.word(k), "\"" | "“" | "”" | "„" | "″")
    }

    /// Whether the mark at token `k` is written like a closing one: against the word before it,
    /// not against the word after it.
    fn looks_closing(&self, k: usize) -> bool {
        k > 0
            && self.tokens[k].gap == Gap::None
            && self.tokens.get(k + 1).is_none_or(|next| next.gap != Gap::None)
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

    /// Whether the quote made of tokens `inner` is a title or a name: a few words, every one
    /// capitalized but small function words, no punctuation but at its end.
    fn is_title(&self, inner: std::ops::Range<usize>) -> bool {
        let last = inner.end.saturating_sub(1);
        let mut words = 0;
        for k in inner {
            let word = self.word(k);
            match self.tokens[k].kind {
                TokenKind::Punct if k == last || matches!(word, "-" | ":" | "&" | "'") => {}
                TokenKind::Punct => return false,
                TokenKind::Word => {
                    words += 1;
                    let small = matches!(
                        word,
                        "a" | "an" | "the" | "of" | "and" | "or" | "in" | "on" | "at" | "to" | "for" | "'s"
                    );
                    if !small && !word.starts_with(char::is_uppercase) {
                        return false;
                    }
                }
                _ => words += 1,
            }
        }
        words <= MAX_TITLE_WORDS
    }

    /// Whether a quotation opening at token `open` continues the one that ended at token `end`:
    /// in the same or the next paragraph, a few tokens on, with nobody of its speaker's label named
    /// between them but its speaker (of group `speaker`).
    fn continues(&self, end: usize, open: usize, speaker: Option<usize>) -> bool {
        open > end
            && open - end <= WINDOW
            && (end + 1..=open).filter(|&k| self.opens_paragraph(k)).count() <= 1
            && (end + 1..open).all(|k| {
                self.mention_at[k].is_none_or(|m| {
                    let entity = &self.entities[m];
                    Some(entity.group) == speaker
                        || speaker.and_then(|g| self.group_labels.get(&g)).is_some_and(|&l| l != entity.label)
                })
            })
    }

    /// The reporting word and speaker of the quotation of `marks`: after it when the quotation
    /// ends its clause, before it, next to a colon that introduces it, in the sentence before it.
    fn attribute(&self, marks: &Marks) -> Option<Attribution> {
        let Marks { open, last, closed } = *marks;
        let next = |k: usize| self.tokens.get(k).map(|t| t.text(self.text));
        let ends_clause = closed
            && (matches!(self.word(last - 1), "," | "?" | "!" | "—" | "–" | "-" | "--" | "...")
                || next(last + 1).is_some_and(|w| w == "," || w.starts_with(char::is_lowercase)));
        let after = || closed.then(|| self.attribute_after(last)).flatten();
        let before = || self.attribute_before(open);
        let (first, second) = if ends_clause { (after(), before()) } else { (before(), after()) };
        let named = |a: &Option<Attribution>| a.as_ref().is_some_and(|a| a.speaker.is_some());
        if named(&first) {
            return first;
        }
        if named(&second) {
            return second;
        }
        let dash = closed.then(|| self.attribute_dash(last)).flatten();
        first
            .or(second)
            .or(dash)
            .or_else(|| self.attribute_colon(open))
            .or_else(|| self.attribute_previous(open))
    }

    /// `"...," X said` or `"...," said X`: the nearest reporting word after the closing mark at
    /// `close`, in its sentence, before any other quote mark.
    fn attribute_after(&self, close: usize) -> Option<Attribution> {
        let last = (close + WINDOW).min(self.tokens.len().saturating_sub(1));
        let cue = (close + 1..=last)
            .take_while(|&k| self.same_sentence(k, close) && !self.is_mark(k))
            .find_map(|k| self.cue_at(k))?;
        let bare = (close + 1..cue.start).all(|k| self.word(k) == ",");
        let speaker =
            if bare { self.speaker_after(cue.end) } else { self.speaker_before(cue.start, close + 1) };
        Some(Attribution { cue: Some(cue), speaker })
    }

    /// `X said: "..."` or `according to X, "..."`: the nearest reporting word before the opening
    /// mark at `open`, in its sentence (or the sentence before, when that one ends with a colon or
    /// a comma that introduces the quotation), after any other quote mark.
    fn attribute_before(&self, open: usize) -> Option<Attribution> {
        let floor = self.scope_start(open).max(open.saturating_sub(WINDOW));
        let cue = (floor..open).rev().take_while(|&k| !self.is_mark(k)).find_map(|k| self.cue_at(k))?;
        let speaker = if cue.len() > 1 {
            self.speaker_after(cue.end).or_else(|| self.speaker_before(cue.start, floor))
        } else {
            self.speaker_before(cue.start, floor)
        };
        Some(Attribution { cue: Some(cue), speaker })
    }

    /// Where the text that introduces a quotation opening at `open` starts: its sentence's start,
    /// or the start of the sentence before when the quotation opens a sentence and the one before
    /// ends with a colon or a comma.
    fn scope_start(&self, open: usize) -> usize {
        let start = self.sentence_start(open);
        if start == open && open > 0 && matches!(self.word(open - 1), ":" | ",") {
            self.sentence_start(open - 1)
        } else {
            start
        }
    }

    /// `"..." - X`: a dash and a PERSON right after the closing mark at `close`.
    fn attribute_dash(&self, close: usize) -> Option<Attribution> {
        let dash = close + 1;
        if dash + 1 >= self.tokens.len() || !matches!(self.word(dash), "-" | "—" | "–" | "--") {
            return None;
        }
        let m = self.mention_at[dash + 1]?;
        (self.entities[m].label == Label::Person)
            .then_some(Attribution { cue: None, speaker: Some(Found::Mention(m)) })
    }

    /// `X, on the plan: "..."`: a colon right before the quotation (or ending the sentence before)
    /// without a reporting word; the speaker is the sentence's first PERSON, or failing one its
    /// first ORG or pronoun.
    fn attribute_colon(&self, open: usize) -> Option<Attribution> {
        if open == 0 || self.word(open - 1) != ":" {
            return None;
        }
        let scope = self.scope_start(open).max(open.saturating_sub(WINDOW))..open;
        let found: Vec<Found> = scope.filter_map(|k| self.found_at(k)).collect();
        let person =
            found.iter().find(|f| matches!(f, Found::Mention(m) if self.entities[*m].label == Label::Person));
        let speaker = person.or(found.first()).cloned()?;
        Some(Attribution { cue: None, speaker: Some(speaker) })
    }

    /// `X said [...]. "..."`: a quotation opening its sentence, after a sentence of the same
    /// paragraph with a reporting word and a named speaker before it.
    fn attribute_previous(&self, open: usize) -> Option<Attribution> {
        if self.sentence_start(open) != open || open == 0 || self.opens_paragraph(open) {
            return None;
        }
        let start = self.sentence_start(open - 1).max(open.saturating_sub(WINDOW));
        // Reporting words outside the sentence's own quotations.
        let mut inside = false;
        let cue = (start..open).find_map(|k| {
            inside ^= self.is_mark(k);
            if inside || self.is_mark(k) {
                None
            } else {
                self.cue_at(k)
            }
        })?;
        let speaker = self.speaker_before(cue.start, start)?;
        Some(Attribution { cue: Some(cue), speaker: Some(speaker) })
    }

    /// The reporting word at token `k`, as a token range, if one starts there.
    fn cue_at(&self, k: usize) -> Option<std::ops::Range<usize>> {
        let word = self.word(k);
        if !word.starts_with(char::is_lowercase) && self.sentence_start(k) != k {
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

    /// The first PERSON or ORG mention or pronoun after token `from`, within a few tokens of its
    /// sentence, before a colon, a semicolon, a period, "by" or a quote mark; a PERSON after an
    /// ORG wins ("in the words of the Crown prosecutor, Jane Doe").
    fn speaker_after(&self, from: usize) -> Option<Found> {
        let last = (from + WINDOW / 4).min(self.tokens.len());
        let mut first = None;
        for k in from..last {
            if k == 0 || !self.same_sentence(k, k - 1) || self.is_mark(k) {
                break;
            }
            match self.found_at(k) {
                Some(Found::Mention(m)) if self.entities[m].label == Label::Org => {
                    first = first.or(Some(Found::Mention(m)));
                }
                Some(found) => return Some(found),
                None => {}
            }
            if matches!(self.word(k), ":" | ";" | "." | "by") {
                break;
            }
        }
        first
    }

    /// The subject before the reporting word at token `cue`, not before token `floor`: the name
    /// right before it; past an apposition between commas, the nearest PERSON (`X, the company's
    /// chief executive, said`); past a description, the name that owns it (`X's spokesman said`),
    /// or nobody (`one resident said`).
    fn speaker_before(&self, cue: usize, floor: usize) -> Option<Found> {
        let mut k = cue;
        while k > floor && is_adverb(self.word(k - 1)) {
            k -= 1;
        }
        if k <= floor {
            return None;
        }
        let before = self.word(k - 1);
        let within = || (floor..k).rev().take_while(|&j| !self.is_mark(j));
        if before == "," {
            let found: Vec<Found> = within().filter_map(|j| self.found_at(j)).collect();
            let person = found
                .iter()
                .find(|f| !matches!(f, Found::Mention(m) if self.entities[*m].label == Label::Org));
            return person.or(found.first()).cloned();
        }
        if self.mention_at[k - 1].is_none()
            && self.tokens[k - 1].kind == TokenKind::Word
            && before.starts_with(char::is_lowercase)
            && self.found_at(k - 1).is_none()
        {
            // A description: its owner, if a name owns it, else nobody named.
            return within()
                .take(12)
                .take_while(|&j| {
                    self.word(j).starts_with(char::is_lowercase)
                        || self.word(j) == "'s"
                        || self.word(j) == "'"
                })
                .find(|&j| matches!(self.word(j), "'s" | "'"))
                .and_then(|j| j.checked_sub(1))
                .and_then(|j| self.mention_at[j])
                .map(Found::Mention);
        }
        if let Some(name) = self.untagged_name(k) {
            return Some(name);
        }
        within().find_map(|j| self.found_at(j))
    }

    /// A name of capitalized words ending right before token `end` that the tagger missed, after an
    /// honorific ("Mr. Toccafondi said").
    fn untagged_name(&self, end: usize) -> Option<Found> {
        let mut start = end;
        while start > 0
            && end - start < 3
            && self.mention_at[start - 1].is_none()
            && self.tokens[start - 1].kind == TokenKind::Word
            && self.word(start - 1).starts_with(char::is_uppercase)
            && !is_honorific(self.word(start - 1))
        {
            start -= 1;
        }
        (start < end && start > 0 && is_honorific(self.word(start - 1))).then(|| Found::Name(start - 1..end))
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

    /// The pronoun at token `k` as a speaker, resolved to the last named speaker that fits (`he`,
    /// `she`: a PERSON, failing one the last PERSON mentioned before it; `it`, `they`: an ORG);
    /// `None` when nobody fits.
    fn resolve_pronoun(&self, k: usize, person: Option<&Speaker>, org: Option<&Speaker>) -> Option<Speaker> {
        let token = self.tokens[k];
        let group = match self.word(k).to_lowercase().as_str() {
            "he" | "she" => person.and_then(|s| s.group).or_else(|| {
                let before = self.persons.partition_point(|&m| self.entities[m].span.end <= token.start);
                before.checked_sub(1).map(|last| self.entities[self.persons[last]].group)
            }),
            _ => org.and_then(|s| s.group),
        }?;
        Some(Speaker {
            start: token.start,
            end: token.end,
            text: self.word(k).to_string(),
            group: Some(group),
        })
    }
}

/// The quote marks of the text paired into quotations, in order.
///
/// Marks pair left to right within a paragraph; a curly opening mark written against the word
/// before it and not the one after closes. A quotation still open at a paragraph's end continues
/// when the next paragraph opens with a quote mark (a quotation over paragraphs), or when the next
/// paragraph's first mark is a closing one (a paragraph break inside the quotation, without the
/// opening mark); otherwise it ends with its paragraph. A mark that ends a paragraph never opens.
fn pair_marks(context: &Context) -> Vec<Marks> {
    let mut pairs = Vec::new();
    let mut open: Option<usize> = None;
    // A quotation left open at a paragraph's end: its opening mark and the paragraph's last token.
    let mut pending: Option<(usize, usize)> = None;
    for k in 0..context.tokens.len() {
        if context.opens_paragraph(k) {
            if let Some((start, last)) = pending.take() {
                pairs.push(Marks { open: start, last, closed: false });
            }
            if let Some(start) = open.take() {
                if context.is_mark(k) && context.word(k) != "”" {
                    open = Some(start);
                    continue;
                }
                pending = Some((start, k - 1));
            }
        }
        if !context.is_mark(k) {
            continue;
        }
        let mark = context.word(k);
        if let Some((start, _)) = pending {
            if context.looks_closing(k) {
                pairs.push(Marks { open: start, last: k, closed: true });
                pending = None;
                continue;
            }
            pairs.push(Marks { open: start, last: pending.map_or(k, |(_, last)| last), closed: false });
            pending = None;
        }
        let ends_paragraph = context.tokens.get(k + 1).is_none() || context.opens_paragraph(k + 1);
        match open {
            Some(start) if !matches!(mark, "“" | "„") || context.looks_closing(k) => {
                pairs.push(Marks { open: start, last: k, closed: true });
                open = None;
            }
            None if mark == "”" || ends_paragraph => {}
            _ => open = Some(k),
        }
    }
    if let Some((start, last)) = pending {
        pairs.push(Marks { open: start, last, closed: false });
    }
    if let Some(start) = open {
        pairs.push(Marks { open: start, last: context.tokens.len() - 1, closed: false });
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer;

    /// A quotation, its speaker's text, its speaker's group's text and its cue, as strings.
    type Row = (String, Option<String>, Option<String>, Option<String>);

    /// The quotations of `text`.
    fn quotes(text: &str) -> Vec<Row> {
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
        // A quotation left open ends with its paragraph.
        let text = "Nora Lind said: \"We will not sign it.\n\nThe talks ended.";
        let found = who(text);
        assert_eq!(found, [pair("\"We will not sign it.", Some("Nora Lind"))]);
    }
    #[test]
    fn a_paragraph_break_inside_a_quotation_without_an_opening_mark() {
        let text = "Coach Rafael Duarte said, \"We learned a lot from this game.\n\nThe players stayed \
                    calm until the end.\" The team flies home today.";
        let found = who(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("until the end.\""), "{found:?}");
        assert_eq!(found[0].1.as_deref(), Some("Rafael Duarte"));
    }

    #[test]
    fn a_curly_opening_mark_written_as_a_closing_one_closes() {
        let text = "“The vote was a disgrace for the whole chamber,“ Senator Paula Grant said.";
        assert_eq!(
            who(text),
            [pair("“The vote was a disgrace for the whole chamber,“", Some("Paula Grant"))]
        );
    }

    #[test]
    fn a_colon_introduces_the_subjects_quotation() {
        let text = "Later, Maya Patel defended the budget: \"Every school in the county gets more money \
                    this year.\"";
        let found = quotes(text);
        assert_eq!(found[0].2.as_deref(), Some("Maya Patel"), "{found:?}");
        assert_eq!(found[0].3, None);
    }

    #[test]
    fn a_quotation_after_the_speakers_indirect_speech() {
        let text = "Oliver Grant said the museum would reopen in May. \"We have waited three long years \
                    for this day.\"";
        assert_eq!(who(text)[0].1.as_deref(), Some("Oliver Grant"));
    }

    /// The speakers' texts that [`find`] gives for `text` with the given mentions (each at its
    /// first occurrence, a group of its own), whatever the tagger would find.
    fn speakers_with(text: &str, mentions: &[(&str, Label)]) -> Vec<Option<String>> {
        let entities: Vec<Entity> = mentions
            .iter()
            .enumerate()
            .map(|(group, &(name, label))| {
                let start = text.find(name).expect("the mention is in the text");
                Entity {
                    span: Span::new(start, start + name.len()),
                    label,
                    text: name.to_string(),
                    group,
                    confidence: 1.0,
                }
            })
            .collect();
        find(&Document::new(text), &entities).into_iter().map(|q| q.speaker.map(|s| s.text)).collect()
    }

    #[test]
    fn a_description_names_nobody_and_its_owner_speaks_for_it() {
        let unnamed = "\"The road will reopen next week,\" a local official said.";
        assert_eq!(speakers_with(unnamed, &[]), [None]);
        let owned = "\"We will appeal the ruling,\" Siemens's legal team said on Friday.";
        assert_eq!(speakers_with(owned, &[("Siemens", Label::Org)]), [Some("Siemens".to_string())]);
    }

    #[test]
    fn a_name_after_an_honorific_is_a_speaker_even_untagged() {
        let text = "\"The schools will need new funding soon,\" Mr. Zanfretti said.";
        assert_eq!(speakers_with(text, &[]), [Some("Mr. Zanfretti".to_string())]);
    }

    #[test]
    fn a_pronoun_that_nothing_fits_is_no_speaker() {
        let text = "\"We expect more rain tomorrow and the day after,\" it said.";
        assert_eq!(quotes(text)[0].1, None);
    }

    #[test]
    fn a_dash_and_a_name_after_a_quotation_name_its_speaker() {
        let text = "\"The best stories are the ones nobody wants told.\" - Laura Kim";
        assert_eq!(who(text)[0].1.as_deref(), Some("Laura Kim"));
    }

    #[test]
    fn a_headline_in_quotes_is_not_a_quotation() {
        let text = "Further reading: \"City council approves new budget for schools and roads\" \u{2014} \
                    Daily Herald, May 2, 2019";
        assert_eq!(quotes(text), []);
    }

    #[test]
    fn another_person_named_between_two_quotations_ends_the_continuation() {
        let text = "\"Prices will fall by the summer,\" Anna Weber said. Her rival Jonas Richter \
                    disagreed. \"Nobody believes the prices will fall this year.\"";
        let found = who(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_ne!(found[1].1.as_deref(), Some("Anna Weber"), "{found:?}");
    }
}
