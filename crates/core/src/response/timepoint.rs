//! Per-timepoint response: target sums and their changes, target, non-target and new-lesion
//! calls, and RECIST 1.1's overall response table (Eisenhauer 2009, tables 1 and 2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::baseline::{is_liver, is_porta_hepatis, BaselineError, Checked};
use super::model::{
    Certainty, Cytology, EffusionChange, LesionKind, Measure, MeasureFlag, NewLesion,
    NonTargetStatus, Series,
};
use super::{Criteria, Response, Timepoint};

/// What the new lesions at a timepoint amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewLesionCall {
    /// No new lesion.
    No,
    /// At least one unequivocal new lesion: progression.
    Yes,
    /// Only equivocal new lesions: not progression unless a later visit confirms them.
    Equivocal,
}

impl NewLesionCall {
    /// The call as shown to a reader: "no" / "yes" / "equivocal" and their Chinese.
    pub fn label(self) -> crate::i18n::Text {
        let (en, zh) = match self {
            NewLesionCall::No => ("no", "无"),
            NewLesionCall::Yes => ("yes", "有"),
            NewLesionCall::Equivocal => ("equivocal", "不确定"),
        };
        crate::i18n::Text::new(en, zh)
    }
}

/// Tolerance for comparisons of percentages and millimetres that are exact on paper.
const EPS: f64 = 1e-9;

/// One measurement's value for the sum: `Ok(None)` when not evaluated.
fn value(m: Option<&Measure>, too_small: f64, ids: &[String]) -> Result<Option<f64>, ()> {
    match m {
        None | Some(Measure::Flag(MeasureFlag::NotEvaluated)) => Ok(None),
        Some(Measure::Flag(MeasureFlag::TooSmall)) => Ok(Some(too_small)),
        Some(Measure::Mm(v)) if v.is_finite() && *v >= 0.0 => Ok(Some(*v)),
        Some(Measure::Fragments { fragments })
            if fragments.iter().all(|f| f.is_finite() && *f >= 0.0) =>
        {
            Ok(Some(fragments.iter().sum()))
        }
        Some(Measure::Merged { merged_into }) if ids.contains(merged_into) => Ok(Some(0.0)),
        _ => Err(()),
    }
}

/// PD by the sum: at least 20% above the nadir, and (RECIST 1.1 only) at least 5 mm above it.
fn is_pd(sum: f64, nadir: f64, criteria: Criteria) -> bool {
    let increase = sum - nadir;
    let enough_mm = criteria == Criteria::Mrecist || increase >= 5.0 - EPS;
    increase > EPS && increase >= 0.2 * nadir - EPS && enough_mm
}

fn pct(sum: f64, reference: f64) -> Option<f64> {
    (reference > 0.0).then(|| (sum - reference) / reference * 100.0)
}

/// The call for one new lesion, before confirmation by later visits.
fn call_lesion(l: &NewLesion, criteria: Criteria) -> NewLesionCall {
    let size = l.short_axis_mm.or(l.size_mm);
    let organ = l.organ.as_deref().unwrap_or("");
    match l.kind {
        LesionKind::Node => {
            // Nodes are pathological from 10 mm short axis; mRECIST: porta hepatis nodes from 20 mm.
            let porta = is_porta_hepatis(organ);
            let min = if criteria == Criteria::Mrecist && porta {
                20.0
            } else {
                10.0
            };
            if size.is_some_and(|s| s < min) {
                return NewLesionCall::No;
            }
        }
        // mRECIST: a new portal vein thrombus counts as new vascular invasion (tumor) only when
        // it enhances in the arterial phase; a bland (non-enhancing) thrombus is not a lesion.
        LesionKind::TumorThrombus
            if criteria == Criteria::Mrecist && l.arterial_enhancement != Some(true) =>
        {
            return NewLesionCall::No;
        }
        LesionKind::Lesion if criteria == Criteria::Mrecist && is_liver(organ) => {
            // mRECIST: a new intrahepatic lesion is HCC when >= 10 mm with the typical pattern;
            // otherwise equivocal until it grows (see `evaluate_all`).
            if l.certainty == Certainty::Equivocal {
                return NewLesionCall::Equivocal;
            }
            let typical = l.typical_hcc_pattern == Some(true);
            return if typical && size.is_some_and(|s| s >= 10.0) {
                NewLesionCall::Yes
            } else {
                NewLesionCall::Equivocal
            };
        }
        _ => {}
    }
    match l.certainty {
        Certainty::Unequivocal => NewLesionCall::Yes,
        Certainty::Equivocal => NewLesionCall::Equivocal,
    }
}

