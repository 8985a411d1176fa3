//! DATE, TIME, MONEY, PERCENT and QUANTITY mentions, found by rules over tokens.
//!
//! The rules scan each sentence left to right. At each token every family below is tried; the
//! longest match wins (on a tie, the first family in this list), its span is emitted and the scan
//! continues after it. A match never crosses a sentence boundary.
//!
//! - MONEY: a currency symbol or code before an amount ("$20 billion", "€3.5m", "£40,000",
//!   "US$5", "USD 5 million"), or a currency word, code or symbol after one ("5 million euros",
//!   "20 cents", "10 Canadian dollars", "500 USD"). "Pounds" after an amount is money only with a
//!   scale ("5 million pounds") or "sterling"; otherwise it is a weight (QUANTITY).
//! - PERCENT: an amount before "%", "percent", "per cent", "pct" or "percentage points".
//! - QUANTITY: an amount before a unit ("five miles", "2.5 kg", "10km", "30 square miles",
//!   "500,000 barrels per day").
//! - TIME: clock times ("3:30 p.m. ET", "3 p.m.", "10am", "3.30pm", "14:30", "1500 GMT",
//!   "10 o'clock"), "noon",
//!   "midnight", "tonight", "this morning", "last night", and durations in hours, minutes or
//!   seconds ("two hours").
//! - DATE: calendar dates ("Jan. 5", "January 5, 2020", "5 January 2020", "Tuesday, Jan. 5",
//!   "2020-01-05", "1/5/2020"), months and weekdays ("in May", "Tuesday"), years ("2019",
//!   "2019-20", "the 1990s" as "1990s", "mid-2019", "early 2020", "fiscal 2020", "Q3 2019", "20th
//!   century"), seasons with a year
//!   ("spring 2020"), relative dates ("last month", "earlier this year", "the past two years",
//!   "yesterday"), parts of periods ("the end of the year", "the first quarter of 2019") and
//!   durations in days to centuries ("two years", "a decade ago").
//!
//! An amount is a numeral ("20", "1,000", "1.5"), a numeral with a glued scale or unit ("3.5m",
//! "5bn", "2.5kg"), or number words ("five", "twenty-five", "a million"), each optionally followed
//! by scale words ("billion", "bn").
//!
//! Span policy: a modifier of an amount ("over", "about", "more than", "nearly") is not part of
//! the span: "over $10 billion" gives MONEY "$10 billion", "about 20%" gives PERCENT "20%". The
//! modifier qualifies the figure, the figure is the entity, and every amount family treats it the
//! same way. Words that change which date is meant are part of a DATE ("earlier this year", "the
//! end of the year", "two years ago").
//!
//! Guards against false positives:
//! - A bare number is nothing: only a number in one of the patterns above is tagged.
//! - A year is a plain four-digit number from 1000 to 2100. It is not a year when a lowercase noun
//!   follows it ("2000 employees") unless a word that introduces years precedes it ("in", "since",
//!   "the", ...), nor when a capitalized word other than such a cue precedes it ("Windows 2000").
//! - Months and weekdays must be capitalized, so "may" the verb is never a date. "May" alone
//!   (without a day or year) needs a cue before it ("in May", "last May"), and a month alone
//!   before a capitalized word is taken for a name ("June Carter"), not a date.
//! - Units and periods must be lowercase: "Three Mile Island" and "A Thousand Days" are names.
//! - Vague plurals are not dates: "the coming years" is nothing, "the next two years" is a DATE.
//! - A clock time without "a.m."/"p.m." or a time zone needs a two-digit hour or a lowercase word
//!   before it, so "John 3:16" is not a time.

use crate::calendar;
use crate::document::Document;
use crate::entity::{Entity, Label};
use crate::span::Span;
use crate::token::{Gap, Token, TokenKind};

/// Finds the DATE, TIME, MONEY, PERCENT and QUANTITY mentions of `document`.
///
/// Mentions come out in order and never overlap.
///
/// ```
/// use article_analyzer::{entity::rules, Document, Label};
///
/// let text = "Last month, the group raised over $10 billion, up 20% from 2019.";
/// let found: Vec<(String, Label)> =
///     rules::tag(&Document::new(text)).into_iter().map(|e| (e.text, e.label)).collect();
/// let expected =
///     [("Last month", Label::Date), ("$10 billion", Label::Money), ("20%", Label::Percent), ("2019", Label::Date)];
/// assert_eq!(found, expected.map(|(t, l)| (t.to_string(), l)));
/// ```
pub fn tag(document: &Document) -> Vec<Entity> {
    let text = document.text();
    let mut entities = Vec::new();
    let mut rules = Rules::default();
    for sentence in document.sentences() {
        let tokens = &document.tokens()[sentence.tokens.clone()];
        rules.read(text, tokens);
        let mut i = 0;
        while i < tokens.len() {
            match rules.match_at(i) {
                Some((end, label)) => {
                    let span = Span::new(tokens[i].start, tokens[end - 1].end);
                    entities.push(Entity::new(text, span, label));
                    i = end;
                }
                None => i += 1,
            }
        }
    }
    entities
}

/// The longest run of number words one amount reads ("one hundred twenty-five thousand").
const MAX_AMOUNT_WORDS: usize = 8;

/// A list of words, compared exactly or ignoring ASCII case, with a summary of their shapes
/// computed at compile time. The rules look up every token in several lists and most tokens are in
/// none: the summary rejects almost all of them with two bit tests, before any comparison.
struct Words {
    list: &'static [&'static str],
    ignore_case: bool,
    /// The [`shape`] bits of each word are set: a Bloom filter with two hash functions, which
    /// passes about one word in 500 that is not in the list (measured on news text).
    shapes: [u64; 2 * SHAPE_BITS / 64],
}

/// The bits of each of the two hash functions of [`Words::shapes`].
const SHAPE_BITS: usize = 512;

/// The shape of a word, the same in both ASCII cases: its first, second and last bytes and its
/// length, hashed to a bit in each half of [`Words::shapes`].
const fn shape(word: &[u8]) -> [u16; 2] {
    // The last byte of the empty word is past its end, zero like the others.
    let last = lower_byte(word, word.len().wrapping_sub(1));
    let key = lower_byte(word, 0) | last << 8 | (word.len() as u32 & 0xFF) << 16 | lower_byte(word, 1) << 24;
    // Multiplicative hashing: the top bits of each product mix all four bytes of the key.
    let shift = 32 - SHAPE_BITS.trailing_zeros();
    let first_half = (key.wrapping_mul(0x9E37_79B1) >> shift) as u16;
    let second_half = (key.wrapping_mul(0x85EB_CA6B) >> shift) as u16;
    [first_half, SHAPE_BITS as u16 + second_half]
}

