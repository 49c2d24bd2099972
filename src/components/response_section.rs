//! Tumor response on the analyses page: ORR and DCR by group with exact intervals and the median
//! duration of response, the waterfall and the spider plot, by criterion (mRECIST or RECIST 1.1),
//! all from the core's study report.

use std::sync::Arc;

use ecrf_core::analysis::report::{ResponseReport, StudyReport};
use ecrf_core::response::Criteria;
use leptos::prelude::*;

use crate::components::response_plots::{ExportSvg, Spider, Waterfall};
use crate::format::estimate_ci as fmt_ci;
use crate::i18n::{group_label, use_i18n, Msg};

fn rate_cell(p: &ecrf_core::stats::binomial::Proportion) -> String {
    match (p.estimate, p.lower, p.upper) {
        (Some(e), Some(lo), Some(hi)) => format!(
            "{}/{} ({:.1}%) [{:.1}–{:.1}]",
            p.x,
            p.n,
            e * 100.0,
            lo * 100.0,
            hi * 100.0
        ),
        _ => format!("{}/{}", p.x, p.n),
    }
}

/// Tumor response: ORR and DCR by group, the waterfall and the spider plot, by criterion.
#[component]
pub fn ResponseSection(report: Arc<StudyReport>, criterion: RwSignal<Criteria>) -> impl IntoView {
    let i18n = use_i18n();
    let report = StoredValue::new(report);
    let pick = move || -> Arc<ResponseReport> {
        let c = criterion.get();
        report.with_value(|r| {
            Arc::new(
                r.response
                    .iter()
                    .find(|x| x.summary.criteria == c)
                    .cloned()
                    .expect("the report has both criteria"),
            )
        })
    };
    let button = move |c: Criteria| {
        view! {
            <button class="seg" class:active=move || criterion.get() == c
                data-testid=format!("criterion-{}", c.name()) on:click=move |_| criterion.set(c)>
                {c.label()}
            </button>
        }
    };
    let table = move || {
        let lang = i18n.lang.get();
        let s = pick();
        let rows = s
            .summary
            .rates
            .iter()
            .zip(&s.duration_of_response)
            .map(|(r, dor)| {
                let name = if r.group == "overall" {
                    Msg::Overall.text(lang).to_owned()
                } else {
                    group_label(&r.group, lang)
                };
                // Duration of response: Kaplan-Meier median over the group's confirmed responders.
                let dor = dor.map_or_else(
                    || "–".to_owned(),
                    |d| {
                        let m = d.median;
                        format!(
                            "{} · n = {}",
                            fmt_ci(m.estimate, m.lower, m.upper, Msg::NotReached.text(lang), 1),
                            d.n
                        )
                    },
                );
                view! {
                    <tr data-testid="rate-row">
                        <td>{name}</td>
                        <td>{rate_cell(&r.orr)}</td>
                        <td>{rate_cell(&r.dcr)}</td>
                        <td data-testid="dor">{dor}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data" data-testid="response-rates">
                <thead><tr>
                    <th>{Msg::Group.text(lang)}</th>
                    <th>{Msg::Orr.text(lang)}</th>
                    <th>{Msg::Dcr.text(lang)}</th>
                    <th>{Msg::Dor.text(lang)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    };
    let plots = move || {
        let s = Arc::new(pick().summary.clone());
        let name = s.criteria.name();
        view! {
            <h3>{move || Msg::WaterfallTitle.text(i18n.lang.get())}</h3>
            <Waterfall summary=s.clone() id="waterfall-svg" />
            <ExportSvg id="waterfall-svg" name=format!("waterfall-{name}") />
            <h3>{move || Msg::SpiderTitle.text(i18n.lang.get())}</h3>
            <Spider summary=s id="spider-svg" />
            <ExportSvg id="spider-svg" name=format!("spider-{name}") />
        }
    };
    view! {
        <section class="card wide" data-testid="response-section">
            <h2>{i18n.t(Msg::ResponseAnalysisTitle)}</h2>
            <div class="toolbar">
                <span class="segmented">{button(Criteria::Mrecist)}{button(Criteria::Recist11)}</span>
            </div>
            {table}
            <p class="hint">{i18n.t(Msg::RatesNote)}</p>
            {plots}
        </section>
    }
}
