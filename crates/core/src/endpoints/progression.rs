//! The date of progression by each criterion, and where it comes from: the first PD of the
//! criterion's evaluated imaging series, or a clinical progression recorded on the Progression
//! form, whichever is first; and the data queries raised when the form and the imaging disagree.
//! Where the criterion cannot evaluate the patient's series (no baseline lesion table, or one
//! the criterion refuses), the Progression form's date for that criterion stands in, so that no
//! recorded progression is lost, with a data query when a series exists but is not evaluable.

use serde::Serialize;
use time::Date;

use crate::i18n::Text;
use crate::record::tumor::{ProgressionForm, TumorAssessment};
use crate::record::Record;
use crate::response::model::series_from_tables;
use crate::response::{evaluate, Criteria};

/// Where a progression date comes from (`ecrf endpoints`' `*_source` columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressionSource {
    /// The first PD of the mRECIST series (an equivocal lesion confirmed later dates it back).
    ImagingMrecist,
    /// The first PD of the RECIST 1.1 series.
    ImagingRecist11,
    /// A clinical progression recorded on the Progression form.
    Clinical,
    /// The Progression form's date for the criterion, used only where the criterion cannot
    /// evaluate the imaging series.
    Form,
}

impl ProgressionSource {
    /// The code written in files.
    pub fn code(self) -> &'static str {
        match self {
            ProgressionSource::ImagingMrecist => "imaging_mrecist",
            ProgressionSource::ImagingRecist11 => "imaging_recist11",
            ProgressionSource::Clinical => "clinical",
            ProgressionSource::Form => "form",
        }
    }
}

/// Whether a criterion could evaluate the patient's imaging series.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SeriesState {
    /// Evaluated: its first PD (if any) is the imaging progression.
    Evaluated,
    /// No baseline lesion table.
    #[default]
    Missing,
    /// A series the criterion refuses, with the reason.
    NotEvaluable(Text),
}

/// Every progression date one patient's forms give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressionDates {
    /// Whether mRECIST evaluated the series.
    pub mrecist_series: SeriesState,
    /// Whether RECIST 1.1 evaluated the series.
    pub recist11_series: SeriesState,
    /// First PD of the mRECIST series; `None` without one (or without an evaluable series).
    pub imaging_mrecist: Option<Date>,
    /// First PD of the RECIST 1.1 series.
    pub imaging_recist11: Option<Date>,
    /// The earliest Progression form marked clinical.
    pub clinical: Option<Date>,
    /// The earliest Progression form naming mRECIST.
    pub form_mrecist: Option<Date>,
    /// The earliest Progression form naming RECIST 1.1.
    pub form_recist11: Option<Date>,
}

/// One disagreement between the Progression form and the imaging series of a criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressionQuery {
    /// The criterion.
    pub criteria: Criteria,
    /// The first PD of the series.
    pub imaging: Option<Date>,
    /// The progression date on the form for that criterion.
    pub form: Option<Date>,
    /// Why the criterion cannot evaluate the series, when it cannot.
    pub not_evaluable: Option<Text>,
}

impl ProgressionQuery {
    /// The query as shown on the patient page, in both languages.
    pub fn message(&self) -> Text {
        let c = self.criteria.label();
        let d = |x: Date| crate::dates::format_date(x);
        if let Some(why) = &self.not_evaluable {
            return Text::new(
                format!("{c}: the tumor assessments cannot be evaluated ({}); PFS uses the Progression form's date until they are corrected.", why.en),
                format!("{c}：肿瘤评估无法评价（{}）；在更正前 PFS 采用疾病进展表的日期。", why.zh),
            );
        }
        match (self.imaging, self.form) {
            (Some(i), None) => Text::new(
                format!("{c}: the tumor assessment of {} computes PD, but no Progression form records it.", d(i)),
                format!("{c}：{} 的肿瘤评估计算为 PD，但没有疾病进展表记录。", d(i)),
            ),
            (None, Some(f)) => Text::new(
                format!("{c}: the Progression form of {} has no PD in the tumor assessments.", d(f)),
                format!("{c}：{} 的疾病进展表在肿瘤评估中没有对应的 PD。", d(f)),
            ),
            (Some(i), Some(f)) => Text::new(
                format!("{c}: the tumor assessments first compute PD on {}, the Progression form says {}.", d(i), d(f)),
                format!("{c}：肿瘤评估首次计算为 PD 的日期为 {}，疾病进展表记录为 {}。", d(i), d(f)),
            ),
            (None, None) => Text::new(String::new(), String::new()),
        }
    }
}

