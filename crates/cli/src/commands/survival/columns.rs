//! Reading the columns of `ecrf survival` from the CSV file.

use crate::input::{bad_input, read_text};

use super::SurvivalArgs;

/// The columns the command reads, from the CSV.
pub struct Columns {
    /// Follow-up times.
    pub time: Vec<f64>,
    /// Event indicators.
    pub event: Vec<bool>,
    /// Group labels, with `--group`.
    pub group: Option<Vec<String>>,
    /// Stratum labels, with `--strata`.
    pub strata: Option<Vec<String>>,
    /// Covariates by name, with `--covariates`.
    pub covariates: Vec<(String, Vec<f64>)>,
}

/// Reads the columns `a` names, one pass over the rows (one record buffer reused); every
/// refusal names the row (data rows counted from 1) and the column.
pub fn read_columns(a: &SurvivalArgs) -> anyhow::Result<Columns> {
    let text = read_text(&a.csv)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(err) => bad_input!("{}: cannot read the header row: {err}", a.csv.display()),
    };
    let find = |name: &str| -> anyhow::Result<usize> {
        match headers.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bad_input!("{}: no column named {name:?}", a.csv.display()),
        }
    };
    let time_col = find(&a.time)?;
    let event_col = find(&a.event)?;
    let group_col = a.group.as_deref().map(find).transpose()?;
    let strata_col = a.strata.as_deref().map(find).transpose()?;
    let cov_cols = a
        .covariates
        .iter()
        .map(|c| find(c))
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let mut cols = Columns {
        time: Vec::new(),
        event: Vec::new(),
        group: group_col.map(|_| Vec::new()),
        strata: strata_col.map(|_| Vec::new()),
        covariates: a
            .covariates
            .iter()
            .map(|c| (c.clone(), Vec::new()))
            .collect(),
    };
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    loop {
        row += 1;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => bad_input!("row {row}: {err}"),
        }
        let field = |col: usize| record.get(col).unwrap_or("");
        let number = |col: usize, name: &str| -> anyhow::Result<f64> {
            match field(col).parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => bad_input!(
                    "row {row}, column {name:?}: {:?} is not a number",
                    field(col)
                ),
            }
        };
        let t = number(time_col, &a.time)?;
        if t < 0.0 {
            bad_input!("row {row}, column {:?}: time {t} is negative", a.time);
        }
        let e = match field(event_col).parse::<f64>() {
            Ok(0.0) => false,
            Ok(1.0) => true,
            _ => bad_input!(
                "row {row}, column {:?}: event must be 0 or 1, not {:?}",
                a.event,
                field(event_col)
            ),
        };
        cols.time.push(t);
        cols.event.push(e);
        for (col, out, name) in [
            (group_col, &mut cols.group, &a.group),
            (strata_col, &mut cols.strata, &a.strata),
        ] {
            if let (Some(col), Some(out)) = (col, out.as_mut()) {
                let label = field(col);
                if label.is_empty() {
                    bad_input!(
                        "row {row}, column {:?}: empty value",
                        name.as_deref().unwrap_or("")
                    );
                }
                out.push(label.to_owned());
            }
        }
        for (j, &col) in cov_cols.iter().enumerate() {
            let v = number(col, &a.covariates[j])?;
            cols.covariates[j].1.push(v);
        }
    }
    if cols.time.is_empty() {
        bad_input!("{}: no data rows", a.csv.display());
    }
    Ok(cols)
}
