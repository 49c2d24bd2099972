//! Tumor response plots as SVG: the waterfall of each patient's best percentage change of the
//! target sum (coloured by best confirmed response) and the spider plot of the change over time;
//! both exportable as SVG files.

use std::sync::Arc;

use ecrf_core::analysis::response::ResponseSummary;
use ecrf_core::response::Response;
use leptos::prelude::*;

use crate::device::{download_png, download_svg};
use crate::i18n::{use_i18n, Msg};

const W: f64 = 880.0;
const H: f64 = 360.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// The colour of a best response.
pub fn response_colour(r: Response) -> &'static str {
    match r {
        Response::Cr => "#1b5e20",
        Response::Pr => "#43a047",
        Response::Sd => "#5b7c99",
        Response::Pd => "#c62828",
        _ => "#9e9e9e",
    }
}

/// The y axis: from `top` % down to -100 %.
fn y_of(top: f64) -> impl Fn(f64) -> f64 {
    move |pct: f64| TOP + (top - pct.clamp(-100.0, top)) / (top + 100.0) * (H - TOP - BOTTOM)
}

fn y_axis(top: f64) -> impl IntoView {
    let y = y_of(top);
    let mut ticks = vec![-100.0, -50.0, -30.0, 0.0, 20.0];
    let mut t = 50.0;
    while t <= top {
        ticks.push(t);
        t += 50.0;
    }
    ticks
        .into_iter()
        .map(|v| {
            let yy = y(v);
            let class = if v == -30.0 || v == 20.0 { "ref" } else { "grid" };
            view! {
                <line class=class x1=LEFT x2=W - RIGHT y1=yy y2=yy />
                <text class="tick" x=LEFT - 6.0 y=yy + 4.0 text-anchor="end">{format!("{v:+.0}%")}</text>
            }
        })
        .collect_view()
}

fn legend() -> impl IntoView {
    [
        Response::Cr,
        Response::Pr,
        Response::Sd,
        Response::Pd,
        Response::Ne,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, r)| {
        let x = W - RIGHT - 5.0 * 64.0 + i as f64 * 64.0;
        view! {
            <rect x=x y=TOP width="12" height="12" fill=response_colour(r) />
            <text class="legend" x=x + 16.0 y=TOP + 10.0>{r.code()}</text>
        }
    })
    .collect_view()
}

/// The waterfall plot.
#[component]
pub fn Waterfall(summary: Arc<ResponseSummary>, id: &'static str) -> impl IntoView {
    let mut bars: Vec<(f64, Response)> = summary
        .patients
        .iter()
        .filter_map(|p| p.best_pct_change.map(|c| (c, p.best_confirmed)))
        .collect();
    bars.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top = bars
        .iter()
        .map(|b| b.0)
        .fold(50.0_f64, f64::max)
        .min(200.0)
        .ceil();
    let y = y_of(top);
    let n = bars.len().max(1) as f64;
    let step = (W - LEFT - RIGHT) / n;
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, (c, r))| {
            let (y0, y1) = (y(0.0), y(*c));
            view! {
                <rect class="bar" data-testid="waterfall-bar" x=LEFT + i as f64 * step + step * 0.1
                    y=y0.min(y1) width=step * 0.8 height=(y1 - y0).abs().max(0.5) fill=response_colour(*r) />
            }
        })
        .collect_view();
    view! {
        <svg id=id class="km response-plot" data-testid="waterfall" viewBox=format!("0 0 {W} {H}")
            xmlns="http://www.w3.org/2000/svg" role="img">
            {y_axis(top)}
            {rects}
            {legend()}
        </svg>
    }
}

/// The spider plot.
#[component]
pub fn Spider(summary: Arc<ResponseSummary>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let top = summary
        .patients
        .iter()
        .flat_map(|p| p.changes.iter().map(|c| c.1))
        .fold(50.0_f64, f64::max)
        .min(200.0)
        .ceil();
    let y = y_of(top);
    let max_days = summary
        .patients
        .iter()
        .flat_map(|p| p.changes.iter().map(|c| c.0))
        .max()
        .unwrap_or(84)
        .max(84) as f64;
    let x = move |d: f64| LEFT + d / max_days * (W - LEFT - RIGHT);
    let lines = summary
        .patients
        .iter()
        .filter(|p| !p.changes.is_empty())
        .map(|p| {
            let pts = std::iter::once((0.0, 0.0))
                .chain(p.changes.iter().map(|&(d, c)| (d as f64, c)))
                .map(|(d, c)| format!("{:.1},{:.1}", x(d), y(c)))
                .collect::<Vec<_>>()
                .join(" ");
            view! { <polyline class="spider" data-testid="spider-line" points=pts stroke=response_colour(p.best_confirmed) /> }
        })
        .collect_view();
    let weeks = (0..=((max_days / 7.0) as i64)).step_by(12).map(|w| {
        let xx = x(w as f64 * 7.0);
        view! { <text class="tick" x=xx y=H - BOTTOM + 16.0 text-anchor="middle">{w}</text> }
    });
    view! {
        <svg id=id class="km response-plot" data-testid="spider" viewBox=format!("0 0 {W} {H}")
            xmlns="http://www.w3.org/2000/svg" role="img">
            {y_axis(top)}
            {lines}
            {weeks.collect_view()}
            <text class="label" x=W - RIGHT y=H - BOTTOM + 30.0 text-anchor="end">{move || Msg::Weeks.text(i18n.lang.get())}</text>
            {legend()}
        </svg>
    }
}

/// Buttons that save the SVG with element id `id` as `<name>.svg` or `<name>.png`.
#[component]
pub fn ExportSvg(id: &'static str, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let png = format!("{name}.png");
    let svg = format!("{name}.svg");
    view! {
        <span class="export">
            <button class="link" data-testid=format!("export-{id}") on:click=move |_| download_svg(id, &svg)>
                {i18n.t(Msg::ExportSvg)}
            </button>
            " · "
            <button class="link" data-testid=format!("export-png-{id}") on:click=move |_| download_png(id, &png)>
                {i18n.t(Msg::ExportPng)}
            </button>
        </span>
    }
}
