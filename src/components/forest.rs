//! The forest plot of the analyses page: every hazard ratio of the crude, univariable and adjusted
//! Cox models on a log scale, each with its 95% interval.

use std::sync::Arc;

use ecrf_core::analysis::report::Models;
use leptos::prelude::*;

use crate::format::model_term as term_label;
use crate::i18n::Msg;

/// A forest plot of the hazard ratios (log scale): crude and adjusted, each term with its 95% CI.
#[component]
pub fn Forest(models: Arc<Models>, lang: ecrf_core::i18n::Lang) -> impl IntoView {
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
