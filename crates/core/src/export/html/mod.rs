//! Printable HTML reports, in English or Simplified Chinese: the study report
//! ([`study_report`]) and one patient's summary ([`patient_summary`]). Each is one
//! self-contained page (inline style and SVG, no script, no link) laid out for A4 paper and
//! readable in black and white. Numbers come from the core's analyses and are only formatted
//! here; every text from the data is escaped.

mod format;
mod markup;
mod patient;
mod study;
mod style;
mod svg;
mod texts;

pub use patient::patient_summary;
pub use study::study_report;

use crate::i18n::Lang;
use markup::Html;

/// The page around `body`: the document's language, its title, the style sheet.
fn page(lang: Lang, title: &str, body: Html) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
        lang.tag(),
        Html::text(title).into_string(),
        style::CSS,
        body.into_string()
    )
}

#[cfg(test)]
mod tests;
