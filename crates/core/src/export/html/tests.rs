//! The reports on the demo study: the numbers are the core's, both languages are whole, data text
//! is escaped, nothing is interactive.

use std::sync::OnceLock;

use serde_json::json;
use time::macros::date;

use super::texts::T;
use super::{patient_summary, study_report};
use crate::analysis::report::{report, ReportOptions};
use crate::analysis::Which;
use crate::i18n::Lang;
use crate::log::testing::LogBuilder;
use crate::log::State;
use crate::record::records;

const TODAY: time::Date = date!(2026 - 04 - 15);

fn demo() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| State::from_commits(&crate::demo::generate(60, 2026).commits))
}

/// The study report of the demo study in `lang`, built once per language.
fn report_in(lang: Lang) -> &'static str {
    static EN: OnceLock<String> = OnceLock::new();
    static ZH: OnceLock<String> = OnceLock::new();
    let cell = if lang == Lang::En { &EN } else { &ZH };
    cell.get_or_init(|| study_report(demo(), lang, TODAY))
}

/// `text` as it appears in the page's source (`<`, `>` and `&` escaped).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// "5.5 (1.4 – 11.7)", written out here apart from the module's own formatting.
fn interval(est: Option<f64>, lo: Option<f64>, hi: Option<f64>, missing: &str) -> String {
    let f = |v: Option<f64>| v.map_or(missing.to_owned(), |v| format!("{v:.1}"));
    format!("{} ({} – {})", f(est), f(lo), f(hi))
}

#[test]
fn the_study_report_shows_the_core_medians_and_log_rank_p() {
    let recs = records(demo());
    for lang in [Lang::En, Lang::ZhCn] {
        let page = report_in(lang);
        let not_reached = T::NotReached.get(lang);
        for endpoint in Which::ALL {
            let options = ReportOptions {
                endpoint,
                ..ReportOptions::default()
            };
            let r = report(&recs, &options).unwrap();
            let section = section_of(page, &format!("endpoint-{}", endpoint_name(endpoint)));
            assert!(section.contains(&escaped(endpoint.label().get(lang))));
            let a = r.survival.as_ref().expect("60 demo patients have curves");
            assert!(a.curves.len() >= 2, "{endpoint:?}");
            for c in &a.curves {
                let m = c.median;
                let text = interval(m.estimate, m.lower, m.upper, not_reached);
                assert!(
                    section.contains(&text),
                    "{lang:?} {endpoint:?} {}: {text} not in the page",
                    c.group
                );
                let group = crate::study::plan::group_label(&c.group);
                assert!(section.contains(&escaped(group.get(lang))));
                // The numbers at risk, in the at-risk table's row of the group.
                let risk: Vec<String> = c.at_risk.iter().map(|n| format!("<td>{n}</td>")).collect();
                assert!(section.contains(&risk.concat()), "{endpoint:?} at risk");
            }
            let lr = a.logrank.as_ref().unwrap();
            let p = if lr.p_value < 1e-4 {
                "p &lt; 0.0001".to_owned()
            } else {
                format!("p = {:.4}", lr.p_value)
            };
            assert!(section.contains(&p), "{endpoint:?}: {p}");
            assert!(section.contains(&format!("χ² = {:.2}", lr.chisq)));
            // The adjusted hazard ratio of each group against the reference.
            let fit = r.models.adjusted.as_ref().unwrap();
            for t in fit.terms.iter().filter(|t| t.not_estimable.is_none()) {
                let hr = format!("{:.2} ({:.2} – {:.2})", t.hr, t.hr_lower, t.hr_upper);
                assert!(section.contains(&hr), "{endpoint:?} {}: {hr}", t.name);
            }
        }
        // Response: the overall ORR by mRECIST.
        let r = report(&recs, &ReportOptions::default()).unwrap();
        let orr = &r.response[0].summary.rates.last().unwrap().orr;
        assert!(section_of(page, "response").contains(&format!("{}/{} (", orr.x, orr.n)));
    }
}

