//! Document-level corrections of the statistical model's names, for conventions that the 1996
//! training text cannot teach. Each rule names the case it exists for:
//!
//! 1. Common-noun acronyms ("AI development", "the firm's IP") are not names, whatever the model
//!    says: a short list of acronyms that stand for things, never for one organization. Nor is a
//!    mention without a letter or digit (a run of quotation marks in a table). A mention
//!    that runs into an amount ("could cost Acme $20 billion" tagged "Acme $20") ends before the
//!    currency sign, so that rule 4 sees the bare name.
//! 2. A possessive owner followed by a run of capitalized words that holds a digit or a word with
//!    an inner capital is a product: "its Windows 95 update", "Acme's CloudBox Pro", "their
//!    iPhone 16", "its F-150 Lightning". People and places do not have such names. So is a single
//!    capitalized word between "its" or "their" and a product noun ("its Nimbus cloud", "their
//!    Comet browser").
//! 3. A dateline source: at the very start of a text, a cased name followed by a spaced dash and
//!    the article's first sentence ("Bloomberg - Shares fell ...") is the news agency or
//!    publisher, an organization, unless the model took it for a place ("Madrid - ..."). A
//!    headline's topic ("Soccer - Team named") is followed by a few words only.
//! 4. Consistency across the document: every mention of the same name gets one label, from the
//!    model's scores of all its mentions. A name with shareholders, investors or executives, one
//!    invested in or a party to "a deal with X", is no person (though it may be a country): its
//!    PERSON mentions become ORG, and its PERSON scores count for ORG. The label with most of the
//!    scores of all its mentions (and of the longer names of people that end with it: "Lovick"
//!    beside "Ada Lovick") wins, unless the scores are unsure and cue words agree on another:
//!    appositive type words ("startup X", "X Inc", "X, the startup," make an organization; "its X
//!    cloud", "its X app", "X, Acme's chatbot," a product), and a longer name of a person.
//!    A word with an inner capital ("ChatGPT") is no place: tagged LOC before "'s success", "'s
//!    launch" and the like, it is a product.
//! 5. Short forms: a name of two or more words tagged PERSON that begins an organization's longer
//!    name elsewhere in the document is that organization ("Harbor Freight" after "Harbor Freight
//!    Lines"); one-word names are left alone, as "Washington" may well be a place beside the
//!    "Washington Post", and so is a name whose last word the document gives a person alone
//!    ("Ada Lovick" beside "Lovick" and the "Ada Lovick Foundation").
//!
//! Rules 6 to 10 fix the edges of the model's names, before rule 2 reads them:
//!
//! 6. A person's name begins after the titles before it: the abbreviated titles the tokenizer
//!    knows, with a period or without one as British style writes them ("Mrs May", "Dr Fauci" ->
//!    "May", "Fauci"), and the titles, ranks and offices that CoNLL-2003 leaves out of names
//!    ("Ambassador Smith", "Cardinal Jones"), with the words that qualify them ("Vice President").
//!    What is left must be a name: "Doctor Who" stays whole.
//! 7. A name ends before a period that ends its sentence: a period the model took as a token of
//!    its own ("on Windows ."), and the period that the tokenizer left on a word that keeps no
//!    period of its own, a single letter or a word in capitals, when the sentence splitter ended
//!    the sentence with it ("World War I.", "moved to LA."). A genuine abbreviation keeps its
//!    period: "Acme Inc.", "the U.S.", "Calif.".
//! 8. "X and Y" (or "X & Y") taken as one name is two names when X and Y are each a name of their
//!    own elsewhere in the document ("Microsoft and Google" where "Microsoft" and "Google" are
//!    tagged alone too); without that evidence it stays one name ("Procter and Gamble", "Johnson &
//!    Johnson", "Marks and Spencer"). The conjunction belongs to neither name: a name the model
//!    began with it ("Smith, Jones, & Brown" tagged "& Brown") begins after it.
//! 9. An office between two names divides them: "Microsoft CEO Satya Nadella" is the organization
//!    "Microsoft" and the person "Satya Nadella", "Texas Governor Jane Smith" the place and the
//!    person; an office that ends a name is no part of it ("Contoso Chairman" -> "Contoso"). Only
//!    offices held in an organization or a place count, not titles that also name things ("Burger
//!    King", "Prince Edward Island").
//! 10. A code of capitals and digits just before a MISC name belongs to it: "T20 World Cup", "G7
//!     Summit", "U-19 World Cup". Not a size ("500CC GRAND PRIX"), nor a code before a company,
//!     which in a table is a rating or a rate ("A1 S&P", "W145 Samsung").
//!
//! Last, after rules 4 and 5:
//!
//! 11. A name's kind word decides between a place and an organization, whatever the scores say: a
//!     facility is a place ("Heathrow Airport", "Ramstein Air Base", "Wembley
//!     Stadium"), "University of X", "Ministry of X" and the like are organizations, not the
//!     place X. Not the words that name both ("Center", "Museum", "Hall", "Council").
//! 12. An acronym in brackets (round or square) just after a name, whose letters the name spells in order from its
//!     first letter, stands for that name: "the Northwind Health Agency (NHA)", "Movimento Verde
//!     Unito (MVU)". It is a mention with the name's label and confidence, and so is every other
//!     mention of it in the document, whatever the model took it for.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use super::decode::TYPES;
use super::features::WordHashes;
use super::group::straight;
use super::model::Scored;
use super::{canonical_text, Entity, Label, RULE_CONFIDENCE};
use crate::abbreviation::{is_sentence_starter, is_title};
use crate::document::Document;
use crate::sentence::Sentence;
use crate::span::Span;
use crate::token::{Gap, Token, TokenKind};

/// Acronyms of common nouns: never a name on their own.
const COMMON_ACRONYMS: [&str; 18] = [
    "AI", "IP", "CEO", "CFO", "COO", "CTO", "GDP", "IPO", "API", "GPU", "CPU", "PC", "TV", "DNA", "HR",
    "ETF", "SUV", "VPN",
];

/// Whether `acronym` (two to eight capitals and digits, two capitals at least) stands for `name`:
/// the name begins with its first letter and holds the rest of its characters in order.
fn is_acronym_of(acronym: &str, name: &str) -> bool {
    let shaped = (2..=8).contains(&acronym.len())
        && is_capitals_and_digits(acronym)
        && acronym.bytes().filter(u8::is_ascii_uppercase).count() >= 2;
    let mut letters = acronym.chars();
    if !shaped || name.chars().next() != letters.next() || name.split_whitespace().count() < 2 {
        return false;
    }
    let mut rest = name.chars().skip(1);
    letters.all(|wanted| rest.any(|c| c.to_ascii_uppercase() == wanted))
}

/// Words that, just before a name, say it is an organization ("startup X").
const ORG_BEFORE: [&str; 13] = [
    "startup",
    "start-up",
    "company",
    "firm",
    "subsidiary",
    "insurer",
    "lender",
    "airline",
    "automaker",
    "chipmaker",
    "retailer",
    "brewer",
    "conglomerate",
];

/// Words that, just after a name, say it is an organization ("X Inc").
const ORG_AFTER: [&str; 10] = ["inc", "inc.", "corp", "corp.", "ltd", "ltd.", "labs", "plc", "llc", "gmbh"];

/// Rule 11: last words of a facility's name, which make it a place ("Heathrow
/// Airport", "Ramstein Air Base").
const PLACE_KINDS: [&str; 13] = [
    "Airport",
    "Airfield",
    "Base",
    "Stadium",
    "Arena",
    "Bridge",
    "Tower",
    "Towers",
    "Hotel",
    "Memorial",
    "Cathedral",
    "Mosque",
    "Castle",
];

/// Rule 11: first words of an organization's name before "of" ("University of X", "Ministry of
/// X"), which make it an organization, not the place X.
const ORG_KINDS: [&str; 16] = [
    "University",
    "Municipality",
    "Ministry",
    "Department",
    "Bank",
    "Church",
    "Institute",
    "Academy",
    "College",
    "Federation",
    "Association",
    "Commission",
    "Committee",
    "Court",
    "Society",
    "Government",
];

/// Nouns that, before "with X", say X is no person ("a deal with X").
const ORG_DEAL: [&str; 5] = ["deal", "partnership", "merger", "contract", "alliance"];

/// Words that, a few words before "in X", say X is no person ("invested $5 million in X").
const INVESTED: [&str; 6] = ["invested", "invest", "invests", "investing", "investment", "stake"];

/// Nouns that, after "X's", say X is no person ("X's shareholders", "X's technology").
/// Not "shares" or "stake": people own those too ("Smith's stake").
const COMPANY_POSSESSED: [&str; 11] = [
    "shareholders",
    "investors",
    "revenue",
    "revenues",
    "profits",
    "earnings",
    "customers",
    "technology",
    "software",
    "models",
    "valuation",
];

/// Nouns that, after a name, say it is no person ("X executives"); not "shares", which is also a
/// verb ("Smith shares a view").
const COMPANY_AFTER: [&str; 3] = ["executives", "shareholders", "employees"];

