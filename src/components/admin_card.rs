//! The data manager's card (signed in to the study's server as data manager): the study's users
//! with their role and status, adding one with a temporary passphrase, a new temporary
//! passphrase for someone who forgot theirs, revoking an account; the devices the server knows,
//! revoking a lost tablet. Every action asks the server (`crate::sync::admin`), which checks
//! the role again; revocations are confirmed first.

use ecrf_core::i18n::Lang;
use ecrf_core::sync::api::{valid_name, DeviceInfo, Role, UserInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::inputs::labelled_input;
use crate::i18n::{role_name, use_i18n, AdminMsg, Msg};
use crate::sync::{admin, use_sync, SyncError};

/// What a revocation waiting for its confirmation concerns.
#[derive(Debug, Clone, PartialEq)]
enum Revoking {
    User(String),
    Device(String),
}

/// The last outcome shown under the card.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done(AdminMsg, String),
    Failed(SyncError),
    Refused(Msg),
    BadName,
}

fn failure(e: &SyncError, lang: Lang) -> String {
    let detail = match e {
        SyncError::Network => Msg::SyncErrNetwork.text(lang).to_owned(),
        SyncError::Refused { code, message, .. } => format!("{message} ({code})"),
        SyncError::Local(m) => m.clone(),
    };
    format!("{} {detail}", AdminMsg::Failed.text(lang))
}

fn status_msg(u: &UserInfo) -> AdminMsg {
    if u.revoked {
        AdminMsg::Revoked
    } else if u.must_change_passphrase {
        AdminMsg::Temporary
    } else {
        AdminMsg::Active
    }
}

/// "2026-12-06 09:41 UTC" from an RFC 3339 UTC time.
fn minute(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(m) => format!("{} UTC", m.replace('T', " ")),
        None => rfc3339.to_owned(),
    }
}

/// A masked input for a new (temporary) passphrase, bound to `value`.
fn passphrase_input(
    label: AdminMsg,
    testid: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    labelled_input(
        move || label.text(i18n.lang.get()),
        testid,
        "new-password",
        value,
    )
}

/// Checks a temporary passphrase and its confirmation.
fn check_passphrase(a: &str, b: &str) -> Result<(), Msg> {
    if !ecrf_core::sync::api::passphrase_long_enough(a) {
        Err(Msg::SyncPassShort)
    } else if a != b {
        Err(Msg::SyncPassMismatch)
    } else {
        Ok(())
    }
}

/// The card; shown only to the signed-in data manager.
#[component]
pub fn AdminCard() -> impl IntoView {
    let ctx = use_sync();
    let admin = move || ctx.status.with(|s| s.admin && s.user.is_some());
    view! {
        <Show when=admin>
            <AdminTables />
        </Show>
    }
}

