//! Best overall response up to the first progression, unconfirmed and confirmed.

use serde::Serialize;

use super::model::Series;
use super::{Response, Timepoint};

/// Best overall response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BestResponse {
    /// Without confirmation of CR/PR.
    pub unconfirmed: Response,
    /// CR/PR confirmed by a later assessment at least `confirmation_min_days` after, with
    /// only responses at least as good (and limited NE / SD) between (see `confirmed`).
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

/// Whether the response at `tps[i]` (CR or PR) is confirmed, by the convention of pharmaverse
/// admiralonco's `derive_param_confirmed_bor`:
/// - the confirming assessment is the first later one at least `confirmation_min_days` after
///   that is a CR (to confirm a CR) or a CR or PR (to confirm a PR);
/// - every assessment after the response up to and including the confirming one is CR or NE
///   (for a CR), or CR, PR, NE or SD (for a PR);
/// - at most `max_ne_between` of them are NE;
/// - for a PR, none is SD unless `accept_sd_between` (then at most one), and no PR follows a
///   CR among them.
fn confirmed(series: &Series, tps: &[Timepoint], i: usize) -> bool {
    let p = &series.parameters;
    let t = &tps[i];
    let cr = t.overall == Response::Cr;
    let confirms = |r: Response| r == Response::Cr || (!cr && r == Response::Pr);
    let Some(k) = tps[i + 1..].iter().position(|l| {
        confirms(l.overall) && (l.date - t.date).whole_days() >= p.confirmation_min_days
    }) else {
        return false;
    };
    let window = &tps[i + 1..=i + 1 + k];
    let count = |r: Response| window.iter().filter(|l| l.overall == r).count();
    let allowed: &[Response] = if cr {
        &[Response::Cr, Response::Ne]
    } else {
        &[Response::Cr, Response::Pr, Response::Ne, Response::Sd]
    };
    let max_sd = usize::from(p.accept_sd_between);
    let pr_after_cr = window
        .iter()
        .position(|l| l.overall == Response::Cr)
        .is_some_and(|first_cr| window[first_cr..].iter().any(|l| l.overall == Response::Pr));
    window.iter().all(|l| allowed.contains(&l.overall))
        && count(Response::Ne) <= p.max_ne_between as usize
        && (cr || (count(Response::Sd) <= max_sd && !pr_after_cr))
}

/// Best overall response from the timepoints up to and including the first PD. Confirmed: a
/// CR or PR that [`confirmed`] accepts keeps its category; any other CR or PR counts as SD
/// (subject to the SD duration rule).
pub fn best_response(series: &Series, tps: &[Timepoint]) -> BestResponse {
    let end = tps
        .iter()
        .position(|t| t.overall == Response::Pd)
        .map_or(tps.len(), |i| i + 1);
    let considered = &tps[..end];
    let unconfirmed = best_of(series, considered.iter().map(|t| (t.date, t.overall)));
    let confirmed = best_of(
        series,
        considered.iter().enumerate().map(|(i, t)| {
            let r = match t.overall {
                Response::Cr | Response::Pr if confirmed(series, considered, i) => t.overall,
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
