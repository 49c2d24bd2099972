//! The CTCAE v5.0 catalogue (NCI's table, compiled in) and a forgiving search over it: prefix and
//! substring, any word order, common abbreviations and synonyms, and the Chinese names.

use std::sync::OnceLock;

use super::synonyms::{NOTES, SYNONYMS};
use super::zh::ZH_NAMES;
use crate::i18n::Text;

/// NCI's table: one line per term, tab-separated (see `crates/core/data/README.md`).
const TSV: &str = include_str!("../../data/ctcae_v5_terms.tsv");

/// One CTCAE term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// MedDRA code.
    pub code: &'static str,
    /// System organ class.
    pub soc: &'static str,
    /// The term.
    pub term: &'static str,
    /// Grades 1-5; `None` where the grade does not exist. Line breaks are literal `\n` in the
    /// table: [`unescape`] restores them.
    pub grades: [Option<&'static str>; 5],
    /// The definition (`None` for the "Other, specify" terms).
    pub definition: Option<&'static str>,
    /// NCI's navigational note.
    pub note: Option<&'static str>,
    /// The project's Chinese name, when it has one.
    pub zh: Option<&'static str>,
}

/// Restores the line breaks written as `\n` in the table, and normalises the three Unicode
/// comparison signs to ASCII as the rest of the table writes them.
pub fn unescape(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace('≥', ">=")
        .replace('≤', "<=")
}

/// Every term, parsed once.
pub fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| {
        TSV.lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let fields: Vec<&'static str> = line.split('\t').collect();
                let get = |i: usize| fields.get(i).copied().unwrap_or("");
                let opt = |s: &'static str| (s != "-" && !s.is_empty()).then_some(s);
                let term = get(2);
                Term {
                    code: get(0),
                    soc: get(1),
                    term,
                    grades: [
                        opt(get(3)),
                        opt(get(4)),
                        opt(get(5)),
                        opt(get(6)),
                        opt(get(7)),
                    ],
                    definition: opt(get(8)),
                    note: opt(get(9)),
                    zh: ZH_NAMES.iter().find(|(t, _)| *t == term).map(|(_, zh)| *zh),
                }
            })
            .collect()
    })
}

/// One term by its exact name.
pub fn find(term: &str) -> Option<&'static Term> {
    terms().iter().find(|t| t.term.eq_ignore_ascii_case(term))
}

/// The "Other, specify" term of a system organ class.
pub fn other_specify(soc: &str) -> Option<&'static Term> {
    terms()
        .iter()
        .find(|t| t.soc == soc && t.term.ends_with("- Other, specify"))
}

fn normalise(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || !c.is_ascii() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn words(s: &str) -> Vec<String> {
    normalise(s).split_whitespace().map(String::from).collect()
}

/// What search compares, computed once per term: the normalised name and its words.
fn search_keys() -> &'static [(String, Vec<String>)] {
    static KEYS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        terms()
            .iter()
            .map(|t| (normalise(t.term), words(t.term)))
            .collect()
    })
}