/// Nouns that, after "its X" or "their X", say X is a product ("its Nimbus cloud", "its Comet
/// browser"); not the nouns that also follow places or people ("its London service", "its Paris
/// office", "Smith's assistant").
const PRODUCT_NOUNS: [&str; 7] = ["platform", "app", "cloud", "chatbot", "browser", "console", "software"];

/// Nouns that, after "X's", say X is a product ("X's success", "X's launch").
const PRODUCT_POSSESSED: [&str; 6] = ["success", "launch", "release", "popularity", "debut", "users"];

/// Rule 4: the share of the scores of a name's mentions that its most likely label must have to
/// win over what cue words say. Chosen on CoNLL-2003 dev, tagged by a model trained on train
/// only: entity F1 92.70 for every share from 0.8 to 0.95 (92.65 before rule 4 read scores); 0.9
/// lies in the middle. Any share does as well there, as CoNLL has few cue words.
const SURE: f32 = 0.9;

/// Titles, ranks and offices written out, which CoNLL-2003 leaves out of a person's name ("President
/// Clinton" is "Clinton"): rule 6, with the abbreviated titles of [`is_title`].
const TITLE_WORDS: [&str; 33] = [
    "President",
    "Minister",
    "Secretary",
    "Ambassador",
    "Commissioner",
    "Sir",
    "Dame",
    "King",
    "Queen",
    "Princess",
    "Speaker",
    "Sheikh",
    "Director",
    "Judge",
    "Doctor",
    "Chairman",
    "Chairwoman",
    "Captain",
    "Archbishop",
    "Cardinal",
    "Patriarch",
    "Bishop",
    "Governor",
    "Detective",
    "Premier",
    "Professor",
    "Commander",
    "Father",
    "Chancellor",
    "Colonel",
    "General",
    "Senator",
    "Administrator",
];

/// Offices held in an organization or a place, which divide "Microsoft CEO Satya Nadella" into its
/// two names (rule 9); also titles before a person's name (rule 6).
const OFFICES: [&str; 17] = [
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "Chairman",
    "Chairwoman",
    "President",
    "Director",
    "Governor",
    "Administrator",
    "Commissioner",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Founder",
    "Ambassador",
    "Mayor",
];

/// Words that qualify a title or an office before it ("Vice President", "Deputy Director"): part
/// of the title, not of a name.
const TITLE_QUALIFIERS: [&str; 9] =
    ["Vice", "Deputy", "Former", "Acting", "Interim", "Assistant", "Associate", "Executive", "Managing"];

/// The [name number](Mention::name) of a mention of rule 2 until its sentence is done.
const UNNAMED: usize = usize::MAX;

/// Words after a dateline's dash: fewer make a headline ("Soccer - McCarthy names team").
const DATELINE_SENTENCE: usize = 12;

/// Applies the corrections above to the model's mentions of `document`; gives each its token
/// range too, which the merge needs and would otherwise search for again.
pub fn apply(document: &Document, model: Vec<Scored>) -> Vec<(Entity, Range<usize>)> {
    let (text, tokens, sentences) = (document.text(), document.tokens(), document.sentences());
    let doc = Doc { text, tokens, sentences };
    let mut names = Names::default();
    let (mut near, mut previous_end) = (0, 0);
    let mut mentions: Vec<Mention> = model
        .iter()
        .map(|scored| (&scored.entity, scored.types))
        .filter(|(e, _)| {
            !COMMON_ACRONYMS.contains(&e.text.as_str()) && e.text.chars().any(char::is_alphanumeric)
        })
        .filter_map(|(e, types)| {
            let range = document.token_range(e.span, near);
            near = range.start;
            let free_from = std::mem::replace(&mut previous_end, range.end);
            let (first, end) = (range.start, range.end);
            let end = (first + 1..end).find(|&k| is_currency_sign(tokens[k].text(text))).unwrap_or(end);
            let range = doc.without_title(first..end, e.label);
            let range = doc.without_period_token(range);
            let range = doc.without_leading_conjunction(range);
            let range = doc.with_code_before(range, e.label, free_from);
            (!range.is_empty())
                .then(|| Mention { types: Some(types), ..doc.mention(range, e.label, &mut names) })
        })
        .collect();
    mentions.sort_by_key(|m| m.tokens.start);
    let mut mentions = doc.split_names(mentions, &mut names);
    doc.no_people(&mut mentions);
    let mut mentions = doc.products(sentences, mentions, &mut names);
    if let Some(first) = sentences.first() {
        doc.dateline(first.tokens.clone(), &mut mentions, &mut names);
    }
    doc.consistent(&mut mentions);
    doc.short_forms(&mut mentions);
    doc.kinds(&mut mentions);
    mentions.sort_by_key(|m| m.tokens.start);
    doc.acronyms(&mut mentions, &mut names);
    // Most mentions keep their model span: they take its text rather than a copy (one allocation
    // less per mention), found by one walk, as both lists are in text order.
    let mut model = model.into_iter().map(|scored| scored.entity).peekable();
    mentions
        .into_iter()
        .map(|m| {
            let span = doc.name_span(&m.tokens, m.label);
            while model.next_if(|e| e.span.start < span.start).is_some() {}
            let text = match model.next_if(|e| e.span == span && e.text == span.slice(text)) {
                Some(kept) => kept.text,
                None => span.slice(text).to_string(),
            };
            let entity = Entity { span, label: m.label, text, group: 0, confidence: 1.0 };
            (entity.with_confidence(f64::from(m.confidence)), m.tokens)
        })
        .collect()
}

/// A mention as a token range, with what rule 4 needs to know of the words in and around it, read
/// once when the mention is made: rule 4 visits mentions name by name, which on a long text would
/// read tokens and text all over the document, a cache miss each time.
#[derive(Clone, Debug)]
struct Mention {
    tokens: Range<usize>,
    label: Label,
    /// The number of its name in [`Names`].
    name: usize,
    /// Whether the words around it say it [is no person](Doc::no_person).
    no_person: bool,
    /// Whether it is the whole phrase after "the", which [no person's name is](Doc::after_article).
    after_article: bool,
    /// The label the words around it [give it](Doc::cue), if any.
    cue: Option<Label>,
    /// The model's probability that its span is exactly one entity of each of [`TYPES`]; `None`
    /// for a mention that a rule made.
    types: Option<[f32; TYPES.len()]>,
    /// How likely it is right, as rule 4 finds: the [rules' confidence](RULE_CONFIDENCE) until then.
    confidence: f32,
}

/// Numbers names (canonical texts) in order of first mention: mentions of one number are one name
/// for rule 4.
#[derive(Default)]
struct Names<'a>(HashMap<Cow<'a, str>, usize, WordHashes>);

impl<'a> Names<'a> {
    fn number(&mut self, name: Cow<'a, str>) -> usize {
        let next = self.0.len();
        *self.0.entry(name).or_insert(next)
    }
}

struct Doc<'a> {
    text: &'a str,
    tokens: &'a [Token],
    sentences: &'a [Sentence],
}

impl<'a> Doc<'a> {
    /// The mention of `tokens` (not empty), numbering its name in `names`.
    fn mention(&self, tokens: Range<usize>, label: Label, names: &mut Names<'a>) -> Mention {
        let mut mention = self.unnamed_mention(tokens, label);
        self.number_name(&mut mention, names);
        mention
    }

    /// The mention of `tokens` (not empty), its name [not numbered yet](UNNAMED).
    fn unnamed_mention(&self, tokens: Range<usize>, label: Label) -> Mention {
        let (no_person, after_article, cue) =
            (self.no_person(&tokens), self.after_article(&tokens), self.cue(&tokens));
        Mention {
            tokens,
            label,
            name: UNNAMED,
            no_person,
            after_article,
            cue,
            types: None,
            confidence: RULE_CONFIDENCE,
        }
    }

    /// Numbers the name of `mention` in `names`: reads all of its text.
    fn number_name(&self, mention: &mut Mention, names: &mut Names<'a>) {
        mention.name =
            names.number(canonical_text(self.name_span(&mention.tokens, mention.label).slice(self.text)));
    }

    /// The span of the name with `label` on `tokens` (not empty): theirs, without a period that
    /// ends the sentence (rule 7).
    fn name_span(&self, tokens: &Range<usize>, label: Label) -> Span {
        let last = tokens.end - 1;
        let end = self.tokens[last].end - usize::from(self.period_ends_sentence(last, label));
        Span::new(self.tokens[tokens.start].start, end)
    }

    /// Rule 7: whether the period at the end of the word at `k`, the last of a name with `label`,
    /// is the sentence's rather than the word's: the word keeps no period of its own in a name (a
    /// word in capitals; a single letter, but in a person's name, where it is an initial), and the
    /// sentence ends with it, but for closing quotes and brackets.
    fn period_ends_sentence(&self, k: usize, label: Label) -> bool {
        let Some(stem) = self.word(k).strip_suffix('.') else { return false };
        let capitals = !stem.is_empty() && stem.chars().all(|c| c.is_alphabetic() && c.is_uppercase());
        let no_period_of_its_own = capitals && (stem.chars().nth(1).is_some() || label != Label::Person);
        if !no_period_of_its_own {
            return false;
        }
        let sentence = self.sentences.partition_point(|s| s.tokens.end <= k);
        self.sentences.get(sentence).is_some_and(|sentence| {
            (k + 1..sentence.tokens.end).all(|j| matches!(self.word(j), "\"" | "”" | "’" | "'" | ")" | "]"))
        })
    }

