//! The tumor assessment's lesion table, and both criteria's responses computed live by the core.
//!
//! At baseline the user chooses the target lesions (diameter and viable diameter, arterial
//! enhancement, nodal or not) and the non-targets; the core's baseline rules are shown as you
//! choose. At follow-up the baseline lesions are carried over by id: each target is measured (or
//! marked too small / not evaluated), each non-target given a status, new lesions added.

use ecrf_core::record::Record;
use ecrf_core::response::model::{
    BaselineLesions, BaselineNonTarget, BaselineTarget, Certainty, Cytology, Effusion,
    EffusionChange, EffusionKind, FollowUpLesions, FormLesions, LesionKind, Measure, MeasureFlag,
    NewLesion, NonTargetStatus, TargetMeasure,
};
use leptos::prelude::*;
use time::Date;

use ecrf_core::i18n::Lang;

use super::context::{set_value, Ctx};
use crate::format::number;
use crate::i18n::{use_i18n, Msg};

fn parse_mm(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

fn measure_text(m: &Option<Measure>) -> String {
    match m {
        Some(Measure::Mm(n)) => number(*n),
        Some(Measure::Fragments { fragments }) => fragments
            .iter()
            .map(|f| number(*f))
            .collect::<Vec<_>>()
            .join(" + "),
        _ => String::new(),
    }
}

/// A measurement as typed: a number of mm, or the fragments of a lesion that split
/// (`12 + 8`, or `12, 8`).
fn parse_measure(text: &str) -> Option<Measure> {
    if text.contains('+') || text.contains(',') && text.contains(' ') {
        let fragments: Option<Vec<f64>> = text
            .split(['+', ','])
            .filter(|p| !p.trim().is_empty())
            .map(parse_mm)
            .collect();
        return fragments
            .filter(|f| !f.is_empty())
            .map(|fragments| Measure::Fragments { fragments });
    }
    parse_mm(text).map(Measure::Mm)
}

/// The options of a lesion-kind select, labelled in `lang`.
fn kind_options(kinds: &[LesionKind], lang: Lang) -> impl IntoView {
    kinds
        .iter()
        .map(|k| view! { <option value=k.code()>{k.label().get(lang).to_owned()}</option> })
        .collect_view()
}

fn kind_of(code: &str) -> LesionKind {
    LesionKind::from_code(code).unwrap_or_default()
}

/// The lesion table editor (a plain function: the form's context is crate-private).
pub(crate) fn lesion_editor(ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || {
        ctx.draft
            .with(|d| d.get("lesions").cloned())
            .and_then(|v| serde_json::from_value::<FormLesions>(v).ok())
    };
    let saved_baseline =
        Memo::new(move |_| ctx.rec.with(|r| r.response_series().map(|s| s.baseline)));
    let is_baseline = move || match current() {
        Some(FormLesions::Baseline(_)) => true,
        Some(FormLesions::FollowUp(_)) => false,
        None => saved_baseline.with(Option::is_none),
    };
    let baseline_mode = Memo::new(move |_| is_baseline());
    let write = move |l: FormLesions| set_value(ctx, "lesions", serde_json::to_value(&l).ok());
    let baseline_table = move || match current() {
        Some(FormLesions::Baseline(b)) => b,
        _ => BaselineLesions::default(),
    };
    let follow_table = move || match current() {
        Some(FormLesions::FollowUp(f)) => f,
        _ => FollowUpLesions::default(),
    };
    let edit_baseline = move |f: &dyn Fn(&mut BaselineLesions)| {
        let mut b = baseline_table();
        f(&mut b);
        write(FormLesions::Baseline(b));
    };
    let edit_follow = move |f: &dyn Fn(&mut FollowUpLesions)| {
        let mut t = follow_table();
        f(&mut t);
        write(FormLesions::FollowUp(t));
    };

    let mode = move || {
        view! {
            <label class="inline">
                <span class="hint">{i18n.t(Msg::LesionTimepoint)}</span>
                <select data-testid="lesions-timepoint" on:change=move |ev| {
                    if event_target_value(&ev) == "baseline" {
                        write(FormLesions::Baseline(BaselineLesions::default()));
                    } else {
                        write(FormLesions::FollowUp(FollowUpLesions::default()));
                    }
                }>
                    <option value="baseline" selected=move || baseline_mode.get()>{i18n.t(Msg::LesionBaseline)}</option>
                    <option value="follow_up" selected=move || !baseline_mode.get()>{i18n.t(Msg::LesionFollowUp)}</option>
                </select>
            </label>
        }
    };

    let target_count = Memo::new(move |_| baseline_table().targets.len());
    let non_target_count = Memo::new(move |_| baseline_table().non_targets.len());
    let target = move |i: usize| baseline_table().targets.get(i).cloned();
    let non_target = move |i: usize| baseline_table().non_targets.get(i).cloned();
    // Rows are rebuilt only when their number changes (or the mode or language): an edit never
    // replaces the input being typed into, and text inputs keep what is typed (their value is set
    // when the row is drawn; every keystroke is written to the draft).
    let baseline_view = move || {
        let lang = i18n.lang.get();
        let targets = move || {
            (0..target_count.get()).map(|i| view! {
            <tr data-testid="target-row">
                <td class="mono">{move || target(i).map(|t| t.id).unwrap_or_default()}</td>
                <td><input data-testid=format!("target-{i}-organ") prop:value=untrack(move || target(i).map(|t| t.organ).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); edit_baseline(&|b| b.targets[i].organ = v.clone()); } /></td>
                <td><select data-testid=format!("target-{i}-kind")
                    prop:value=move || target(i).map(|t| t.kind().code()).unwrap_or("lesion")
                    on:change=move |ev| { let k = kind_of(&event_target_value(&ev)); edit_baseline(&|b| {
                        b.targets[i].kind = Some(k);
                        b.targets[i].nodal = k == LesionKind::Node;
                    }); }>
                    {kind_options(&LesionKind::ALL, lang)}
                </select></td>
                <td><input inputmode="decimal" data-testid=format!("target-{i}-diameter")
                    prop:value=untrack(move || target(i).and_then(|t| t.diameter_mm).map(number).unwrap_or_default())
                    on:input=move |ev| { let v = parse_mm(&event_target_value(&ev)); edit_baseline(&|b| b.targets[i].diameter_mm = v); } /></td>
                <td><input inputmode="decimal" data-testid=format!("target-{i}-viable")
                    prop:value=untrack(move || target(i).and_then(|t| t.viable_diameter_mm).map(number).unwrap_or_default())
                    on:input=move |ev| { let v = parse_mm(&event_target_value(&ev)); edit_baseline(&|b| b.targets[i].viable_diameter_mm = v); } /></td>
                <td><label class="check"><input type="checkbox" data-testid=format!("target-{i}-enhancing") prop:checked=move || target(i).and_then(|t| t.arterial_enhancement).unwrap_or(false)
                    on:change=move |ev| { let on = event_target_checked(&ev); edit_baseline(&|b| b.targets[i].arterial_enhancement = Some(on)); } /></label></td>
                <td><button type="button" class="link danger remove" on:click=move |_| edit_baseline(&|b| { b.targets.remove(i); })>{Msg::RemoveRow.text(lang)}</button></td>
            </tr>
        }).collect_view()
        };
        let non_targets = move || {
            (0..non_target_count.get()).map(|i| view! {
            <tr data-testid="nontarget-row">
                <td class="mono">{move || non_target(i).map(|n| n.id).unwrap_or_default()}</td>
                <td><input data-testid=format!("nontarget-{i}-organ") prop:value=untrack(move || non_target(i).and_then(|n| n.organ).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); edit_baseline(&|b| b.non_targets[i].organ = Some(v.clone())); } /></td>
                <td><select data-testid=format!("nontarget-{i}-kind")
                    prop:value=move || non_target(i).map(|n| n.kind.code()).unwrap_or("lesion")
                    on:change=move |ev| { let k = kind_of(&event_target_value(&ev)); edit_baseline(&|b| b.non_targets[i].kind = k); }>
                    {kind_options(&LesionKind::ALL, lang)}
                </select></td>
                <td><button type="button" class="link danger remove" on:click=move |_| edit_baseline(&|b| { b.non_targets.remove(i); })>{Msg::RemoveRow.text(lang)}</button></td>
            </tr>
        }).collect_view()
        };
        view! {
            <div class="scroll">
            <table class="data lesions" data-testid="baseline-targets">
                <thead><tr>
                    <th>{Msg::Target.text(lang)}</th><th>{Msg::Organ.text(lang)}</th><th>{Msg::Kind.text(lang)}</th>
                    <th>{Msg::DiameterMm.text(lang)}</th><th>{Msg::ViableMm.text(lang)}</th><th>{Msg::Enhancing.text(lang)}</th><th></th>
                </tr></thead>
                <tbody>{targets}</tbody>
            </table>
            </div>
            <button type="button" class="form-button" data-testid="add-target" on:click=move |_| edit_baseline(&|b| {
                let id = format!("T{}", b.targets.len() + 1);
                b.targets.push(BaselineTarget { id, organ: "liver".into(), site: None, nodal: false, kind: None,
                    diameter_mm: None, viable_diameter_mm: None, arterial_enhancement: Some(true) });
            })>{Msg::AddTarget.text(lang)}</button>
            <div class="scroll">
            <table class="data lesions" data-testid="baseline-nontargets">
                <thead><tr><th>{Msg::NonTarget.text(lang)}</th><th>{Msg::Organ.text(lang)}</th><th>{Msg::Kind.text(lang)}</th><th></th></tr></thead>
                <tbody>{non_targets}</tbody>
            </table>
            </div>
            <button type="button" class="form-button" data-testid="add-nontarget" on:click=move |_| edit_baseline(&|b| {
                let id = format!("NT{}", b.non_targets.len() + 1);
                b.non_targets.push(BaselineNonTarget { id, organ: None, kind: LesionKind::Lesion });
            })>{Msg::AddNonTarget.text(lang)}</button>
        }
    };

    let new_count = Memo::new(move |_| follow_table().new_lesions.len());
    let measure = move |id: &str| follow_table().targets.get(id).cloned().unwrap_or_default();
    let new_lesion = move |i: usize| follow_table().new_lesions.get(i).cloned();
    let follow_view = move || {
        let lang = i18n.lang.get();
        let Some(base) = saved_baseline.get() else {
            return view! { <p class="warn">{Msg::NoBaselineLesions.text(lang)}</p> }.into_any();
        };
        let targets = base.targets.iter().map(|t| {
            let id = t.id.clone();
            let (id1, id2, id3, id4, id5, id6) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
            let set = move |id: String, f: &dyn Fn(&mut TargetMeasure)| {
                edit_follow(&|t| f(t.targets.entry(id.clone()).or_default()));
            };
            let flag = move |id: &str| match measure(id).diameter_mm {
                Some(Measure::Flag(MeasureFlag::TooSmall)) => "too_small".to_owned(),
                Some(Measure::Flag(MeasureFlag::NotEvaluated)) => "not_evaluated".to_owned(),
                Some(Measure::Merged { merged_into }) => format!("merged:{merged_into}"),
                _ => "measured".to_owned(),
            };
            let others: Vec<String> = base.targets.iter().map(|o| o.id.clone()).filter(|o| *o != id).collect();
            view! {
                <tr data-testid="measure-row">
                    <td class="mono">{id.clone()}</td>
                    <td>{format!("{} · {} / {} mm", t.organ, t.diameter_mm.map(number).unwrap_or_default(), t.viable_diameter_mm.map(number).unwrap_or_default())}</td>
                    <td><input inputmode="decimal" data-testid=format!("measure-{id}-diameter") prop:value=untrack(move || measure_text(&measure(&id4).diameter_mm))
                        on:input=move |ev| { let v = parse_measure(&event_target_value(&ev)); set(id1.clone(), &|m| m.diameter_mm = v.clone()); } /></td>
                    <td><input inputmode="decimal" data-testid=format!("measure-{id}-viable") prop:value=untrack(move || measure_text(&measure(&id5).viable_diameter_mm))
                        on:input=move |ev| { let v = parse_measure(&event_target_value(&ev)); set(id2.clone(), &|m| m.viable_diameter_mm = v.clone()); } /></td>
                    <td><select data-testid=format!("measure-{id}-flag") prop:value=move || flag(&id6) on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        let flag = match chosen.as_str() {
                            "too_small" => Some(Measure::Flag(MeasureFlag::TooSmall)),
                            "not_evaluated" => Some(Measure::Flag(MeasureFlag::NotEvaluated)),
                            other => other.strip_prefix("merged:").map(|into| Measure::Merged { merged_into: into.to_owned() }),
                        };
                        set(id3.clone(), &|m| { m.diameter_mm = flag.clone(); m.viable_diameter_mm = flag.clone(); });
                    }>
                        <option value="measured">{Msg::Measured.text(lang)}</option>
                        <option value="too_small">{Msg::TooSmall.text(lang)}</option>
                        <option value="not_evaluated">{Msg::NotEvaluated.text(lang)}</option>
                        {others.iter().map(|o| view! {
                            <option value=format!("merged:{o}")>{format!("{} {o}", Msg::MergedInto.text(lang))}</option>
                        }).collect_view()}
                    </select></td>
                </tr>
            }
        }).collect_view();
        let non_targets = base.non_targets.iter().map(|n| {
            let id = n.id.clone();
            let code = |s: NonTargetStatus| match s {
                NonTargetStatus::Present => "present",
                NonTargetStatus::Absent => "absent",
                NonTargetStatus::UnequivocalProgression => "unequivocal_progression",
                NonTargetStatus::NotEvaluated => "not_evaluated",
            };
            let (id2, id3) = (id.clone(), id.clone());
            view! {
                <tr>
                    <td class="mono">{id.clone()}</td>
                    <td>{n.organ.clone().unwrap_or_default()}</td>
                    <td><select data-testid=format!("status-{id}")
                        prop:value=move || follow_table().non_targets.get(&id3).copied().map(code).unwrap_or("")
                        on:change=move |ev| {
                        let s = match event_target_value(&ev).as_str() {
                            "present" => Some(NonTargetStatus::Present),
                            "absent" => Some(NonTargetStatus::Absent),
                            "unequivocal_progression" => Some(NonTargetStatus::UnequivocalProgression),
                            "not_evaluated" => Some(NonTargetStatus::NotEvaluated),
                            _ => None,
                        };
                        let id = id2.clone();
                        edit_follow(&|t| match s { Some(s) => { t.non_targets.insert(id.clone(), s); } None => { t.non_targets.remove(&id); } });
                    }>
                        <option value="">"—"</option>
                        {[("present", Msg::StatusPresent), ("absent", Msg::StatusAbsent), ("unequivocal_progression", Msg::StatusUnequivocalPd), ("not_evaluated", Msg::NotEvaluated)]
                            .into_iter().map(|(c, m)| view! { <option value=c>{m.text(lang)}</option> }).collect_view()}
                    </select></td>
                </tr>
            }
        }).collect_view();
        let new_rows = move || {
            (0..new_count.get()).map(|i| view! {
            <tr data-testid="new-lesion-row">
                <td><input data-testid=format!("new-{i}-organ") prop:value=untrack(move || new_lesion(i).and_then(|n| n.organ).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); edit_follow(&|t| t.new_lesions[i].organ = Some(v.clone())); } /></td>
                <td><select data-testid=format!("new-{i}-kind") prop:value=move || new_lesion(i).map(|n| n.kind.code()).unwrap_or("lesion")
                    on:change=move |ev| { let k = kind_of(&event_target_value(&ev)); edit_follow(&|t| t.new_lesions[i].kind = k); }>
                    {kind_options(&[LesionKind::Lesion, LesionKind::Node, LesionKind::TumorThrombus], lang)}
                </select></td>
                <td><input inputmode="decimal" data-testid=format!("new-{i}-size") prop:value=untrack(move || new_lesion(i).and_then(|n| n.size_mm).map(number).unwrap_or_default())
                    on:input=move |ev| { let v = parse_mm(&event_target_value(&ev)); edit_follow(&|t| t.new_lesions[i].size_mm = v); } /></td>
                <td><label class="check"><input type="checkbox" data-testid=format!("new-{i}-typical") prop:checked=move || new_lesion(i).and_then(|n| n.typical_hcc_pattern).unwrap_or(false)
                    on:change=move |ev| { let on = event_target_checked(&ev); edit_follow(&|t| t.new_lesions[i].typical_hcc_pattern = Some(on)); } /></label></td>
                <td><label class="check"><input type="checkbox" data-testid=format!("new-{i}-enhancing") prop:checked=move || new_lesion(i).and_then(|n| n.arterial_enhancement).unwrap_or(false)
                    on:change=move |ev| { let on = event_target_checked(&ev); edit_follow(&|t| t.new_lesions[i].arterial_enhancement = Some(on)); } /></label></td>
                <td><select data-testid=format!("new-{i}-certainty")
                    prop:value=move || if new_lesion(i).is_some_and(|n| n.certainty == Certainty::Equivocal) { "equivocal" } else { "unequivocal" }
                    on:change=move |ev| {
                    let c = if event_target_value(&ev) == "equivocal" { Certainty::Equivocal } else { Certainty::Unequivocal };
                    edit_follow(&|t| t.new_lesions[i].certainty = c); }>
                    <option value="unequivocal">{Msg::Unequivocal.text(lang)}</option>
                    <option value="equivocal">{Msg::Equivocal.text(lang)}</option>
                </select></td>
                <td><button type="button" class="link danger remove" on:click=move |_| edit_follow(&|t| { t.new_lesions.remove(i); })>{Msg::RemoveRow.text(lang)}</button></td>
            </tr>
        }).collect_view()
        };
        view! {
            <p class="hint">{Msg::SplitHint.text(lang)}</p>
            <div class="scroll">
            <table class="data lesions" data-testid="follow-targets">
                <thead><tr><th>{Msg::Target.text(lang)}</th><th>{Msg::AtBaseline.text(lang)}</th>
                    <th>{Msg::DiameterMm.text(lang)}</th><th>{Msg::ViableMm.text(lang)}</th><th></th></tr></thead>
                <tbody>{targets}</tbody>
            </table>
            </div>
            <div class="scroll">
            <table class="data lesions">
                <thead><tr><th>{Msg::NonTarget.text(lang)}</th><th>{Msg::Organ.text(lang)}</th><th>{Msg::StatusHeader.text(lang)}</th></tr></thead>
                <tbody>{non_targets}</tbody>
            </table>
            </div>
            <div class="scroll">
            <table class="data lesions" data-testid="new-lesions">
                <thead><tr><th>{Msg::NewLesion.text(lang)}</th><th>{Msg::Kind.text(lang)}</th><th>{Msg::SizeMm.text(lang)}</th>
                    <th>{Msg::TypicalHcc.text(lang)}</th><th>{Msg::Enhancing.text(lang)}</th><th>{Msg::Certainty.text(lang)}</th><th></th></tr></thead>
                <tbody>{new_rows}</tbody>
            </table>
            </div>
            <label class="inline effusion">
                <span class="label">{Msg::Effusion.text(lang)}</span>
                <select data-testid="effusion-kind" prop:value=move || follow_table().effusion.and_then(|e| e.kind).map(|k| match k {
                    EffusionKind::Ascites => "ascites", EffusionKind::Pleural => "pleural" }).unwrap_or("")
                    on:change=move |ev| {
                        let kind = match event_target_value(&ev).as_str() {
                            "ascites" => Some(EffusionKind::Ascites),
                            "pleural" => Some(EffusionKind::Pleural),
                            _ => None,
                        };
                        edit_follow(&|t| t.effusion = kind.map(|k| Effusion { kind: Some(k),
                            change: t.effusion.map_or(EffusionChange::New, |e| e.change),
                            cytology: t.effusion.map_or(Cytology::NotDone, |e| e.cytology) }));
                    }>
                    <option value="">{Msg::EffusionNone.text(lang)}</option>
                    <option value="ascites">{Msg::Ascites.text(lang)}</option>
                    <option value="pleural">{Msg::Pleural.text(lang)}</option>
                </select>
                <select data-testid="effusion-change" prop:value=move || follow_table().effusion.map(|e| match e.change {
                    EffusionChange::New => "new", EffusionChange::Increased => "increased", EffusionChange::Stable => "stable" }).unwrap_or("new")
                    on:change=move |ev| {
                        let c = match event_target_value(&ev).as_str() { "increased" => EffusionChange::Increased, "stable" => EffusionChange::Stable, _ => EffusionChange::New };
                        edit_follow(&|t| if let Some(e) = t.effusion.as_mut() { e.change = c; });
                    }>
                    <option value="new">{Msg::EffusionNew.text(lang)}</option>
                    <option value="increased">{Msg::EffusionIncreased.text(lang)}</option>
                    <option value="stable">{Msg::EffusionStable.text(lang)}</option>
                </select>
                <select data-testid="effusion-cytology" prop:value=move || follow_table().effusion.map(|e| match e.cytology {
                    Cytology::Positive => "positive", Cytology::Negative => "negative", Cytology::NotDone => "not_done" }).unwrap_or("not_done")
                    on:change=move |ev| {
                        let c = match event_target_value(&ev).as_str() { "positive" => Cytology::Positive, "negative" => Cytology::Negative, _ => Cytology::NotDone };
                        edit_follow(&|t| if let Some(e) = t.effusion.as_mut() { e.cytology = c; });
                    }>
                    <option value="not_done">{Msg::CytologyNotDone.text(lang)}</option>
                    <option value="negative">{Msg::CytologyNegative.text(lang)}</option>
                    <option value="positive">{Msg::CytologyPositive.text(lang)}</option>
                </select>
            </label>
            <button type="button" class="form-button" data-testid="add-new-lesion" on:click=move |_| edit_follow(&|t| {
                t.new_lesions.push(NewLesion { id: Some(format!("N{}", t.new_lesions.len() + 1)), organ: Some("liver".into()),
                    kind: LesionKind::Lesion, size_mm: None, short_axis_mm: None, typical_hcc_pattern: Some(true),
                    arterial_enhancement: Some(true), certainty: Certainty::Unequivocal });
            })>{Msg::AddNewLesion.text(lang)}</button>
        }
        .into_any()
    };

    view! {
        <div class="lesion-editor" data-testid="lesion-editor">
            {mode}
            {move || if baseline_mode.get() { baseline_view().into_any() } else { follow_view() }}
        </div>
    }
}

