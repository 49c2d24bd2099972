//! The derived values at a glance, read-only, each with the rule that produced it or the inputs
//! it still lacks. Computed by the core from the patient's record (with any draft on screen).

use ecrf_core::derived::{texts, AlbiGrade, Derived};
use ecrf_core::i18n::Lang;
use ecrf_core::record::Record;
use leptos::prelude::*;
use time::Date;

use crate::format::number;
use crate::i18n::{use_i18n, Msg};

fn albi_grade(g: AlbiGrade) -> &'static str {
    match g {
        AlbiGrade::G1 => "1",
        AlbiGrade::G2 => "2",
        AlbiGrade::G3 => "3",
    }
}

/// (test id, name, value, rule or what is missing)
fn rows(d: &Derived, age: Option<i32>, lang: Lang) -> Vec<(&'static str, Msg, String, String)> {
    let lacking = |name: &str| {
        texts::lacking(d, name)
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default()
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    vec![
        (
            "child_pugh",
            Msg::ChildPugh,
            or_dash(d.child_pugh.map(|c| {
                format!(
                    "{:?}{} ({} {})",
                    c.class,
                    c.points,
                    c.points,
                    Msg::Points.text(lang)
                )
            })),
            if d.child_pugh.is_some() {
                texts::child_pugh_rule().get(lang).to_owned()
            } else {
                lacking("child_pugh")
            },
        ),
        (
            "albi",
            Msg::Albi,
            or_dash(d.albi.map(|a| {
                format!(
                    "{:.2} ({})",
                    a.score,
                    texts::grade(albi_grade(a.grade)).get(lang)
                )
            })),
            if d.albi.is_some() {
                texts::albi_rule().get(lang).to_owned()
            } else {
                lacking("albi")
            },
        ),
        (
            "bclc",
            Msg::Bclc,
            or_dash(d.bclc.as_ref().map(|s| s.stage.clone())),
            d.bclc
                .as_ref()
                .map(|s| s.rule.get(lang).to_owned())
                .unwrap_or_else(|| lacking("bclc")),
        ),
        (
            "cnlc",
            Msg::Cnlc,
            or_dash(d.cnlc.as_ref().map(|s| s.stage.clone())),
            d.cnlc
                .as_ref()
                .map(|s| s.rule.get(lang).to_owned())
                .unwrap_or_else(|| lacking("cnlc")),
        ),
        (
            "up_to_seven",
            Msg::UpToSeven,
            or_dash(d.up_to_seven.map(|u| {
                format!(
                    "{} ({})",
                    number(u.value),
                    if u.within { Msg::Within } else { Msg::Beyond }.text(lang)
                )
            })),
            if d.up_to_seven.is_some() {
                String::new()
            } else {
                lacking("up_to_seven")
            },
        ),
        (
            "bmi",
            Msg::Bmi,
            or_dash(d.bmi.map(|b| format!("{b:.1} kg/m²"))),
            lacking("bmi"),
        ),
        (
            "nlr",
            Msg::Nlr,
            or_dash(d.nlr.map(|v| format!("{v:.2}"))),
            lacking("nlr"),
        ),
        (
            "plr",
            Msg::Plr,
            or_dash(d.plr.map(|v| format!("{v:.1}"))),
            lacking("plr"),
        ),
        (
            "age",
            Msg::Age,
            or_dash(age.map(|a| a.to_string())),
            String::new(),
        ),
    ]
}

/// The panel.
#[component]
pub fn DerivedPanel(record: Memo<Record>, today: Date) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let lang = i18n.lang.get();
        let (_, derived, age) = record.with(|r| r.derived(today));
        rows(&derived, age, lang)
            .into_iter()
            .map(|(id, name, value, rule)| {
                view! {
                    <tr>
                        <th>{name.text(lang)}</th>
                        <td class="derived-value" data-testid=format!("derived-{id}")>{value}</td>
                        <td class="hint">{rule}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card derived" data-testid="derived">
            <h2>{i18n.t(Msg::DerivedTitle)}</h2>
            <table class="data"><tbody>{body}</tbody></table>
            <p class="hint">{i18n.t(Msg::DerivedNote)}</p>
        </section>
    }
}
