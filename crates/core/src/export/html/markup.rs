//! Markup built safely: data text is escaped once, where it enters a page (the `html-escape`
//! crate), and only this module's code writes tags.

use std::fmt::Write as _;

/// A fragment of HTML: escaped text, or markup written by this module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Html(String);

impl Html {
    /// Text (data or a label), escaped for an element's content.
    pub(crate) fn text(s: &str) -> Html {
        Html(html_escape::encode_text(s).into_owned())
    }

    /// Markup this module wrote: tags, attribute names, numbers; never data text.
    pub(crate) fn raw(s: impl Into<String>) -> Html {
        Html(s.into())
    }

    /// `<tag attr="value"...>body</tag>`, attribute values escaped.
    pub(crate) fn el(tag: &str, attrs: &[(&str, &str)], body: Html) -> Html {
        let mut s = format!("<{tag}");
        for (name, value) in attrs {
            let _ = write!(
                s,
                " {name}=\"{}\"",
                html_escape::encode_double_quoted_attribute(value)
            );
        }
        s.push('>');
        s.push_str(&body.0);
        let _ = write!(s, "</{tag}>");
        Html(s)
    }

    /// Appends `other`.
    pub(crate) fn push(&mut self, other: Html) {
        self.0.push_str(&other.0);
    }

    /// The markup.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(iter: I) -> Html {
        let mut out = Html::default();
        for h in iter {
            out.push(h);
        }
        out
    }
}

/// `<tag>text</tag>`, the text escaped.
pub(crate) fn text_el(tag: &str, text: &str) -> Html {
    Html::el(tag, &[], Html::text(text))
}

/// A paragraph of the class `class` (none when empty).
pub(crate) fn para(class: &str, text: &str) -> Html {
    if class.is_empty() {
        text_el("p", text)
    } else {
        Html::el("p", &[("class", class)], Html::text(text))
    }
}

/// A table of class `data`: one header row, then the rows, whose first cell heads the row. The
/// header repeats on each printed page and a row is never split across pages (see the style).
pub(crate) fn table(testid: &str, head: &[String], rows: &[Vec<String>]) -> Html {
    let rows: Vec<Vec<Html>> = rows
        .iter()
        .map(|r| r.iter().map(|c| Html::text(c)).collect())
        .collect();
    table_html(testid, head, &rows)
}

/// [`table`] with cells of markup.
pub(crate) fn table_html(testid: &str, head: &[String], rows: &[Vec<Html>]) -> Html {
    let head: Html = head.iter().map(|h| text_el("th", h)).collect();
    let body: Html = rows
        .iter()
        .map(|row| {
            let cells: Html = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 {
                        Html::el("th", &[("scope", "row")], c.clone())
                    } else {
                        Html::el("td", &[], c.clone())
                    }
                })
                .collect();
            Html::el("tr", &[], cells)
        })
        .collect();
    let mut inner = Html::el("thead", &[], Html::el("tr", &[], head));
    inner.push(Html::el("tbody", &[], body));
    Html::el(
        "table",
        &[("class", "data"), ("data-testid", testid)],
        inner,
    )
}

/// A value over its interval, on two lines: "5 (26.3%)" then "[9.1–51.2]" (smaller).
pub(crate) fn over(value: &str, interval: &str) -> Html {
    let mut out = Html::text(value);
    if !interval.is_empty() {
        out.push(Html::raw("<br>"));
        out.push(Html::el("span", &[("class", "ci")], Html::text(interval)));
    }
    out
}