/// Byte `i` of `word` in ASCII lowercase, or zero past its end.
const fn lower_byte(word: &[u8], i: usize) -> u32 {
    if i < word.len() {
        word[i].to_ascii_lowercase() as u32
    } else {
        0
    }
}

impl Words {
    /// Words compared exactly.
    const fn exact(list: &'static [&'static str]) -> Words {
        Words::new(list, false)
    }

    /// Words compared ignoring ASCII case.
    const fn ignoring_case(list: &'static [&'static str]) -> Words {
        Words::new(list, true)
    }

    /// The words of `list` and the filter of their shapes.
    const fn new(list: &'static [&'static str], ignore_case: bool) -> Words {
        let mut shapes = [0; 2 * SHAPE_BITS / 64];
        let mut i = 0;
        while i < list.len() {
            let [a, b] = shape(list[i].as_bytes());
            shapes[a as usize / 64] |= 1 << (a % 64);
            shapes[b as usize / 64] |= 1 << (b % 64);
            i += 1;
        }
        Words { list, ignore_case, shapes }
    }

    /// Whether `word` is one of the words.
    fn contains(&self, word: &str) -> bool {
        self.contains_shaped(word, shape(word.as_bytes()))
    }

    /// Whether `word`, of the given [`shape`], is one of the words.
    #[inline]
    fn contains_shaped(&self, word: &str, [a, b]: [u16; 2]) -> bool {
        let has = |bit: u16| self.shapes[usize::from(bit / 64)] & 1 << (bit % 64) != 0;
        has(a) && has(b) && self.scan(word.as_bytes())
    }

    /// Whether `word` is one of the words, compared to each: the slow path of
    /// [`Words::contains`], after its filter.
    #[inline(never)]
    fn scan(&self, word: &[u8]) -> bool {
        if self.ignore_case {
            self.list.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
        } else {
            self.list.iter().any(|w| w.as_bytes() == word)
        }
    }
}

/// Month names and abbreviations, see [`calendar::MONTHS`].
const MONTHS: Words = Words::exact(calendar::MONTHS);

/// Days of the week, see [`calendar::WEEKDAYS`].
const WEEKDAYS: Words = Words::exact(calendar::WEEKDAYS);

/// Currency symbols, before or after an amount.
const CURRENCY_SYMBOLS: Words =
    Words::exact(&["$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₦", "₱", "₪", "฿", "¢", "₫"]);

/// ISO 4217 codes common in news, before or after an amount ("USD 5 million", "500 EUR").
const CURRENCY_CODES: Words = Words::exact(&[
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "CHF", "AUD", "CAD", "HKD", "INR", "SEK", "NOK", "DKK", "KRW",
    "BRL", "MXN", "ZAR", "SGD", "NZD", "RUB", "TRY", "PLN", "ILS", "AED", "SAR",
]);

/// Currency names after an amount ("5 million euros"); compared ignoring ASCII case.
const CURRENCY_WORDS: Words = Words::ignoring_case(&[
    "dollar", "dollars", "euro", "euros", "sterling", "yen", "yuan", "renminbi", "rupee", "rupees", "franc",
    "francs", "peso", "pesos", "ruble", "rubles", "rouble", "roubles", "cent", "cents", "pence", "lira",
    "liras", "reais", "shekel", "shekels", "dinar", "dinars", "riyal", "riyals", "dirham", "dirhams", "baht",
    "ringgit", "krona", "kronor", "krone", "kroner", "zloty", "zlotys", "forint", "naira", "bitcoin",
    "bitcoins",
]);

/// Words that may stand between an amount and "dollars" or "francs" ("10 Hong Kong dollars").
const CURRENCY_ADJECTIVES: Words = Words::exact(&[
    "U.S.",
    "US",
    "American",
    "Canadian",
    "Australian",
    "Singapore",
    "Hong",
    "Kong",
    "New",
    "Zealand",
    "Taiwan",
    "Swiss",
    "Zimbabwe",
    "Zimbabwean",
    "Jamaican",
    "Namibian",
]);

/// Scale words after a numeral ("20 billion"); compared ignoring ASCII case.
const SCALE_WORDS: Words = Words::ignoring_case(&[
    "hundred", "thousand", "million", "billion", "trillion", "mln", "bln", "bn", "mn",
]);

/// Scale words of a million or more, which make "pounds" money rather than weight.
const LARGE_SCALES: Words =
    Words::ignoring_case(&["million", "billion", "trillion", "mln", "bln", "bn", "mn"]);

/// Scales glued to a numeral in money ("€3.5m", "5bn", "10k").
const SCALE_SUFFIXES: Words =
    Words::exact(&["k", "K", "m", "M", "mn", "mln", "b", "bn", "bln", "B", "tn", "trn", "T"]);

/// Number words ("five", "twenty"), also the parts of "twenty-five"; compared ignoring ASCII case.
const NUMBER_WORDS: Words = Words::ignoring_case(&[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "dozen",
]);

/// Unit names after an amount ("five miles"); lowercase only, so that "Three Mile Island" is a name.
const UNIT_WORDS: Words = Words::exact(&[
    "mile",
    "miles",
    "kilometre",
    "kilometres",
    "kilometer",
    "kilometers",
    "metre",
    "metres",
    "meter",
    "meters",
    "centimetre",
    "centimetres",
    "centimeter",
    "centimeters",
    "millimetre",
    "millimetres",
    "millimeter",
    "millimeters",
    "foot",
    "feet",
    "inch",
    "inches",
    "yard",
    "yards",
    "acre",
    "acres",
    "hectare",
    "hectares",
    "gram",
    "grams",
    "kilogram",
    "kilograms",
    "kilo",
    "kilos",
    "pound",
    "pounds",
    "ounce",
    "ounces",
    "ton",
    "tons",
    "tonne",
    "tonnes",
    "litre",
    "litres",
    "liter",
    "liters",
    "gallon",
    "gallons",
    "barrel",
    "barrels",
    "degree",
    "degrees",
    "watt",
    "watts",
    "kilowatt",
    "kilowatts",
    "megawatt",
    "megawatts",
    "gigawatt",
    "gigawatts",
    "gigabyte",
    "gigabytes",
    "terabyte",
    "terabytes",
    "megabyte",
    "megabytes",
    "calorie",
    "calories",
    "knot",
    "knots",
]);