#[component]
fn AdminTables() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |m: AdminMsg| m.text(i18n.lang.get());
    let users = RwSignal::new(None::<Vec<UserInfo>>);
    let devices = RwSignal::new(None::<Vec<DeviceInfo>>);
    let outcome = RwSignal::new(None::<Outcome>);
    let working = RwSignal::new(false);
    let revoking = RwSignal::new(None::<Revoking>);
    let resetting = RwSignal::new(None::<String>);
    let reset_pass = RwSignal::new(String::new());
    let reset_again = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let new_role = RwSignal::new(Role::Coordinator);
    let new_pass = RwSignal::new(String::new());
    let new_again = RwSignal::new(String::new());
    let this_device = crate::local::with(|l| l.log.as_ref().map(|g| g.device.clone()));

    let reload = move || {
        spawn_local(async move {
            match admin::users().await {
                Ok(u) => {
                    // A revoked user's records kept on this tablet no longer open anything.
                    if let Some(db) = crate::state::db() {
                        let revoked: Vec<&str> = u
                            .iter()
                            .filter(|r| r.revoked)
                            .map(|r| r.user.as_str())
                            .collect();
                        crate::sync::run::forget_revoked(&db, &revoked).await;
                    }
                    users.set(Some(u));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
            match admin::devices().await {
                Ok(d) => devices.set(Some(d)),
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    reload();
    // Runs one action, then shows its outcome and reads both lists again.
    let act = move |action: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Outcome, SyncError>>>,
    >| {
        if working.get_untracked() {
            return;
        }
        working.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = action.await;
            working.set(false);
            outcome.set(Some(result.unwrap_or_else(Outcome::Failed)));
            reload();
        });
    };

    let add = move || {
        let (name, pass, again) = (
            new_name.get_untracked().trim().to_owned(),
            new_pass.get_untracked(),
            new_again.get_untracked(),
        );
        if !valid_name(&name) {
            outcome.set(Some(Outcome::BadName));
            return;
        }
        if let Err(m) = check_passphrase(&pass, &again) {
            outcome.set(Some(Outcome::Refused(m)));
            return;
        }
        let role = new_role.get_untracked();
        act(Box::pin(async move {
            let added = admin::add_user(&name, role, &pass).await?;
            new_name.set(String::new());
            new_pass.set(String::new());
            new_again.set(String::new());
            Ok(Outcome::Done(AdminMsg::AddedUser, added.user))
        }));
    };
    let reset = move |user: String| {
        let (pass, again) = (reset_pass.get_untracked(), reset_again.get_untracked());
        if let Err(m) = check_passphrase(&pass, &again) {
            outcome.set(Some(Outcome::Refused(m)));
            return;
        }
        act(Box::pin(async move {
            admin::reset_passphrase(&user, &pass).await?;
            resetting.set(None);
            reset_pass.set(String::new());
            reset_again.set(String::new());
            Ok(Outcome::Done(AdminMsg::ResetDone, user))
        }));
    };
    let revoke = move |target: Revoking| {
        act(Box::pin(async move {
            let name = match &target {
                Revoking::User(u) => {
                    admin::revoke_user(u).await?;
                    u.clone()
                }
                Revoking::Device(d) => {
                    admin::revoke_device(d).await?;
                    d.clone()
                }
            };
            revoking.set(None);
            Ok(Outcome::Done(AdminMsg::RevokedDone, name))
        }));
    };

    let confirm_row = move |target: Revoking, question: AdminMsg| {
        let yes = target.clone();
        view! {
            <div class="inline" data-testid="admin-confirm">
                <p class="warn">{move || t(question)}</p>
                <button class="danger" data-testid="admin-confirm-revoke" disabled=move || working.get()
                    on:click=move |_| revoke(yes.clone())>{move || t(AdminMsg::YesRevoke)}</button>
                <button class="link" on:click=move |_| revoking.set(None)>{move || t(AdminMsg::Cancel)}</button>
            </div>
        }
    };

    let me = crate::sync::session::current().map(|s| s.user);
    let user_rows = move || {
        let lang = i18n.lang.get();
        let me = me.clone();
        users.get().unwrap_or_default().into_iter().map(|u| {
            let name = u.user.clone();
            let (for_reset, for_revoke, for_form, for_confirm) =
                (name.clone(), name.clone(), name.clone(), name.clone());
            // Not one's own account: a data manager does not revoke or reset themselves here.
            let actionable = !u.revoked && Some(name.as_str()) != me.as_deref();
            view! {
                <tr data-testid="admin-user" data-user=name.clone()>
                    <td class="mono">{name.clone()}</td>
                    <td>{role_name(u.role, lang)}</td>
                    <td data-testid="admin-user-status">{status_msg(&u).text(lang)}</td>
                    <td class="nowrap">{minute(&u.created_at)}</td>
                    <td>
                        <Show when=move || actionable>
                            <button class="secondary" data-testid="admin-reset"
                                on:click={let n = for_reset.clone(); move |_| { resetting.set(Some(n.clone())); revoking.set(None); }}>
                                {move || t(AdminMsg::Reset)}
                            </button>
                            <button class="link danger" data-testid="admin-revoke-user"
                                on:click={let n = for_revoke.clone(); move |_| { revoking.set(Some(Revoking::User(n.clone()))); resetting.set(None); }}>
                                {move || t(AdminMsg::Revoke)}
                            </button>
                        </Show>
                        {move || (resetting.get().as_deref() == Some(for_form.as_str())).then(|| {
                            let n = for_form.clone();
                            view! {
                                <form class="inline" on:submit=move |ev| { ev.prevent_default(); reset(n.clone()); }>
                                    <p class="hint">{move || t(AdminMsg::ResetHint)}</p>
                                    {passphrase_input(AdminMsg::TempPassphrase, "admin-reset-passphrase", reset_pass)}
                                    {passphrase_input(AdminMsg::TempPassphraseAgain, "admin-reset-passphrase-again", reset_again)}
                                    <button type="submit" class="primary" data-testid="admin-reset-submit"
                                        disabled=move || working.get()>{move || t(AdminMsg::Reset)}</button>
                                    <button type="button" class="link" on:click=move |_| resetting.set(None)>
                                        {move || t(AdminMsg::Cancel)}
                                    </button>
                                </form>
                            }
                        })}
                        {move || (revoking.get() == Some(Revoking::User(for_confirm.clone())))
                            .then(|| confirm_row(Revoking::User(for_confirm.clone()), AdminMsg::RevokeUserConfirm))}
                    </td>
                </tr>
            }
        }).collect_view()
    };

    let device_rows = move || {
        let lang = i18n.lang.get();
        let never = AdminMsg::Never.text(lang);
        devices.get().unwrap_or_default().into_iter().map(|d| {
            let id = d.device.clone();
            let mine = this_device.as_deref() == Some(id.as_str());
            let (for_revoke, for_confirm) = (id.clone(), id.clone());
            let revoked = d.revoked;
            let label = if mine { format!("{id} ({})", AdminMsg::ThisTablet.text(lang)) } else { id.clone() };
            view! {
                <tr data-testid="admin-device" data-device=id.clone()>
                    <td class="mono">{label}</td>
                    <td>{d.registered_by.clone().unwrap_or_else(|| never.to_owned())}</td>
                    <td class="nowrap">{d.last_seen_at.as_deref().map(minute).unwrap_or_else(|| never.to_owned())}</td>
                    <td>{d.commits}</td>
                    <td data-testid="admin-device-status">
                        {if revoked { AdminMsg::Revoked.text(lang) } else { AdminMsg::Active.text(lang) }}
                    </td>
                    <td>
                        <Show when=move || !revoked && !mine>
                            <button class="link danger" data-testid="admin-revoke-device"
                                on:click={let n = for_revoke.clone(); move |_| revoking.set(Some(Revoking::Device(n.clone())))}>
                                {move || t(AdminMsg::Revoke)}
                            </button>
                        </Show>
                        {move || (revoking.get() == Some(Revoking::Device(for_confirm.clone())))
                            .then(|| confirm_row(Revoking::Device(for_confirm.clone()), AdminMsg::RevokeDeviceConfirm))}
                    </td>
                </tr>
            }
        }).collect_view()
    };

    let outcome_line = move || {
        let lang = i18n.lang.get();
        outcome.get().map(|o| match o {
            Outcome::Done(m, name) => {
                let tail = if m == AdminMsg::AddedUser { format!(": {}", AdminMsg::AddedHint.text(lang)) } else { String::new() };
                view! { <p class="save ok" role="status" data-testid="admin-done">{format!("{} {name}{tail}", m.text(lang))}</p> }.into_any()
            }
            Outcome::Failed(e) => view! { <p class="error" role="alert" data-testid="admin-error">{failure(&e, lang)}</p> }.into_any(),
            Outcome::Refused(m) => view! { <p class="error" role="alert" data-testid="admin-error">{m.text(lang)}</p> }.into_any(),
            Outcome::BadName => view! { <p class="error" role="alert" data-testid="admin-error">{AdminMsg::BadName.text(lang)}</p> }.into_any(),
        })
    };

    view! {
        <section class="card wide admin" data-testid="admin-card">
            <h2>{move || t(AdminMsg::Title)}</h2>
            <p class="hint">{move || t(AdminMsg::Hint)}</p>
            <h3>{move || t(AdminMsg::Users)}</h3>
            {move || users.with(Option::is_none).then(|| view! { <p class="hint">{move || t(AdminMsg::Loading)}</p> })}
            <table class="data" data-testid="admin-users">
                <thead><tr>
                    <th>{move || t(AdminMsg::Name)}</th><th>{move || t(AdminMsg::Role)}</th>
                    <th>{move || t(AdminMsg::Status)}</th><th>{move || t(AdminMsg::Added)}</th><th></th>
                </tr></thead>
                <tbody>{user_rows}</tbody>
            </table>
            <h3>{move || t(AdminMsg::AddTitle)}</h3>
            <form class="sync-sign-in" on:submit=move |ev| { ev.prevent_default(); add(); }>
                {labelled_input(move || t(AdminMsg::Name), "admin-new-name", "off", new_name)}
                <label class="field">
                    <span class="label">{move || t(AdminMsg::Role)}</span>
                    <select data-testid="admin-new-role"
                        on:change=move |ev| if let Some(r) = Role::from_code(&event_target_value(&ev)) { new_role.set(r) }>
                        {move || {
                            let lang = i18n.lang.get();
                            Role::ALL.iter().map(|&r| view! {
                                <option value=r.code() selected=move || new_role.get() == r>{role_name(r, lang)}</option>
                            }).collect_view()
                        }}
                    </select>
                </label>
                {passphrase_input(AdminMsg::TempPassphrase, "admin-new-passphrase", new_pass)}
                {passphrase_input(AdminMsg::TempPassphraseAgain, "admin-new-passphrase-again", new_again)}
                <button type="submit" class="primary" data-testid="admin-add" disabled=move || working.get()>
                    {move || t(AdminMsg::Add)}
                </button>
            </form>
            <h3>{move || t(AdminMsg::Devices)}</h3>
            <table class="data" data-testid="admin-devices">
                <thead><tr>
                    <th>{move || t(AdminMsg::Device)}</th><th>{move || t(AdminMsg::RegisteredBy)}</th>
                    <th>{move || t(AdminMsg::LastSeen)}</th><th>{move || t(AdminMsg::Commits)}</th>
                    <th>{move || t(AdminMsg::Status)}</th><th></th>
                </tr></thead>
                <tbody>{device_rows}</tbody>
            </table>
            <div class="actions">
                <button class="secondary" data-testid="admin-refresh" on:click=move |_| reload()>
                    {move || t(AdminMsg::Refresh)}
                </button>
            </div>
            {move || working.get().then(|| view! { <p class="save info" role="status">{move || t(AdminMsg::Working)}</p> })}
            {outcome_line}
        </section>
    }
}
