//! Small dense symmetric positive-definite algebra (p x p, p = number of Cox terms), by Cholesky
//! decomposition with R's tolerance for singularity.

/// A p x p matrix, row-major.
pub type Matrix = Vec<f64>;

/// R's `toler.chol`: `.Machine$double.eps^0.75`.
const TOLER: f64 = 1.818_989_403_545_856_5e-12;

/// The Cholesky factor L (lower, row-major) of `a`, or the index of the first column that is
/// (numerically) a combination of the earlier ones.
pub fn cholesky(a: &[f64], p: usize) -> Result<Matrix, usize> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= l[j * p + k] * l[j * p + k];
        }
        if !d.is_finite() || d <= TOLER * a[j * p + j].abs().max(f64::MIN_POSITIVE) {
            return Err(j);
        }
        let djj = d.sqrt();
        l[j * p + j] = djj;
        for i in (j + 1)..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / djj;
        }
    }
    Ok(l)
}

/// Solves L L' x = b.
pub fn solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..p {
        for k in 0..i {
            y[i] -= l[i * p + k] * y[k];
        }
        y[i] /= l[i * p + i];
    }
    for i in (0..p).rev() {
        for k in (i + 1)..p {
            y[i] -= l[k * p + i] * y[k];
        }
        y[i] /= l[i * p + i];
    }
    y
}

/// The inverse of L L'.
pub fn inverse(l: &[f64], p: usize) -> Matrix {
    let mut inv = vec![0.0; p * p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        let col = solve(l, p, &e);
        for i in 0..p {
            inv[i * p + j] = col[i];
        }
    }
    inv
}

/// x' A x.
pub fn quad_form(a: &[f64], p: usize, x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p {
        for j in 0..p {
            s += x[i] * a[i * p + j] * x[j];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&a, 2).unwrap();
        let x = solve(&l, 2, &[2.0, 1.0]);
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-12);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-12);
        let inv = inverse(&l, 2);
        assert!((inv[0] - 3.0 / 8.0).abs() < 1e-12 && (inv[1] + 2.0 / 8.0).abs() < 1e-12);
        assert!((quad_form(&a, 2, &[1.0, 1.0]) - 11.0).abs() < 1e-12);
    }

    #[test]
    fn singular_reports_the_dependent_column() {
        let a = [1.0, 2.0, 2.0, 4.0];
        assert_eq!(cholesky(&a, 2), Err(1));
        assert_eq!(cholesky(&[0.0], 1), Err(0));
    }
}