/// Unit symbols, after an amount or glued to it ("2.5 kg", "10km"); compared exactly.
const UNIT_SYMBOLS: Words = Words::exact(&[
    "km", "m2", "km2", "cm", "mm", "kg", "g", "mg", "lb", "lbs", "oz", "ft", "mi", "ml", "mph", "kph", "kmh",
    "kW", "MW", "GW", "kWh", "MWh", "GWh", "TWh", "GB", "TB", "MB", "Mbps", "Gbps", "bbl", "bpd",
]);

/// Units of time after "per" in a rate ("barrels per day").
const RATE_UNITS: Words =
    Words::ignoring_case(&["second", "minute", "hour", "day", "week", "month", "year", "capita", "gallon"]);

/// Periods that durations and relative dates count ("two years", "last month"); lowercase only, so
/// that a title such as "A Thousand Days" is not a date.
const PERIODS: Words = Words::exact(&[
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "quarter",
    "quarters",
    "decade",
    "decades",
    "century",
    "centuries",
    "weekend",
    "weekends",
]);

/// Seasons, dates with a year ("spring 2020") or after "last"/"this"/"next".
const SEASONS: Words = Words::ignoring_case(&["spring", "summer", "autumn", "fall", "winter"]);

/// Words after which a month, a weekday or a four-digit number is a date ("in May", "since
/// 2019"); compared ignoring ASCII case.
const DATE_CUES: Words = Words::ignoring_case(&[
    "in", "since", "until", "till", "by", "from", "through", "during", "before", "after", "of", "early",
    "late", "mid", "last", "next", "this", "on", "between", "and", "or", "to", "the", "its", "their", "his",
    "her", "our", "fiscal", "around", "circa", "spring", "summer", "autumn", "fall", "winter", "year", "'s",
    "’s",
]);

/// Lowercase words that may follow a year without making it a count ("2019 was", "2019 to 2021").
const YEAR_FOLLOWERS: Words = Words::ignoring_case(&[
    "and", "or", "to", "through", "was", "is", "will", "saw", "has", "had", "when", "as", "with", "for",
    "in", "on", "at", "after", "before", "until", "vs", "versus", "compared",
]);

/// What turns a number into a time of day ("3 p.m.").
const MERIDIEMS: Words =
    Words::exact(&["a.m.", "p.m.", "am", "pm", "AM", "PM", "A.M.", "P.M.", "a.m", "p.m"]);

/// Words after which a clock time needs no "a.m." ("At 3:30").
const TIME_CUES: Words = Words::ignoring_case(&[
    "at", "by", "until", "till", "from", "before", "after", "around", "about", "since",
]);

/// Time zones after a time ("3:30 p.m. ET").
const TIME_ZONES: Words = Words::exact(&[
    "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "GMT", "BST", "UTC",
    "CET", "CEST", "JST", "IST", "AEST", "AEDT", "HKT", "SGT",
]);

/// Quarters of a year, alone or before one ("Q3 2019").
const QUARTERS: Words = Words::exact(&["Q1", "Q2", "Q3", "Q4"]);

/// The words that start a pattern other than an amount, a season or a capitalized name, see
/// [`Rules::may_start`]: determiners ("the last day"), parts and orders of periods ("early 2020",
/// "the end of", "the first quarter"), counts ("several weeks") and times ("noon", "yesterday").
/// Compared ignoring ASCII case.
const STARTERS: Words = Words::ignoring_case(&[
    "a",
    "an",
    "the",
    "this",
    "last",
    "next",
    "past",
    "coming",
    "previous",
    "following",
    "early",
    "earlier",
    "late",
    "later",
    "mid",
    "fiscal",
    "several",
    "noon",
    "midnight",
    "midday",
    "tonight",
    "yesterday",
    "today",
    "tomorrow",
    "end",
    "start",
    "beginning",
    "middle",
    "rest",
    "remainder",
    "close",
    "turn",
    "first",
    "second",
    "third",
    "fourth",
    "final",
]);

/// Whether `word` equals one of `list` ignoring ASCII case.
fn is_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A numeral: digits, possibly grouped or with decimals ("1,000", "1.5"), or a range ("5-6").
fn is_numeral(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word.ends_with(|c: char| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '–'))
}

/// Splits a numeral with letters glued to it ("3.5m", "2.5kg", "5th") into numeral and letters.
fn split_glued(word: &str) -> Option<(&str, &str)> {
    // A numeral starts with a digit: most words fail here, before the scan for letters.
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let at = word.find(|c: char| c.is_alphabetic())?;
    let (number, suffix) = word.split_at(at);
    (is_numeral(number) && suffix.chars().all(|c| c.is_ascii_alphabetic())).then_some((number, suffix))
}

/// The value of a plain run of ASCII digits.
fn digits_value(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 9 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // At most nine digits: no overflow.
    Some(word.bytes().fold(0, |value, digit| value * 10 + u32::from(digit - b'0')))
}

/// A four-digit year from 1000 to 2100.
fn is_year_digits(word: &str) -> bool {
    word.len() == 4 && digits_value(word).is_some_and(|y| (1000..=2100).contains(&y))
}

/// A day of the month: "5", "31", "5th", "1st", or a range "5-7".
fn is_day_word(word: &str) -> bool {
    let day = |w: &str| digits_value(w).is_some_and(|d| (1..=31).contains(&d) && w.len() <= 2);
    let ordinal =
        |w: &str| split_glued(w).is_some_and(|(n, s)| day(n) && matches!(s, "st" | "nd" | "rd" | "th"));
    // Every form starts with a digit: most words fail here, before the search for a dash.
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    match word.split_once(['-', '–']) {
        Some((a, b)) => day(a) && day(b),
        None => day(word) || ordinal(word),
    }
}

/// "3", "11", "3.30": an hour of a 12-hour clock, with minutes after a period in British style.
fn is_twelve_hour(word: &str) -> bool {
    // Most tokens fail the first test, before the search for '.'.
    if !word.as_bytes().first().is_some_and(u8::is_ascii_digit) || word.len() > 5 {
        return false;
    }
    let (hour, minutes) = word.split_once('.').unwrap_or((word, "00"));
    hour.len() <= 2
        && digits_value(hour).is_some_and(|h| (1..=12).contains(&h))
        && minutes.len() == 2
        && digits_value(minutes).is_some_and(|m| m < 60)
}

/// A number followed by what the amount families accept, see [`Rules::amount`].
#[derive(Clone, Copy, Debug)]
struct Amount<'t> {
    /// One past its last token.
    end: usize,
    /// Letters glued to its numeral ("m" of "3.5m", "kg" of "2.5kg"); empty when none.
    suffix: &'t str,
    /// Whether it has a scale of a million or more ("5 million", "5bn"), which makes "pounds"
    /// money rather than weight.
    large: bool,
}