    /// Rule 7: `tokens` without a period that the model took as a token of its own at their end,
    /// right after a word: a sentence's period, unless the word has periods of its own, an
    /// initialism whose last period the tokenizer left apart ("aid-U.N.").
    fn without_period_token(&self, tokens: Range<usize>) -> Range<usize> {
        let last = tokens.end - 1;
        let sentence_period = tokens.len() > 1
            && self.word(last) == "."
            && self.tokens[last].gap == Gap::None
            && !self.word(last - 1).contains('.');
        if sentence_period {
            tokens.start..last
        } else {
            tokens
        }
    }

    /// Whether the word at `k` is a title or an office before a name (rule 6): "Mr", "Dr.",
    /// "President", "CEO".
    fn is_title_at(&self, k: usize) -> bool {
        let word = self.word(k);
        is_title(word.strip_suffix('.').unwrap_or(word))
            || TITLE_WORDS.contains(&word)
            || OFFICES.contains(&word)
    }

    /// Rule 12: acronyms in brackets after names, given `mentions` in text order; keeps the order.
    fn acronyms(&self, mentions: &mut Vec<Mention>, names: &mut Names<'a>) {
        let mut defined: HashMap<&str, (Label, f32), WordHashes> = HashMap::default();
        let mut organizations = HashSet::new();
        let mut added = Vec::new();
        for (i, mention) in mentions.iter().enumerate() {
            let at = mention.tokens.end;
            let acronym = self.word(at + 1);
            let bracketed = matches!((self.word(at), self.word(at + 2)), ("(", ")") | ("[", "]"));
            if !bracketed
                || !is_acronym_of(acronym, self.name_span(&mention.tokens, mention.label).slice(self.text))
            {
                continue;
            }
            // People are not named by acronyms: what the model took for one is an organization.
            let label = if mention.label == Label::Person {
                organizations.insert(mention.name);
                Label::Org
            } else {
                mention.label
            };
            defined.insert(acronym, (label, mention.confidence));
            if mentions.get(i + 1).is_none_or(|next| next.tokens.start != at + 1) {
                added.push(self.mention(at + 1..at + 2, label, names));
            }
        }
        if defined.is_empty() {
            return;
        }
        for mention in mentions.iter_mut().filter(|m| organizations.contains(&m.name)) {
            mention.label = Label::Org;
        }
        mentions.extend(added);
        mentions.sort_by_key(|m| m.tokens.start);
        for mention in mentions.iter_mut().filter(|m| m.tokens.len() == 1) {
            if let Some(&(label, confidence)) = defined.get(self.word(mention.tokens.start)) {
                (mention.label, mention.confidence) = (label, confidence);
            }
        }
    }

    /// Rule 6: `tokens` of a PERSON name without the titles that open them, when a name is left.
    fn without_title(&self, tokens: Range<usize>, label: Label) -> Range<usize> {
        if label != Label::Person {
            return tokens;
        }
        let mut start = tokens.start;
        let mut titled = false;
        while start + 1 < tokens.end {
            if self.is_title_at(start) {
                titled = true;
            } else if !TITLE_QUALIFIERS.contains(&self.word(start)) {
                break;
            }
            start += 1;
        }
        // "Mr Chairman", "Mr. President": a title, no name.
        let name_left =
            self.is_cased_word(start) && !is_sentence_starter(self.word(start)) && !self.is_title_at(start);
        if titled && name_left {
            start..tokens.end
        } else {
            tokens
        }
    }

    /// Rule 10: `tokens` of a MISC name with the code just before them ("T20" of "T20 World Cup"),
    /// when no other mention, from `free_from` on, has it.
    fn with_code_before(&self, tokens: Range<usize>, label: Label, free_from: usize) -> Range<usize> {
        let Some(code) = tokens.start.checked_sub(1) else { return tokens };
        // A space, not a line break: a code that ends a headline or a list item is none of the name's.
        let spaced = self.tokens[tokens.start].gap == Gap::Space;
        if label == Label::Misc && code >= free_from && spaced && is_name_code(self.word(code)) {
            code..tokens.end
        } else {
            tokens
        }
    }

    /// Rule 8: `tokens` without the conjunction that opens them, when a name follows it.
    fn without_leading_conjunction(&self, tokens: Range<usize>) -> Range<usize> {
        let conjunction = tokens.len() > 1 && matches!(self.word(tokens.start), "&" | "and");
        if conjunction && self.is_cased_word(tokens.start + 1) {
            tokens.start + 1..tokens.end
        } else {
            tokens
        }
    }

    /// Rules 8 and 9 over `mentions` (in text order): a name that holds two names is split in two.
    fn split_names(&self, mentions: Vec<Mention>, names: &mut Names<'a>) -> Vec<Mention> {
        // Most texts have no "and" inside a name: then nothing reads the names that stand alone.
        let conjoins = |m: &Mention| m.tokens.clone().any(|k| matches!(self.word(k), "and" | "&"));
        let alone =
            if mentions.iter().any(conjoins) { self.names_alone(&mentions) } else { HashSet::default() };
        let mut out = Vec::with_capacity(mentions.len());
        for mention in mentions {
            match self.conjoined(&mention, &alone).or_else(|| self.office_between(&mention)) {
                Some(parts) => {
                    out.extend(parts.into_iter().map(|(tokens, label)| self.mention(tokens, label, names)))
                }
                None => out.push(mention),
            }
        }
        out
    }