fn combine(calls: &[NewLesionCall]) -> NewLesionCall {
    if calls.contains(&NewLesionCall::Yes) {
        NewLesionCall::Yes
    } else if calls.contains(&NewLesionCall::Equivocal) {
        NewLesionCall::Equivocal
    } else {
        NewLesionCall::No
    }
}

/// RECIST 1.1 table 1 (targets present) and table 2 (non-targets only).
fn overall(target: Response, non_target: Response, new: NewLesionCall) -> Response {
    if target == Response::Pd || non_target == Response::Pd || new == NewLesionCall::Yes {
        return Response::Pd;
    }
    match target {
        Response::Cr if matches!(non_target, Response::Cr | Response::Na) => Response::Cr,
        Response::Cr | Response::Pr => Response::Pr,
        Response::Sd => Response::Sd,
        Response::Na => match non_target {
            Response::Cr => Response::Cr,
            Response::NonCrNonPd => Response::NonCrNonPd,
            _ => Response::Ne,
        },
        _ => Response::Ne,
    }
}

/// Per-lesion calls of one timepoint, kept for the confirmation pass.
pub type LesionCalls = Vec<(Option<String>, NewLesionCall)>;

/// Evaluates every follow-up timepoint in order.
pub fn evaluate_all(
    series: &Series,
    base: &Checked,
    criteria: Criteria,
) -> Result<Vec<Timepoint>, BaselineError> {
    let params = series.parameters;
    let mut nadir = base.sum;
    let mut first_size: BTreeMap<String, f64> = BTreeMap::new();
    // Whether a target CR has been recorded: from then on any target's reappearance is PD.
    let mut after_cr = false;
    let mut out = Vec::with_capacity(series.assessments.len());
    for a in &series.assessments {
        let date = crate::dates::format_date(a.date);
        let mut values = Vec::with_capacity(base.ids.len());
        for id in &base.ids {
            let m = a.targets.get(id).and_then(|t| match criteria {
                Criteria::Recist11 => t.diameter_mm.as_ref(),
                Criteria::Mrecist => t.viable_diameter_mm.as_ref(),
            });
            let v = value(m, params.too_small_mm, &base.ids).map_err(|()| {
                BaselineError::BadMeasure {
                    date: date.clone(),
                    id: id.clone(),
                }
            })?;
            values.push(v);
        }
        let known: f64 = values.iter().flatten().sum();
        let complete = values.iter().all(Option::is_some);
        // RECIST 1.1 table 3 footnote and the RECIST Working Group's FAQ: after a CR, a
        // non-nodal target that reappears (measured or too small: it is present), or a node back
        // at >= 10 mm short axis, is progression, whatever the sum (mRECIST: viable tumor).
        let reappeared = after_cr
            && values.iter().zip(&base.nodal).any(|(v, &nodal)| {
                v.is_some_and(|v| if nodal { v >= 10.0 - EPS } else { v > 0.0 })
            });
        let target = if base.ids.is_empty() {
            Response::Na
        } else if reappeared {
            Response::Pd
        } else if complete {
            let gone = values
                .iter()
                .zip(&base.nodal)
                .all(|(v, &nodal)| v.is_some_and(|v| if nodal { v < 10.0 } else { v == 0.0 }));
            if gone {
                Response::Cr
            } else if is_pd(known, nadir, criteria) {
                Response::Pd
            } else if pct(known, base.sum).is_some_and(|p| p <= -30.0 + EPS) {
                Response::Pr
            } else {
                Response::Sd
            }
        } else if is_pd(known, nadir, criteria) {
            Response::Pd
        } else {
            Response::Ne
        };
        let non_target = non_target_response(series, a, criteria);
        let mut calls: LesionCalls = Vec::new();
        for l in &a.new_lesions {
            let mut call = call_lesion(l, criteria);
            // mRECIST: an atypical intrahepatic lesion is HCC once it has grown by >= 10 mm.
            if let (Some(id), Some(size)) = (&l.id, l.size_mm) {
                match first_size.get(id) {
                    Some(&first) if criteria == Criteria::Mrecist && size - first >= 10.0 - EPS => {
                        call = NewLesionCall::Yes;
                    }
                    None => {
                        first_size.insert(id.clone(), size);
                    }
                    _ => {}
                }
            }
            calls.push((l.id.clone(), call));
        }
        let new_lesions = combine(&calls.iter().map(|c| c.1).collect::<Vec<_>>());
        let sum_mm = complete.then_some(known);
        out.push(Timepoint {
            date: a.date,
            sum_mm,
            nadir_mm: nadir,
            pct_change_from_baseline: sum_mm.and_then(|s| pct(s, base.sum)),
            pct_change_from_nadir: sum_mm.and_then(|s| pct(s, nadir)),
            target,
            non_target,
            new_lesions,
            overall: overall(target, non_target, new_lesions),
            lesion_calls: calls,
        });
        if let Some(s) = sum_mm {
            nadir = nadir.min(s);
        }
        after_cr |= target == Response::Cr;
    }
    Ok(out)
}