fn endpoint_name(w: Which) -> &'static str {
    match w {
        Which::PfsMrecist => "pfs_mrecist",
        Which::PfsRecist11 => "pfs_recist11",
        Which::Os => "os",
        Which::TtpMrecist => "ttp_mrecist",
    }
}

/// The `<section>` whose test id is `id`.
fn section_of<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("data-testid=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").unwrap();
    &page[start..start + end]
}

#[test]
fn the_safety_tables_and_the_groups_are_the_cores() {
    let t = crate::safety::tables(demo(), crate::study::plan::ALPHA);
    let page = report_in(Lang::En);
    let safety = section_of(page, "safety");
    let any = &t.summary[0];
    assert_eq!(any.label, "Any adverse event");
    let overall = any.cells.last().unwrap();
    assert!(safety.contains(&format!(
        "{} ({:.1}%)<br><span class=\"ci\">[{:.1}–{:.1}]</span>",
        overall.x,
        overall.estimate.unwrap() * 100.0,
        overall.lower.unwrap() * 100.0,
        overall.upper.unwrap() * 100.0
    )));
    let groups = section_of(page, "groups");
    for (g, n) in t.groups.iter().zip(&t.n) {
        let label = escaped(crate::study::plan::group_label(g).get(Lang::En));
        assert!(groups.contains(&format!("{label}</th><td>{n}</td>")), "{g}");
    }
    // Enrollment: every patient in one month, months contiguous.
    let months = super::study::enrolled_per_month(&records(demo()));
    assert_eq!(months.iter().map(|m| m.1).sum::<usize>(), 60);
    for w in months.windows(2) {
        let ((y0, m0), (y1, m1)) = (w[0].0, w[1].0);
        assert!((y1 == y0 && m1 == m0 + 1) || (y1 == y0 + 1 && m0 == 12 && m1 == 1));
    }
    assert!(section_of(page, "enrollment").contains("<svg"));
}

/// What a reader sees: the page's body.
fn body(page: &str) -> &str {
    &page[page.find("<body>").unwrap()..]
}

#[test]
fn each_language_is_whole() {
    let en = report_in(Lang::En);
    let zh = report_in(Lang::ZhCn);
    assert!(en.contains("<html lang=\"en\">"));
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    for english in [
        "Kaplan-Meier estimates",
        "Number at risk",
        "Overall survival",
        "Patients by treatment group",
        "Any adverse event",
        "Abdominal pain",
        "Generated on",
        "Median, months",
        "Log-rank test",
        "Tumor response",
        "anti-PD",
        "Unadjusted HR",
        "Months",
    ] {
        assert!(body(en).contains(english), "{english} missing in English");
        assert!(!body(zh).contains(english), "{english} in the Chinese page");
    }
    assert!(zh.contains("生存概率") && zh.contains("风险人数") && zh.contains("腹痛"));
    // Every text of the reports has its Chinese (those the same in both are symbols).
    for t in T::ALL {
        let (e, z) = (t.get(Lang::En), t.get(Lang::ZhCn));
        assert!(e != z || *t == T::Percent, "{t:?} has no Chinese");
        assert!(z.is_ascii() || !z.is_empty());
    }
    let recs = records(demo());
    let record = recs
        .values()
        .find(|r| r.of("adverse_event").next().is_some())
        .unwrap();
    let en = patient_summary(record, Lang::En, TODAY);
    let zh = patient_summary(record, Lang::ZhCn, TODAY);
    assert!(zh.contains("<html lang=\"zh-CN\">") && en.contains("<html lang=\"en\">"));
    for english in [
        "Patient summary",
        "Baseline",
        "Adverse events",
        "Endpoints",
        "Demographics",
        "Child-Pugh: bilirubin",
        "censored",
        "Relation to TACE",
    ] {
        assert!(body(&en).contains(english), "{english} missing in English");
        assert!(
            !body(&zh).contains(english),
            "{english} in the Chinese page"
        );
    }
}

