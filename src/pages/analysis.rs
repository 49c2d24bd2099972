//! The analysis page: Kaplan-Meier curves by treatment group with medians, 12-month rates,
//! numbers at risk and the log-rank test, computed on the device by the core. Until the CRFs are
//! stored as commits in the app, it analyses the demo study generated on the device, and says so.

use std::sync::Arc;

use ecrf_core::analysis::{by_group, EndpointAnalysis, Which};
use ecrf_core::endpoints::PatientEndpoints;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::km_plot::{landmark_labels, KmPlot, COLOURS};
use crate::device;
use crate::i18n::{group_label, use_i18n, Msg};

/// The demo study analysed on this page: 120 patients, seed 2026 (as `ecrf demo`).
fn demo_endpoints() -> Vec<PatientEndpoints> {
    let demo = ecrf_core::demo::generate(120, 2026);
    let state = ecrf_core::log::State::from_commits(&demo.commits);
    ecrf_core::endpoints::derive(&state, 730)
}

fn fmt_ci(
    est: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    not_reached: &str,
    digits: usize,
) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| not_reached.to_owned(), |v| format!("{v:.digits$}"));
    format!("{} ({} – {})", f(est), f(lo), f(hi))
}

/// The page.
#[component]
pub fn AnalysisPage() -> impl IntoView {
    let i18n = use_i18n();
    let which = RwSignal::new(Which::PfsMrecist);
    let patients = StoredValue::new(None::<Arc<Vec<PatientEndpoints>>>);
    let result = RwSignal::new(None::<Arc<EndpointAnalysis>>);
    let busy = RwSignal::new(false);
    let elapsed = RwSignal::new(None::<f64>);

    let compute = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            // Let the "computing" state paint before the work starts.
            device::sleep(0).await;
            let start = js_sys::Date::now();
            let data = match patients.get_value() {
                Some(p) => p,
                None => {
                    let p = Arc::new(demo_endpoints());
                    patients.set_value(Some(p.clone()));
                    p
                }
            };
            let analysis = by_group(&data, which.get_untracked()).map(Arc::new);
            elapsed.set(Some(js_sys::Date::now() - start));
            result.set(analysis);
            busy.set(false);
        });
    };

    let endpoint_button = move |w: Which, msg: Msg| {
        view! {
            <button
                class="seg"
                class:active=move || which.get() == w
                data-testid=format!("endpoint-{}", serde_json::to_value(w).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
                on:click=move |_| {
                    which.set(w);
                    if result.get_untracked().is_some() {
                        compute();
                    }
                }
            >
                {i18n.t(msg)}
            </button>
        }
    };

    let body = move || {
        let lang = i18n.lang.get();
        result.get().map(|a| {
            let labels: Vec<String> = a.curves.iter().map(|c| group_label(&c.group, lang)).collect();
            let nr = Msg::NotReached.text(lang);
            let rows: Vec<_> = a
                .curves
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let m = c.median;
                    let r12 = c.rates[1];
                    view! {
                        <tr data-testid="km-row">
                            <td><span class="swatch" style=format!("background:{}", COLOURS[i % COLOURS.len()])></span>{labels[i].clone()}</td>
                            <td>{c.n}</td>
                            <td>{c.events}</td>
                            <td data-testid="median">{fmt_ci(m.estimate, m.lower, m.upper, nr, 1)}</td>
                            <td>{fmt_ci(r12.surv, r12.lower, r12.upper, "–", 2)}</td>
                        </tr>
                    }
                })
                .collect();
            let risk: Vec<_> = a
                .curves
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    view! {
                        <tr>
                            <td><span class="swatch" style=format!("background:{}", COLOURS[i % COLOURS.len()])></span>{labels[i].clone()}</td>
                            {c.at_risk.iter().map(|n| view! { <td>{*n}</td> }).collect::<Vec<_>>()}
                        </tr>
                    }
                })
                .collect();
            let logrank = a.logrank.as_ref().map(|lr| {
                let p = if lr.p_value < 1e-4 { "p < 0.0001".to_owned() } else { format!("p = {:.4}", lr.p_value) };
                format!("{}: χ² = {:.2}, df = {:.0}, {p}", Msg::LogRank.text(lang), lr.chisq, lr.df)
            });
            view! {
                <KmPlot analysis=a.clone() labels=labels.clone() />
                <p class="hint">{Msg::CiNote.text(lang)}</p>
                <table class="data" data-testid="at-risk">
                    <thead><tr><th>{Msg::AtRisk.text(lang)}</th>{landmark_labels().into_iter().map(|m| view! { <th>{m}</th> }).collect::<Vec<_>>()}</tr></thead>
                    <tbody>{risk}</tbody>
                </table>
                <table class="data">
                    <thead>
                        <tr>
                            <th>{Msg::Group.text(lang)}</th>
                            <th>{Msg::Patients.text(lang)}</th>
                            <th>{Msg::Events.text(lang)}</th>
                            <th>{Msg::Median.text(lang)}</th>
                            <th>{Msg::Rate12.text(lang)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="logrank" data-testid="logrank">{logrank}</p>
            }
        })
    };

    view! {
        <section class="card wide">
            <h2>{i18n.t(Msg::AnalysesTitle)}</h2>
            <p class="demo-notice" data-testid="demo-notice">{i18n.t(Msg::DemoNotice)}</p>
            <div class="toolbar">
                <span class="segmented">
                    {endpoint_button(Which::PfsMrecist, Msg::PfsMrecist)}
                    {endpoint_button(Which::PfsRecist11, Msg::PfsRecist11)}
                    {endpoint_button(Which::Os, Msg::Os)}
                </span>
                <button class="primary" data-testid="compute" disabled=move || busy.get() on:click=move |_| compute()>
                    {move || if busy.get() { Msg::Computing } else { Msg::Compute }.text(i18n.lang.get())}
                </button>
                <span class="hint" data-testid="analysis-time">
                    {move || elapsed.get().map(|ms| format!("{} {ms:.0} ms", Msg::ComputedIn.text(i18n.lang.get())))}
                </span>
            </div>
            {body}
        </section>
    }
}