fn non_target_response(
    series: &Series,
    a: &super::model::Assessment,
    _criteria: Criteria,
) -> Response {
    // A new or increased effusion is progression only with malignant cytology (mRECIST; applied
    // to RECIST 1.1 too, which asks for cytological confirmation of an effusion).
    let effusion_pd = a.effusion.is_some_and(|e| {
        matches!(e.change, EffusionChange::New | EffusionChange::Increased)
            && e.cytology == Cytology::Positive
    });
    let baseline = &series.baseline.non_targets;
    if effusion_pd {
        return Response::Pd;
    }
    if baseline.is_empty() {
        return Response::Na;
    }
    let statuses: Vec<NonTargetStatus> = baseline
        .iter()
        .map(|nt| {
            a.non_targets
                .get(&nt.id)
                .copied()
                .unwrap_or(NonTargetStatus::NotEvaluated)
        })
        .collect();
    if statuses.contains(&NonTargetStatus::UnequivocalProgression) {
        Response::Pd
    } else if statuses.contains(&NonTargetStatus::NotEvaluated) {
        Response::Ne
    } else if statuses.iter().all(|s| *s == NonTargetStatus::Absent) {
        Response::Cr
    } else {
        Response::NonCrNonPd
    }
}

/// An equivocal new lesion that a later visit shows to be real makes progression date back to
/// the visit that first showed it (RECIST 1.1, 4.3.2): that timepoint becomes PD.
pub fn backdate_confirmed_equivocal(_series: &Series, _criteria: Criteria, tps: &mut [Timepoint]) {
    for i in 0..tps.len() {
        let confirmed = tps[i].lesion_calls.iter().any(|(id, call)| {
            *call == NewLesionCall::Equivocal
                && id.as_ref().is_some_and(|id| {
                    tps[i + 1..].iter().any(|later| {
                        later
                            .lesion_calls
                            .iter()
                            .any(|(l, c)| l.as_ref() == Some(id) && *c == NewLesionCall::Yes)
                    })
                })
        });
        if confirmed {
            tps[i].new_lesions = NewLesionCall::Yes;
            tps[i].overall = Response::Pd;
        }
    }
}
