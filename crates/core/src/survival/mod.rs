//! Survival analysis, following R `survival`'s conventions (see `docs/statistics.md`):
//! Kaplan-Meier with Greenwood variance and confidence intervals, quantiles with their
//! confidence limits, Nelson-Aalen, restricted mean survival time, log-rank tests (k groups,
//! stratified, Fleming-Harrington), Cox proportional hazards (Efron or Breslow ties, strata) with
//! its tests and concordance.
//!
//! Inputs are validated once into [`SurvivalData`]; after that no computation can fail except
//! where the model itself has no answer (a Cox fit that does not converge, collinear terms).

mod data;
pub mod dist;
pub mod iptw;
pub mod km;
mod linalg;
pub mod logrank;
pub mod quantile;
pub mod rmst;
mod table;
pub mod timefix;

pub mod cox;

pub use data::{InputError, SurvivalData};
pub use km::{ConfType, KaplanMeier, KmRow, SurvAt};
pub use table::EventTable;
