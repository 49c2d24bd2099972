//! The study's data as files, made on the tablet by the core (`ecrf_core::export`) and
//! downloaded: CDISC ODM 1.3.2 with the audit trail, the ADaM-style data sets with their
//! dictionary and the flat CSV per form (each set as one zip), and the printable study report;
//! for the data manager (signed in with that role) and in the demo study. A patient's printable
//! summary is offered to every user on the patient's page. Progress is shown step by step.

use ecrf_core::export::{adam, flat, html, odm};
use ecrf_core::i18n::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{use_i18n, ExportMsg};
use crate::state::use_app_state;

/// One export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Odm,
    Adam,
    Csv,
    Report,
}

/// Where an export stands: (step done, steps) while working; the file made; or why it failed.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Working(usize, usize),
    Done(String, usize),
    Failed(String),
}

/// The files of a set in one zip (stored: CSV is small next to a tablet's storage, and the
/// `zip` crate then needs no compressor).
fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| e.to_string())
}

fn csv_bytes(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    out.extend_from_slice(text.as_bytes());
    out
}

/// The current time, for the ODM file's creation stamp and OID.
fn now() -> time::OffsetDateTime {
    let ms = js_sys::Date::now();
    time::OffsetDateTime::from_unix_timestamp_nanos((ms as i128) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Makes one export, step by step (a pause between steps keeps the page responsive and shows
/// the progress), and downloads it.
async fn run(kind: Kind, lang: Lang, bom: bool, progress: RwSignal<Option<Progress>>) {
    let step = |done: usize, of: usize| progress.set(Some(Progress::Working(done, of)));
    let pause = || crate::device::sleep(0);
    step(0, 1);
    pause().await;
    let stamp = ecrf_core::dates::format_date(crate::device::today());
    let result: Result<(String, &str, Vec<u8>), String> = match kind {
        Kind::Odm => {
            let now = now();
            let oid = format!(
                "ODM.{}.{}",
                ecrf_core::study::plan::STUDY_ID,
                now.unix_timestamp_nanos()
            );
            let xml = crate::local::with(|l| odm::odm(&l.state, &odm::OdmOptions::new(oid, now)));
            Ok((
                format!("odm-{stamp}.xml"),
                "application/xml",
                xml.into_bytes(),
            ))
        }
        Kind::Adam | Kind::Csv => {
            let files: Vec<(String, Vec<u8>)> = crate::local::with(|l| {
                if kind == Kind::Adam {
                    adam::datasets(&l.state, ecrf_core::study::plan::CUTOFF_DAYS)
                        .into_iter()
                        .map(|d| (format!("{}.csv", d.name), csv_bytes(&d.to_csv(), bom)))
                        .collect()
                } else {
                    flat::form_tables(&l.state, lang)
                        .into_iter()
                        .map(|t| (format!("{}.csv", t.form), csv_bytes(&t.csv, bom)))
                        .collect()
                }
            });
            step(1, 2);
            pause().await;
            let name = if kind == Kind::Adam { "adam" } else { "csv" };
            zip_files(&files).map(|z| (format!("{name}-{stamp}.zip"), "application/zip", z))
        }
        Kind::Report => {
            let today = crate::device::today();
            let page = crate::local::with(|l| html::study_report(&l.state, lang, today));
            Ok((
                format!("report-{stamp}.html"),
                "text/html",
                page.into_bytes(),
            ))
        }
    };
    match result {
        Ok((name, mime, bytes)) => {
            crate::device::download_bytes(&name, mime, &bytes);
            progress.set(Some(Progress::Done(name, bytes.len())));
        }
        Err(e) => progress.set(Some(Progress::Failed(e))),
    }
}

/// The card (on the analyses page).
#[component]
pub fn ExportCard() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let sync = crate::sync::use_sync();
    let t = move |m: ExportMsg| m.text(i18n.lang.get());
    let allowed = move || {
        sync.status.track();
        state.demo || crate::sync::session::current().is_some_and(|s| s.role.is_admin())
    };
    let bom = RwSignal::new(false);
    let progress = RwSignal::new(None::<Progress>);
    let busy = move || matches!(progress.get(), Some(Progress::Working(..)));
    let start = move |kind: Kind| {
        if busy() {
            return;
        }
        let lang = i18n.lang.get_untracked();
        spawn_local(run(kind, lang, bom.get_untracked(), progress));
    };
    let button = move |kind: Kind, id: &'static str, label: ExportMsg| {
        view! {
            <button class="secondary" data-testid=id disabled=busy on:click=move |_| start(kind)>
                {move || t(label)}
            </button>
        }
    };
    view! {
        <section class="card wide" data-testid="export-card">
            <h2>{move || t(ExportMsg::Title)}</h2>
            <Show when=allowed fallback=move || view! {
                <p class="hint" data-testid="export-not-allowed">{move || t(ExportMsg::DataManagerOnly)}</p>
            }>
                <p class="hint">{move || t(ExportMsg::Hint)}</p>
                <div class="toolbar">
                    {button(Kind::Odm, "export-odm", ExportMsg::Odm)}
                    {button(Kind::Adam, "export-adam", ExportMsg::Adam)}
                    {button(Kind::Csv, "export-csv", ExportMsg::Csv)}
                    {button(Kind::Report, "export-report", ExportMsg::Report)}
                </div>
                <label class="check">
                    <input type="checkbox" data-testid="export-bom"
                        prop:checked=move || bom.get()
                        on:change=move |ev| bom.set(event_target_checked(&ev)) />
                    {move || t(ExportMsg::Bom)}
                </label>
                {move || progress.get().map(|p| match p {
                    Progress::Working(done, of) => view! {
                        <p class="save info" role="status" data-testid="export-progress">
                            {format!("{} {done}/{of}", t(ExportMsg::Working))}
                        </p>
                    }.into_any(),
                    Progress::Done(name, bytes) => view! {
                        <p class="save ok" role="status" data-testid="export-done">
                            {format!("{} {name} ({:.1} kB)", t(ExportMsg::Done), bytes as f64 / 1024.0)}
                        </p>
                    }.into_any(),
                    Progress::Failed(why) => view! {
                        <p class="save error" role="alert" data-testid="export-error">{format!("{} {why}", t(ExportMsg::Failed))}</p>
                    }.into_any(),
                })}
            </Show>
        </section>
    }
}

/// The patient's printable summary (any user), downloaded as one HTML page.
#[component]
pub fn PatientSummaryButton(patient: String) -> impl IntoView {
    let i18n = use_i18n();
    let download = move |_| {
        let lang = i18n.lang.get_untracked();
        let today = crate::device::today();
        let page = crate::local::with(|l| {
            let record = ecrf_core::record::record(&l.state, &patient);
            html::patient_summary(&record, lang, today)
        });
        crate::device::download_bytes(
            &format!("{}.html", patient_file_name(&patient)),
            "text/html",
            page.as_bytes(),
        );
    };
    view! {
        <button class="secondary" data-testid="patient-summary" on:click=download>
            {move || ExportMsg::PatientSummary.text(i18n.lang.get())}
        </button>
    }
}

/// A subject ID as a file name (it is `HCC-<site>-<number>`; anything else is replaced).
fn patient_file_name(subject: &str) -> String {
    subject
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