/// The terms matching `query`, best first, at most `limit`.
///
/// Ranking: exact name or synonym, then name starting with the query, then every query word a
/// prefix of a word of the name (any order), then a synonym matching, then the Chinese name or
/// the name containing the query as a substring.
pub fn search(query: &str, limit: usize) -> Vec<&'static Term> {
    let q = normalise(query).trim().to_owned();
    if q.is_empty() {
        return Vec::new();
    }
    let q_words = words(&q);
    let mut scored: Vec<(u8, &'static Term)> = Vec::new();
    for (t, (name, name_words)) in terms().iter().zip(search_keys()) {
        let name = name.as_str();
        let synonym = SYNONYMS
            .iter()
            .filter(|(_, term)| *term == t.term)
            .map(|(s, _)| *s);
        let mut score = 0u8;
        if name == q {
            score = 100;
        }
        for s in synonym {
            if s == q {
                score = score.max(95);
            } else if s.starts_with(&q)
                // Chinese has no spaces: a word typed inside a longer phrase (谷丙转氨酶升高).
                || (!s.is_ascii() && q.contains(s))
                || q_words
                    .iter()
                    .all(|w| s.split(' ').any(|sw| sw.starts_with(w.as_str())))
            {
                score = score.max(60);
            }
        }
        if name.starts_with(q.as_str()) {
            score = score.max(80);
        }
        if q_words
            .iter()
            .all(|w| name_words.iter().any(|nw| nw.starts_with(w.as_str())))
        {
            score = score.max(70);
        }
        if t.zh.is_some_and(|zh| zh.contains(query.trim())) {
            score = score.max(65);
        }
        if score == 0 && q.len() >= 3 && name.contains(q.as_str()) {
            score = 40;
        }
        if score > 0 {
            scored.push((score, t));
        }
    }
    // Best score first; then shorter names (the more general term), then alphabetical.
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.term.len().cmp(&b.1.term.len()))
            .then(a.1.term.cmp(b.1.term))
    });
    scored.into_iter().take(limit).map(|(_, t)| t).collect()
}

