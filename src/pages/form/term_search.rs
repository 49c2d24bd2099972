//! The adverse event's term on the form page: a search over the CTCAE v5.0 catalogue.

use ecrf_core::ctcae::catalogue;
use ecrf_core::derived::texts::grade as grade_text;
use ecrf_core::i18n::Lang;
use ecrf_core::record::adverse_event::AdverseEvent;
use leptos::prelude::*;
use serde_json::Value;

use super::context::{set_value, Ctx};
use crate::i18n::{use_i18n, Msg};

/// The adverse event's term: a search over the CTCAE v5.0 catalogue (English, the project's
/// Chinese names, abbreviations); picking a result sets the term and shows its grade definitions.
pub(super) fn term_widget(
    ctx: Ctx,
    invalid: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let chosen = move || {
        ctx.draft
            .with(|d| Some(AdverseEvent::read(d).term).filter(|t| !t.is_empty()))
    };
    let query = RwSignal::new(chosen().unwrap_or_default());
    let results = move || {
        let q = query.get();
        if q.trim().is_empty() || Some(&q) == chosen().as_ref() {
            return Vec::new();
        }
        catalogue::search(&q, 8)
    };
    // What to know beyond the results (a syndrome CTCAE grades by its parts), or what to try
    // when nothing matches.
    let hint = move || {
        let lang = i18n.lang.get();
        let q = query.get();
        if q.trim().is_empty() || Some(&q) == chosen().as_ref() {
            return None;
        }
        match catalogue::search_hint(&q) {
            Some(note) => Some(
                view! { <p class="hint" data-testid="term-hint">{note.get(lang).to_owned()}</p> }
                    .into_any(),
            ),
            None if results().is_empty() => Some(
                view! { <p class="hint" data-testid="term-none">{Msg::TermNoMatch.text(lang)}</p> }
                    .into_any(),
            ),
            None => None,
        }
    };
    let name = move |t: &catalogue::Term, lang: Lang| match (lang, t.zh) {
        (Lang::ZhCn, Some(zh)) => format!("{zh} ({})", t.term),
        _ => t.term.to_owned(),
    };
    let grades = move || {
        let lang = i18n.lang.get();
        chosen().and_then(|c| catalogue::find(&c)).map(|t| {
            let rows = t
                .grades
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.map(|g| (i + 1, catalogue::unescape(g))))
                .map(|(g, text)| {
                    view! {
                        <dt>{grade_text(g).get(lang).to_owned()}</dt>
                        <dd data-testid=format!("term-grade-{g}")>{text}</dd>
                    }
                })
                .collect_view();
            view! {
                <div class="term-chosen" data-testid="term-chosen">
                    <p class="hint">{format!("{} · {}", name(t, lang), t.soc)}</p>
                    <p class="label">{Msg::TermGrades.text(lang)}</p>
                    <dl class="grades">{rows}</dl>
                </div>
            }
        })
    };
    view! {
        <div class="term-search">
            <input
                type="search"
                data-testid="field-term"
                autocomplete="off"
                class:invalid=invalid
                placeholder=i18n.t(Msg::TermSearch)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="term-results" class:hidden=move || results().is_empty()>
                {move || {
                    let lang = i18n.lang.get();
                    results()
                        .into_iter()
                        .map(|t| {
                            let term = t.term;
                            view! {
                                <li>
                                    <button type="button" data-testid="term-result" on:click=move |_| {
                                        set_value(ctx, "term", Some(Value::String(term.to_owned())));
                                        query.set(term.to_owned());
                                    }>
                                        <span class="strong">{name(t, lang)}</span>
                                        <span class="hint">{format!(" · {}", t.soc)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {hint}
            {grades}
        </div>
    }
    .into_any()
}