#[test]
fn a_patient_summary_shows_the_record() {
    let recs = records(demo());
    let record = recs
        .values()
        .find(|r| {
            r.of("adverse_event").next().is_some()
                && r.responses()
                    .is_some_and(|v| v.iter().all(|(_, e)| e.is_ok()))
        })
        .unwrap();
    let page = patient_summary(record, Lang::En, TODAY);
    assert!(page.contains(&format!(
        "<title>Patient summary {}</title>",
        record.subject
    )));
    assert!(
        !page.contains("birth"),
        "no date of birth on a printed summary"
    );
    let (_, derived, age) = record.derived(TODAY);
    let identification = section_of_dl(&page);
    assert!(identification.contains(&record.subject));
    let baseline = section_of(&page, "baseline");
    assert!(baseline.contains(&format!("{} years", age.unwrap())));
    let bclc = derived.bclc.unwrap().stage;
    assert!(baseline.contains(&format!("BCLC stage</th><td>{bclc}</td>")));
    let e = record.endpoints(730).unwrap();
    let endpoints = section_of(&page, "endpoints");
    for ep in [&e.pfs_mrecist, &e.pfs_recist11, &e.os, &e.ttp_mrecist] {
        let months = ep.days as f64 / crate::study::plan::DAYS_PER_MONTH;
        assert!(endpoints.contains(&format!("{months:.1} months ({} days)", ep.days)));
        assert!(endpoints.contains(&crate::dates::format_date(ep.date)));
    }
    let responses = section_of(&page, "responses");
    for (c, eval) in record.responses().unwrap() {
        let eval = eval.unwrap();
        assert!(responses.contains(&format!("timepoints-{}", c.name())));
        for t in &eval.timepoints {
            assert!(responses.contains(&crate::dates::format_date(t.date)));
        }
    }
    let aes = section_of(&page, "adverse-events");
    for ae in record.of("adverse_event") {
        let term = ae.values["term"].as_str().unwrap();
        assert!(aes.contains(&escaped(term)), "{term}");
    }
    let treatments = section_of(&page, "treatments");
    for s in record.of("systemic") {
        assert!(treatments.contains(s.values["start_date"].as_str().unwrap()));
    }
}

fn section_of_dl(page: &str) -> &str {
    let start = page.find("data-testid=\"identification\"").unwrap();
    &page[start..start + page[start..].find("</dl>").unwrap()]
}

#[test]
fn data_text_is_escaped_and_nothing_is_interactive() {
    let mut commits = crate::demo::generate(20, 7).commits;
    let mut log = LogBuilder::new();
    let who = "HCC-001-0999";
    log.form(
        who,
        "eligibility",
        json!({"enrollment_date": "2024-01-10", "consent_date": "2024-01-08"}),
    );
    log.form(
        who,
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2024-01-11",
               "dose": "8 mg <b>daily</b> & \"more\""}),
    );
    log.form(
        who,
        "tace",
        json!({"date": "2024-01-10", "technique": "ctace",
               "complications": "</td></tr></table><script>alert('tace')</script>"}),
    );
    log.form(
        who,
        "adverse_event",
        json!({"term": "<script>alert(1)</script>", "term_other": "<img src=x onerror=alert(2)>",
               "grade": "3", "onset_date": "2024-02-01", "serious": false}),
    );
    commits.extend(log.commits);
    let state = State::from_commits(&commits);
    let recs = records(&state);
    let pages = [
        patient_summary(&recs[who], Lang::En, TODAY),
        patient_summary(&recs[who], Lang::ZhCn, TODAY),
        study_report(&state, Lang::En, TODAY),
        study_report(&state, Lang::ZhCn, TODAY),
    ];
    for (i, page) in pages.iter().enumerate() {
        for forbidden in [
            "<script",
            "<img",
            "<b>",
            "<button",
            "<input",
            "<form",
            "<a ",
            "onerror=alert(2)>",
        ] {
            assert!(!page.contains(forbidden), "page {i}: {forbidden}");
        }
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "page {i}"
        );
    }
    for page in &pages[..2] {
        assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(page.contains("8 mg &lt;b&gt;daily&lt;/b&gt; &amp; \"more\""));
        assert!(page.contains("&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;"));
    }
}
