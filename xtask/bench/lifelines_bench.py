"""The survival benchmark's peer: lifelines doing the work of `ecrf survival --group group
--covariates x1,x2,x3` (Kaplan-Meier per group, k-group log-rank, Efron Cox with group
indicators and three covariates). Prints the best wall time in seconds, CSV read included,
interpreter start-up and imports excluded. Usage: python3 lifelines_bench.py FILE.csv REPEATS"""
import sys
import time

import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test


def work(path):
    df = pd.read_csv(path)
    for level, sub in df.groupby("group"):
        kmf = KaplanMeierFitter().fit(sub["time"], sub["event"])
        kmf.median_survival_time_
    multivariate_logrank_test(df["time"], df["group"], df["event"])
    design = pd.get_dummies(df[["time", "event", "group", "x1", "x2", "x3"]], columns=["group"], drop_first=True, dtype=float)
    CoxPHFitter().fit(design, "time", "event")


best = float("inf")
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    work(sys.argv[1])
    best = min(best, time.perf_counter() - start)
print(f"{best:.6f}")