impl ProgressionDates {
    /// Reads the dates from a patient's record (`enrolled`: the enrollment date, the origin of
    /// the SD duration rule of the series).
    pub(crate) fn of(record: &Record, enrolled: Date) -> ProgressionDates {
        let tables = record
            .of("tumor_assessment")
            .filter_map(|i| TumorAssessment::read(&i.values).table());
        let series = series_from_tables(enrolled, tables);
        let imaging = |c: Criteria| match series.as_ref().map(|s| evaluate(s, c)) {
            Some(Ok(e)) => (e.progression_date, SeriesState::Evaluated),
            Some(Err(e)) => (None, SeriesState::NotEvaluable(e.message())),
            None => (None, SeriesState::Missing),
        };
        let (imaging_mrecist, mrecist_series) = imaging(Criteria::Mrecist);
        let (imaging_recist11, recist11_series) = imaging(Criteria::Recist11);
        let progressions: Vec<ProgressionForm> = record
            .of("progression")
            .map(|i| ProgressionForm::read(&i.values))
            .collect();
        let form = |criterion: &str| {
            progressions
                .iter()
                .filter(|p| p.by(criterion))
                .filter_map(|p| p.date)
                .min()
        };
        ProgressionDates {
            mrecist_series,
            recist11_series,
            imaging_mrecist,
            imaging_recist11,
            clinical: form("clinical"),
            form_mrecist: form("mrecist"),
            form_recist11: form("recist11"),
        }
    }

    /// The progression by `criteria`: the earlier of the series' first PD and a clinical
    /// progression (the imaging when both fall on one day); where the criterion cannot evaluate
    /// the series, the form's date for it stands in for the imaging.
    pub fn first(&self, criteria: Criteria) -> Option<(Date, ProgressionSource)> {
        let (state, imaging, form) = match criteria {
            Criteria::Mrecist => (
                &self.mrecist_series,
                self.imaging_mrecist
                    .map(|d| (d, ProgressionSource::ImagingMrecist)),
                self.form_mrecist,
            ),
            Criteria::Recist11 => (
                &self.recist11_series,
                self.imaging_recist11
                    .map(|d| (d, ProgressionSource::ImagingRecist11)),
                self.form_recist11,
            ),
        };
        let imaging = match state {
            SeriesState::Evaluated => imaging,
            _ => form.map(|d| (d, ProgressionSource::Form)),
        };
        let clinical = self.clinical.map(|d| (d, ProgressionSource::Clinical));
        match (imaging, clinical) {
            (Some(i), Some(c)) => Some(if c.0 < i.0 { c } else { i }),
            (i, c) => i.or(c),
        }
    }

    /// The earliest progression by any criterion or source (the patient's status).
    pub fn earliest(&self) -> Option<Date> {
        [
            self.imaging_mrecist,
            self.imaging_recist11,
            self.clinical,
            self.form_mrecist,
            self.form_recist11,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The data queries: for each criterion, the form and the series disagree (a PD in the
    /// series with no form, a form with no PD in the series, or different dates).
    /// A series that exists but that the criterion cannot evaluate is a query too (its
    /// reason named); without any baseline lesion table there is nothing to compare.
    pub fn queries(&self) -> Vec<ProgressionQuery> {
        [
            (
                Criteria::Mrecist,
                &self.mrecist_series,
                self.imaging_mrecist,
                self.form_mrecist,
            ),
            (
                Criteria::Recist11,
                &self.recist11_series,
                self.imaging_recist11,
                self.form_recist11,
            ),
        ]
        .into_iter()
        .filter_map(|(criteria, state, imaging, form)| {
            let not_evaluable = match state {
                SeriesState::Evaluated if imaging != form => None,
                SeriesState::NotEvaluable(why) => Some(why.clone()),
                _ => return None,
            };
            Some(ProgressionQuery {
                criteria,
                imaging,
                form,
                not_evaluable,
            })
        })
        .collect()
    }
}
