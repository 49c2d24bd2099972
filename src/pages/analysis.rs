//! The analysis page: renders the core's study report (`ecrf_core::analysis::report`, the same
//! document `ecrf analyze` prints) of the open database: Kaplan-Meier curves by treatment group
//! with medians, landmark rates, numbers at risk, RMST and the log-rank test; Cox models and IPTW
//! contrasts; tumour response by group. The report is computed on the device, in steps.

use std::sync::Arc;

use ecrf_core::analysis::report::{self, Models, ReportOptions, ResponseReport, StudyReport};
use ecrf_core::analysis::{by_group, iptw_curves, Which, ADJUSTMENTS, FACTORS};
use ecrf_core::endpoints::PatientEndpoints;
use ecrf_core::study::plan;
use ecrf_core::survival::cox::{CoxError, CoxFit, Term};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::km_plot::{landmark_labels, KmPlot, StepPlot, COLOURS};
use crate::components::response_plots::{ExportSvg, Spider, Waterfall};
use crate::device;
use crate::i18n::{group_label, use_i18n, Msg};
use crate::state::use_app_state;
use ecrf_core::response::Criteria;

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

/// A term's name for the table: a group's label or an adjustment factor's (the core's words).
fn term_label(name: &str, lang: ecrf_core::i18n::Lang) -> String {
    ecrf_core::analysis::texts::term_label(name)
        .get(lang)
        .to_owned()
}

/// Why a model has no answer, in `lang` (the core's words).
fn cox_error_text(e: &CoxError, lang: ecrf_core::i18n::Lang) -> String {
    ecrf_core::analysis::texts::cox_error_text(e)
        .get(lang)
        .to_owned()
}

/// A term's hazard ratio with its interval and p-value, or why it has none.
fn hr_text(t: &Term, lang: ecrf_core::i18n::Lang) -> String {
    if let Some(why) = t.not_estimable {
        return why.message().get(lang).to_owned();
    }
    let p = if t.p_value < 1e-4 {
        "< 0.0001".to_owned()
    } else {
        format!("{:.4}", t.p_value)
    };
    format!("{:.2} ({:.2} – {:.2}), {p}", t.hr, t.hr_lower, t.hr_upper)
}

fn hr_cell(fit: &Result<CoxFit, CoxError>, name: &str, lang: ecrf_core::i18n::Lang) -> String {
    match fit {
        Ok(f) => f
            .terms
            .iter()
            .find(|t| t.name == name)
            .map_or_else(String::new, |t| hr_text(t, lang)),
        Err(e) => cox_error_text(e, lang),
    }
}

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

/// Tumour response: ORR and DCR by group, the waterfall and the spider plot, by criterion.
#[component]
fn ResponseSection(report: Arc<StudyReport>, criterion: RwSignal<Criteria>) -> impl IntoView {
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

/// A forest plot of the hazard ratios (log scale): crude and adjusted, each term with its 95% CI.
#[component]
fn Forest(models: Arc<Models>, lang: ecrf_core::i18n::Lang) -> impl IntoView {
    const W: f64 = 880.0;
    const LEFT: f64 = 300.0;
    const RIGHT: f64 = 24.0;
    const ROW: f64 = 26.0;
    let mut rows: Vec<(String, &'static str, f64, f64, f64)> = Vec::new();
    let fits = std::iter::once((&models.crude, "crude"))
        .chain(models.univariable.iter().map(|(_, u)| (u, "crude")))
        .chain(std::iter::once((&models.adjusted, "adjusted")));
    for (fit, kind) in fits {
        if let Ok(f) = fit {
            for t in f.terms.iter().filter(|t| t.not_estimable.is_none()) {
                rows.push((
                    term_label(&t.name, lang),
                    kind,
                    t.hr,
                    t.hr_lower,
                    t.hr_upper,
                ));
            }
        }
    }
    let (lo, hi) = rows.iter().fold((0.25_f64, 4.0_f64), |(lo, hi), r| {
        (lo.min(r.3.max(0.01)), hi.max(r.4.min(100.0)))
    });
    let (llo, lhi) = (lo.ln(), hi.ln());
    let x = move |hr: f64| LEFT + (hr.clamp(lo, hi).ln() - llo) / (lhi - llo) * (W - LEFT - RIGHT);
    let h = 40.0 + rows.len() as f64 * ROW;
    let ticks = [0.25, 0.5, 1.0, 2.0, 4.0]
        .into_iter()
        .filter(|t| *t >= lo && *t <= hi)
        .map(|t| {
            let xx = x(t);
            view! {
                <line class=if t == 1.0 { "ref" } else { "grid" } x1=xx x2=xx y1=10.0 y2=h - 24.0 />
                <text class="tick" x=xx y=h - 8.0 text-anchor="middle">{format!("{t}")}</text>
            }
        })
        .collect_view();
    let marks = rows
        .iter()
        .enumerate()
        .map(|(i, (name, kind, hr, l, u))| {
            let y = 22.0 + i as f64 * ROW;
            let colour = if *kind == "crude" { "#5b7c99" } else { "#0b5394" };
            let label = format!(
                "{name} ({})",
                if *kind == "crude" { Msg::CrudeShort } else { Msg::AdjustedShort }.text(lang)
            );
            view! {
                <text class="tick" x=LEFT - 8.0 y=y + 4.0 text-anchor="end">{label}</text>
                <line x1=x(*l) x2=x(*u) y1=y y2=y stroke=colour stroke-width="2" />
                <rect data-testid="forest-mark" x=x(*hr) - 5.0 y=y - 5.0 width="10" height="10" fill=colour />
            }
        })
        .collect_view();
    view! {
        <svg id="forest-svg" class="km response-plot" data-testid="forest" viewBox=format!("0 0 {W} {h}")
            xmlns="http://www.w3.org/2000/svg" role="img">
            {ticks}
            {marks}
        </svg>
    }
}