    /// The names of `mentions` that stand alone, away from "and" and "&": evidence for rule 8 that
    /// a name is one of its own, not the model's piece of a longer name it split ("Northvale"
    /// and "Ridgemont Court of Appeal" of "Northvale and Ridgemont Court of Appeal").
    fn names_alone(&self, mentions: &[Mention]) -> HashSet<Cow<'a, str>, WordHashes> {
        let conjunction = |k: Option<usize>| k.is_some_and(|k| matches!(self.word(k), "and" | "&"));
        mentions
            .iter()
            .filter(|m| !conjunction(m.tokens.start.checked_sub(1)) && !conjunction(Some(m.tokens.end)))
            .map(|m| canonical_text(self.name_span(&m.tokens, m.label).slice(self.text)))
            .collect()
    }

    /// Rule 8: the two names of "X and Y" in `mention`, each with its label (rule 4 decides them
    /// with their other mentions), when both are names that stand `alone` elsewhere in the
    /// document, and not the same one.
    fn conjoined(
        &self,
        mention: &Mention,
        alone: &HashSet<Cow<'a, str>, WordHashes>,
    ) -> Option<Vec<(Range<usize>, Label)>> {
        let tokens = &mention.tokens;
        let mut conjunctions =
            (tokens.start + 1..tokens.end - 1).filter(|&k| matches!(self.word(k), "and" | "&"));
        let (k, None) = (conjunctions.next()?, conjunctions.next()) else { return None };
        let (left, right) = (tokens.start..k, k + 1..tokens.end);
        let name = |part: &Range<usize>| canonical_text(self.name_span(part, mention.label).slice(self.text));
        let known = |part: &Range<usize>| self.is_cased_word(part.start) && alone.contains(&*name(part));
        (name(&left) != name(&right) && known(&left) && known(&right))
            .then(|| vec![(left, mention.label), (right, mention.label)])
    }

    /// Rule 9: the names on either side of an office in `mention`. The one before keeps the
    /// mention's label (an organization if that was PERSON: "Microsoft" of "Microsoft CEO Satya
    /// Nadella"), the one after, if any, is a person.
    fn office_between(&self, mention: &Mention) -> Option<Vec<(Range<usize>, Label)>> {
        let tokens = &mention.tokens;
        let office = (tokens.start + 1..tokens.end).find(|&k| OFFICES.contains(&self.word(k)))?;
        let mut before_end = office;
        while before_end > tokens.start && TITLE_QUALIFIERS.contains(&self.word(before_end - 1)) {
            before_end -= 1;
        }
        let mut after_start = office + 1;
        while after_start < tokens.end
            && [&OFFICES[..], &TITLE_QUALIFIERS[..]]
                .iter()
                .any(|words| words.contains(&self.word(after_start)))
        {
            after_start += 1;
        }
        // "Mr Chairman": a title before the office, no name.
        if before_end == tokens.start
            || !self.is_cased_word(before_end - 1)
            || self.is_title_at(before_end - 1)
        {
            return None;
        }
        let before_label = if mention.label == Label::Person { Label::Org } else { mention.label };
        let mut parts = vec![(tokens.start..before_end, before_label)];
        if after_start < tokens.end {
            if !self.is_cased_word(after_start) {
                return None;
            }
            parts.push((after_start..tokens.end, Label::Person));
        }
        Some(parts)
    }

    fn word(&self, k: usize) -> &str {
        self.tokens.get(k).map_or("", |t| t.text(self.text))
    }

    /// The lowercased word at `k` ("" outside the text), with straight apostrophes; borrowed when
    /// it is already so, as most words are.
    fn lower(&self, k: Option<usize>) -> Cow<'_, str> {
        let word = k.map_or("", |k| self.word(k));
        if !word.is_ascii() {
            Cow::Owned(straight(word).to_lowercase())
        } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
            // One copy, and no search for '’', for the capitalized words of the text.
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        }
    }

    fn is_punctuation(&self, k: usize) -> bool {
        self.tokens.get(k).is_some_and(|t| t.kind == TokenKind::Punct)
    }

    fn is_cased_word(&self, k: usize) -> bool {
        self.tokens.get(k).is_some_and(|t| t.kind == TokenKind::Word)
            && self.word(k).starts_with(char::is_uppercase)
    }

    /// Rule 2 over the whole text: `mentions` (in text order) go sentence by sentence through
    /// [`Self::sentence_products`], so that each sentence's checks see only its own mentions.
    fn products(
        &self,
        sentences: &[Sentence],
        mentions: Vec<Mention>,
        names: &mut Names<'a>,
    ) -> Vec<Mention> {
        let mut out = Vec::with_capacity(mentions.len());
        let mut rest = mentions.into_iter().peekable();
        let mut local = Disjoint::default();
        for sentence in sentences {
            out.extend(std::iter::from_fn(|| rest.next_if(|m| m.tokens.start < sentence.tokens.start)));
            for mention in std::iter::from_fn(|| rest.next_if(|m| m.tokens.start < sentence.tokens.end)) {
                local.replace(mention);
            }
            self.sentence_products(sentence.tokens.clone(), &mut local);
            out.extend(std::mem::take(&mut local).into_mentions().map(|mut mention| {
                if mention.name == UNNAMED {
                    self.number_name(&mut mention, names);
                }
                mention
            }));
        }
        out.extend(rest);
        out
    }

    /// Rule 2 in one sentence, given the mentions that start in it. Linear in the sentence's
    /// length: a run of capitalized words is read once, however many owners precede words of it
    /// ("Its Its Its ..."), and the products it makes are [named](UNNAMED) by the caller.
    fn sentence_products(&self, sentence: Range<usize>, mentions: &mut Disjoint) {
        let mut last_run: Option<CapitalizedRun> = None;
        for k in sentence.clone() {
            let word = self.word(k);
            let owner = if ["its", "their"].iter().any(|w| word.eq_ignore_ascii_case(w)) {
                true
            } else if ["'s", "’s", "'S", "’S"].contains(&word) {
                mentions.ending_at(k).is_some_and(|m| m.label == Label::Org)
            } else {
                false
            };
            if !owner {
                continue;
            }
            let start = k + 1;
            let run = match last_run.as_ref().filter(|r| r.tokens.contains(&start) && self.starts_run(start))
            {
                Some(run) => CapitalizedRun { tokens: start..run.tokens.end, last_marker: run.last_marker },
                None => self.capitalized_run(start, sentence.end),
            };
            // An empty run (a number after the owner) says nothing of the runs after it: keep the
            // last one, or the next owner inside it would read it again.
            if !run.tokens.is_empty() {
                last_run = Some(run.clone());
            }
            // A number or a model code ("F-150", "A380") or an inner capital, not "Under-21".
            let product = run.tokens.len() >= 2 && run.last_marker.is_some_and(|m| m >= start);
            // "its Nimbus cloud platform": a name the model missed, between a possessive
            // determiner and a product noun.
            let named = run.tokens.len() == 1
                && self.lower(Some(k)) != "'s"
                && !mentions.overlaps(&run.tokens)
                && PRODUCT_NOUNS.contains(&self.lower(Some(run.tokens.end)).as_ref());
            if product || named {
                // Named once the sentence is done: "Its A380 Its A380 ..." makes a product at
                // every owner, each replacing the last, and reading each one's text would cost
                // the rest of the run every time.
                mentions.replace(self.unnamed_mention(run.tokens, Label::Misc));
            }
        }
    }

    /// Whether the word at `k` can start a product's run of words: capitalized, or with an inner
    /// capital ("iPhone").
    fn starts_run(&self, k: usize) -> bool {
        self.is_cased_word(k) || (self.tokens[k].kind == TokenKind::Word && inner_capital(self.word(k)))
    }

    /// The words from `start` that can make a product's name: words that [start a
    /// run](Self::starts_run) and, after the first, numbers; up to `end` at most.
    fn capitalized_run(&self, start: usize, end: usize) -> CapitalizedRun {
        let mut run = CapitalizedRun { tokens: start..start, last_marker: None };
        while run.tokens.end < end
            && (self.starts_run(run.tokens.end)
                || (run.tokens.end > start && self.tokens[run.tokens.end].kind == TokenKind::Number))
        {
            let word = self.word(run.tokens.end);
            let code = !word.contains(char::is_lowercase);
            if (code && word.contains(|c: char| c.is_ascii_digit())) || inner_capital(word) {
                run.last_marker = Some(run.tokens.end);
            }
            run.tokens.end += 1;
        }
        run
    }

    /// Rule 3: the dateline source at the start of a text.
    fn dateline(&self, sentence: Range<usize>, mentions: &mut Vec<Mention>, names: &mut Names<'a>) {
        let start = sentence.start;
        let mut end = start;
        while end < sentence.end && end < start + 4 && self.is_cased_word(end) {
            end += 1;
        }
        let dash = matches!(self.word(end), "-" | "–" | "—");
        let spaced = self.tokens.get(end).is_some_and(|t| t.gap != crate::token::Gap::None);
        let cased = (start..end).any(|k| self.word(k).chars().any(char::is_lowercase));
        // A headline's topic ("Soccer - Team named") is followed by a few words, a dateline by the
        // article's first sentence.
        let sentence_follows = sentence.end.saturating_sub(end + 1) >= DATELINE_SENTENCE;
        if end == start || !dash || !spaced || !cased || !sentence_follows {
            return;
        }
        let place = mentions.iter().any(|m| m.tokens == (start..end) && m.label == Label::Loc);
        if !place {
            replace(mentions, self.mention(start..end, Label::Org, names));
        }
    }

    /// What the words around a mention of `tokens` decide about its label, if anything.
    fn cue(&self, tokens: &Range<usize>) -> Option<Label> {
        let (first, end) = (tokens.start, tokens.end);
        let before = self.lower(first.checked_sub(1));
        let after = self.lower(Some(end));
        if ORG_BEFORE.contains(&before.as_ref()) || ORG_AFTER.contains(&after.as_ref()) {
            return Some(Label::Org);
        }
        if matches!(before.as_ref(), "its" | "their") && PRODUCT_NOUNS.contains(&after.as_ref()) {
            return Some(Label::Misc);
        }
        if after == "," {
            return self.appositive(end + 1);
        }
        None
    }

    /// The label an appositive starting at token `k` gives the name before it: "X, the startup,"
    /// "X, a chipmaker" (ORG), "X, Acme's chatbot," "X, its new app" (product). The noun must not
    /// own something itself ("X, the company's chairman" is a person).
    fn appositive(&self, k: usize) -> Option<Label> {
        let mut at = k;
        match self.lower(Some(at)).as_ref() {
            "the" | "a" | "an" | "its" | "their" => at += 1,
            _ if self.is_cased_word(at) && self.lower(Some(at + 1)) == "'s" => at += 2,
            _ => return None,
        }
        for _ in 0..2 {
            let noun = self.lower(Some(at));
            let owns = self.lower(Some(at + 1)) == "'s";
            if ORG_BEFORE.contains(&noun.as_ref()) && !owns {
                return Some(Label::Org);
            }
            if PRODUCT_NOUNS.contains(&noun.as_ref()) && !owns {
                return Some(Label::Misc);
            }
            if !self.word(at).starts_with(char::is_lowercase) {
                return None;
            }
            at += 1;
        }
        None
    }

    /// Whether the words around a mention say it is a company or a country rather than a person:
    /// "a deal with X", "invested $5 million in X", "a stake in X", "X's shareholders", "X's app",
    /// "X executives", an acronym in running text.
    fn no_person(&self, tokens: &Range<usize>) -> bool {
        let (first, end) = (tokens.start, tokens.end);
        let before = |n: usize| self.lower(first.checked_sub(n));
        let (previous, after) = (before(1), self.lower(Some(end)));
        (previous == "with" && ORG_DEAL.contains(&before(2).as_ref()))
            || (previous == "in" && (2..=5).map(before).any(|w| INVESTED.contains(&w.as_ref())))
            || (after == "'s" && {
                let possessed = self.lower(Some(end + 1));
                COMPANY_POSSESSED.contains(&possessed.as_ref()) || PRODUCT_NOUNS.contains(&possessed.as_ref())
            })
            || COMPANY_AFTER.contains(&after.as_ref())
            || (end == first + 1 && self.is_acronym_in_running_text(first))
    }

    /// Whether "the" comes before a mention and nothing of the phrase after it ("with the Fellowship.",
    /// "the Fellowship's"; not "the Harlan administration"): people's names take no article.
    fn after_article(&self, tokens: &Range<usize>) -> bool {
        let after = self.lower(Some(tokens.end));
        self.lower(tokens.start.checked_sub(1)) == "the" && (after == "'s" || self.is_punctuation(tokens.end))
    }

    /// Whether the word at `k` is an acronym of two to five capitals and digits ("NHA", "G7") in
    /// running text, where a word near it has a lowercase letter (in a headline or a sports table
    /// in capitals, a person's name looks the same). Such a word is never a person's name:
    /// CoNLL-2003 train has 755 of them tagged as names, none PER.
    fn is_acronym_in_running_text(&self, k: usize) -> bool {
        let word = self.word(k);
        let acronym = (2..=5).contains(&word.len())
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && is_capitals_and_digits(word);
        let near = [k.checked_sub(2), k.checked_sub(1), Some(k + 1), Some(k + 2)];
        acronym && near.into_iter().flatten().any(|n| self.word(n).contains(char::is_lowercase))
    }

    /// Rule 4, first step (before rule 2 looks for owners): the PERSON mentions of a name that
    /// [is no person](Self::no_person) become ORG.
    fn no_people(&self, mentions: &mut [Mention]) {
        for group in groups(mentions) {
            if group.iter().any(|&i| mentions[i].no_person) {
                for &i in &group {
                    if mentions[i].label == Label::Person {
                        mentions[i].label = Label::Org;
                    }
                }
            }
        }
    }

    /// Rule 5: a PERSON of two or more words that begins a longer ORG name is that organization,
    /// unless its last word names a person alone elsewhere in the document.
    fn short_forms(&self, mentions: &mut [Mention]) {
        // The words of every longer ORG name as a trie, so that a name of n words costs n entries
        // (not its n beginnings, n²/2 words: a capitalized table can be one ORG name).
        let mut children: HashMap<(usize, &str), usize> = HashMap::new();
        // Per node (the root is 0): whether it ends a beginning of two or more words, and whether
        // only a company's suffix follows it ("Acme Widgets" in "Acme Widgets Inc").
        let mut ends_beginning = vec![false];
        let mut before_suffix = vec![false];
        for mention in mentions.iter().filter(|m| m.label == Label::Org && m.tokens.len() > 2) {
            let mut node = 0;
            for (depth, k) in mention.tokens.clone().enumerate() {
                let next = ends_beginning.len();
                node = *children.entry((node, self.word(k))).or_insert(next);
                if node == next {
                    ends_beginning.push(false);
                    before_suffix.push(false);
                }
                ends_beginning[node] |= depth >= 1;
                before_suffix[node] |=
                    k + 2 == mention.tokens.end && ORG_AFTER.contains(&self.lower(Some(k + 1)).as_ref());
            }
        }
        // Surnames the document names a person by alone: "Ada Lovick" beside "Lovick" and the
        // "Ada Lovick Foundation" is the woman the foundation is named after, unless the longer
        // name is the same words and a company's suffix.
        let surnames: HashSet<&str> = mentions
            .iter()
            .filter(|m| m.label == Label::Person && m.tokens.len() == 1)
            .map(|m| self.word(m.tokens.start))
            .collect();
        for mention in mentions.iter_mut().filter(|m| m.label == Label::Person && m.tokens.len() >= 2) {
            let node =
                mention.tokens.clone().try_fold(0, |node, k| children.get(&(node, self.word(k))).copied());
            let person = surnames.contains(self.word(mention.tokens.end - 1));
            if node.is_some_and(|node| ends_beginning[node] && (before_suffix[node] || !person)) {
                mention.label = Label::Org;
            }
        }
    }

    /// Rule 11: places and organizations by their [kind words](PLACE_KINDS) ([`ORG_KINDS`]).
    fn kinds(&self, mentions: &mut [Mention]) {
        for mention in mentions.iter_mut().filter(|m| m.label != Label::Misc && m.tokens.len() >= 2) {
            let (first, last) = (mention.tokens.start, mention.tokens.end - 1);
            let kind = if PLACE_KINDS.contains(&self.word(last)) {
                Label::Loc
            } else if ORG_KINDS.contains(&self.word(first))
                && self.word(first + 1) == "of"
                && first + 1 < last
            {
                Label::Org
            } else {
                continue;
            };
            if mention.label != kind {
                mention.label = kind;
                mention.confidence = RULE_CONFIDENCE;
            }
        }
    }

    /// Rule 4: one label per name across the document, and each mention's confidence.
    ///
    /// The name's scores are the sum of its mentions' (see [`pooled`]), and of those of the longer
    /// names of people that end with it. The label with the most is the name's, unless it has less
    /// than [`SURE`] of them and the cues agree on another: a longer name of a person makes it a
    /// person. A name in capitals only takes a cue's label, or keeps its mentions' (in sports
    /// tables, "CHICAGO" is a team and a city). A mention's confidence is its probability of being
    /// a name (the sum of its scores) times the share of its label in the name's scores, at least
    /// [`RULE_CONFIDENCE`] for a label that a rule decided.
    fn consistent(&self, mentions: &mut [Mention]) {
        let groups = groups(mentions);
        let pooled: Vec<[f32; TYPES.len()]> = groups.iter().map(|group| pooled(mentions, group)).collect();
        let full_names = self.full_names(mentions, &groups, &pooled);
        for ((group, own), full_names) in groups.iter().zip(&pooled).zip(full_names) {
            let group = group.as_slice();
            let mut scores = *own;
            for &full in &full_names {
                for (score, other) in scores.iter_mut().zip(&pooled[full]) {
                    *score += other;
                }
            }
            let mut decided: Option<Option<Label>> = None;
            let surname_cue = (!full_names.is_empty()).then_some(Label::Person);
            for cue in group.iter().map(|&i| mentions[i].cue).chain([surname_cue]).flatten() {
                decided = match decided {
                    None => Some(Some(cue)),
                    Some(previous) => Some(previous.filter(|&p| p == cue)),
                };
            }
            let cue = decided.flatten();
            let total: f32 = scores.iter().sum();
            let best = (0..TYPES.len()).fold(0, |best, k| if scores[k] > scores[best] { k } else { best });
            let share = |label: Label| {
                let k = TYPES.iter().position(|&t| t == label).unwrap_or(0);
                if total > 0.0 {
                    scores[k] / total
                } else {
                    0.0
                }
            };
            let mixed_case = self.word(mentions[group[0]].tokens.start).chars().any(char::is_lowercase);
            let sure = share(TYPES[best]) >= SURE;
            let decision = match cue {
                _ if mixed_case && (sure || cue.is_none()) => Some((TYPES[best], share(TYPES[best]))),
                Some(cue) => Some((cue, share(cue).max(RULE_CONFIDENCE))),
                None => None,
            };
            let loc = group.iter().any(|&i| mentions[i].label == Label::Loc);
            let single_camel = group.iter().all(|&i| {
                mentions[i].tokens.len() == 1 && inner_capital(self.word(mentions[i].tokens.start))
            });
            let decision = if single_camel && loc && matches!(decision, Some((Label::Loc, _)) | None) {
                let possessed = group.iter().any(|&i| {
                    let end = mentions[i].tokens.end;
                    self.lower(Some(end)) == "'s"
                        && PRODUCT_POSSESSED.contains(&self.lower(Some(end + 1)).as_ref())
                });
                possessed.then_some((Label::Misc, RULE_CONFIDENCE)).or(decision)
            } else {
                decision
            };
            for &i in group {
                let mention = &mut mentions[i];
                let (label, share) = match decision {
                    Some(decided) => decided,
                    None => (mention.label, mention_share(mention)),
                };
                let found = mention.types.map_or(RULE_CONFIDENCE, |types| types.iter().sum());
                mention.label = label;
                mention.confidence = found * share;
            }
        }
    }

    /// For each name in `groups` of one word, the longer names that end with it and are people by
    /// their own scores (`own`): "Lovick" beside "Ada Lovick", in a headline before it too.
    fn full_names(
        &self,
        mentions: &[Mention],
        groups: &[Vec<usize>],
        own: &[[f32; TYPES.len()]],
    ) -> Vec<Vec<usize>> {
        let text_of = |group: &[usize]| {
            let tokens = &mentions[group[0]].tokens;
            canonical_text(&self.text[self.tokens[tokens.start].start..self.tokens[tokens.end - 1].end])
        };
        let mut by_last_word: HashMap<String, Vec<usize>, WordHashes> = HashMap::default();
        for (g, group) in groups.iter().enumerate() {
            let person = own[g][0] > 0.0 && own[g].iter().all(|&score| score <= own[g][0]);
            if let Some((_, last)) = text_of(group).rsplit_once(' ').filter(|_| person) {
                by_last_word.entry(last.to_string()).or_default().push(g);
            }
        }
        groups
            .iter()
            .map(|group| {
                let text = text_of(group);
                match by_last_word.get(text.as_ref()) {
                    Some(full) if !text.contains(' ') => full.clone(),
                    _ => Vec::new(),
                }
            })
            .collect()
    }
}

