"""The exports read by other people's tools, as a statistician would: ADTTE loaded with
lifelines reproduces the medians and log-rank p-values `ecrf analyze` prints (to 1e-9), the ODM
file passes odmlib (check_odm.py) and matches the flat CSV tables, and the byte-order mark option
gives files Excel and pandas read as UTF-8.

Run by `cargo xtask test` (stage "python checks") in a virtual environment with the pinned
requirements.txt; ECRF_CLI_BIN names the `ecrf` binary.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

ECRF = os.environ.get("ECRF_CLI_BIN", str(Path(__file__).parents[2] / "target/debug/ecrf"))
HERE = Path(__file__).parent
DAYS_PER_MONTH = 30.4375
# ADTTE's PARAMCD and `ecrf analyze --endpoint`.
ENDPOINTS = {"PFSMR": "pfs_mrecist", "PFSRC": "pfs_recist11", "OS": "os", "TTP": "ttp_mrecist"}
TOL = 1e-9


def ecrf(*args):
    return subprocess.run([ECRF, *args], check=True, capture_output=True, text=True).stdout


def median_r(kmf):
    """The median of a lifelines Kaplan-Meier fit by R's `quantile.survfit` rule: lifelines'
    own (the first time S <= 0.5), except that where S equals 0.5 on a flat step the median is
    the midpoint of that step (to the next time S drops, or to the last time observed)."""
    sf = kmf.survival_function_.iloc[:, 0]
    times, surv = list(sf.index), list(sf.values)
    for i, s in enumerate(surv):
        if abs(s - 0.5) < 1e-8:
            later = [t for t, x in zip(times[i + 1:], surv[i + 1:]) if x < s - 1e-12]
            end = later[0] if later else kmf.timeline[-1]
            return (times[i] + end) / 2
        if s < 0.5:
            break
    m = kmf.median_survival_time_
    return None if math.isinf(m) else m


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        cls.commits = str(cls.dir / "demo.json")
        ecrf("demo", "--patients", "120", "--seed", "2026", "--out", cls.commits)
        for fmt in ["adam", "odm", "csv"]:
            ecrf("export", "--commits", cls.commits, "--format", fmt, "--out", str(cls.dir / fmt))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_adtte_in_lifelines_gives_the_medians_and_p_values_of_ecrf_analyze(self):
        adtte = pd.read_csv(self.dir / "adam" / "adtte.csv")
        self.assertEqual(sorted(adtte.PARAMCD.unique()), sorted(ENDPOINTS))
        for paramcd, endpoint in ENDPOINTS.items():
            report = json.loads(ecrf("analyze", "--commits", self.commits, "--endpoint", endpoint, "--factors", ""))
            data = adtte[(adtte.PARAMCD == paramcd) & (adtte.TRT01P != "not_yet_treated")]
            months = data.AVAL / DAYS_PER_MONTH
            event = 1 - data.CNSR.clip(upper=1)
            curves = report["survival"]["curves"]
            self.assertEqual(sorted(c["group"] for c in curves), sorted(data.TRT01P.unique()))
            for c in curves:
                rows = data.TRT01P == c["group"]
                kmf = KaplanMeierFitter().fit(months[rows], event[rows])
                self.assertEqual(int(rows.sum()), c["n"])
                self.assertEqual(int(event[rows].sum()), c["n_events"])
                ours, theirs = c["median"]["estimate"], median_r(kmf)
                if theirs is None:
                    self.assertIsNone(ours, f"{paramcd} {c['group']}")
                else:
                    self.assertAlmostEqual(ours, theirs, delta=TOL, msg=f"{paramcd} {c['group']}")
            test = multivariate_logrank_test(months, data.TRT01P, event)
            lr = report["survival"]["logrank"]
            self.assertAlmostEqual(lr["chisq"], test.test_statistic, delta=TOL * max(1, test.test_statistic))
            self.assertAlmostEqual(lr["p_value"], test.p_value, delta=TOL, msg=paramcd)

    def test_every_adam_data_set_is_in_the_dictionary(self):
        define = pd.read_csv(self.dir / "adam" / "define.csv", keep_default_na=False)
        for name in ["adsl", "adtte", "adrs", "adae", "adlb"]:
            columns = list(pd.read_csv(self.dir / "adam" / f"{name}.csv", nrows=0).columns)
            listed = list(define[(define.DATASET == name.upper()) & (define.VARIABLE != "")].VARIABLE)
            self.assertEqual(columns, listed, name)
        adsl = pd.read_csv(self.dir / "adam" / "adsl.csv")
        self.assertEqual(len(adsl), 120)
        self.assertTrue(adsl.USUBJID.is_unique)

    def test_odm_passes_odmlib_and_matches_the_flat_tables(self):
        out = subprocess.run(
            [sys.executable, str(HERE / "check_odm.py"), str(self.dir / "odm" / "odm.xml"), str(self.dir / "csv")],
            capture_output=True,
            text=True,
        )
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("OK", out.stdout)

    def test_bom_option_and_chinese_labels(self):
        out = self.dir / "csv-zh"
        ecrf("export", "--commits", self.commits, "--format", "csv", "--out", str(out), "--lang", "zh", "--bom")
        raw = (out / "demographics.csv").read_bytes()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        zh = pd.read_csv(out / "demographics.csv", encoding="utf-8-sig", keep_default_na=False)
        en = pd.read_csv(self.dir / "csv" / "demographics.csv", keep_default_na=False)
        self.assertEqual(list(zh.columns), list(en.columns))
        self.assertEqual(list(zh.sex), list(en.sex))
        self.assertTrue(set(zh.sex_label) <= {"男", "女"}, set(zh.sex_label))


if __name__ == "__main__":
    unittest.main()
