/*
 * calib.c -- Platt scaling: fits p = sigmoid(a * z + b) to raw scores z of a
 * held-out set, with Platt's prior-corrected targets (N+ + 1) / (N+ + 2) and
 * 1 / (N- + 2), by Newton's method with backtracking line search (Lin, Lin and
 * Weng, "A note on Platt's probabilistic outputs", 2007). Uses base only.
 */
#include "model/model_int.h"

/* Negative log likelihood of targets t under p = 1 / (1 + exp(A z + B)) (Lin
 * et al.'s parametrization), written so it never overflows. */
static double platt_nll(const float *z, const int8_t *y, size_t n, double hi, double lo, double A,
                        double B)
{
    double f = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] < 0)
            continue;
        double t = y[i] > 0 ? hi : lo;
        double v = A * z[i] + B;
        if (v >= 0)
            f += t * v + log1p(exp(-v));
        else
            f += (t - 1) * v + log1p(exp(v));
    }
    return f;
}

void mo__platt_fit(const float *z, const int8_t *y, size_t n, float *a_out, float *b_out)
{
    size_t n_pos = 0, n_neg = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 0)
            n_pos++;
        else if (y[i] == 0)
            n_neg++;
    }
    double hi = ((double)n_pos + 1) / ((double)n_pos + 2);
    double lo = 1 / ((double)n_neg + 2);
    /* Lin et al. parametrize p = 1 / (1 + exp(A z + B)); we keep a = -A, b = -B. */
    double A = 0, B = log(((double)n_neg + 1) / ((double)n_pos + 1));
    double sigma = 1e-12;
    double fval = platt_nll(z, y, n, hi, lo, A, B);
    for (int it = 0; it < 100; it++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; i++) {
            if (y[i] < 0)
                continue;
            double t = y[i] > 0 ? hi : lo;
            double fApB = z[i] * A + B;
            double p, q;
            if (fApB >= 0) {
                p = exp(-fApB) / (1.0 + exp(-fApB));
                q = 1.0 / (1.0 + exp(-fApB));
            } else {
                p = 1.0 / (1.0 + exp(fApB));
                q = exp(fApB) / (1.0 + exp(fApB));
            }
            double d2 = p * q;
            h11 += (double)z[i] * z[i] * d2;
            h22 += d2;
            h21 += z[i] * d2;
            double d1 = t - p;
            g1 += z[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
            break;
        double det = h11 * h22 - h21 * h21;
        if (!(det > 0))
            break;
        double dA = -(h22 * g1 - h21 * g2) / det;
        double dB = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * dA + g2 * dB;
        double step = 1;
        int moved = 0;
        while (step >= 1e-10) {
            double nA = A + step * dA, nB = B + step * dB;
            double nf = platt_nll(z, y, n, hi, lo, nA, nB);
            if (nf < fval + 1e-4 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                moved = 1;
                break;
            }
            step /= 2;
        }
        if (!moved)
            break;
    }
    if (!isfinite(A) || !isfinite(B)) {
        A = -1;
        B = 0;
    }
    *a_out = (float)-A;
    *b_out = (float)-B;
}
