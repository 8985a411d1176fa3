//! The gazetteer lists of `model/lists/`: one kind of name a file, one name a line, written by
//! `xtask/lists/fetch.py` from pinned package-registry releases (`model/lists/SOURCES.md` says which
//! and under which licence). Reading them needs no network, so training stays offline.

use std::path::Path;

use article_analyzer::entity::training::GAZETTEER_MAX_LEN;
use article_analyzer::token::tokenize;

/// The lists, in the order of their kind bits: `KINDS[i]` is read from `KINDS[i].txt`.
pub const KINDS: [&str; 5] =
    ["given-names", "family-names", "places", "nationalities-languages", "companies"];

/// The names of every list in `dir`, each as its tokens (split as the tagger splits text) with the
/// kind bit `first + i` of list `KINDS[i]`. Names of more than [`GAZETTEER_MAX_LEN`] tokens are left
/// out, since the tagger never looks up a run that long. A missing list is an error: an empty file
/// leaves a kind out.
pub fn read(dir: &Path, first: usize) -> Result<Vec<(Vec<String>, u16)>, String> {
    assert!(first + KINDS.len() <= 16, "a gazetteer has 16 kinds");
    let mut names = Vec::new();
    for (i, kind) in KINDS.iter().enumerate() {
        let path = dir.join(format!("{kind}.txt"));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!("cannot read {}: {e} (python3 xtask/lists/fetch.py writes the lists)", path.display())
        })?;
        names.extend(
            text.lines()
                .map(|line| tokenize(line).iter().map(|t| t.text(line).to_string()).collect::<Vec<_>>())
                .filter(|words| !words.is_empty() && words.len() <= GAZETTEER_MAX_LEN)
                .map(|words| (words, 1 << (first + i))),
        );
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_read_as_tokens_with_one_bit_per_kind() {
        let dir = std::env::temp_dir().join(format!("xtask-lists-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for kind in KINDS {
            std::fs::write(dir.join(format!("{kind}.txt")), "").unwrap();
        }
        std::fs::write(dir.join("places.txt"), "New York\n\nSt. Louis\nA B C D E F\n").unwrap();
        std::fs::write(dir.join("companies.txt"), "Apple Inc.\n").unwrap();
        let names = read(&dir, 11).unwrap();
        let words = |s: &[&str]| s.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names,
            [
                (words(&["New", "York"]), 1 << 13),
                (words(&["St.", "Louis"]), 1 << 13),
                (words(&["Apple", "Inc."]), 1 << 15),
            ]
        );
        std::fs::remove_file(dir.join("given-names.txt")).unwrap();
        assert!(read(&dir, 11).unwrap_err().contains("given-names.txt"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_committed_lists_are_sorted_and_read() {
        let dir = crate::repo_root().join("model/lists");
        for kind in KINDS {
            let text = std::fs::read_to_string(dir.join(format!("{kind}.txt"))).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(!lines.is_empty() && lines.windows(2).all(|w| w[0] < w[1]), "{kind}.txt is not sorted");
        }
        assert!(read(&dir, 11).unwrap().len() > 10_000);
    }
}
