//! The demo study: a seeded, deterministic generator of a realistic synthetic study (patients
//! enrolled March 2023 to March 2025, followed to 24 months or a fixed data cut, with labs, TACE
//! sessions, systemic therapy lines, assessments, adverse events, progressions and deaths at
//! plausible rates), written as commits of one demo device, exactly as the app stores them. It is
//! loaded into a separate, clearly labelled database and never synced.

mod draws;
mod patient;
mod rng;
mod visits;
mod writer;

use serde::Serialize;
use time::{Date, Month};

use crate::log::{Commit, DeviceLog};
use patient::Course;
use rng::{day, Rng};
use writer::Writer;

/// The demo device and user: every demo commit carries them.
pub const DEMO_DEVICE: &str = "demo";
/// The demo user.
pub const DEMO_USER: &str = "demo";

/// The demo file: the commits and how they were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoStudy {
    /// `"ecrf-commits"`: what the file is.
    pub format: &'static str,
    /// Format version.
    pub version: u32,
    /// Always true: the app keeps it apart and never syncs it.
    pub demo: bool,
    /// The seed.
    pub seed: u64,
    /// Number of patients.
    pub patients: usize,
    /// The data cut: no date after it.
    #[serde(with = "crate::dates::iso")]
    pub data_cut: Date,
    /// The commits, in the order they were made.
    pub commits: Vec<Commit>,
}

/// What a demo study is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of patients.
    pub patients: usize,
    /// The seed: the same options give the same study.
    pub seed: u64,
    /// The device that makes the commits (its id, its instance ids' prefix).
    pub device: String,
    /// The site code of the subject IDs (`HCC-<site>-<nnnn>`), 1..=999; a study of more than
    /// 9,999 patients continues at the next site codes.
    pub site: u16,
}

/// Generates `patients` patients from `seed`, on the device `demo` at site 001.
pub fn generate(patients: usize, seed: u64) -> DemoStudy {
    generate_with(&DemoOptions {
        patients,
        seed,
        device: DEMO_DEVICE.to_owned(),
        site: 1,
    })
}

/// Generates the demo study of `o` (the caller checks that the site codes stay within 999).
pub fn generate_with(o: &DemoOptions) -> DemoStudy {
    let (patients, seed, site) = (o.patients, o.seed, usize::from(o.site));
    let mut rng = Rng(seed);
    let data_cut = day(2026, Month::March, 31);
    let first = day(2023, Month::March, 1);
    let span = (day(2025, Month::March, 31) - first).whole_days();
    let mut w = Writer {
        device: o.device.clone(),
        log: DeviceLog::new(&o.device),
        commits: Vec::new(),
        forms: 0,
        clock: 0,
    };
    // Patients in enrollment order, as a site would register them.
    let mut enrollments: Vec<i64> = (0..patients).map(|_| rng.int(0, span)).collect();
    enrollments.sort_unstable();
    for (i, offset) in enrollments.into_iter().enumerate() {
        let course = Course::draw(&mut rng, i, site, first, offset, data_cut);
        // Lesions come from their own stream, so adding them changed no other demo value.
        let mut lesion_rng =
            Rng(seed ^ 0x6c65_7369_6f6e_7321 ^ (i as u64).wrapping_mul(0x9e37_79b9));
        let lesions = patient::screening(&mut w, &mut rng, &mut lesion_rng, &course);
        visits::treatments(&mut w, &mut rng, &course);
        visits::follow_up(&mut w, &mut rng, &lesions, &course);
        visits::adverse_events(&mut w, &mut rng, &course);
        visits::outcome(&mut w, &mut rng, &course);
    }
    DemoStudy {
        format: "ecrf-commits",
        version: 1,
        demo: true,
        seed,
        patients,
        data_cut,
        commits: w.commits,
    }
}

/// Why a demo file cannot be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoFileError {
    /// Not JSON, or not the demo file's shape.
    #[error("not a demo file: {0}")]
    NotDemoFile(String),
    /// A file of study data, not a demo: the study's data arrives only through sync.
    #[error("the file holds study data, not a demo")]
    NotDemo,
    /// A commit was altered or the chain is broken.
    #[error("the file is damaged: {0}")]
    Damaged(String),
}

impl DemoFileError {
    /// The message for the user.
    pub fn message(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            DemoFileError::NotDemoFile(e) => Text::new(
                format!("This is not a demo file made by the ecrf command-line tool ({e})."),
                format!("这不是 ecrf 命令行工具生成的演示文件（{e}）。"),
            ),
            DemoFileError::NotDemo => Text::new(
                "This file holds study data, not a demo: it is not loaded into the demo database.",
                "此文件包含研究数据而非演示数据：不会载入演示数据库。",
            ),
            DemoFileError::Damaged(e) => Text::new(
                format!("The file is damaged and was not loaded ({e})."),
                format!("文件已损坏，未载入（{e}）。"),
            ),
        }
    }
}

/// Reads a demo file as `ecrf demo` writes it: checks its kind, that it is marked demo, and that
/// every commit is intact and every device's chain whole; returns the commits.
pub fn read_file(text: &str) -> Result<Vec<Commit>, DemoFileError> {
    #[derive(serde::Deserialize)]
    struct File {
        format: String,
        version: u32,
        demo: bool,
        commits: Vec<Commit>,
    }
    let file: File =
        serde_json::from_str(text).map_err(|e| DemoFileError::NotDemoFile(e.to_string()))?;
    if file.format != "ecrf-commits" || file.version != 1 {
        return Err(DemoFileError::NotDemoFile(format!(
            "format {} version {}",
            file.format, file.version
        )));
    }
    if !file.demo {
        return Err(DemoFileError::NotDemo);
    }
    crate::log::chain::verify(&file.commits).map_err(|e| DemoFileError::Damaged(e.to_string()))?;
    Ok(file.commits)
}

#[cfg(test)]
mod tests;