/// The share of its own label in a mention's scores.
fn mention_share(mention: &Mention) -> f32 {
    match mention.types {
        Some(types) => {
            let total: f32 = types.iter().sum();
            let k = TYPES.iter().position(|&t| t == mention.label);
            k.map_or(0.0, |k| if total > 0.0 { types[k] / total } else { 0.0 })
        }
        None => 1.0,
    }
}

/// The sum of the scores of the mentions of one name: the model's probabilities, or all on its
/// label for a mention that a rule made; a name that is [no person](Doc::no_person) has its
/// PERSON scores counted as ORG, one [after "the"](Doc::after_article) shares them among the others.
fn pooled(mentions: &[Mention], group: &[usize]) -> [f32; TYPES.len()] {
    let mut scores = [0.0; TYPES.len()];
    for &i in group {
        match mentions[i].types {
            Some(types) => {
                for (score, p) in scores.iter_mut().zip(types) {
                    *score += p;
                }
            }
            None => {
                if let Some(k) = TYPES.iter().position(|&t| t == mentions[i].label) {
                    scores[k] += 1.0;
                }
            }
        }
    }
    if group.iter().any(|&i| mentions[i].no_person) {
        scores[1] += std::mem::take(&mut scores[0]);
    } else if group.iter().any(|&i| mentions[i].after_article) {
        // The other labels share what was PERSON's, in proportion; ORG takes all of it if they have none.
        let person = std::mem::take(&mut scores[0]);
        let others: f32 = scores.iter().sum();
        if others > 0.0 {
            scores.iter_mut().for_each(|score| *score += person * *score / others);
        } else {
            scores[1] = person;
        }
    }
    scores
}

