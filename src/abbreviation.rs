//! Abbreviations that take a period, and the words that tell a new sentence has begun after one.
//!
//! The tokenizer keeps an abbreviation's period in its token ("Mr.", "U.S."); the sentence splitter
//! then decides from the abbreviation's kind and the next word whether that period also ends a
//! sentence ("I live in the U.S. How about you?") or not ("the U.S. Government").

/// How an abbreviation behaves before the next word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbbreviationKind {
    /// Stands before a name or number and so never ends a sentence before one: titles ("Mr.", "Gov.",
    /// "St."), and number prefixes ("No. 5", "p. 55").
    Prefix,
    /// Often ends a sentence: company suffixes ("Inc.", "Co."), "Jr.", months ("Jan."), US states
    /// ("Calif."), times ("a.m."), dotted initialisms ("U.S.", "D.C."). Ends one before a word that
    /// typically opens a sentence ("It", "The").
    Final,
    /// Never ends a sentence: "e.g.", "i.e.", "vs.".
    Inner,
    /// A single letter: an initial ("Jonas E. Smith", "J. R. R. Tolkien") or a list marker ("a.").
    Letter,
}

/// The kind of `word` (without its period) if it is an abbreviation that takes a period.
pub fn abbreviation_kind(word: &str) -> Option<AbbreviationKind> {
    use AbbreviationKind::*;
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_alphabetic() => return Some(Letter),
        (None, _) => return None,
        _ => {}
    }
    let kind =
        match word {
            // Titles and ranks before names, and saints, mounts and forts before places.
            _ if is_title(word) => Prefix,
            "St" | "Mt" | "Ft" => Prefix,
            // Prefixes of numbers: "No. 5", "p. 55", "Vol. 2", "Fig. 3".
            "No" | "Nos" | "no" | "nos" | "pp" | "Vol" | "vol" | "Art" | "art" | "Fig" | "fig" | "Sec"
            | "sec" | "Ch" | "ch" | "Para" | "para" | "Nr" | "nr" | "Ex" => Prefix,
            // Company and name suffixes.
            "Inc" | "Corp" | "Co" | "co" | "Cos" | "Ltd" | "Bros" | "Jr" | "Esq" | "Plc" | "Assn"
            | "Dept" | "Univ" | "Mfg" | "Intl" => Final,
            // Addresses and units.
            "Ave" | "Blvd" | "Rd" | "st" | "ave" | "ft" | "lbs" | "lb" | "oz" | "yr" | "yrs" | "hr"
            | "hrs" | "mo" | "mos" | "min" | "mins" | "sq" | "cu" | "approx" | "est" | "etc" | "al" => Final,
            // Months, as in "Jan. 5" or "in Sept. 2019".
            "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov"
            | "Dec" => Final,
            // US states in the Associated Press style used by datelines.
            "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del" | "Fla" | "Ga" | "Ill" | "Ind"
            | "Kan" | "Kans" | "Ky" | "La" | "Md" | "Mass" | "Mich" | "Minn" | "Miss" | "Mo" | "Mont"
            | "Neb" | "Nebr" | "Nev" | "Okla" | "Ore" | "Pa" | "Tenn" | "Tex" | "Va" | "Vt" | "Wash"
            | "Wis" | "Wyo" => Final,
            // Latin and other connectives that never close a sentence.
            "e.g" | "i.e" | "E.g" | "I.e" | "vs" | "Vs" | "v" | "cf" | "viz" | "ca" | "incl" | "esp" => Inner,
            _ if is_dotted_initialism(word) => Final,
            // "ST. LOUIS", "ACME CORP.": headlines and datelines in capitals.
            _ if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase()) => {
                let mut title = word[..1].to_string();
                title.push_str(&word[1..].to_ascii_lowercase());
                return abbreviation_kind(&title);
            }
            _ => return None,
        };
    Some(kind)
}

/// Titles and ranks that stand before a person's name, with a period ("Mr. Smith") or without one,
/// as British style writes them ("Mr Smith", "Dr Fauci").
const TITLES: [&str; 35] = [
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Gov", "Sen", "Sens", "Rep", "Reps", "Gen", "Col", "Lt", "Sgt",
    "Capt", "Cmdr", "Adm", "Maj", "Cpl", "Pvt", "Brig", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Atty",
    "Amb", "Messrs", "Mme", "Mlle", "Fr", "Sr",
];

/// Whether `word` (without its period) is a [title](TITLES) before a person's name: "Mr", "Dr".
pub fn is_title(word: &str) -> bool {
    TITLES.contains(&word)
}

/// "U.S", "a.m", "Ph.D", "U.S.A": one or two letters between periods (the final period comes after).
fn is_dotted_initialism(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let letters = part.chars().count();
            (1..=2).contains(&letters) && part.chars().all(char::is_alphabetic)
        })
}

/// Whether `word` typically opens a sentence, so that a preceding "U.S." or "Inc." ends one.
pub fn is_sentence_starter(word: &str) -> bool {
    matches!(
        word,
        "A" | "An"
            | "The"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "It"
            | "Its"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "My"
            | "Your"
            | "There"
            | "Here"
            | "What"
            | "When"
            | "Where"
            | "Why"
            | "How"
            | "Who"
            | "Which"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "However"
            | "Meanwhile"
            | "Moreover"
            | "Also"
            | "In"
            | "On"
            | "At"
            | "For"
            | "If"
            | "As"
            | "After"
            | "Before"
            | "While"
            | "Although"
            | "Though"
            | "Since"
            | "Because"
            | "Some"
            | "Many"
            | "Most"
            | "All"
            | "Both"
            | "Each"
            | "Another"
            | "Several"
            | "According"
            | "Still"
            | "Then"
            | "Now"
            | "Today"
            | "Such"
            | "Earlier"
            | "Later"
            | "Despite"
            | "During"
            | "Under"
            | "Officials"
            | "Shares"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_common_news_abbreviations() {
        assert_eq!(abbreviation_kind("Mr"), Some(AbbreviationKind::Prefix));
        assert_eq!(abbreviation_kind("Inc"), Some(AbbreviationKind::Final));
        assert_eq!(abbreviation_kind("U.S"), Some(AbbreviationKind::Final));
        assert_eq!(abbreviation_kind("a.m"), Some(AbbreviationKind::Final));
        assert_eq!(abbreviation_kind("e.g"), Some(AbbreviationKind::Inner));
        assert_eq!(abbreviation_kind("E"), Some(AbbreviationKind::Letter));
    }

    #[test]
    fn ordinary_words_and_domains_are_not_abbreviations() {
        assert_eq!(abbreviation_kind("Smith"), None);
        assert_eq!(abbreviation_kind("openai.com"), None);
        assert_eq!(abbreviation_kind(""), None);
    }
}