/// The text of a token and its [`shape`].
#[derive(Clone, Copy)]
struct Text<'t> {
    text: &'t str,
    shape: [u16; 2],
}

/// The tokens of one sentence, and the rules that read them.
#[derive(Default)]
struct Rules<'t> {
    tokens: &'t [Token],
    /// The text of each token and its shape, read once: the families look up each several times.
    texts: Vec<Text<'t>>,
    /// The amount starting at each token, read once: most families start by reading it.
    amounts: Vec<Option<Amount<'t>>>,
}

impl<'t> Rules<'t> {
    /// Takes the `tokens` of the next sentence of `text`, reusing the buffers.
    fn read(&mut self, text: &'t str, tokens: &'t [Token]) {
        self.tokens = tokens;
        self.texts.clear();
        self.texts.extend(tokens.iter().map(|t| {
            let text = t.text(text);
            Text { text, shape: shape(text.as_bytes()) }
        }));
        self.amounts.clear();
        for i in 0..tokens.len() {
            let amount = self.read_amount(i);
            self.amounts.push(amount);
        }
    }

    /// The text of token `i`, or "" past either end.
    fn word(&self, i: usize) -> &'t str {
        self.texts.get(i).map_or("", |t| t.text)
    }

    /// Whether token `i` is one of `words`: [`Words::contains`] with the shape read once.
    fn is(&self, i: usize, words: &Words) -> bool {
        self.texts.get(i).is_some_and(|t| words.contains_shaped(t.text, t.shape))
    }

    /// Whether the token before token `i` is one of `words`.
    fn previous_is(&self, i: usize, words: &Words) -> bool {
        i.checked_sub(1).is_some_and(|p| self.is(p, words))
    }

    /// "five", "Twenty-five": whether token `i` is a number word or a compound of number words.
    fn number_word(&self, i: usize) -> bool {
        let word = self.word(i);
        self.is(i, &NUMBER_WORDS)
            || (word.bytes().any(|b| b == b'-') && word.split('-').all(|part| NUMBER_WORDS.contains(part)))
    }

    /// Whether token `i` touches the one before it ("US" + "$").
    fn touches(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.gap == Gap::None)
    }

    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    /// The word before token `i`, or "" at the sentence's start.
    fn previous(&self, i: usize) -> &'t str {
        i.checked_sub(1).map_or("", |p| self.word(p))
    }

    /// The longest match at token `i`: one past its last token, and its label.
    fn match_at(&self, i: usize) -> Option<(usize, Label)> {
        if self.may_start(i) {
            self.longest_match(i)
        } else {
            None
        }
    }

    /// Whether a match may start at token `i`: a test of the token (and of the next one for a
    /// currency prefix), cheap on the plain lowercase words and punctuation that most tokens are,
    /// which start none. Every family starts with an amount, a digit, a word of [`STARTERS`], a
    /// season, a hyphenated word ("mid-2019"), or a token that does not start with a lowercase
    /// letter: a currency symbol, code or prefix, a month, a weekday, a fiscal year ("FY2019") or
    /// a quarter ("Q3").
    fn may_start(&self, i: usize) -> bool {
        let word = self.word(i);
        word.starts_with(|c: char| c.is_ascii_digit())
            || self.amount(i).is_some()
            || self.is(i, &STARTERS)
            || self.is(i, &SEASONS)
            || word.bytes().any(|b| b == b'-')
            || (!word.starts_with(|c: char| c.is_ascii_lowercase())
                && (self.is(i, &CURRENCY_SYMBOLS)
                    || self.is(i, &CURRENCY_CODES)
                    || self.currency_prefix(i)
                    || self.is(i, &MONTHS)
                    || self.is(i, &WEEKDAYS)
                    || word.starts_with("FY")
                    || self.is(i, &QUARTERS)))
    }

    /// The longest match of any family at token `i`, see [`Rules::match_at`].
    fn longest_match(&self, i: usize) -> Option<(usize, Label)> {
        [
            self.money(i).map(|end| (end, Label::Money)),
            self.percent(i).map(|end| (end, Label::Percent)),
            self.quantity(i).map(|end| (end, Label::Quantity)),
            self.time(i).map(|end| (end, Label::Time)),
            self.date(i).map(|end| (end, Label::Date)),
        ]
        .into_iter()
        .flatten()
        // `max_by_key` keeps the last of equal maxima: reversed, that is the first family.
        .rev()
        .max_by_key(|&(end, _)| end)
    }

    /// The amount starting at token `i` (see [`Rules::read_amount`]); none past the end.
    fn amount(&self, i: usize) -> Option<Amount<'t>> {
        self.amounts.get(i).copied().flatten()
    }

    /// An amount starting at token `i`: a numeral ("1.5"), a numeral with glued letters ("3.5m"),
    /// or number words ("twenty-five", "a million"), then any scale words ("billion").
    /// Reads at most [`MAX_AMOUNT_WORDS`] number words, and twice that with scale words, so that a text of
    /// "one one one ..." stays linear.
    fn read_amount(&self, i: usize) -> Option<Amount<'t>> {
        let word = self.word(i);
        let (mut end, suffix) = if self.kind(i) == Some(TokenKind::Number) && is_numeral(word) {
            (i + 1, "")
        } else if let Some((_, suffix)) = split_glued(word) {
            (i + 1, suffix)
        } else if self.number_word(i) {
            let mut end = i + 1;
            while end - i < MAX_AMOUNT_WORDS && self.number_word(end) {
                end += 1;
            }
            (end, "")
        } else if is_any(word, &["a"]) && self.is(i + 1, &SCALE_WORDS) {
            (i + 1, "")
        } else {
            return None;
        };
        if suffix.is_empty() {
            while end - i < 2 * MAX_AMOUNT_WORDS && self.is(end, &SCALE_WORDS) {
                end += 1;
            }
        }
        let large = !matches!(suffix, "" | "k" | "K") && SCALE_SUFFIXES.contains(suffix)
            || (i..end).any(|k| self.is(k, &LARGE_SCALES));
        Some(Amount { end, suffix, large })
    }

    /// An amount with nothing glued to it, or with a glued scale ("3.5m"): what money accepts.
    fn money_amount(&self, i: usize) -> Option<Amount<'t>> {
        self.amount(i).filter(|a| a.suffix.is_empty() || SCALE_SUFFIXES.contains(a.suffix))
    }

    /// An amount with nothing glued to it.
    fn plain_amount(&self, i: usize) -> Option<Amount<'t>> {
        self.amount(i).filter(|a| a.suffix.is_empty())
    }

    /// "US$5", "HK$10": whether token `i` is a country code glued to the dollar sign after it.
    fn currency_prefix(&self, i: usize) -> bool {
        let word = self.word(i);
        (word == "U.S." || (word.len() <= 3 && word.bytes().all(|b| b.is_ascii_uppercase())))
            && self.word(i + 1) == "$"
            && self.touches(i + 1)
    }

    /// MONEY: "$20 billion", "US$5", "€3.5m", "USD 5 million", "5 million euros", "500 USD".
    fn money(&self, i: usize) -> Option<usize> {
        let prefixed = self.currency_prefix(i);
        let symbol = if prefixed { i + 1 } else { i };
        if self.is(symbol, &CURRENCY_SYMBOLS) || (!prefixed && self.is(i, &CURRENCY_CODES)) {
            return self.money_amount(symbol + 1).map(|a| a.end);
        }
        let amount = self.money_amount(i)?;
        let mut k = amount.end;
        while k < amount.end + 2 && self.is(k, &CURRENCY_ADJECTIVES) {
            k += 1;
        }
        let currency = self.word(k);
        let is_currency = if k > amount.end {
            is_any(currency, &["dollar", "dollars", "franc", "francs"])
        } else if is_any(currency, &["pound", "pounds"]) {
            amount.large || is_any(self.word(k + 1), &["sterling"])
        } else {
            self.is(k, &CURRENCY_WORDS) || self.is(k, &CURRENCY_CODES) || self.is(k, &CURRENCY_SYMBOLS)
        };
        if !is_currency {
            return None;
        }
        Some(if is_any(self.word(k + 1), &["sterling"]) { k + 2 } else { k + 1 })
    }

    /// PERCENT: "20%", "20 percent", "5 per cent", "3 percentage points".
    fn percent(&self, i: usize) -> Option<usize> {
        let k = self.plain_amount(i)?.end;
        let word = self.word(k);
        if word == "%" || is_any(word, &["percent", "pct"]) {
            Some(k + 1)
        } else if (is_any(word, &["per"]) && is_any(self.word(k + 1), &["cent"]))
            || (is_any(word, &["percentage"]) && is_any(self.word(k + 1), &["point", "points"]))
        {
            Some(k + 2)
        } else {
            None
        }
    }

    /// QUANTITY: "five miles", "2.5 kg", "10km", "30 square miles", "500,000 barrels per day".
    fn quantity(&self, i: usize) -> Option<usize> {
        let amount = self.amount(i)?;
        if !amount.suffix.is_empty() {
            // "10km", "2.5kg": the unit is glued to the numeral.
            return UNIT_SYMBOLS.contains(amount.suffix).then_some(amount.end);
        }
        let k = amount.end;
        let word = self.word(k);
        let is_unit = |k: usize| self.is(k, &UNIT_WORDS) || self.is(k, &UNIT_SYMBOLS);
        let mut end = if matches!(word, "square" | "sq" | "cubic") && is_unit(k + 1) {
            k + 2
        } else if is_unit(k) {
            k + 1
        } else {
            return None;
        };
        // "30 degrees Celsius"
        if is_any(self.word(end - 1), &["degree", "degrees"])
            && matches!(self.word(end), "Celsius" | "Fahrenheit" | "C" | "F")
        {
            end += 1;
        }
        // "60 miles per hour"
        if is_any(self.word(end), &["per"]) && self.is(end + 1, &RATE_UNITS) {
            end += 2;
        }
        Some(end)
    }

    /// TIME: "3:30 p.m.", "3 p.m. ET", "10am", "noon", "tonight", "this morning", "two hours".
    fn time(&self, i: usize) -> Option<usize> {
        let word = self.word(i);
        if is_any(word, &["noon", "midnight", "midday", "tonight"]) {
            return Some(i + 1);
        }
        if (is_any(word, &["this"]) && is_any(self.word(i + 1), &["morning", "afternoon", "evening"]))
            || (is_any(word, &["last"]) && is_any(self.word(i + 1), &["night"]))
        {
            return Some(i + 2);
        }
        let hour = |w: &str| digits_value(w).filter(|&h| h <= 24 && w.len() <= 2);
        // "1500 GMT": four-digit military time before a zone.
        let military = word.len() == 4
            && digits_value(word).is_some()
            && hour(&word[..2]).is_some_and(|h| h < 24)
            && digits_value(&word[2..]).is_some_and(|m| m < 60);
        if military && self.is(i + 1, &TIME_ZONES) {
            return Some(i + 2);
        }
        // "3:30", "3:30pm" (the meridiem glued to the minutes).
        let minutes = self.word(i + 2);
        let (minutes, glued) = match split_glued(minutes) {
            Some((m, suffix)) if MERIDIEMS.contains(suffix) => (m, true),
            _ => (minutes, false),
        };
        let clock = hour(word).is_some()
            && self.word(i + 1) == ":"
            && self.touches(i + 1)
            && self.touches(i + 2)
            && minutes.len() == 2
            && digits_value(minutes).is_some_and(|m| m < 60);
        let (end, meridiem) = if clock {
            let spaced = !glued && self.is(i + 3, &MERIDIEMS);
            (i + 3 + usize::from(spaced), glued || spaced)
        } else if is_twelve_hour(word) && self.is(i + 1, &MERIDIEMS) {
            // "3 p.m.", "3.30 p.m."
            (i + 2, true)
        } else if split_glued(word).is_some_and(|(n, s)| is_twelve_hour(n) && MERIDIEMS.contains(s)) {
            // "4pm", "3.30pm"
            (i + 1, true)
        } else if is_twelve_hour(word) && is_any(self.word(i + 1), &["o'clock", "o’clock"]) {
            return Some(i + 2);
        } else {
            // "two hours", "90 minutes"
            let end = self.plain_amount(i)?.end;
            return is_any(self.word(end), &["hour", "hours", "minute", "minutes", "second", "seconds"])
                .then_some(end + 1);
        };
        let zone = self.is(end, &TIME_ZONES);
        let previous = self.previous(i);
        let cued = previous.starts_with(char::is_lowercase) || self.previous_is(i, &TIME_CUES);
        if !(meridiem || zone || word.len() == 2 || cued) {
            return None;
        }
        Some(end + usize::from(zone))
    }

    /// DATE: the longest of the date patterns at token `i`.
    fn date(&self, i: usize) -> Option<usize> {
        [
            self.calendar_date(i),
            self.year(i),
            self.relative_date(i),
            self.part_of_period(i),
            self.duration(i),
            self.numeric_date(i),
            is_any(self.word(i), &["yesterday", "today", "tomorrow"]).then_some(i + 1),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// A month name or abbreviation at token `i`: one past it.
    fn month(&self, i: usize) -> Option<usize> {
        self.is(i, &MONTHS).then_some(i + 1)
    }

    /// A year at token `i`, in a context that is already a date ("January 2020"): one past it.
    fn year_number(&self, i: usize) -> Option<usize> {
        (self.kind(i) == Some(TokenKind::Number) && is_year_digits(self.word(i))).then_some(i + 1)
    }

    /// A day of the month at token `i`: one past it.
    fn day(&self, i: usize) -> Option<usize> {
        is_day_word(self.word(i)).then_some(i + 1)
    }

    /// Extends a date ending before `end` with a year: "..., 2020" or "... 2020".
    fn with_year(&self, end: usize) -> usize {
        if self.word(end) == "," {
            self.year_number(end + 1).unwrap_or(end)
        } else {
            self.year_number(end).unwrap_or(end)
        }
    }

    /// "Tuesday", "Tuesday, Jan. 5", "Jan. 5", "January 5, 2020", "5 January 2020", "May 2019",
    /// "the 5th of January", "spring 2020".
    fn calendar_date(&self, i: usize) -> Option<usize> {
        if self.is(i, &WEEKDAYS) {
            let comma = usize::from(self.word(i + 1) == ",");
            return Some(
                self.month_date(i + 1 + comma).or_else(|| self.day_month(i + 1 + comma)).unwrap_or(i + 1),
            );
        }
        if self.is(i, &SEASONS) {
            let of = usize::from(is_any(self.word(i + 1), &["of"]));
            return self.year_number(i + 1 + of);
        }
        if is_any(self.word(i), &["the"]) && self.day(i + 1).is_some() && is_any(self.word(i + 2), &["of"]) {
            return self.month(i + 3).map(|end| self.with_year(end));
        }
        self.month_date(i).or_else(|| self.day_month(i))
    }

    /// "Jan. 5", "January 5, 2020", "May 2019", "March of 2020", "January", "in May".
    fn month_date(&self, i: usize) -> Option<usize> {
        let end = self.month(i)?;
        if let Some(end) = self.day(end) {
            return Some(self.with_year(end));
        }
        if let Some(end) = self.year_number(end) {
            return Some(end);
        }
        if is_any(self.word(end), &["of"]) {
            if let Some(end) = self.year_number(end + 1) {
                return Some(end);
            }
        }
        // A month alone: "May" needs a cue ("in May"); a month that is also a given name is a name
        // before a capitalized word ("June Carter").
        let month = self.word(i);
        let may_needs_cue = month == "May" && !self.previous_is(i, &DATE_CUES);
        let before_name = matches!(month, "April" | "May" | "June" | "August")
            && self.word(end).starts_with(char::is_uppercase);
        (!may_needs_cue && !before_name).then_some(end)
    }

    /// "5 January", "5 January 2020".
    fn day_month(&self, i: usize) -> Option<usize> {
        let end = self.month(self.day(i)?)?;
        Some(self.with_year(end))
    }

    /// "2019" in a date context, "2019-20", "1990s", "mid-2019", "fiscal 2020", "FY2019", "Q3 2019".
    fn year(&self, i: usize) -> Option<usize> {
        let word = self.word(i);
        if self.year_number(i).is_some() {
            let previous = self.previous(i);
            let cued = self.previous_is(i, &DATE_CUES);
            let next = self.word(i + 1);
            let counted_noun = self.kind(i + 1) == Some(TokenKind::Word)
                && next.starts_with(char::is_lowercase)
                && !self.is(i + 1, &YEAR_FOLLOWERS);
            let after_name =
                previous.starts_with(char::is_uppercase) && !cued && !self.previous_is(i, &MONTHS);
            // "1578 2060 76.6", "212 859 1622": a column of a table or part of a phone number.
            let among_numbers = i.checked_sub(1).and_then(|p| self.kind(p)) == Some(TokenKind::Number)
                || self.kind(i + 1) == Some(TokenKind::Number);
            return (!among_numbers && (cued || !(counted_noun || after_name))).then_some(i + 1);
        }
        if self.kind(i) == Some(TokenKind::Number) {
            // "2019-20", "2019-2020"
            let range = word.split_once(['-', '–']).is_some_and(|(a, b)| {
                is_year_digits(a) && (b.len() == 2 || b.len() == 4) && digits_value(b).is_some()
            });
            return range.then_some(i + 1);
        }
        // "1990s", "mid-2019", "FY2019", "Q3"
        let decade = word.strip_suffix('s').is_some_and(|y| is_year_digits(y) && y.ends_with('0'));
        let part_of_year = word
            .split_once('-')
            .is_some_and(|(part, y)| is_any(part, &["mid", "early", "late", "end"]) && is_year_digits(y));
        let fiscal = word
            .strip_prefix("FY")
            .is_some_and(|y| is_year_digits(y) || (y.len() == 2 && digits_value(y).is_some()));
        if decade || part_of_year || fiscal {
            return Some(i + 1);
        }
        // "early 2020", "late 1990s": the part of the year is part of the date.
        if is_any(word, &["early", "late", "mid"]) {
            // One level only: "early early early ..." must not recurse through the whole text.
            let decade = self.kind(i + 1) == Some(TokenKind::Word)
                && !is_any(self.word(i + 1), &["early", "late", "mid"])
                && self.year(i + 1).is_some();
            return self.year_number(i + 1).or(decade.then_some(i + 2));
        }
        // "the 20th century": an ordinal century.
        let ordinal = split_glued(word).is_some_and(|(n, s)| {
            digits_value(n).is_some_and(|c| (1..=21).contains(&c)) && matches!(s, "st" | "nd" | "rd" | "th")
        });
        if ordinal && is_any(self.word(i + 1), &["century"]) {
            return Some(i + 2);
        }
        if self.is(i, &QUARTERS) {
            return Some(self.year_number(i + 1).unwrap_or(i + 1));
        }
        if is_any(word, &["fiscal"]) || word == "FY" {
            let year = usize::from(is_any(self.word(i + 1), &["year"]));
            return self.year_number(i + 1 + year);
        }
        None
    }

    /// "last month", "Last month", "next year", "this week", "earlier this year", "last May",
    /// "the past two years", "the next few months".
    fn relative_date(&self, i: usize) -> Option<usize> {
        let mut j = i;
        if is_any(self.word(j), &["early", "earlier", "late", "later"])
            && is_any(self.word(j + 1), &["this", "next", "last"])
        {
            j += 1;
        }
        let the = j == i && is_any(self.word(j), &["the"]);
        j += usize::from(the);
        let deictic = self.word(j);
        let countable = is_any(deictic, &["next", "last", "past", "coming", "previous", "following"]);
        if !(countable || (!the && is_any(deictic, &["this"]))) {
            return None;
        }
        let k = j + 1;
        // "the past two years", "the next few months": a count makes a plural period a date.
        let count_end = if !countable {
            None
        } else if is_any(self.word(k), &["few", "several"]) {
            Some(k + 1)
        } else if is_any(self.word(k), &["a"]) && is_any(self.word(k + 1), &["few"]) {
            Some(k + 2)
        } else {
            self.plain_amount(k).map(|a| a.end)
        };
        if let Some(end) = count_end {
            return self.is(end, &PERIODS).then_some(end + 1);
        }
        // Without a count, a single period: "last month", "this spring", "next Tuesday", "last May".
        let word = self.word(k);
        let singular = self.is(k, &PERIODS) && !word.ends_with('s');
        let named = self.is(k, &SEASONS) || self.is(k, &WEEKDAYS) || self.month(k).is_some();
        // "the last day", "the next week" are too often not dates; "the past year" is one.
        let plain = singular && !(the && is_any(word, &["day", "week"]) && !is_any(deictic, &["past"]));
        (plain || named).then_some(k + 1)
    }

    /// "the end of the year", "the start of 2020", "the first quarter of 2019", "the second half",
    /// "end of March".
    fn part_of_period(&self, i: usize) -> Option<usize> {
        let the = is_any(self.word(i), &["the"]);
        let j = i + usize::from(the);
        let part = self.word(j);
        let ordinal = is_any(part, &["first", "second", "third", "fourth", "last", "final"]);
        let part_end =
            if is_any(part, &["end", "start", "beginning", "middle", "rest", "remainder", "close", "turn"]) {
                j + 1
            } else if ordinal
                && is_any(self.word(j + 1), &["half", "quarter", "week", "month", "weeks", "months"])
            {
                j + 2
            } else {
                return None;
            };
        if is_any(self.word(part_end), &["of"]) {
            if let Some(end) = self.period(part_end + 1) {
                return Some(end);
            }
        }
        // "the first quarter", "the second half 2019": a quarter or half of the year in context.
        let quarter_or_half = ordinal && is_any(self.word(j + 1), &["half", "quarter"]);
        (the && quarter_or_half).then(|| self.year_number(part_end).unwrap_or(part_end))
    }

    /// What "the end of" takes: "the year", "this month", "2020", "March", "next year".
    fn period(&self, i: usize) -> Option<usize> {
        let determiner = is_any(self.word(i), &["the", "this", "that", "next", "last"]);
        let at = i + usize::from(determiner);
        // Not "day": "the end of the day" is an idiom more often than a date.
        let unit = is_any(self.word(at), &["week", "month", "year", "quarter", "decade", "century"])
            || self.is(at, &SEASONS);
        let simple = (determiner && unit).then_some(i + 2);
        [simple, self.calendar_date(i), self.year(i), self.relative_date(i)].into_iter().flatten().max()
    }

    /// "two years", "six months ago", "a decade earlier", "several weeks", "five years old".
    fn duration(&self, i: usize) -> Option<usize> {
        let word = self.word(i);
        let (k, needs_anchor) = if is_any(word, &["several"]) {
            (i + 1, false)
        } else if is_any(word, &["a"]) && is_any(self.word(i + 1), &["few"]) {
            (i + 2, false)
        } else if is_any(word, &["a", "an"]) {
            // "a year ago": "a year" alone is too often not a date ("$5 million a year").
            (i + 1, true)
        } else {
            (self.plain_amount(i)?.end, false)
        };
        if !self.is(k, &PERIODS) {
            return None;
        }
        let anchored = is_any(self.word(k + 1), &["ago", "earlier", "later", "old"]);
        if needs_anchor && !anchored {
            return None;
        }
        Some(k + 1 + usize::from(anchored))
    }

    /// "2020-01-05", "1/5/2020".
    fn numeric_date(&self, i: usize) -> Option<usize> {
        let word = self.word(i);
        let mut parts = word.split('-');
        if let (Some(year), Some(month), Some(day), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            let valid = is_year_digits(year)
                && month.len() == 2
                && digits_value(month).is_some_and(|m| (1..=12).contains(&m))
                && is_day_word(day);
            return valid.then_some(i + 1);
        }
        let small = |k: usize| digits_value(self.word(k)).is_some_and(|n| (1..=31).contains(&n));
        let slashed = small(i)
            && self.word(i + 1) == "/"
            && small(i + 2)
            && self.word(i + 3) == "/"
            && (1..=4).all(|k| self.touches(i + k))
            && (is_year_digits(self.word(i + 4))
                || (self.word(i + 4).len() == 2 && digits_value(self.word(i + 4)).is_some()));
        slashed.then_some(i + 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The annotated format of the golden cases, shared with `tests/entities_rules.rs`.
    mod annotated {
        include!("../../tests/golden/annotated.rs");
    }

    /// Asserts that the rules find exactly the bracketed mentions in each line of `cases`, written
    /// as the golden cases are (`[MONEY $20 billion]`; a line without brackets finds nothing).
    fn assert_tagged(cases: &str) {
        let cases = annotated::cases(cases).unwrap_or_else(|error| panic!("{error}"));
        annotated::assert_cases_pass(&cases, |text| {
            tag(&Document::new(text))
                .into_iter()
                .map(|e| annotated::Mention {
                    span: e.span.start..e.span.end,
                    label: e.label.as_str().to_string(),
                    text: e.text,
                })
                .collect()
        });
    }

    #[test]
    fn money() {
        assert_tagged(
            r"
            It could cost OpenAI [MONEY $20 billion] in funding.
            The stake rose to over [MONEY $10 billion].
            It raised [MONEY €3.5m] and paid [MONEY £40,000].
            Shares fell to [MONEY US$5] and [MONEY HK$10].
            They spent [MONEY 5 million euros] and [MONEY 20 cents].
            A deal worth [MONEY USD 5 million] or [MONEY 300 Hong Kong dollars].
            It paid [MONEY 5 million pounds] and [MONEY a billion dollars].
            ",
        );
    }

    #[test]
    fn amounts_without_currency_are_not_money() {
        assert_tagged(
            r"
            It sold 20 billion units for $ per share.
            He weighs [QUANTITY 180 pounds].
            ",
        );
    }

    #[test]
    fn percent() {
        assert_tagged(
            r"
            Sales rose [PERCENT 20%] and costs [PERCENT 20 percent].
            Up [PERCENT 5 per cent], or [PERCENT three percentage points], or [PERCENT 1.5 pct].
            ",
        );
    }

    #[test]
    fn quantity() {
        assert_tagged(
            r"
            They walked [QUANTITY five miles] and carried [QUANTITY 2.5 kg] for [QUANTITY 10 km].
            A [QUANTITY 10km] run, a [QUANTITY 2.5kg] bag, [QUANTITY 30 square miles].
            It pumps [QUANTITY 500,000 barrels per day] at [QUANTITY 30 degrees Celsius].
            ",
        );
    }

    #[test]
    fn time() {
        assert_tagged(
            r"
            We met at [TIME 3:30 p.m.] and again at [TIME noon].
            Trading opens at [TIME 9:30 a.m. ET], closes at [TIME 4pm].
            The talks lasted [TIME two hours] [TIME tonight].
            By [TIME 14:30] it was over, [TIME 10 o'clock] at the latest.
            Talks end at [TIME 1500 GMT].
            Doors open at [TIME 3.30pm], [TIME 7:45pm] and [TIME 6.15 a.m.]
            ",
        );
    }

    #[test]
    fn clock_like_numbers_without_time_context_are_not_times() {
        assert_tagged(r"As John 3:16 says, a 2:1 ratio.");
    }

    #[test]
    fn calendar_dates() {
        assert_tagged(
            r"
            It began [DATE Jan. 5] and ended [DATE January 5, 2020].
            On [DATE Tuesday, Jan. 5], he left; on [DATE 5 January 2020] he came.
            It opens in [DATE May] and closes in [DATE March 2021].
            Filed [DATE 2020-01-05] and [DATE 1/5/2020].
            ",
        );
    }

    #[test]
    fn years() {
        assert_tagged(
            r"
            Microsoft invested in OpenAI in [DATE 2019] to support it.
            [DATE 2019] was a good year, unlike the [DATE 1990s] or [DATE mid-2008].
            Sales fell in [DATE early 2020], as in the [DATE late 1990s] and the [DATE 20th century].
            Results for [DATE fiscal 2020] and [DATE Q3 2019] and the [DATE 2019-20] season.
            ",
        );
    }

    #[test]
    fn numbers_that_are_not_years() {
        assert_tagged(
            r"
            About 2000 employees use Windows 2000 and 365 apps; 3000 is a lot.
            It has 1,999 staff and 12345 users.
            Footscray 21 5 1 15 1578 2060 76.6 22. Call +1 212 859 1622.
            ",
        );
    }

    #[test]
    fn may_the_verb_is_not_a_month() {
        assert_tagged(
            r"
            OpenAI may seek a review. May I ask? May Smith spoke.
            The vote is [DATE May 5], after talks in [DATE May].
            June Carter sang.
            ",
        );
    }

    #[test]
    fn relative_dates() {
        assert_tagged(
            r"
            [DATE Last month], it announced a deal.
            It failed by [DATE the end of the year], after [DATE last month].
            [DATE Earlier this year] and over [DATE the past two years], [DATE yesterday].
            Profit rose in [DATE the first quarter of 2019] and [DATE next Tuesday].
            ",
        );
    }

    #[test]
    fn durations() {
        assert_tagged(r"It took [DATE two years], and [DATE six months ago] [DATE a decade earlier].");
    }

    #[test]
    fn vague_periods_are_not_dates() {
        assert_tagged(
            r"
            In the coming years, despite months of talks, a six-year-long deal.
            It earns [MONEY $5 million] a year.
            He wrote A Thousand Days near Three Mile Island.
            ",
        );
    }

    #[test]
    fn matches_stay_inside_their_sentence() {
        // "2019." ends a sentence; "Five" opens the next: no span joins them.
        assert_tagged(r"It was founded in [DATE 2019]. [QUANTITY Five miles] away.");
    }

    /// What `check` says of the rules of the sentence of `words`, each one token of the kind given.
    /// The tokens touch: the families require that in places ("US$5", "3:30") and never the
    /// opposite.
    fn with_rules<T>(words: &[(&str, TokenKind)], check: impl FnOnce(&Rules) -> T) -> T {
        let mut text = String::new();
        let mut tokens = Vec::new();
        for &(word, kind) in words {
            tokens.push(Token { start: text.len(), end: text.len() + word.len(), kind, gap: Gap::None });
            text.push_str(word);
        }
        let mut rules = Rules::default();
        rules.read(&text, &tokens);
        check(&rules)
    }

    /// Each string in the code above the tests that is one token, with its kind: every word that
    /// a family looks for is among them.
    fn code_words() -> Vec<(String, TokenKind)> {
        // The quote as a number, so that this line holds none to throw the pairs of quotes off.
        let quote = char::from(34);
        let code = include_str!("rules.rs").split("#[cfg(test)]").next().unwrap_or_default();
        let mut words: Vec<(String, TokenKind)> = code
            .split(quote)
            .skip(1)
            .step_by(2)
            .filter_map(|word| match crate::token::tokenize(word)[..] {
                [token] if token.text(word) == word => Some((word.to_string(), token.kind)),
                _ => None,
            })
            .collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        words.dedup();
        words
    }

    #[test]
    fn tokens_that_may_not_start_a_match_start_none() {
        let words = code_words();
        assert!(words.len() > 300, "only {} words", words.len());
        // Each word as written and in lowercase (the families compare most words ignoring case)
        // that may not start a match alone (a next token only lets more tokens start one), then
        // each word and one of the continuations that the families look for after two tokens.
        let mut firsts: Vec<(String, TokenKind)> = words
            .iter()
            .flat_map(|(word, kind)| [(word.clone(), *kind), (word.to_lowercase(), *kind)])
            .collect();
        firsts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        firsts.dedup();
        let year = ("2019", TokenKind::Number);
        let (of, ago, year_word) =
            (("of", TokenKind::Word), ("ago", TokenKind::Word), ("year", TokenKind::Word));
        let tails = [&[year][..], &[ago], &[year_word], &[of, year]];
        let mut rejected = 0;
        for (first, kind) in &firsts {
            let first = (first.as_str(), *kind);
            if with_rules(&[first], |rules| rules.may_start(0)) {
                continue;
            }
            rejected += 1;
            for (next, next_kind) in &words {
                for tail in tails {
                    let sentence = [&[first, (next.as_str(), *next_kind)][..], tail].concat();
                    let rejected_match =
                        with_rules(&sentence, |rules| rules.longest_match(0).filter(|_| !rules.may_start(0)));
                    assert_eq!(rejected_match, None, "{sentence:?} starts a match that is rejected");
                }
            }
        }
        assert!(rejected > 300, "only {rejected} words rejected");
    }
}
