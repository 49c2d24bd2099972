"""Reference values for the survival tests, from Python `lifelines` on datasets it ships.

Run from this folder:  python3 make_fixtures.py   (lifelines 0.30.3, statsmodels 0.15, numpy, pandas)
Writes rossi.csv, waltons.csv and fixtures.json. Every value below says which call produced it.
Where lifelines follows another convention than R `survival` (the project follows R), the value
is computed here in numpy from R's published formula instead, and the comment says so:
  - Greenwood standard error of S(t): S * sqrt(cumsum(d / (n (n - d))))   (R summary.survfit)
  - Nelson-Aalen: cumsum(d / n)                                            (R survfit cumhaz)
  - RMST standard error: R survmean (print.survfit rmean=)
  - stratified log-rank: R survdiff with strata (sums of O-E and hypergeometric variances)
  - score test: U(0)' I(0)^-1 U(0) with Efron ties                         (R coxph score test)
  - confidence limits where S = 0: undefined (null), as R; lifelines prints 0
  - concordance: R survival::concordance pair rules (censored at an event's time is comparable;
    tied event times are not; tied predictors count 1/2)
"""
import json

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_rossi, load_waltons
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times, restricted_mean_survival_time

TAU = {"rossi": 52.0, "waltons": 50.0}
AT = {"rossi": [10.0, 26.0, 52.0], "waltons": [10.0, 30.0, 60.0]}


def event_table(t, e):
    times = np.unique(t)
    n_risk = np.array([(t >= u).sum() for u in times], float)
    d = np.array([((t == u) & (e == 1)).sum() for u in times], float)
    c = np.array([((t == u) & (e == 0)).sum() for u in times], float)
    return times, n_risk, d, c


def km_fixture(t, e, name, tau, at):
    kmf = KaplanMeierFitter().fit(t, e)  # lifelines: product-limit S(t), log-log ("exponential Greenwood") CI
    times, n, d, c = event_table(t, e)
    surv = kmf.survival_function_at_times(times).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        gw = np.cumsum(np.where(n > d, d / (n * (n - d)), np.inf))
    ci = kmf.confidence_interval_  # columns: <label>_lower_0.95, <label>_upper_0.95, indexed by time
    lower = ci.iloc[:, 0].reindex(times).to_numpy()
    upper = ci.iloc[:, 1].reindex(times).to_numpy()
    med_ci = median_survival_times(kmf.confidence_interval_)  # lifelines: first time each CI curve <= .5
    med = kmf.median_survival_time_
    fin = lambda x: None if x is None or not np.isfinite(x) else float(x)
    # R survmean: rectangles to tau, variance sum (area after t)^2 d/(n(n-d)) over t <= tau.
    keep = times <= tau
    tt = np.append(times[keep], tau)
    ss = np.append(surv[keep], surv[keep][-1])
    hh = np.append(np.where(n[keep] > d[keep], d[keep] / (n[keep] * (n[keep] - d[keep])), 0.0), 0.0)
    rect = np.diff(np.concatenate([[0.0], tt])) * np.concatenate([[1.0], ss[:-1]])
    var = np.sum(np.cumsum(rect[1:][::-1]) ** 2 * hh[::-1][1:])
    return {
        "name": name,
        "time": times.tolist(),
        "n_risk": n.tolist(),
        "n_event": d.tolist(),
        "n_censor": c.tolist(),
        "surv": surv.tolist(),
        "std_err": [fin(s * np.sqrt(g)) if s > 0 else None for s, g in zip(surv, gw)],
        # lifelines; where S = 0 lifelines prints limits of 0, R (and this project) leaves them undefined.
        "lower": [fin(x) if sv > 0 else None for x, sv in zip(lower, surv)],
        "upper": [fin(x) if sv > 0 else None for x, sv in zip(upper, surv)],
        "cumhaz": np.cumsum(d / n).tolist(),
        "median": fin(med),
        "median_lower": fin(med_ci.iloc[0, 0]),
        "median_upper": fin(med_ci.iloc[0, 1]),
        "at": at,
        "surv_at": kmf.survival_function_at_times(at).tolist(),  # lifelines
        "rmst_tau": tau,
        "rmst": float(restricted_mean_survival_time(kmf, t=tau)),  # lifelines (area under S)
        "rmst_std_err": float(np.sqrt(var)),  # R survmean formula, numpy
    }


def stratified_logrank(t, e, g, s):
    levels = sorted(set(g))
    k = len(levels)
    o_e = np.zeros(k)
    v = np.zeros((k, k))
    for st in sorted(set(s)):
        m = s == st
        tt, ee, gg = t[m], e[m], g[m]
        for u in np.unique(tt[ee == 1]):
            at_risk = tt >= u
            n = at_risk.sum()
            dt = ((tt == u) & (ee == 1)).sum()
            ng = np.array([(at_risk & (gg == lv)).sum() for lv in levels], float)
            dg = np.array([((tt == u) & (ee == 1) & (gg == lv)).sum() for lv in levels], float)
            o_e += dg - dt * ng / n
            if n > 1:
                v += dt * (n - dt) / (n - 1) * (np.diag(ng / n) - np.outer(ng / n, ng / n))
    chisq = float(o_e[1:] @ np.linalg.solve(v[1:, 1:], o_e[1:]))
    return chisq, k - 1


