//! The reports' figures as inline SVG: Kaplan-Meier curves by group (from the fitted curves'
//! rows, nothing re-estimated) and the enrollment bar chart. Curves differ by dash pattern as
//! well as by colour, so that a black-and-white print tells them apart.

use std::fmt::Write as _;

use super::markup::Html;
use crate::analysis::EndpointAnalysis;
use crate::survival::KmRow;

/// Colours of the groups, in order (the app's).
const COLOURS: [&str; 5] = ["#0b5394", "#cc4125", "#38761d", "#e69138", "#674ea7"];
/// Dash patterns of the groups, in order.
const DASHES: [&str; 5] = ["", "9 4", "2 3", "12 3 2 3", "5 5"];

const W: f64 = 720.0;
const H: f64 = 270.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 46.0;
const MAX_MONTHS: f64 = 24.0;

fn x(months: f64) -> f64 {
    LEFT + months.min(MAX_MONTHS) / MAX_MONTHS * (W - LEFT - RIGHT)
}

fn y(s: f64) -> f64 {
    TOP + (1.0 - s) * (H - TOP - BOTTOM)
}

/// The step path of a curve's survival up to 24 months.
fn steps(rows: &[KmRow]) -> String {
    let mut d = format!("M{:.1},{:.1}", x(0.0), y(1.0));
    let mut prev = 1.0;
    for r in rows.iter().take_while(|r| r.time <= MAX_MONTHS) {
        let _ = write!(
            d,
            " L{:.1},{:.1} L{:.1},{:.1}",
            x(r.time),
            y(prev),
            x(r.time),
            y(r.surv)
        );
        prev = r.surv;
    }
    let end = rows.last().map_or(0.0, |r| r.time.min(MAX_MONTHS));
    let _ = write!(d, " L{:.1},{:.1}", x(end), y(prev));
    d
}

fn svg(testid: &str, height: f64, body: Html, title: &str) -> Html {
    let mut inner = Html::el("title", &[], Html::text(title));
    inner.push(body);
    Html::el(
        "div",
        &[("class", "figure")],
        Html::el(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("viewBox", &format!("0 0 {W} {height}")),
                ("role", "img"),
                ("data-testid", testid),
            ],
            inner,
        ),
    )
}

/// The Kaplan-Meier curves of `analysis`, one per group named by `labels` (same order), with
/// censoring ticks, axes (`months` and `survival` name them) and a legend.
pub(crate) fn km_plot(
    analysis: &EndpointAnalysis,
    labels: &[String],
    months: &str,
    survival: &str,
    title: &str,
) -> Html {
    let mut s = String::new();
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            s,
            r#"<line class="grid" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{v:.2}</text>"#,
            x(0.0),
            x(MAX_MONTHS),
            y(v),
            y(v),
            LEFT - 6.0,
            y(v) + 4.0
        );
    }
    for i in 0..=8 {
        let m = f64::from(i) * 3.0;
        let _ = write!(
            s,
            r#"<line class="axis" x1="{0:.1}" x2="{0:.1}" y1="{1:.1}" y2="{2:.1}"/><text class="tick" x="{0:.1}" y="{3:.1}" text-anchor="middle">{m:.0}</text>"#,
            x(m),
            y(0.0),
            y(0.0) + 5.0,
            y(0.0) + 17.0
        );
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{0:.1}" x2="{1:.1}" y1="{2:.1}" y2="{2:.1}"/><line class="axis" x1="{0:.1}" x2="{0:.1}" y1="{2:.1}" y2="{3:.1}"/>"#,
        x(0.0),
        x(MAX_MONTHS),
        y(0.0),
        y(1.0)
    );
    let mut body = Html::raw(s);
    body.push(Html::el(
        "text",
        &[
            ("class", "label"),
            ("x", &format!("{:.1}", (LEFT + W - RIGHT) / 2.0)),
            ("y", &format!("{:.1}", H - 8.0)),
            ("text-anchor", "middle"),
        ],
        Html::text(months),
    ));
    let mid = (TOP + H - BOTTOM) / 2.0;
    body.push(Html::el(
        "text",
        &[
            ("class", "label"),
            ("x", "14"),
            ("y", &format!("{mid:.1}")),
            ("text-anchor", "middle"),
            ("transform", &format!("rotate(-90 14 {mid:.1})")),
        ],
        Html::text(survival),
    ));
    for (i, c) in analysis.curves.iter().enumerate() {
        let (colour, dash) = (COLOURS[i % COLOURS.len()], DASHES[i % DASHES.len()]);
        let mut g = format!(
            r#"<path class="curve" d="{}" stroke="{colour}" stroke-dasharray="{dash}"/>"#,
            steps(c.km.rows())
        );
        for r in
            c.km.rows()
                .iter()
                .filter(|r| r.n_censor > 0.0 && r.time <= MAX_MONTHS)
        {
            let _ = write!(
                g,
                r#"<path class="censor" d="M{:.1},{:.1} v8" stroke="{colour}"/>"#,
                x(r.time),
                y(r.surv) - 4.0
            );
        }
        // The legend, top right: a sample of the line, then the group's name.
        let ly = TOP + 14.0 + 18.0 * i as f64;
        let _ = write!(
            g,
            r#"<line class="curve" x1="{:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{colour}" stroke-dasharray="{dash}"/>"#,
            W - 250.0,
            W - 214.0
        );
        let mut group = Html::raw(g);
        group.push(Html::el(
            "text",
            &[
                ("class", "legend"),
                ("x", &format!("{:.1}", W - 208.0)),
                ("y", &format!("{:.1}", ly + 4.0)),
            ],
            Html::text(labels.get(i).map_or("", String::as_str)),
        ));
        body.push(Html::el("g", &[("data-testid", "km-group")], group));
    }
    svg("km-plot", H, body, title)
}