/// Whether a word has a capital right after a lowercase letter ("GitHub", "iPhone"; not
/// "Chester-le-Street").
fn inner_capital(word: &str) -> bool {
    let mut previous_lower = false;
    for c in word.chars() {
        if c.is_uppercase() && previous_lower {
            return true;
        }
        previous_lower = c.is_lowercase();
    }
    false
}

/// Whether a word is the code of a name (rule 10): capitals, then digits, maybe after a hyphen
/// ("T20", "G7", "U-19"). Not a quarter or a half year ("Q3", "H1"); not a size or a unit, digits
/// first ("500CC GRAND PRIX"). Only before a MISC name: before a company's, a code in a table is a
/// rating or a rate ("A1 S&P", "W145 Samsung").
fn is_name_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let letters = &word[..word.len() - digits.len()];
    let digits = digits.strip_prefix('-').unwrap_or(digits);
    let period_of_year = matches!(letters, "Q" | "H") && digits.len() == 1;
    !letters.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !period_of_year
}

/// Whether `word` is made of ASCII capitals and digits only, as acronyms are ("NHA", "G7").
fn is_capitals_and_digits(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Whether a token is a currency sign ("$", "€").
fn is_currency_sign(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| matches!(c, '$' | '€' | '£' | '¥'))
}

/// The mentions of each name, as indices into `mentions`, in order.
fn groups(mentions: &[Mention]) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new(); mentions.iter().map(|m| m.name + 1).max().unwrap_or(0)];
    for (i, mention) in mentions.iter().enumerate() {
        groups[mention.name].push(i);
    }
    groups.retain(|group| !group.is_empty());
    groups
}

/// A run of words that may name a product after an owner ("its Widget 3000 Plus").
#[derive(Clone, Debug)]
struct CapitalizedRun {
    tokens: Range<usize>,
    /// The last word in it with a digit in a code ("F-150") or an inner capital ("CloudBox").
    last_marker: Option<usize>,
}

/// One sentence's mentions, no two overlapping, by their first token: what rule 2 asks of them
/// costs a logarithm, not a walk over the sentence's mentions.
#[derive(Default)]
struct Disjoint(BTreeMap<usize, Mention>);

impl Disjoint {
    /// The mention that ends just before token `k`, if any.
    fn ending_at(&self, k: usize) -> Option<&Mention> {
        self.0.range(..k).next_back().map(|(_, m)| m).filter(|m| m.tokens.end == k)
    }

    /// Whether a mention overlaps `tokens`.
    fn overlaps(&self, tokens: &Range<usize>) -> bool {
        self.last_overlapping(tokens).is_some()
    }

    /// The first token of the last mention that overlaps `tokens`: only the last one that starts
    /// before their end can, as no two mentions overlap.
    fn last_overlapping(&self, tokens: &Range<usize>) -> Option<usize> {
        let (&start, last) = self.0.range(..tokens.end).next_back()?;
        (last.tokens.end > tokens.start).then_some(start)
    }

    /// Puts `mention` in place of every mention it overlaps.
    fn replace(&mut self, mention: Mention) {
        while let Some(start) = self.last_overlapping(&mention.tokens) {
            self.0.remove(&start);
        }
        self.0.insert(mention.tokens.start, mention);
    }

    /// The mentions in text order.
    fn into_mentions(self) -> impl Iterator<Item = Mention> {
        self.0.into_values()
    }
}

