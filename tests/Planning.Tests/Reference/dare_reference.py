"""SciPy reference computations for Control's LQR tests.

Reads one JSON request on stdin, prints one JSON answer on stdout. Run with Debian's /usr/bin/python3
(python3-scipy, installed by test.sh). Request: {"cases": [{"a", "b", "q", "r", "s"?}, ...]} with matrices as
lists of rows; "s" is the optional n x m cross weight of x'Qx + u'Ru + 2x's u. Answer: {"results": [{"p", "k",
"radius"}, ...]} with P from scipy.linalg.solve_discrete_are, K = (R + B'PB)^-1 (B'PA + s') and the spectral
radius of A - BK from numpy.linalg.eigvals.
"""
import json
import sys

import numpy as np
import scipy.linalg


def solve(case):
    a = np.array(case["a"], dtype=float)
    b = np.array(case["b"], dtype=float)
    q = np.array(case["q"], dtype=float)
    r = np.array(case["r"], dtype=float)
    s = np.array(case["s"], dtype=float) if case.get("s") is not None else np.zeros((a.shape[0], b.shape[1]))
    p = scipy.linalg.solve_discrete_are(a, b, q, r, s=s)
    k = np.linalg.solve(r + b.T @ p @ b, b.T @ p @ a + s.T)
    radius = max(abs(np.linalg.eigvals(a - b @ k)))
    return {"p": p.tolist(), "k": k.tolist(), "radius": float(radius)}


def main():
    request = json.load(sys.stdin)
    json.dump({"results": [solve(case) for case in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