def efron_u_i(t, e, x, s, beta):
    """Score and information of the Efron partial likelihood (R coxph), within strata."""
    p = x.shape[1]
    u = np.zeros(p)
    info = np.zeros((p, p))
    for st in np.unique(s):
        m = s == st
        tt, ee, xx = t[m], e[m], x[m] - x.mean(axis=0)
        r = np.exp(xx @ beta)
        for time in np.unique(tt[ee == 1]):
            risk = tt >= time
            tie = (tt == time) & (ee == 1)
            dcount = tie.sum()
            s0, s1, s2 = r[risk].sum(), r[risk] @ xx[risk], (xx[risk].T * r[risk]) @ xx[risk]
            t0, t1, t2 = r[tie].sum(), r[tie] @ xx[tie], (xx[tie].T * r[tie]) @ xx[tie]
            u += xx[tie].sum(axis=0)
            for l in range(dcount):
                f = l / dcount
                den = s0 - f * t0
                a = (s1 - f * t1) / den
                u -= a
                info += (s2 - f * t2) / den - np.outer(a, a)
    return u, info


def concordance(t, e, score, s):
    conc = disc = tied = 0.0
    for st in np.unique(s):
        m = s == st
        tt, ee, sc = t[m], e[m], score[m]
        for i in np.where(ee == 1)[0]:
            comp = (tt > tt[i]) | ((tt == tt[i]) & (ee == 0))
            conc += (sc[i] > sc[comp]).sum()
            disc += (sc[i] < sc[comp]).sum()
            tied += (sc[i] == sc[comp]).sum()
    return (conc + tied / 2) / (conc + disc + tied)


def cox_fixture(df, duration, event, covariates, strata=None):
    cph = CoxPHFitter()  # lifelines: Efron ties, Newton-Raphson
    cols = covariates + ([strata] if strata else [])
    cph.fit(df[[duration, event] + cols], duration, event, strata=[strata] if strata else None)
    beta = cph.params_[covariates].to_numpy()
    var = cph.variance_matrix_.loc[covariates, covariates].to_numpy()
    t, e = df[duration].to_numpy(float), df[event].to_numpy(int)
    x = df[covariates].to_numpy(float)
    s = df[strata].to_numpy() if strata else np.zeros(len(df))
    u0, i0 = efron_u_i(t, e, x, s, np.zeros(len(covariates)))
    lrt = cph.log_likelihood_ratio_test()
    return {
        "covariates": covariates,
        "strata": strata,
        "coef": beta.tolist(),  # lifelines params_
        "std_err": cph.standard_errors_[covariates].tolist(),  # lifelines
        "loglik": float(cph.log_likelihood_),  # lifelines
        "lrt": float(lrt.test_statistic),  # lifelines log_likelihood_ratio_test()
        "wald": float(beta @ np.linalg.solve(var, beta)),  # b' V^-1 b from lifelines' V
        "score": float(u0 @ np.linalg.solve(i0, u0)),  # numpy, R's score test
        "concordance": float(concordance(t, e, x @ beta, s)),  # numpy, R's rules
    }


rossi = load_rossi()
rossi.to_csv("rossi.csv", index=False)
waltons = load_waltons()
waltons.to_csv("waltons.csv", index=False)
waltons["miR"] = (waltons["group"] == "miR-137").astype(float)

fixtures = {"km": [], "logrank": [], "cox": []}
for name, df, tcol, ecol, gcol in [("rossi", rossi, "week", "arrest", "fin"), ("waltons", waltons, "T", "E", "group")]:
    t, e = df[tcol].to_numpy(float), df[ecol].to_numpy(int)
    fixtures["km"].append(km_fixture(t, e, f"{name}", TAU[name], AT[name]))
    for level in sorted(df[gcol].unique(), key=str):
        m = (df[gcol] == level).to_numpy()
        fixtures["km"].append(km_fixture(t[m], e[m], f"{name}/{gcol}={level}", TAU[name], AT[name]))
    lr = multivariate_logrank_test(t, df[gcol], e)  # lifelines
    fixtures["logrank"].append({"data": name, "group": gcol, "strata": None,
                                "chisq": float(lr.test_statistic), "df": int(lr.degrees_of_freedom),
                                "p_value": float(lr.p_value)})

t, e = rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(int)
chisq, df_ = stratified_logrank(t, e, rossi["fin"].to_numpy(), rossi["race"].to_numpy())
fixtures["logrank"].append({"data": "rossi", "group": "fin", "strata": "race", "chisq": chisq, "df": df_})

all_cov = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
fixtures["cox"].append({"data": "rossi", **cox_fixture(rossi, "week", "arrest", all_cov)})
fixtures["cox"].append({"data": "rossi", **cox_fixture(rossi, "week", "arrest", ["fin", "age", "prio"])})
fixtures["cox"].append({"data": "rossi", **cox_fixture(rossi, "week", "arrest", ["fin", "age", "prio"], strata="race")})
fixtures["cox"].append({"data": "waltons", **cox_fixture(waltons, "T", "E", ["miR"])})

# Breslow ties: statsmodels PHReg (lifelines offers Efron only). Rossi has many tied weeks.
import statsmodels.api as sm  # noqa: E402

fixtures["cox_breslow"] = []
for covs in (["fin", "age", "prio"], all_cov):
    m = sm.PHReg(rossi["week"], rossi[covs].astype(float), status=rossi["arrest"], ties="breslow").fit()
    fixtures["cox_breslow"].append({
        "data": "rossi",
        "covariates": covs,
        "coef": m.params.tolist(),  # statsmodels PHReg(ties="breslow").fit().params
        "std_err": m.bse.tolist(),  # .bse
        "loglik": float(m.llf),  # .llf
    })

with open("fixtures.json", "w") as f:
    json.dump(fixtures, f, indent=1)
print("wrote fixtures.json:", {k: len(v) for k, v in fixtures.items()})