/// Puts `mention` in place of every mention it overlaps.
fn replace(mentions: &mut Vec<Mention>, mention: Mention) {
    mentions.retain(|m| m.tokens.end <= mention.tokens.start || mention.tokens.end <= m.tokens.start);
    mentions.push(mention);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::tests::pairs;
    use crate::span::Span;

    /// The scores of a model unsure of a mention's `label`: it is a name, more likely of that label
    /// than of any other, but not of one label as a whole.
    fn unsure(label: Label) -> [f32; TYPES.len()] {
        TYPES.map(|t| if t == label { 0.6 } else { 0.1 })
    }

    /// Applies the corrections to model mentions given in text order as (text, label), each with
    /// [unsure](unsure) scores.
    fn refined(text: &str, model: &[(&str, Label)]) -> Vec<(String, Label)> {
        let model: Vec<_> = model.iter().map(|&(needle, label)| (needle, label, unsure(label))).collect();
        scored(text, &model).into_iter().map(|e| (e.text, e.label)).collect()
    }

    /// Applies the corrections to model mentions given in text order as (text, label, scores).
    fn scored(text: &str, model: &[(&str, Label, [f32; TYPES.len()])]) -> Vec<Entity> {
        let document = Document::new(text);
        let mut from = 0;
        let model = model
            .iter()
            .map(|&(needle, label, types)| {
                let start = from + text[from..].find(needle).expect("mention in text");
                from = start + needle.len();
                Scored { entity: Entity::new(text, Span::new(start, from), label), types }
            })
            .collect();
        let result = apply(&document, model);
        assert!(result.windows(2).all(|p| p[0].0.span.end <= p[1].0.span.start));
        for (entity, range) in &result {
            assert_eq!(*range, document.token_range(entity.span, 0), "{entity:?}");
            assert!((0.0..=1.0).contains(&entity.confidence), "{entity:?}");
        }
        result.into_iter().map(|(e, _)| e).collect()
    }

    #[test]
    fn the_scores_of_all_mentions_decide_a_name_and_its_confidence() {
        // Sure of the name over all mentions, though not of the first one.
        let text = "Kestrel Holdings rose. Kestrel fell. Kestrel rose again.";
        let model = [
            ("Kestrel Holdings", Label::Org, [0.01, 0.95, 0.01, 0.01]),
            ("Kestrel", Label::Loc, [0.05, 0.35, 0.5, 0.0]),
            ("Kestrel", Label::Org, [0.0, 0.95, 0.05, 0.0]),
        ];
        let found = scored(text, &model);
        assert_eq!(found.iter().map(|e| e.label).collect::<Vec<_>>(), [Label::Org; 3]);
        // Each mention's confidence: its probability of being a name times the name's ORG share.
        let share = (0.35 + 0.95) / 1.9;
        assert_eq!(found[1].confidence, (0.9 * share * 1000.0_f64).round() / 1000.0);
        assert_eq!(found[2].confidence, (1.0 * share * 1000.0_f64).round() / 1000.0);
        assert!(found[0].confidence > found[1].confidence);
        // Sure scores win over a cue word; unsure ones do not.
        let text = "Investors backed startup Zephyr and startup Quorra.";
        let sure = [0.97, 0.02, 0.0, 0.0];
        let model = [("Zephyr", Label::Person, sure), ("Quorra", Label::Person, unsure(Label::Person))];
        let labels: Vec<Label> = scored(text, &model).into_iter().map(|e| e.label).collect();
        assert_eq!(labels, [Label::Person, Label::Org]);
    }

    #[test]
    fn a_surname_of_a_person_named_in_full_is_a_person_unless_its_scores_are_sure() {
        let text = "Lovick prints sold. Ada Lovick made them, and Lovick kept them. Lovick Hall opened.";
        let model = [
            ("Lovick", Label::Org, [0.2, 0.6, 0.1, 0.0]),
            ("Ada Lovick", Label::Person, [0.5, 0.4, 0.0, 0.0]),
            ("Lovick", Label::Org, [0.1, 0.7, 0.1, 0.0]),
            ("Lovick Hall", Label::Loc, [0.0, 0.1, 0.8, 0.0]),
        ];
        let labels: Vec<Label> = scored(text, &model).into_iter().map(|e| e.label).collect();
        assert_eq!(labels, [Label::Person, Label::Person, Label::Person, Label::Loc]);
        // Sure that "Lovick" is an organization, beside a person of that name: it stays one.
        let sure = ("Lovick", Label::Org, [0.0, 1.0, 0.0, 0.0]);
        let model = [sure, ("Ada Lovick", Label::Person, [0.15, 0.1, 0.0, 0.0]), sure, model[3]];
        let labels: Vec<Label> = scored(text, &model).into_iter().map(|e| e.label).collect();
        assert_eq!(labels, [Label::Org, Label::Person, Label::Org, Label::Loc]);
    }

    #[test]
    fn an_acronym_in_brackets_after_a_name_stands_for_it() {
        let text = "The Northwind Health Agency (NHA) warned. A test (ABC) ran.";
        let model = [("Northwind Health Agency", Label::Org)];
        assert_eq!(
            refined(text, &model),
            pairs(&[("Northwind Health Agency", Label::Org), ("NHA", Label::Org)])
        );
        let text = "Movimento Verde Unito [MVU] met. MVU said so.";
        let model = [("Movimento Verde Unito", Label::Org), ("MVU", Label::Loc), ("MVU", Label::Person)];
        let expected = [("Movimento Verde Unito", Label::Org), ("MVU", Label::Org), ("MVU", Label::Org)];
        assert_eq!(refined(text, &model), pairs(&expected));
        assert!(is_acronym_of("M5S", "Movimento 5 Stelle") && is_acronym_of("JSC", "Johnson Space Center"));
        assert!(!is_acronym_of("NASA", "Kestrel Holdings") && !is_acronym_of("N", "Northwind Agency"));
        assert!(!is_acronym_of("KH", "Kestrel"), "one word has no acronym");
    }

    #[test]
    fn common_noun_acronyms_and_amounts_are_no_names() {
        let text = "Fabrikam hired a CEO to lead its AI unit.";
        let model = [("Fabrikam", Label::Org), ("CEO", Label::Org), ("AI", Label::Org)];
        assert_eq!(refined(text, &model), pairs(&[("Fabrikam", Label::Org)]));
        let text = "A table of \"\"\"\" and ---- for Fabrikam.";
        let model = [("\"\"\"\"", Label::Person), ("----", Label::Org), ("Fabrikam", Label::Org)];
        assert_eq!(refined(text, &model), pairs(&[("Fabrikam", Label::Org)]));
        let text = "Fabrikam said delays could cost Fabrikam $2 billion, as Fabrikam told Fabrikam staff.";
        let model = [
            ("Fabrikam", Label::Org),
            ("Fabrikam $2", Label::Misc),
            ("Fabrikam", Label::Org),
            ("Fabrikam", Label::Org),
        ];
        assert_eq!(refined(text, &model), pairs(&[("Fabrikam", Label::Org); 4]));
    }

    #[test]
    fn names_with_numbers_or_inner_capitals_after_an_owner_are_products() {
        let text = "Contoso said its Widget 3000 Plus and Contoso’s CloudBox Pro beat its Paris Office, \
                    as their iPhone 16 and its F-150 Lightning did in their European Under-21 match.";
        let model = [
            ("Contoso", Label::Org),
            ("Widget", Label::Person),
            ("Contoso", Label::Org),
            ("CloudBox Pro", Label::Person),
            ("Paris", Label::Loc),
            ("European", Label::Misc),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Contoso", Label::Org),
                ("Widget 3000 Plus", Label::Misc),
                ("Contoso", Label::Org),
                ("CloudBox Pro", Label::Misc),
                ("Paris", Label::Loc),
                ("iPhone 16", Label::Misc),
                ("F-150 Lightning", Label::Misc),
                ("European", Label::Misc),
            ])
        );
    }

    #[test]
    fn a_dateline_source_before_the_first_sentence_is_an_organization() {
        let article =
            "Newsdesk - Shares of the carmaker rose sharply on Tuesday after it reported far higher \
                       profits than analysts had expected.";
        assert_eq!(refined(article, &[]), pairs(&[("Newsdesk", Label::Org)]));
        // A headline's topic, a place, or a dash later in the text are no datelines.
        assert_eq!(refined("Soccer - Smith names team for Sunday.", &[]), pairs(&[]));
        let place = article.replacen("Newsdesk", "Madrid", 1);
        assert_eq!(refined(&place, &[("Madrid", Label::Loc)]), pairs(&[("Madrid", Label::Loc)]));
        let later = format!("Markets were calm. {article}");
        assert_eq!(refined(&later, &[]), pairs(&[]));
    }

    #[test]
    fn type_words_decide_every_mention_of_a_name() {
        let text = "Investors backed startup Zephyr on Monday. Zephyr's founders signed a deal with Quorra, \
                    as Lumen did a deal with Israel.";
        let model = [
            ("Zephyr", Label::Person),
            ("Zephyr", Label::Person),
            ("Quorra", Label::Person),
            ("Lumen", Label::Org),
            ("Israel", Label::Loc),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Zephyr", Label::Org),
                ("Zephyr", Label::Org),
                ("Quorra", Label::Org),
                ("Lumen", Label::Org),
                ("Israel", Label::Loc),
            ])
        );
        let text = "Fabrikam grew its Nimbus cloud business. Clients reach files via Nimbus.";
        let model = [("Fabrikam", Label::Org), ("Nimbus", Label::Person), ("Nimbus", Label::Org)];
        assert_eq!(
            refined(text, &model),
            pairs(&[("Fabrikam", Label::Org), ("Nimbus", Label::Misc), ("Nimbus", Label::Misc)])
        );
    }

    #[test]
    fn a_name_with_investors_or_shares_is_no_person() {
        let text = "Lumen invested $5 million in Quorra. Quorra's shareholders met, and Quorra hired. \
                    Smith said Jones's stake was fine.";
        let model = [
            ("Lumen", Label::Org),
            ("Quorra", Label::Person),
            ("Quorra", Label::Person),
            ("Quorra", Label::Person),
            ("Smith", Label::Person),
            ("Jones", Label::Person),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Lumen", Label::Org),
                ("Quorra", Label::Org),
                ("Quorra", Label::Org),
                ("Quorra", Label::Org),
                ("Smith", Label::Person),
                ("Jones", Label::Person),
            ])
        );
    }

    #[test]
    fn a_name_used_as_the_whole_phrase_the_x_is_no_person() {
        let text = "Members left the Fellowship. The Fellowship's leaders denied it, and the Fellowship \
                    said so. The Harlan administration and Harlan disagreed.";
        let model = [
            ("Fellowship", Label::Person),
            ("Fellowship", Label::Person),
            ("Fellowship", Label::Person),
            ("Harlan", Label::Person),
            ("Harlan", Label::Person),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Fellowship", Label::Org),
                ("Fellowship", Label::Org),
                ("Fellowship", Label::Org),
                ("Harlan", Label::Person),
                ("Harlan", Label::Person),
            ])
        );
    }

    #[test]
    fn an_acronym_in_running_text_is_no_person_nor_is_a_name_it_stands_for() {
        let text = "Lam of the NWP won, and NWP gained. FENWICK WINS TITLE. The Movimento Azzurro Vivo \
                    (MAV) voted.";
        let model = [
            ("NWP", Label::Person),
            ("NWP", Label::Person),
            ("FENWICK", Label::Person),
            ("Movimento Azzurro Vivo", Label::Person),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("NWP", Label::Org),
                ("NWP", Label::Org),
                ("FENWICK", Label::Person),
                ("Movimento Azzurro Vivo", Label::Org),
                ("MAV", Label::Org),
            ])
        );
    }

    #[test]
    fn kind_words_make_facilities_places_and_university_of_x_an_organization() {
        let text = "Flights left Brannock International Airport for Kelso Air Base. The University of \
                    Vermora and the Ministry of Fisheries met at Tolland Stadium, not in Vermora. \
                    Brannock Tower staff joined the Tolland Research Center and the Tolland Museum.";
        let model = [
            ("Brannock International Airport", Label::Org),
            ("Kelso Air Base", Label::Person),
            ("University of Vermora", Label::Loc),
            ("Ministry of Fisheries", Label::Org),
            ("Tolland Stadium", Label::Org),
            ("Vermora", Label::Loc),
            ("Brannock Tower", Label::Misc),
            ("Tolland Research Center", Label::Org),
            ("Tolland Museum", Label::Org),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Brannock International Airport", Label::Loc),
                ("Kelso Air Base", Label::Loc),
                ("University of Vermora", Label::Org),
                ("Ministry of Fisheries", Label::Org),
                ("Tolland Stadium", Label::Loc),
                ("Vermora", Label::Loc),
                ("Brannock Tower", Label::Misc),
                ("Tolland Research Center", Label::Org),
                ("Tolland Museum", Label::Org),
            ])
        );
        // A rule's decision is sure.
        let found = scored(text, &[("Brannock International Airport", Label::Org, unsure(Label::Org))]);
        assert_eq!((found[0].label, found[0].confidence), (Label::Loc, 0.9));
    }

    #[test]
    fn an_untagged_word_between_its_and_a_product_noun_is_a_product() {
        let text = "Fabrikam said its Comet browser and its London service would grow.";
        let model = [("Fabrikam", Label::Org), ("London", Label::Loc)];
        assert_eq!(
            refined(text, &model),
            pairs(&[("Fabrikam", Label::Org), ("Comet", Label::Misc), ("London", Label::Loc)])
        );
    }

    #[test]
    fn appositives_say_what_a_name_is() {
        let text = "Nimbus, Fabrikam's chatbot, beat Zephyr, a chipmaker. Smith, the company's chairman, \
                    praised Nimbus and Zephyr.";
        let model = [
            ("Nimbus", Label::Person),
            ("Fabrikam", Label::Org),
            ("Zephyr", Label::Loc),
            ("Smith", Label::Person),
            ("Nimbus", Label::Person),
            ("Zephyr", Label::Loc),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Nimbus", Label::Misc),
                ("Fabrikam", Label::Org),
                ("Zephyr", Label::Org),
                ("Smith", Label::Person),
                ("Nimbus", Label::Misc),
                ("Zephyr", Label::Org),
            ])
        );
    }

    #[test]
    fn names_at_the_very_end_of_a_text_need_no_following_words() {
        for text in ["Sales rose at Nimbus ,", "Nimbus ’s", "its Nimbus", "Acme - ", "with Nimbus"] {
            let name = if text.contains("Acme") { "Acme" } else { "Nimbus" };
            assert_eq!(refined(text, &[(name, Label::Person)]).len(), 1, "{text}");
        }
    }

    #[test]
    fn a_short_form_of_an_organization_is_no_person() {
        let text =
            "Blue River Freight Lines bought a ship. Blue River said so. Mary Ann Evans met Mary Ann. \
                    Washington Post staff live in Washington. The Ada Lovick Trust thanked Ada Lovick, \
                    as Lovick asked.";
        let model = [
            ("Blue River Freight Lines", Label::Org),
            ("Blue River", Label::Person),
            ("Mary Ann Evans", Label::Person),
            ("Mary Ann", Label::Person),
            ("Washington Post", Label::Org),
            ("Washington", Label::Loc),
            ("Ada Lovick Trust", Label::Org),
            ("Ada Lovick", Label::Person),
            ("Lovick", Label::Person),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Blue River Freight Lines", Label::Org),
                ("Blue River", Label::Org),
                ("Mary Ann Evans", Label::Person),
                ("Mary Ann", Label::Person),
                ("Washington Post", Label::Org),
                ("Washington", Label::Loc),
                ("Ada Lovick Trust", Label::Org),
                ("Ada Lovick", Label::Person),
                ("Lovick", Label::Person),
            ])
        );
    }

    #[test]
    fn a_clear_majority_labels_every_mention_of_a_mixed_case_name() {
        let text = "Contoso grew. Contoso hired. Contoso sold. Money went to Contoso. ATLANTA AT CHICAGO. \
                    CHICAGO won. CHICAGO lost. CHICAGO tied.";
        let model = [
            ("Contoso", Label::Org),
            ("Contoso", Label::Org),
            ("Contoso", Label::Org),
            ("Contoso", Label::Loc),
            ("ATLANTA", Label::Org),
            ("CHICAGO", Label::Loc),
            ("CHICAGO", Label::Org),
            ("CHICAGO", Label::Org),
            ("CHICAGO", Label::Org),
        ];
        let labels: Vec<Label> = refined(text, &model).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels[..4], [Label::Org; 4]);
        assert_eq!(labels[5..], [Label::Loc, Label::Org, Label::Org, Label::Org]);
    }

    #[test]
    fn a_camel_case_word_is_a_product_rather_than_a_place_before_its_success() {
        let text = "After FooBot's success, McAllister's rivals copied it in McAllen.";
        let model = [("FooBot", Label::Loc), ("McAllister", Label::Person), ("McAllen", Label::Loc)];
        assert_eq!(
            refined(text, &model),
            pairs(&[("FooBot", Label::Misc), ("McAllister", Label::Person), ("McAllen", Label::Loc)])
        );
    }

    #[test]
    fn titles_before_a_persons_name_are_no_part_of_it() {
        let text = "Mrs Halloway met Dr Brenner and Mr. Quist. Vice President Tamsin Oyelaran thanked Mr \
                    Chairman, and Doctor Who fans drank Dr Pepper.";
        let model = [
            ("Mrs Halloway", Label::Person),
            ("Dr Brenner", Label::Person),
            ("Mr. Quist", Label::Person),
            ("Vice President Tamsin Oyelaran", Label::Person),
            ("Mr Chairman", Label::Person),
            ("Doctor Who", Label::Person),
            ("Dr Pepper", Label::Org),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Halloway", Label::Person),
                ("Brenner", Label::Person),
                ("Quist", Label::Person),
                ("Tamsin Oyelaran", Label::Person),
                ("Mr Chairman", Label::Person),
                ("Doctor Who", Label::Person),
                ("Dr Pepper", Label::Org),
            ])
        );
    }

    #[test]
    fn a_period_that_ends_the_sentence_is_no_part_of_a_name() {
        let text = "It runs on \"Windows.\" They moved to LA. The shares of Acme Inc. rose, as in the U.S. \
                    Rivals sued Acme Inc. They recall World War I.";
        let model = [
            ("Windows.", Label::Misc),
            ("LA.", Label::Loc),
            ("Acme Inc.", Label::Org),
            ("U.S.", Label::Loc),
            ("Acme Inc.", Label::Org),
            ("World War I.", Label::Misc),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Windows", Label::Misc),
                ("LA", Label::Loc),
                ("Acme Inc.", Label::Org),
                ("U.S.", Label::Loc),
                ("Acme Inc.", Label::Org),
                ("World War I", Label::Misc),
            ])
        );
        // A single letter that ends a person's name is an initial, whatever the splitter says.
        let text = "The prize went to Jonas E. They cheered.";
        assert_eq!(refined(text, &[("Jonas E.", Label::Person)]), pairs(&[("Jonas E.", Label::Person)]));
    }

    #[test]
    fn x_and_y_are_two_names_when_each_stands_alone_elsewhere() {
        let text = "Fabrikam and Contoso signed. Fabrikam said Contoso would pay. Procter and Gamble rose, \
                    Johnson & Johnson fell and Johnson quit. Northvale and Ridgemont Court of Appeal ruled, \
                    as the Northvale and Ridgemont Court of Appeal had (Smith, Jones, & Brown, 2010).";
        let model = [
            ("Fabrikam and Contoso", Label::Org),
            ("Fabrikam", Label::Org),
            ("Contoso", Label::Org),
            ("Procter and Gamble", Label::Org),
            ("Johnson & Johnson", Label::Org),
            ("Johnson", Label::Person),
            ("Northvale", Label::Loc),
            ("Ridgemont Court of Appeal", Label::Org),
            ("Northvale and Ridgemont Court of Appeal", Label::Org),
            ("Smith", Label::Person),
            ("Jones", Label::Person),
            ("& Brown", Label::Person),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Fabrikam", Label::Org),
                ("Contoso", Label::Org),
                ("Fabrikam", Label::Org),
                ("Contoso", Label::Org),
                ("Procter and Gamble", Label::Org),
                ("Johnson & Johnson", Label::Org),
                ("Johnson", Label::Person),
                ("Northvale", Label::Loc),
                ("Ridgemont Court of Appeal", Label::Org),
                ("Northvale and Ridgemont Court of Appeal", Label::Org),
                ("Smith", Label::Person),
                ("Jones", Label::Person),
                ("Brown", Label::Person),
            ])
        );
    }

    #[test]
    fn an_office_divides_the_names_around_it() {
        let text = "Fabrikam CEO Imani Okafor said Zephyr Administrator staff met at Royal Prince Alfred \
                    Hospital.";
        let model = [
            ("Fabrikam CEO Imani Okafor", Label::Person),
            ("Zephyr Administrator", Label::Org),
            ("Royal Prince Alfred Hospital", Label::Org),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("Fabrikam", Label::Org),
                ("Imani Okafor", Label::Person),
                ("Zephyr", Label::Org),
                ("Royal Prince Alfred Hospital", Label::Org),
            ])
        );
    }

    #[test]
    fn a_code_before_a_misc_name_belongs_to_it() {
        let text = "Fans saw the T20 World Cup and the U-19 Cup, as the G7 Summit met. In Q3 Fabrikam \
                    Cloud grew. The 500CC Grand Prix ran. Ratings: A1 Contoso.";
        let model = [
            ("World Cup", Label::Misc),
            ("Cup", Label::Misc),
            ("Summit", Label::Misc),
            ("Fabrikam Cloud", Label::Misc),
            ("Grand Prix", Label::Misc),
            ("Contoso", Label::Org),
        ];
        assert_eq!(
            refined(text, &model),
            pairs(&[
                ("T20 World Cup", Label::Misc),
                ("U-19 Cup", Label::Misc),
                ("G7 Summit", Label::Misc),
                ("Fabrikam Cloud", Label::Misc),
                ("Grand Prix", Label::Misc),
                ("Contoso", Label::Org),
            ])
        );
    }
}
