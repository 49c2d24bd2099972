//! Best overall response up to the first progression, unconfirmed and confirmed.

use serde::Serialize;

use super::model::Series;
use super::{Response, Timepoint};

/// Best overall response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BestResponse {
    /// Without confirmation of CR/PR.
    pub unconfirmed: Response,
    /// CR/PR confirmed by a later assessment at least `confirmation_min_days` after.
    pub confirmed: Response,
}

fn rank(r: Response) -> u8 {
    match r {
        Response::Cr => 5,
        Response::Pr => 4,
        Response::Sd => 3,
        Response::NonCrNonPd => 2,
        Response::Pd => 1,
        Response::Ne | Response::Na => 0,
    }
}

/// The best of `responses`; SD (and NON-CR/NON-PD) count only from `min_sd_days` after
/// enrollment, otherwise they are not evaluable for the best response.
fn best_of(series: &Series, responses: impl Iterator<Item = (time::Date, Response)>) -> Response {
    let min_sd = series.parameters.min_sd_days;
    responses
        .map(|(date, r)| match r {
            Response::Sd | Response::NonCrNonPd
                if (date - series.enrollment_date).whole_days() < min_sd =>
            {
                Response::Ne
            }
            r => r,
        })
        .max_by_key(|r| rank(*r))
        .filter(|r| rank(*r) > 0)
        .unwrap_or(Response::Ne)
}

/// Best overall response from the timepoints up to and including the first PD.
pub fn best_response(series: &Series, tps: &[Timepoint]) -> BestResponse {
    let end = tps
        .iter()
        .position(|t| t.overall == Response::Pd)
        .map_or(tps.len(), |i| i + 1);
    let considered = &tps[..end];
    let unconfirmed = best_of(series, considered.iter().map(|t| (t.date, t.overall)));
    let conf_days = series.parameters.confirmation_min_days;
    let confirmed = best_of(
        series,
        considered.iter().enumerate().map(|(i, t)| {
            let later = |ok: &[Response]| {
                considered[i + 1..]
                    .iter()
                    .any(|l| ok.contains(&l.overall) && (l.date - t.date).whole_days() >= conf_days)
            };
            let r = match t.overall {
                Response::Cr if later(&[Response::Cr]) => Response::Cr,
                Response::Cr | Response::Pr if later(&[Response::Cr, Response::Pr]) => Response::Pr,
                Response::Cr | Response::Pr => Response::Sd,
                r => r,
            };
            (t.date, r)
        }),
    );
    BestResponse {
        unconfirmed,
        confirmed,
    }
}
