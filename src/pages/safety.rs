//! The safety tables, computed on the device by the core from the open database: patients with
//! any AE, any grade >= 3, grade >= 3 hematologic and non-hematologic, serious, leading to
//! discontinuation, fatal; grade >= 3 and any grade by system organ class and term (worst grade
//! per patient); by treatment group and overall, with exact 95% intervals.

use ecrf_core::ctcae::catalogue;
use ecrf_core::i18n::Lang;
use ecrf_core::safety::{tables, Row};
use ecrf_core::stats::binomial::Proportion;
use leptos::prelude::*;

use crate::i18n::{group_label, use_i18n, Msg};
use crate::local;
use crate::state::use_app_state;

/// A summary row's label in `lang` (the core's words).
fn summary_label(label: &str, lang: Lang) -> String {
    ecrf_core::safety::summary_label(label).get(lang).to_owned()
}

fn term_label(term: &str, lang: Lang) -> String {
    match (lang, catalogue::find(term).and_then(|t| t.zh)) {
        (Lang::ZhCn, Some(zh)) => zh.to_owned(),
        _ => term.to_owned(),
    }
}

fn cell(p: &Proportion) -> String {
    match (p.estimate, p.lower, p.upper) {
        (Some(e), Some(lo), Some(hi)) => format!(
            "{} ({:.1}%) [{:.1}–{:.1}]",
            p.x,
            e * 100.0,
            lo * 100.0,
            hi * 100.0
        ),
        _ => format!("{}", p.x),
    }
}

fn rows(rows: &[Row], lang: Lang, term: bool) -> impl IntoView {
    rows.iter()
        .map(|r| {
            let label = if term {
                term_label(&r.label, lang)
            } else {
                summary_label(&r.label, lang)
            };
            view! {
                <tr data-testid="safety-row">
                    <td>{label}{r.soc.clone().map(|s| view! { <br /><span class="hint">{s}</span> })}</td>
                    {r.cells.iter().map(|c| view! { <td>{cell(c)}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view()
}

/// The page.
#[component]
pub fn SafetyPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let t = Memo::new(move |_| {
        state.revision.track();
        local::with(|l| tables(&l.state, 0.05))
    });
    let table = move |which: u8| {
        let lang = i18n.lang.get();
        t.with(|t| {
            let head = t
                .groups
                .iter()
                .zip(&t.n)
                .map(|(g, n)| format!("{} (n = {n})", group_label(g, lang)))
                .chain(std::iter::once(format!(
                    "{} (n = {})",
                    Msg::Overall.text(lang),
                    t.n.last().copied().unwrap_or(0)
                )))
                .map(|h| view! { <th>{h}</th> })
                .collect_view();
            let (title, body) = match which {
                0 => (Msg::SafetySummary, rows(&t.summary, lang, false).into_any()),
                1 => (
                    Msg::SafetyByTerm,
                    rows(&t.by_term_grade_3, lang, true).into_any(),
                ),
                _ => (
                    Msg::SafetyAnyGrade,
                    rows(&t.by_term_any_grade, lang, true).into_any(),
                ),
            };
            view! {
                <h3>{title.text(lang)}</h3>
                <div class="scroll">
                    <table class="data" data-testid=format!("safety-table-{which}")>
                        <thead><tr><th></th>{head}</tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            }
        })
    };
    view! {
        <section class="card wide" data-testid="safety">
            <h2>{i18n.t(Msg::SafetyTitle)}</h2>
            {state.demo.then(|| view! { <p class="demo-notice">{i18n.t(Msg::DemoBanner)}</p> })}
            <p class="hint">{i18n.t(Msg::SafetyNote)}</p>
            {move || table(0)}
            {move || table(1)}
            {move || table(2)}
        </section>
    }
}
