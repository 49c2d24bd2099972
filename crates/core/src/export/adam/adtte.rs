//! ADTTE: one row per enrolled subject and endpoint (OS, PFS by mRECIST and by RECIST 1.1, TTP by
//! mRECIST), as `crate::endpoints` derives them: `AVAL` in days from enrollment (`STARTDT`) to
//! `ADT`, `CNSR` 0 for an event and a positive code per censoring reason.

use super::{date, var, Dataset, Kind, Subject};
use crate::endpoints::{Endpoint, PatientEndpoints};

/// Reads one endpoint of a subject's.
type Of = fn(&PatientEndpoints) -> &Endpoint;

/// The parameters, in row order: (PARAMCD, PARAM, the endpoint).
const PARAMS: [(&str, &str, Of); 4] = [
    ("OS", "Overall Survival (days)", |p| &p.os),
    (
        "PFSMR",
        "Progression-Free Survival by mRECIST (days)",
        |p| &p.pfs_mrecist,
    ),
    (
        "PFSRC",
        "Progression-Free Survival by RECIST 1.1 (days)",
        |p| &p.pfs_recist11,
    ),
    ("TTP", "Time to Progression by mRECIST (days)", |p| {
        &p.ttp_mrecist
    }),
];

/// Censoring codes: (CNSR, CNSDTDSC).
const LAST_ALIVE: (u8, &str) = (1, "LAST DATE KNOWN ALIVE");
const CUTOFF: (u8, &str) = (2, "ADMINISTRATIVE CUT-OFF");
const DEATH: (u8, &str) = (3, "DEATH WITHOUT PROGRESSION");

/// The event's description.
fn event_description(e: &Endpoint) -> String {
    match (e.reason, e.source.map(|s| s.code())) {
        ("death", _) => "DEATH".to_owned(),
        (_, Some("imaging_mrecist")) => "PROGRESSION (IMAGING, MRECIST)".to_owned(),
        (_, Some("imaging_recist11")) => "PROGRESSION (IMAGING, RECIST 1.1)".to_owned(),
        (_, Some("clinical")) => "PROGRESSION (CLINICAL)".to_owned(),
        (_, Some("form")) => "PROGRESSION (PROGRESSION FORM)".to_owned(),
        (other, _) => other.to_uppercase(),
    }
}

/// Builds ADTTE.
pub(super) fn build(subjects: &[Subject]) -> Dataset {
    let mut d = Dataset::new(
        "adtte",
        "Time-to-Event Analysis Dataset",
        &[
            var(
                "PARAMCD",
                "Parameter Code",
                Kind::Char,
                "OS; PFSMR = PFS by mRECIST; PFSRC = PFS by RECIST 1.1; TTP = time to progression by mRECIST",
            ),
            var("PARAM", "Parameter", Kind::Char, ""),
            var("STARTDT", "Time-to-Event Origin Date (enrollment)", Kind::Date, ""),
            var("ADT", "Analysis Date (event or censoring)", Kind::Date, ""),
            var("AVAL", "Analysis Value (days from STARTDT to ADT)", Kind::Num, ""),
            var("AVALU", "Analysis Value Unit", Kind::Char, "DAYS"),
            var(
                "CNSR",
                "Censor",
                Kind::Num,
                "0 = event; 1 = censored at the last date known alive; 2 = censored at the administrative cut-off; 3 = censored at death without progression (TTP)",
            ),
            var("EVNTDESC", "Event or Censoring Description", Kind::Char, ""),
            var("CNSDTDSC", "Censor Date Description", Kind::Char, ""),
        ],
    );
    for s in subjects {
        let Some(p) = &s.endpoints else { continue };
        for (code, param, of) in PARAMS {
            let e = of(p);
            let censoring = (!e.event).then(|| match e.reason {
                "cutoff" => CUTOFF,
                // TTP: a death before any progression censors at the death date.
                _ if p.os.event && p.os.date == e.date && code == "TTP" => DEATH,
                _ => LAST_ALIVE,
            });
            d.push(
                s,
                vec![
                    code.to_owned(),
                    param.to_owned(),
                    date(Some(p.enrollment)),
                    date(Some(e.date)),
                    e.days.to_string(),
                    "DAYS".to_owned(),
                    censoring.map_or(0, |c| c.0).to_string(),
                    censoring.map_or_else(|| event_description(e), |c| c.1.to_owned()),
                    censoring.map(|c| c.1.to_owned()).unwrap_or_default(),
                ],
            );
        }
    }
    d
}
