//! The reports' one style sheet, inline in each page: plain on screen, and for print A4 pages,
//! each major section on a new page, table rows never split, header rows repeated, and nothing
//! that needs colour to be read (curves differ by dash as well as by colour).

/// The style sheet.
pub(crate) const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 190mm; padding: 12px 16px 32px;
  font: 10.5pt/1.45 "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif;
  color: #000; background: #fff;
}
h1 { font-size: 17pt; margin: 0 0 4px; }
h2 { font-size: 13.5pt; margin: 18px 0 6px; padding-bottom: 2px; border-bottom: 1.5px solid #000; }
h3 { font-size: 11.5pt; margin: 14px 0 4px; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0; }
.meta { color: #333; }
.note { font-size: 9pt; color: #333; }
.figure { margin: 6px 0; break-inside: avoid; page-break-inside: avoid; }
.figure svg { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; fill: #000; }
svg .tick { font-size: 11px; }
svg .label { font-size: 12px; }
svg .legend { font-size: 12px; }
svg .axis { stroke: #000; stroke-width: 1; }
svg .grid { stroke: #bbb; stroke-width: 0.6; stroke-dasharray: 2 3; }
svg .curve { fill: none; stroke-width: 2.2; }
svg .censor { stroke-width: 1.4; }
svg .bar { fill: #555; stroke: #000; stroke-width: 0.5; }
table.data { width: 100%; border-collapse: collapse; margin: 6px 0 8px; font-size: 9pt; }
table.data th, table.data td { border: 0.6pt solid #777; padding: 2px 5px; text-align: left;
  vertical-align: top; }
table.data thead th { background: #eee; font-weight: 600; }
table.data tbody th { font-weight: 600; }
table.data td { font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
/* Adverse events: every column but the agents' on one line. */
[data-testid="adverse-events-table"] td:not(:nth-child(7)) { white-space: nowrap; }
.logrank { font-weight: 600; }
.ci { font-size: 0.92em; color: #222; white-space: nowrap; }
@page { size: A4; margin: 11mm 11mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  table.data { font-size: 8.5pt; margin: 4px 0 6px; }
  h2 { margin-top: 0; }
  h3 { margin: 8px 0 2px; }
  table.data th, table.data td { padding: 1px 4px; }
  section.major { break-before: page; page-break-before: always; }
  tr, .figure, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table.data thead th { background: none; border-bottom: 1.2pt solid #000; }
  a { color: #000; text-decoration: none; }
}
"#;
