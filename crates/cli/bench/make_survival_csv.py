#!/usr/bin/env python3
"""Synthetic survival data for timing `ecrf survival` (and R / other tools on the same file).

Mostly distinct times (days and fractions): time = round(Exponential(mean 365), 3), event ~
Bernoulli(0.7), arm uniform over A/B/C with hazard ratios 1, 0.8, 1.2, two numeric covariates
x1 ~ N(0, 1) and x2 ~ Uniform(0, 10). Fixed seed: the same rows every run.

    python3 crates/cli/bench/make_survival_csv.py 1000000 > /tmp/surv_1m.csv
"""

import math
import random
import sys


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240611
    rng = random.Random(seed)
    hr = {"A": 1.0, "B": 0.8, "C": 1.2}
    out = sys.stdout
    out.write("time,event,arm,x1,x2\n")
    for _ in range(n):
        arm = rng.choice("ABC")
        x1 = rng.gauss(0.0, 1.0)
        x2 = rng.uniform(0.0, 10.0)
        rate = hr[arm] * math.exp(0.1 * x1 - 0.02 * x2) / 365.0
        time = round(rng.expovariate(rate), 3)
        event = 1 if rng.random() < 0.7 else 0
        out.write(f"{time},{event},{arm},{x1:.4f},{x2:.4f}\n")


if __name__ == "__main__":
    main()