/// What to know about `query` beyond the terms it finds: for a syndrome CTCAE v5.0 has no term
/// for (post-embolization syndrome, immune hepatitis), that its components are graded separately.
pub fn search_hint(query: &str) -> Option<Text> {
    let q = normalise(query).trim().to_owned();
    if q.is_empty() {
        return None;
    }
    NOTES
        .iter()
        .find(|(words, _)| {
            words
                .iter()
                .any(|w| *w == q || (q.chars().count() >= 3 && w.starts_with(q.as_str())))
        })
        .map(|(_, n)| Text::new(n.en, n.zh))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn all_837_terms_load_without_duplicates_in_26_socs() {
        let t = terms();
        assert_eq!(t.len(), 837);
        let names: BTreeSet<String> = t.iter().map(|t| t.term.to_lowercase()).collect();
        assert_eq!(names.len(), 837);
        let codes: BTreeSet<&str> = t.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), 837);
        let socs: BTreeSet<&str> = t.iter().map(|t| t.soc).collect();
        assert_eq!(socs.len(), 26);
        for soc in socs {
            assert!(
                other_specify(soc).is_some(),
                "{soc} has an Other, specify term"
            );
        }
    }

    #[test]
    fn grade_texts_are_nci_s() {
        let n = find("Neutrophil count decreased").unwrap();
        assert_eq!(n.grades[2], Some("<1000 - 500/mm3; <1.0 - 0.5 x 10e9 /L"));
        assert_eq!(n.grades[4], None);
        let fatigue = find("Fatigue").unwrap();
        assert_eq!((fatigue.grades[3], fatigue.grades[4]), (None, None));
        let htn = find("Hypertension").unwrap();
        assert!(unescape(htn.grades[0].unwrap()).contains('\n'));
        assert!(unescape(htn.grades[0].unwrap()).contains(">=120/80"));
    }

    #[test]
    fn at_least_150_chinese_names_all_for_real_terms() {
        assert!(ZH_NAMES.len() >= 150, "{}", ZH_NAMES.len());
        for (term, zh) in ZH_NAMES {
            assert!(find(term).is_some(), "{term} is not a CTCAE v5.0 term");
            assert!(!zh.is_empty());
        }
        let unique: BTreeSet<&str> = ZH_NAMES.iter().map(|(t, _)| *t).collect();
        assert_eq!(unique.len(), ZH_NAMES.len());
        for (word, term) in SYNONYMS {
            assert!(find(term).is_some(), "synonym {word}: target {term}");
            assert_eq!(word.to_lowercase(), *word, "typed words are lowercase");
        }
    }

    fn first(query: &str) -> &'static str {
        search(query, 10).first().map_or("", |t| t.term)
    }

    #[test]
    fn abbreviations_and_synonyms_find_the_term() {
        assert_eq!(first("HFSR"), "Palmar-plantar erythrodysesthesia syndrome");
        assert_eq!(
            first("hand-foot"),
            "Palmar-plantar erythrodysesthesia syndrome"
        );
        assert_eq!(first("ALT"), "Alanine aminotransferase increased");
        assert_eq!(first("AST"), "Aspartate aminotransferase increased");
        assert_eq!(first("thrombocytopenia"), "Platelet count decreased");
        assert_eq!(first("neutropenia"), "Neutrophil count decreased");
    }

    #[test]
    fn prefix_substring_and_word_order() {
        assert_eq!(first("platelet"), "Platelet count decreased");
        assert_eq!(
            first("increased alanine"),
            "Alanine aminotransferase increased"
        );
        assert_eq!(first("hypothyr"), "Hypothyroidism");
        assert!(search("pneumo", 20).iter().any(|t| t.term == "Pneumonitis"));
        assert!(search("plantar", 5)
            .iter()
            .any(|t| t.term == "Palmar-plantar erythrodysesthesia syndrome"));
    }

    #[test]
    fn chinese_names_are_searchable() {
        assert_eq!(first("血小板"), "Platelet count decreased");
        assert_eq!(
            first("手足综合征"),
            "Palmar-plantar erythrodysesthesia syndrome"
        );
        assert_eq!(first("腹痛"), "Abdominal pain");
    }

    fn all(query: &str) -> Vec<&'static str> {
        search(query, 10).iter().map(|t| t.term).collect()
    }

    #[test]
    fn chinese_clinical_words_find_the_terms() {
        let transaminases = [
            "Alanine aminotransferase increased",
            "Aspartate aminotransferase increased",
        ];
        assert_eq!(all("转氨酶")[..2], transaminases);
        assert_eq!(all("transaminase")[..2], transaminases);
        assert_eq!(first("转氨酶升高"), transaminases[0], "inside a phrase");
        assert_eq!(first("谷草转氨酶"), transaminases[1]);
        let pes = all("栓塞后综合征");
        for t in ["Fever", "Abdominal pain", "Nausea"] {
            assert!(pes.contains(&t), "{t} in {pes:?}");
        }
        for (q, term) in [
            ("手足综合征", "Palmar-plantar erythrodysesthesia syndrome"),
            ("甲减", "Hypothyroidism"),
            ("蛋白尿", "Proteinuria"),
            ("高血压", "Hypertension"),
            ("腹泻", "Diarrhea"),
            ("乏力", "Fatigue"),
            ("皮疹", "Rash maculo-papular"),
            ("黄疸", "Blood bilirubin increased"),
            ("血小板减少", "Platelet count decreased"),
            ("白细胞减少", "White blood cell decreased"),
            ("中性粒细胞减少", "Neutrophil count decreased"),
            ("贫血", "Anemia"),
            ("发热", "Fever"),
            ("恶心", "Nausea"),
            ("呕吐", "Vomiting"),
            ("腹痛", "Abdominal pain"),
            ("食欲下降", "Anorexia"),
            ("甲状腺功能减退", "Hypothyroidism"),
        ] {
            assert_eq!(first(q), term, "{q}");
        }
    }

    #[test]
    fn syndromes_without_a_term_say_how_to_grade_them() {
        for q in [
            "栓塞后综合征",
            "Post-embolization syndrome",
            "post-embol",
            "PES",
        ] {
            let hint = search_hint(q).unwrap_or_else(|| panic!("{q}"));
            assert!(hint.en.contains("no term"), "{}", hint.en);
            assert!(hint.zh.contains("发热"), "{}", hint.zh);
        }
        assert!(search_hint("免疫性肝炎").is_some());
        assert_eq!(search_hint("platelet"), None);
        assert_eq!(search_hint(""), None);
    }

    #[test]
    fn nonsense_and_empty_find_nothing() {
        assert!(search("", 10).is_empty());
        assert!(search("zzqqxx", 10).is_empty());
    }
}
