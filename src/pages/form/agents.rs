//! The adverse event's relation to each systemic agent the patient received, and the action
//! taken with it.

use ecrf_core::record::adverse_event::AdverseEvent;
use ecrf_core::study::study;
use leptos::prelude::*;
use serde_json::Value;

use super::context::{set_value, Ctx};
use crate::format::{self, label};
use crate::i18n::{use_i18n, Msg};

/// Per systemic agent the patient received (by the onset date): the relation of the adverse
/// event to it and the action taken with it.
pub(super) fn agent_table(ctx: Ctx, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        ctx.draft
            .with(|d| d.get(id).and_then(|v| v.as_array().cloned()))
            .unwrap_or_default()
    };
    let agents = Memo::new(move |_| {
        let ae = ctx.draft.with(AdverseEvent::read);
        let mut list = ctx.rec.with(|r| r.agents_received(ae.onset));
        for row in ae.agents {
            if !list.contains(&row.agent) {
                list.push(row.agent);
            }
        }
        list
    });
    let get = move |agent: &str, key: &str| {
        ctx.draft
            .with(AdverseEvent::read)
            .agents
            .into_iter()
            .find(|r| r.agent == agent)
            .and_then(|r| {
                if key == "relation" {
                    r.relation
                } else {
                    r.action
                }
            })
            .unwrap_or_default()
    };
    let set = move |agent: String, key: &'static str, code: String| {
        let mut all = rows();
        let pos = all
            .iter()
            .position(|r| r.get("agent").and_then(|a| a.as_str()) == Some(agent.as_str()));
        let row = match pos {
            Some(p) => &mut all[p],
            None => {
                all.push(serde_json::json!({ "agent": agent }));
                all.last_mut().expect("just pushed")
            }
        };
        if let Some(obj) = row.as_object_mut() {
            if code.is_empty() {
                obj.remove(key);
            } else {
                obj.insert(key.to_owned(), Value::String(code));
            }
        }
        set_value(ctx, id, (!all.is_empty()).then_some(Value::Array(all)));
    };
    let select = move |agent: String, key: &'static str, list: &'static str| {
        let codes = study()
            .code_list(list)
            .map(|l| l.codes.clone())
            .unwrap_or_default();
        let a2 = agent.clone();
        view! {
            <select data-testid=format!("agent-{agent}-{key}")
                prop:value=move || get(&a2, key)
                on:change=move |ev| set(agent.clone(), key, event_target_value(&ev))>
                <option value="">"—"</option>
                {codes.into_iter().map(|c| view! {
                    <option value=c.code>{move || label(c.label, i18n.lang.get())}</option>
                }).collect_view()}
            </select>
        }
    };
    view! {
        <Show
            when=move || !agents.with(Vec::is_empty)
            fallback=move || view! { <p class="hint" data-testid="no-agents">{i18n.t(Msg::NoAgents)}</p> }
        >
            <div class="scroll">
            <table class="data lesions" data-testid="agent-table">
                <thead><tr>
                    <th>{i18n.t(Msg::Agent)}</th>
                    <th>{i18n.t(Msg::Relation)}</th>
                    <th>{i18n.t(Msg::ActionTaken)}</th>
                </tr></thead>
                <tbody>
                    {move || agents.get().into_iter().map(|a| view! {
                        <tr>
                            <td>{format::code_label("systemic_agent", &a, i18n.lang.get())}</td>
                            <td>{select(a.clone(), "relation", "relation")}</td>
                            <td>{select(a.clone(), "action", "ae_action")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </Show>
    }
}
