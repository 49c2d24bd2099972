//! A Kaplan-Meier plot drawn as SVG: step curves, confidence bands, censor marks, axes in months.

use ecrf_core::analysis::EndpointAnalysis;
use ecrf_core::survival::KaplanMeier;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// Colours of the groups, in order (colour-blind safe enough to tell apart on a tablet).
pub const COLOURS: [&str; 5] = ["#0b5394", "#cc4125", "#38761d", "#e69138", "#674ea7"];

const W: f64 = 880.0;
const H: f64 = 400.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;
const MAX_MONTHS: f64 = 24.0;

fn x(months: f64) -> f64 {
    LEFT + months.min(MAX_MONTHS) / MAX_MONTHS * (W - LEFT - RIGHT)
}

fn y(s: f64) -> f64 {
    TOP + (1.0 - s) * (H - TOP - BOTTOM)
}

/// The step path of a curve (or of a limit when `pick` reads one).
fn steps(
    km: &KaplanMeier,
    pick: impl Fn(&ecrf_core::survival::KmRow) -> Option<f64>,
) -> Vec<(f64, f64)> {
    let mut pts = vec![(0.0, 1.0)];
    let mut prev = 1.0;
    for r in km.rows() {
        if r.time > MAX_MONTHS {
            break;
        }
        let Some(v) = pick(r) else { break };
        pts.push((r.time, prev));
        pts.push((r.time, v));
        prev = v;
    }
    let end = km.rows().last().map_or(0.0, |r| r.time.min(MAX_MONTHS));
    pts.push((end, prev));
    pts
}

fn path(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .enumerate()
        .map(|(i, (t, s))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { "L" },
                x(*t),
                y(*s)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn band(km: &KaplanMeier) -> String {
    let upper = steps(km, |r| r.upper);
    let mut lower = steps(km, |r| r.lower);
    lower.reverse();
    let mut pts = upper;
    pts.extend(lower);
    format!("{} Z", path(&pts))
}

/// The plot.
#[component]
pub fn KmPlot(analysis: std::sync::Arc<EndpointAnalysis>, labels: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let grid: Vec<_> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|s| {
            view! {
                <line x1=x(0.0) x2=x(MAX_MONTHS) y1=y(s) y2=y(s) class="grid" />
                <text x=LEFT - 8.0 y=y(s) + 4.0 text-anchor="end" class="tick">{format!("{s:.2}")}</text>
            }
        })
        .collect();
    let ticks: Vec<_> = (0..=8)
        .map(|i| {
            let m = f64::from(i) * 3.0;
            view! {
                <line x1=x(m) x2=x(m) y1=y(0.0) y2=y(0.0) + 5.0 class="axis" />
                <text x=x(m) y=y(0.0) + 18.0 text-anchor="middle" class="tick">{format!("{m:.0}")}</text>
            }
        })
        .collect();
    let curves: Vec<_> = analysis
        .curves
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let colour = COLOURS[i % COLOURS.len()];
            let censors: Vec<_> = c
                .km
                .rows()
                .iter()
                .filter(|r| r.n_censor > 0.0 && r.time <= MAX_MONTHS)
                .map(|r| {
                    let (cx, cy) = (x(r.time), y(r.surv));
                    view! { <path d=format!("M{:.1},{:.1} v8 M{:.1},{:.1} h8", cx, cy - 4.0, cx - 4.0, cy) stroke=colour class="censor" /> }
                })
                .collect();
            view! {
                <g data-testid="km-group">
                    <path d=band(&c.km) fill=colour class="band" />
                    <path d=path(&steps(&c.km, |r| Some(r.surv))) stroke=colour class="curve" />
                    {censors}
                </g>
            }
        })
        .collect();
    let legend: Vec<_> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let yy = TOP + 14.0 + 18.0 * i as f64;
            view! {
                <rect x=W - 230.0 y=yy - 9.0 width="14" height="4" fill=COLOURS[i % COLOURS.len()] />
                <text x=W - 210.0 y=yy class="legend">{label.clone()}</text>
            }
        })
        .collect();
    view! {
        <svg
            id="km-svg"
            class="km"
            data-testid="km-plot"
            viewBox=format!("0 0 {W} {H}")
            role="img"
            xmlns="http://www.w3.org/2000/svg"
        >
            {grid}
            <line x1=x(0.0) x2=x(MAX_MONTHS) y1=y(0.0) y2=y(0.0) class="axis" />
            <line x1=x(0.0) x2=x(0.0) y1=y(0.0) y2=y(1.0) class="axis" />
            {ticks}
            <text x=(LEFT + W - RIGHT) / 2.0 y=H - 8.0 text-anchor="middle" class="label">{i18n.t(Msg::Months)}</text>
            <text x="14" y=(TOP + H - BOTTOM) / 2.0 class="label" transform=format!("rotate(-90 14 {})", (TOP + H - BOTTOM) / 2.0) text-anchor="middle">
                {i18n.t(Msg::Survival)}
            </text>
            {curves}
            {legend}
        </svg>
    }
}

/// The landmark months, for the numbers-at-risk table's header.
pub fn landmark_labels() -> Vec<String> {
    ecrf_core::study::plan::LANDMARK_LABELS
        .iter()
        .map(|m| m.to_string())
        .collect()
}

/// Step curves given as (months, survival) points (e.g. IPTW-weighted Kaplan-Meier), one colour
/// each, with a legend; `id` names the SVG for export.
#[component]
pub fn StepPlot(curves: Vec<(String, Vec<(f64, f64)>)>, id: &'static str) -> impl IntoView {
    let grid: Vec<_> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|s| {
            view! {
                <line x1=x(0.0) x2=x(MAX_MONTHS) y1=y(s) y2=y(s) class="grid" />
                <text x=LEFT - 8.0 y=y(s) + 4.0 text-anchor="end" class="tick">{format!("{s:.2}")}</text>
            }
        })
        .collect();
    let ticks: Vec<_> = (0..=8)
        .map(|i| {
            let m = f64::from(i) * 3.0;
            view! { <text x=x(m) y=H - BOTTOM + 18.0 text-anchor="middle" class="tick">{format!("{m:.0}")}</text> }
        })
        .collect();
    let lines: Vec<_> = curves
        .iter()
        .enumerate()
        .map(|(k, (label, pts))| {
            let mut stepped = Vec::new();
            let mut prev = 1.0;
            for &(t, s) in pts.iter().filter(|(t, _)| *t <= MAX_MONTHS) {
                stepped.push((t, prev));
                stepped.push((t, s));
                prev = s;
            }
            stepped.push((pts.last().map_or(0.0, |p| p.0.min(MAX_MONTHS)), prev));
            let colour = COLOURS[k % COLOURS.len()];
            view! {
                <path class="curve" data-testid="weighted-curve" d=path(&stepped) stroke=colour />
                <rect x=LEFT + 12.0 y=TOP + 6.0 + k as f64 * 20.0 width="12" height="12" fill=colour />
                <text class="legend" x=LEFT + 30.0 y=TOP + 16.0 + k as f64 * 20.0>{label.clone()}</text>
            }
        })
        .collect();
    view! {
        <svg id=id class="km" viewBox=format!("0 0 {W} {H}") role="img" xmlns="http://www.w3.org/2000/svg">
            {grid}
            <line x1=x(0.0) x2=x(MAX_MONTHS) y1=y(0.0) y2=y(0.0) class="axis" />
            {ticks}
            {lines}
        </svg>
    }
}