/// A bar chart of counts by label (months, in order), with a labelled count axis.
pub(crate) fn bars(counts: &[(String, usize)], axis: &str, title: &str) -> Html {
    const BH: f64 = 220.0;
    const BOTTOM_B: f64 = 34.0;
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    // A round step giving at most 5 gridlines.
    let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500]
        .into_iter()
        .find(|s| max.div_ceil(*s) <= 5)
        .unwrap_or(1000);
    let top = max.div_ceil(step) * step;
    let by = |n: usize| TOP + (1.0 - n as f64 / top as f64) * (BH - TOP - BOTTOM_B);
    let slot = (W - LEFT - RIGHT) / counts.len().max(1) as f64;
    let mut s = String::new();
    for n in (0..=top).step_by(step) {
        let _ = write!(
            s,
            r#"<line class="grid" x1="{LEFT:.1}" x2="{0:.1}" y1="{1:.1}" y2="{1:.1}"/><text class="tick" x="{2:.1}" y="{3:.1}" text-anchor="end">{n}</text>"#,
            W - RIGHT,
            by(n),
            LEFT - 6.0,
            by(n) + 4.0
        );
    }
    // Every label when they fit, else one in three (a quarter's first month).
    let every = if slot >= 48.0 { 1 } else { 3 };
    for (i, (label, n)) in counts.iter().enumerate() {
        let bx = LEFT + slot * i as f64;
        let _ = write!(
            s,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            bx + slot * 0.15,
            by(*n),
            slot * 0.7,
            by(0) - by(*n)
        );
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                bx + slot / 2.0,
                BH - BOTTOM_B + 16.0,
                Html::text(label).into_string()
            );
        }
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{LEFT:.1}" x2="{:.1}" y1="{1:.1}" y2="{1:.1}"/>"#,
        W - RIGHT,
        by(0)
    );
    let mut body = Html::raw(s);
    let mid = (TOP + BH - BOTTOM_B) / 2.0;
    body.push(Html::el(
        "text",
        &[
            ("class", "label"),
            ("x", "14"),
            ("y", &format!("{mid:.1}")),
            ("text-anchor", "middle"),
            ("transform", &format!("rotate(-90 14 {mid:.1})")),
        ],
        Html::text(axis),
    ));
    svg("enrollment-chart", BH, body, title)
}
