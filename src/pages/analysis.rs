//! The analysis page: renders the core's study report (`ecrf_core::analysis::report`, the same
//! document `ecrf analyze` prints) of the open database: Kaplan-Meier curves by treatment group
//! with medians, landmark rates, numbers at risk, RMST and the log-rank test; Cox models and IPTW
//! contrasts; tumor response by group. The report is computed on the device, in steps.

use std::sync::Arc;

use ecrf_core::analysis::report::{self, ReportOptions, StudyReport};
use ecrf_core::analysis::{by_group, iptw_curves, Which, ADJUSTMENTS, FACTORS};
use ecrf_core::endpoints::PatientEndpoints;
use ecrf_core::study::plan;
use ecrf_core::survival::cox::{CoxError, CoxFit};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::forest::Forest;
use crate::components::km_plot::{landmark_labels, KmPlot, StepPlot, COLOURS};
use crate::components::response_plots::ExportSvg;
use crate::components::response_section::ResponseSection;
use crate::device;
use crate::format::{estimate_ci as fmt_ci, model_term as term_label};
use crate::i18n::{group_label, use_i18n, Msg};
use crate::state::use_app_state;
use ecrf_core::analysis::format::{hr_cell, hr_text};
use ecrf_core::response::Criteria;

/// The page.
#[component]
pub fn AnalysisPage() -> impl IntoView {
    let i18n = use_i18n();
    let which = RwSignal::new(Which::PfsMrecist);
    let state = use_app_state();
    // The last report computed; the page renders it.
    let report = RwSignal::new(None::<Arc<StudyReport>>);
    let busy = RwSignal::new(false);
    let elapsed = RwSignal::new(None::<f64>);

    let iptw_inputs = StoredValue::new(None::<(Arc<Vec<PatientEndpoints>>, Vec<String>, Which)>);
    let iptw_group = RwSignal::new(None::<String>);
    let stage = RwSignal::new(String::new());
    let groups_shown = RwSignal::new(Vec::<String>::new());
    let factors = RwSignal::new(
        ADJUSTMENTS
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>(),
    );
    let criterion = RwSignal::new(Criteria::Mrecist);
    let compute = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            // The work runs in steps with a pause between them, so that the page stays responsive
            // (taps and typing are handled between steps); each step's time is logged.
            let mut steps: Vec<(&str, f64)> = Vec::new();
            device::sleep(0).await;
            let t = device::now_ms();
            // The records once, for every section of the report (the steps of
            // `report::report`, one at a time).
            let recs = crate::local::with(|l| ecrf_core::record::records(&l.state));
            let stage = stage.get_untracked();
            let options = ReportOptions {
                endpoint: which.get_untracked(),
                factors: factors.get_untracked(),
                bclc: (!stage.is_empty()).then_some(stage).into_iter().collect(),
                groups: groups_shown.get_untracked(),
                cutoff_days: plan::CUTOFF_DAYS,
            };
            let population = report::population(&recs, &options);
            steps.push(("endpoints", device::now_ms() - t));
            device::sleep(0).await;
            let t = device::now_ms();
            let survival = by_group(&population.selected, options.endpoint);
            steps.push(("kaplan-meier", device::now_ms() - t));
            device::sleep(0).await;
            let t = device::now_ms();
            let models = report::models(&population, &options);
            iptw_inputs.set_value(Some((
                Arc::new(population.selected.clone()),
                options.factors.clone(),
                options.endpoint,
            )));
            iptw_group.set(None);
            steps.push(("cox+iptw", device::now_ms() - t));
            device::sleep(0).await;
            let t = device::now_ms();
            let m = report::response(&recs, &population, Criteria::Mrecist);
            steps.push(("mrecist", device::now_ms() - t));
            device::sleep(0).await;
            let t = device::now_ms();
            let r = report::response(&recs, &population, Criteria::Recist11);
            steps.push(("recist11", device::now_ms() - t));
            let work: f64 = steps.iter().map(|s| s.1).sum();
            gloo::console::log!(format!(
                "ecrf: analyses {work:.0} ms in steps {}",
                steps
                    .iter()
                    .map(|(n, t)| format!("{n} {t:.0}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            elapsed.set(Some(work));
            report.set(Some(Arc::new(report::assemble(
                &options,
                &population,
                survival,
                models,
                vec![m, r],
            ))));
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
                    if report.get_untracked().is_some() {
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
        report.get().and_then(|r| r.survival.clone()).map(|a| {
            let a = Arc::new(a);
            let labels: Vec<String> = a.curves.iter().map(|c| group_label(&c.group, lang)).collect();
            let nr = Msg::NotReached.text(lang);
            let rows: Vec<_> = a
                .curves
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let m = c.median;
                    view! {
                        <tr data-testid="km-row">
                            <td><span class="swatch" style=format!("background:{}", COLOURS[i % COLOURS.len()])></span>{labels[i].clone()}</td>
                            <td>{c.n}</td>
                            <td>{c.events}</td>
                            <td data-testid="median">{fmt_ci(m.estimate, m.lower, m.upper, nr, 1)}</td>
                            {c.rates.iter().map(|r| view! {
                                <td>{fmt_ci(r.surv, r.lower, r.upper, "–", 2)}</td>
                            }).collect_view()}
                            <td data-testid="rmst">{format!("{:.1} ± {:.1}", c.rmst.estimate, c.rmst.std_err)}</td>
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
                <ExportSvg id="km-svg" name=format!("km-{}", serde_json::to_value(which.get_untracked()).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()) />
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
                            {[6, 12, 18, 24].into_iter().map(|m| view! {
                                <th>{format!("{m} {}", Msg::MonthRate.text(lang))}</th>
                            }).collect_view()}
                            <th>{Msg::Rmst.text(lang)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="logrank" data-testid="logrank">{logrank}</p>
            }
        })
    };

    let cox_table = move || {
        let lang = i18n.lang.get();
        report.get().map(|r| {
            let m = Arc::new(r.models.clone());
            // Terms of the adjusted model (a superset of the crude one), or the crude one's.
            let names: Vec<String> = match (&m.adjusted, &m.crude) {
                (Ok(f), _) | (Err(_), Ok(f)) => f.terms.iter().map(|t| t.name.clone()).collect(),
                _ => Vec::new(),
            };
            let rows: Vec<_> = names
                .iter()
                .map(|name| {
                    view! {
                        <tr data-testid="cox-row">
                            <td>{term_label(name, lang)}</td>
                            <td>{
                                let uni = m.univariable.iter().find(|(_, u)| {
                                    u.as_ref().is_ok_and(|f| f.terms.iter().any(|t| &t.name == name))
                                });
                                match uni {
                                    Some((_, fit)) => hr_cell(fit, name, lang),
                                    None => hr_cell(&m.crude, name, lang),
                                }
                            }</td>
                            <td>{hr_cell(&m.adjusted, name, lang)}</td>
                        </tr>
                    }
                })
                .collect();
            let n = |f: &Result<CoxFit, CoxError>| f.as_ref().map_or_else(|_| "–".to_owned(), |f| format!("n = {}, {} = {}", f.n, Msg::Events.text(lang), f.n_events));
            view! {
                <h3>{Msg::CoxTitle.text(lang)}</h3>
                <table class="data" data-testid="cox-table">
                    <thead>
                        <tr>
                            <th>{Msg::Term.text(lang)}</th>
                            <th>{Msg::Crude.text(lang)}<br /><span class="hint">{n(&m.crude)}</span></th>
                            <th>{Msg::Adjusted.text(lang)}<br /><span class="hint">{n(&m.adjusted)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="hint">{Msg::CoxNoteChosen.text(lang)}</p>
                <h3>{Msg::IptwTitle.text(lang)}</h3>
                <table class="data" data-testid="iptw-table">
                    <thead><tr>
                        <th>{Msg::Term.text(lang)}</th>
                        <th>{Msg::Patients.text(lang)}</th>
                        <th>{Msg::IptwHr.text(lang)}</th>
                        <th>{Msg::SmdBeforeAfter.text(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {m.iptw.iter().map(|c| {
                            let hr = match &c.term {
                                Ok(t) => hr_text(t, lang),
                                Err(e) => e.get(lang).to_owned(),
                            };
                            view! {
                                <tr data-testid="iptw-row">
                                    <td>{group_label(&c.group, lang)}</td>
                                    <td>{c.n}</td>
                                    <td>{hr}</td>
                                    <td>{format!("{:.3} → {}", c.max_smd_before, if c.max_smd_after.is_finite() { format!("{:.3}", c.max_smd_after) } else { "–".to_owned() })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">{Msg::IptwNote.text(lang)}</p>
                <label class="inline">
                    <span class="hint">{Msg::IptwCurves.text(lang)}</span>
                    <select data-testid="iptw-curves" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        iptw_group.set((!v.is_empty()).then_some(v));
                    }>
                        <option value="">"—"</option>
                        {m.iptw.iter().map(|c| view! {
                            <option value=c.group.clone()>{group_label(&c.group, lang)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {move || iptw_group.get().and_then(|g| {
                    let lang = i18n.lang.get();
                    iptw_inputs.with_value(|inputs| {
                        let (data, chosen, which) = inputs.as_ref()?;
                        let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
                        Some(match iptw_curves(data, *which, plan::REFERENCE_GROUP, &g, &chosen) {
                            Ok((reference, group)) => view! {
                                <StepPlot id="iptw-svg" curves=vec![
                                    (group_label(plan::REFERENCE_GROUP, lang), reference),
                                    (group_label(&g, lang), group),
                                ] />
                                <ExportSvg id="iptw-svg" name=format!("iptw-{g}") />
                            }.into_any(),
                            Err(e) => view! { <p class="error">{e.get(lang).to_owned()}</p> }.into_any(),
                        })
                    })
                })}
                <h3>{Msg::ForestTitle.text(lang)}</h3>
                <Forest models=m.clone() lang=lang />
                <ExportSvg id="forest-svg" name="forest".to_owned() />
            }
        })
    };

    view! {
        <section class="card wide">
            <h2>{i18n.t(Msg::AnalysesTitle)}</h2>
            {if state.demo {
                view! { <p class="demo-notice" data-testid="demo-notice">{i18n.t(Msg::DemoNotice)}</p> }.into_any()
            } else {
                view! { <p class="hint" data-testid="data-notice">{i18n.t(Msg::StudyDataNotice)}</p> }.into_any()
            }}
            <div class="toolbar">
                <span class="segmented">
                    {endpoint_button(Which::PfsMrecist, Msg::PfsMrecist)}
                    {endpoint_button(Which::PfsRecist11, Msg::PfsRecist11)}
                    {endpoint_button(Which::Os, Msg::Os)}
                </span>
                <label class="inline">
                    <span class="hint">{i18n.t(Msg::BclcFilter)}</span>
                    <select data-testid="filter-bclc" on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">{i18n.t(Msg::AllStages)}</option>
                        {["A", "B", "C", "D"].into_iter().map(|s| view! { <option value=s>{format!("BCLC {s}")}</option> }).collect_view()}
                    </select>
                </label>
                <button class="primary" data-testid="compute" disabled=move || busy.get() on:click=move |_| compute()>
                    {move || if busy.get() { Msg::Computing } else { Msg::Compute }.text(i18n.lang.get())}
                </button>
                <span class="hint" data-testid="analysis-time">
                    {move || elapsed.get().map(|ms| format!("{} {ms:.0} ms", Msg::ComputedIn.text(i18n.lang.get())))}
                </span>
            </div>
            <div class="choices">
                <span class="hint">{i18n.t(Msg::GroupsShown)}</span>
                {plan::GROUPS.into_iter().map(|g| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("filter-group-{g}")
                            prop:checked=move || groups_shown.with(|s| s.is_empty() || s.iter().any(|x| x == g))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                groups_shown.update(|s| {
                                    if s.is_empty() {
                                        *s = plan::GROUPS.iter().map(|x| x.to_string()).collect();
                                    }
                                    s.retain(|x| x != g);
                                    if on { s.push(g.to_owned()); }
                                });
                            } />
                        {move || group_label(g, i18n.lang.get())}
                    </label>
                }).collect_view()}
            </div>
            <div class="choices">
                <span class="hint">{i18n.t(Msg::AdjustFor)}</span>
                {FACTORS.into_iter().map(|f| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("factor-{f}")
                            prop:checked=move || factors.with(|s| s.iter().any(|x| x == f))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                factors.update(|s| { s.retain(|x| x != f); if on { s.push(f.to_owned()); } });
                            } />
                        {move || term_label(f, i18n.lang.get())}
                    </label>
                }).collect_view()}
            </div>
            {move || report.get().map(|r| {
                let lang = i18n.lang.get();
                let mut text = format!("{} {}", r.patients.selected, Msg::EnrolledAnalysed.text(lang));
                let k = r.patients.not_yet_treated;
                if k > 0 {
                    text = format!("{text} {k} {}", Msg::NotYetTreatedLeftOut.text(lang));
                }
                if r.survival.is_none() {
                    text = format!("{text} {}", Msg::NotEnoughData.text(lang));
                }
                view! { <p class="hint" data-testid="analysed-count">{text}</p> }
            })}
            {body}
            {cox_table}
        </section>
        {move || report.get().map(|r| view! { <ResponseSection report=r criterion=criterion /> })}
        <crate::components::export_card::ExportCard />
    }
}