/// Both criteria's responses for the patient's series, the assessment on screen highlighted.
#[component]
pub fn ResponsePanel(record: Memo<Record>, date: Memo<Option<Date>>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let lang = i18n.lang.get();
        let on = date.get();
        let Some(responses) = record.with(|r| r.responses()) else {
            return view! { <p class="hint">{Msg::NoBaselineLesions.text(lang)}</p> }.into_any();
        };
        responses
            .into_iter()
            .map(|(c, eval)| {
                let name = c.name();
                let title = c.label();
                match eval {
                    Err(e) => view! {
                        <h3>{title}</h3>
                        <p class="error" data-testid=format!("response-{name}-error")>{e.message().get(lang).to_owned()}</p>
                    }
                    .into_any(),
                    Ok(e) => {
                        let pct = |v: Option<f64>| v.map(|p| format!("{p:+.1}%")).unwrap_or_else(|| "—".into());
                        let rows = e.timepoints.iter().map(|t| {
                            let current = Some(t.date) == on;
                            view! {
                                <tr class:current=current data-testid=if current { format!("response-{name}-current") } else { format!("response-{name}-row") }>
                                    <td class="mono">{ecrf_core::dates::format_date(t.date)}</td>
                                    <td>{t.sum_mm.map(number).unwrap_or_else(|| "—".into())}</td>
                                    <td>{pct(t.pct_change_from_baseline)}</td>
                                    <td>{pct(t.pct_change_from_nadir)}</td>
                                    <td>{t.target.code()}</td>
                                    <td>{t.non_target.code()}</td>
                                    <td>{t.new_lesions.label().get(lang).to_owned()}</td>
                                    <td class="strong" data-testid="overall">{t.overall.code()}</td>
                                </tr>
                            }
                        }).collect_view();
                        let best = format!(
                            "{}: {} · {}: {}",
                            Msg::BestUnconfirmed.text(lang),
                            e.best_overall_response.unconfirmed.code(),
                            Msg::BestConfirmed.text(lang),
                            e.best_overall_response.confirmed.code()
                        );
                        view! {
                            <h3>{format!("{title} · {} {} mm", Msg::BaselineSum.text(lang), number(e.baseline_sum_mm))}</h3>
                            <table class="data" data-testid=format!("response-{name}")>
                                <thead><tr>
                                    <th>{Msg::When.text(lang)}</th><th>{Msg::SumMm.text(lang)}</th><th>{Msg::FromBaseline.text(lang)}</th>
                                    <th>{Msg::FromNadir.text(lang)}</th><th>{Msg::Target.text(lang)}</th><th>{Msg::NonTarget.text(lang)}</th>
                                    <th>{Msg::NewLesion.text(lang)}</th><th>{Msg::Overall.text(lang)}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <p class="hint" data-testid=format!("best-{name}")>{best}</p>
                        }
                        .into_any()
                    }
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card wide" data-testid="responses">
            <h2>{i18n.t(Msg::ResponsesTitle)}</h2>
            {body}
            <p class="hint">{i18n.t(Msg::ResponsesNote)}</p>
        </section>
    }
}
