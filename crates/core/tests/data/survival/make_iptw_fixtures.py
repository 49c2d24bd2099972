"""Reference values for the IPTW building blocks, on the Rossi data (rossi.csv, from lifelines).

Run from this folder:  python3 make_iptw_fixtures.py   (statsmodels 0.14.5, lifelines 0.30.3)
Writes iptw.json. Treatment: `fin` (financial aid); baseline factors: age, race, wexp, mar,
paro, prio.
  - propensity: statsmodels Logit(fin, [1, age, race, wexp, mar, paro, prio]).fit(tol=1e-12)
    (coefficients and fitted probabilities)
  - stabilized weights: w = P(T=1)/ps for the treated, P(T=0)/(1-ps) for the others, with
    P(T=1) the proportion treated; trimmed: weights truncated at their 1st and 99th percentiles
    (numpy percentile, linear interpolation)
  - standardized mean difference: (m1 - m0) / sqrt((v1 + v0) / 2), with weighted means and
    weighted variances sum(w (x - m)^2) / sum(w) (unweighted: w = 1)
  - weighted Kaplan-Meier per arm: lifelines KaplanMeierFitter().fit(week, arrest,
    weights=w).survival_function_ at every distinct time of the arm
  - weighted Cox of arrest on fin with robust (sandwich) standard errors: lifelines
    CoxPHFitter().fit(df[[t, arrest, fin, w]], "t", "arrest", weights_col="w", robust=True),
    on times made distinct (t = week + 1e-5 * row index: lifelines' robust errors do not handle
    ties); also the model-based errors (robust=False)
"""
import json

import numpy as np
import pandas as pd
import statsmodels.api as sm
from lifelines import KaplanMeierFitter

COVS = ["age", "race", "wexp", "mar", "paro", "prio"]

d = pd.read_csv("rossi.csv")
X = sm.add_constant(d[COVS].astype(float))
logit = sm.Logit(d["fin"].astype(float), X).fit(tol=1e-12, maxiter=100, disp=False)
ps = logit.predict(X).to_numpy()
t = d["fin"].to_numpy() == 1
p1 = t.mean()
w = np.where(t, p1 / ps, (1 - p1) / (1 - ps))
lo, hi = np.percentile(w, [1, 99])
w_trim = np.clip(w, lo, hi)


def smd(x, w):
    m1 = np.sum(w[t] * x[t]) / np.sum(w[t])
    m0 = np.sum(w[~t] * x[~t]) / np.sum(w[~t])
    v1 = np.sum(w[t] * (x[t] - m1) ** 2) / np.sum(w[t])
    v0 = np.sum(w[~t] * (x[~t] - m0) ** 2) / np.sum(w[~t])
    return (m1 - m0) / np.sqrt((v1 + v0) / 2)


ones = np.ones(len(d))
out = {
    "coef": list(logit.params.to_numpy()),
    "ps": list(ps),
    "weights": list(w),
    "weights_trimmed": list(w_trim),
    "smd_before": {c: smd(d[c].to_numpy(float), ones) for c in COVS},
    "smd_after": {c: smd(d[c].to_numpy(float), w) for c in COVS},
    "km": {},
}
for arm, mask in [("1", t), ("0", ~t)]:
    kmf = KaplanMeierFitter().fit(d["week"][mask], d["arrest"][mask], weights=w[mask])
    sf = kmf.survival_function_
    out["km"][arm] = {"time": list(sf.index.to_numpy(float)), "surv": list(sf.iloc[:, 0].to_numpy())}
from lifelines import CoxPHFitter

cox_df = pd.DataFrame({"t": d["week"] + 1e-5 * np.arange(len(d)), "arrest": d["arrest"], "fin": d["fin"], "w": w})
robust = CoxPHFitter().fit(cox_df, "t", "arrest", weights_col="w", robust=True)
naive = CoxPHFitter().fit(cox_df, "t", "arrest", weights_col="w", robust=False)
out["cox"] = {
    "coef": float(robust.params_["fin"]),
    "robust_se": float(robust.standard_errors_["fin"]),
    "naive_se": float(naive.standard_errors_["fin"]),
}
with open("iptw.json", "w") as f:
    json.dump(out, f, indent=1)
