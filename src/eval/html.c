/*
 * html.c -- `moderato eval --html`: one self-contained offline HTML page (inline
 * CSS, SVG drawn here, no scripts, no external resources) built from a
 * moderato.eval/1 document plus the scores and labels it was computed from.
 * Per label: a summary table with 95% intervals, PR and ROC curves (at most
 * MO_EVAL_HTML_MAX_POINTS points, computed from the scores), a 10-bin
 * reliability diagram, the threshold sweep and the 2x2 confusion matrix at the
 * operating threshold; per --by group bars with CI whiskers and per --slice
 * field grouped bars of subgroup / BPSN / BNSP AUC; the argmax confusion
 * heatmap of mutually exclusive labels (groups.all.multiclass). Every text is escaped and
 * every number is finite ("-" when undefined). May use base and jansson only.
 */
#include "eval/eval.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Writer with a sticky error: after the first failure every call is a no-op,
 * so drawing code need not check each append. */
typedef struct writer {
    mo_buf *b;
    int rc; /* MO_OK until an append fails */
} writer;

static void out(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(writer *w, const char *fmt, ...)
{
    if (w->rc)
        return;
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->rc = MO_EINVAL;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        w->rc = mo__buf_append(w->b, tmp, (size_t)n);
        return;
    }
    /* Long output: format again straight into the buffer. */
    if ((w->rc = mo__buf_reserve(w->b, (size_t)n)))
        return;
    va_start(ap, fmt);
    vsnprintf(w->b->ptr + w->b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    w->b->len += (size_t)n;
}

/* Appends s with &, <, >, " and ' escaped. */
static void esc(writer *w, const char *s)
{
    for (const char *p = s; *p && !w->rc; p++) {
        switch (*p) {
        case '&':
            out(w, "&amp;");
            break;
        case '<':
            out(w, "&lt;");
            break;
        case '>':
            out(w, "&gt;");
            break;
        case '"':
            out(w, "&quot;");
            break;
        case '\'':
            out(w, "&#39;");
            break;
        default:
            w->rc = mo__buf_append(w->b, p, 1);
        }
    }
}

/* A number with 4 decimals, or "-" when undefined. */
static void num(writer *w, double x)
{
    if (isfinite(x))
        out(w, "%.4f", x);
    else
        out(w, "-");
}

static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static double nan_zero(double x)
{
    return isfinite(x) ? x : 0;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ==== Plot frame ==== */

#define PW 300.0 /* plot width, px */
#define PH 260.0 /* plot height, px */
#define ML 44.0  /* margins: left, right, top, bottom */
#define MR 12.0
#define MT 26.0
#define MB 38.0

typedef struct frame {
    double w, h; /* svg size, px */
    double mb;   /* bottom margin, px */
} frame;

static double clamp01(double v)
{
    return !isfinite(v) ? 0 : v < 0 ? 0 : v > 1 ? 1 : v;
}

static double fx(const frame *f, double x)
{
    return ML + clamp01(x) * (f->w - ML - MR);
}

static double fy(const frame *f, double y)
{
    return f->h - f->mb - clamp01(y) * (f->h - MT - f->mb);
}

/* Opens an svg with a title, unit axes with ticks at 0, 0.25, ..., 1 and axis
 * names. Close with `</svg>`. */
static void frame_open(writer *w, frame *f, double width, double extra_bottom, const char *title,
                       const char *xname, const char *yname, int x_ticks)
{
    f->w = width;
    f->h = PH + extra_bottom;
    f->mb = MB + extra_bottom;
    out(w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
        f->w, f->h, f->w, f->h);
    out(w, "<text x=\"%.1f\" y=\"16\" class=\"t\">", f->w / 2);
    esc(w, title);
    out(w, "</text>");
    for (int i = 0; i <= 4; i++) {
        double v = i / 4.0;
        out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", fx(f, 0),
            fy(f, v), fx(f, 1), fy(f, v));
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"yl\">%.2f</text>", ML - 4, fy(f, v) + 4, v);
        if (x_ticks) {
            out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
                fx(f, v), fy(f, 0), fx(f, v), fy(f, 1));
            out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"xl\">%.2f</text>", fx(f, v), fy(f, 0) + 14,
                v);
        }
    }
    out(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"box\"/>", ML, MT,
        f->w - ML - MR, f->h - MT - f->mb);
    if (xname && *xname) {
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">", (ML + f->w - MR) / 2, f->h - 6);
        esc(w, xname);
        out(w, "</text>");
    }
    out(w, "<text transform=\"translate(11 %.1f) rotate(-90)\" class=\"an\">",
        (MT + f->h - f->mb) / 2);
    esc(w, yname);
    out(w, "</text>");
}

/* A polyline through (xs[i], ys[i]); undefined points break the line. */
static void polyline(writer *w, const frame *f, const double *xs, const double *ys, size_t n,
                     const char *cls)
{
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xs[i]) || !isfinite(ys[i])) {
            if (open)
                out(w, "\"/>");
            open = 0;
            continue;
        }
        if (!open)
            out(w, "<polyline class=\"%s\" points=\"", cls);
        out(w, "%s%.1f,%.1f", open ? " " : "", fx(f, xs[i]), fy(f, ys[i]));
        open = 1;
    }
    if (open)
        out(w, "\"/>");
}

static void legend(writer *w, const frame *f, int row, const char *cls, const char *name)
{
    double x = f->w - MR - 86, y = MT + 14 + 14 * row;
    out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>", x, y - 4, x + 16,
        y - 4, cls);
    out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", x + 20, y);
    esc(w, name);
    out(w, "</text>");
}

/* ==== Curves from scores ==== */

/* PR and ROC points at every distinct threshold of the known items, thinned
 * to at most MO_EVAL_HTML_MAX_POINTS evenly spaced ones (first and last kept).
 * rec/prec/fpr/tpr (OUT) have room for MO_EVAL_HTML_MAX_POINTS + 1 points; *n_out
 * gets the count (0 when the label has no positive or no negative). */
static int curves(const float *s, const int8_t *y, size_t n, double *rec, double *prec, double *fpr,
                  double *tpr, size_t *n_out)
{
    *n_out = 0;
    size_t m = 0, pos = 0;
    mo_scored *a;
    if (mo__metric_sort_known(s, y, n, &a, &m, &pos) != MO_OK)
        return MO_ENOMEM;
    if (!pos || pos == m) {
        mo__free(a);
        return MO_OK;
    }
    size_t n_steps = 0;
    for (size_t i = 0; i < m; i++)
        n_steps += i + 1 == m || a[i + 1].s != a[i].s;
    size_t stride = (n_steps + MO_EVAL_HTML_MAX_POINTS - 1) / MO_EVAL_HTML_MAX_POINTS;
    if (!stride)
        stride = 1;
    size_t tp = 0, fp = 0, step = 0, k = 0;
    size_t neg = m - pos;
    fpr[k] = 0, tpr[k] = 0, rec[k] = 0, prec[k] = 1, k++;
    for (size_t i = 0; i < m; i++) {
        tp += a[i].y == 1;
        fp += a[i].y == 0;
        if (i + 1 < m && a[i + 1].s == a[i].s)
            continue;
        step++;
        if (step % stride && step != n_steps)
            continue;
        if (k > MO_EVAL_HTML_MAX_POINTS)
            k = MO_EVAL_HTML_MAX_POINTS; /* keep the last point within bounds */
        rec[k] = (double)tp / (double)pos;
        prec[k] = (double)tp / (double)(tp + fp);
        fpr[k] = (double)fp / (double)neg;
        tpr[k] = rec[k];
        k++;
    }
    mo__free(a);
    *n_out = k;
    return MO_OK;
}

/* ==== Plots ==== */

static void plot_pr(writer *w, const double *rec, const double *prec, size_t n, const json_t *jl)
{
    frame f;
    frame_open(w, &f, PW, 0, "Precision-recall", "recall", "precision", 1);
    if (n) {
        polyline(w, &f, rec, prec, n, "c1");
        double r = jnum(jl, "recall"), p = jnum(jl, "precision");
        if (isfinite(r) && isfinite(p))
            out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"op\"/>", fx(&f, r), fy(&f, p));
        legend(w, &f, 0, "c1", "curve");
        out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"op\"/>", f.w - MR - 78,
            MT + 14 + 14 - 4);
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">threshold</text>", f.w - MR - 66,
            MT + 14 + 14);
    } else {
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"t\">needs both classes</text>", f.w / 2,
            f.h / 2);
    }
    out(w, "</svg>");
}

static void plot_roc(writer *w, const double *fpr, const double *tpr, size_t n, const json_t *jl)
{
    frame f;
    frame_open(w, &f, PW, 0, "ROC", "false positive rate", "true positive rate", 1);
    double d[2] = {0, 1};
    polyline(w, &f, d, d, 2, "diag");
    if (n) {
        polyline(w, &f, fpr, tpr, n, "c2");
        double x = jnum(jl, "fpr"), y = jnum(jl, "recall");
        if (isfinite(x) && isfinite(y))
            out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"op\"/>", fx(&f, x), fy(&f, y));
    }
    out(w, "</svg>");
}

/* Reliability diagram: per equal-width bin, mean score vs. fraction positive;
 * the dot's area follows the bin's share of the items. */
static void plot_reliability(writer *w, const float *s, const int8_t *y, size_t n)
{
    double sum_s[10] = {0}, sum_y[10] = {0}, cnt[10] = {0}, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] < 0 || !isfinite(s[i]))
            continue;
        double v = clamp01(s[i]);
        int b = (int)(v * 10);
        if (b > 9)
            b = 9;
        sum_s[b] += v, sum_y[b] += y[i], cnt[b]++, total++;
    }
    frame f;
    frame_open(w, &f, PW, 0, "Reliability (10 bins)", "mean score", "fraction positive", 1);
    double d[2] = {0, 1};
    polyline(w, &f, d, d, 2, "diag");
    double xs[10], ys[10];
    for (int b = 0; b < 10; b++) {
        xs[b] = cnt[b] ? sum_s[b] / cnt[b] : NAN;
        ys[b] = cnt[b] ? sum_y[b] / cnt[b] : NAN;
    }
    polyline(w, &f, xs, ys, 10, "c1");
    for (int b = 0; b < 10; b++) {
        if (!cnt[b])
            continue;
        double r = 2.5 + 9 * sqrt(cnt[b] / total);
        out(w,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" class=\"dot\"><title>%.0f items</title>"
            "</circle>",
            fx(&f, xs[b]), fy(&f, ys[b]), r, cnt[b]);
    }
    out(w, "</svg>");
}

static void plot_sweep(writer *w, const json_t *jl)
{
    const json_t *sw = json_object_get(jl, "sweep");
    size_t n = json_array_size(sw);
    if (n > MO_EVAL_SWEEP_N)
        n = MO_EVAL_SWEEP_N;
    double t[MO_EVAL_SWEEP_N], p[MO_EVAL_SWEEP_N], r[MO_EVAL_SWEEP_N], f1[MO_EVAL_SWEEP_N];
    for (size_t i = 0; i < n; i++) {
        const json_t *pt = json_array_get(sw, i);
        t[i] = jnum(pt, "threshold");
        p[i] = jnum(pt, "precision");
        r[i] = jnum(pt, "recall");
        f1[i] = jnum(pt, "f1");
    }
    frame f;
    frame_open(w, &f, PW, 0, "Threshold sweep", "threshold", "value", 1);
    double th = jnum(jl, "threshold");
    if (isfinite(th))
        out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>", fx(&f, th),
            fy(&f, 0), fx(&f, th), fy(&f, 1));
    polyline(w, &f, t, p, n, "c1");
    polyline(w, &f, t, r, n, "c2");
    polyline(w, &f, t, f1, n, "c3");
    legend(w, &f, 0, "c1", "precision");
    legend(w, &f, 1, "c2", "recall");
    legend(w, &f, 2, "c3", "F1");
    legend(w, &f, 3, "thr", "operating");
    out(w, "</svg>");
}

static void plot_confusion(writer *w, const json_t *jl)
{
    static const char *const key[2][2] = {{"tp", "fn"}, {"fp", "tn"}};
    static const char *const name[2][2] = {{"TP", "FN"}, {"FP", "TN"}};
    double c[2][2], total = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            c[i][j] = nan_zero(jnum(jl, key[i][j])), total += c[i][j];
    out(w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
        PW, PH, PW, PH);
    out(w, "<text x=\"%.1f\" y=\"16\" class=\"t\">Confusion at threshold ", PW / 2);
    num(w, jnum(jl, "threshold"));
    out(w, "</text>");
    double x0 = 80, y0 = 50, cw = 100, ch = 80;
    out(w, "<text x=\"%.1f\" y=\"40\" class=\"an\">pred. positive</text>", x0 + cw / 2);
    out(w, "<text x=\"%.1f\" y=\"40\" class=\"an\">pred. negative</text>", x0 + cw * 1.5);
    out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"yl\">actual pos.</text>", x0 - 4, y0 + ch / 2 + 4);
    out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"yl\">actual neg.</text>", x0 - 4,
        y0 + ch * 1.5 + 4);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double share = total > 0 ? c[i][j] / total : 0;
            double op = 0.08 + 0.8 * sqrt(share);
            out(w,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\" "
                "fill-opacity=\"%.3f\"/>",
                x0 + j * cw, y0 + i * ch, cw, ch, i == j ? "ok" : "bad", op);
            out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"cm\">%s %.0f</text>", x0 + j * cw + cw / 2,
                y0 + i * ch + ch / 2, name[i][j], c[i][j]);
            out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">%.1f%%</text>", x0 + j * cw + cw / 2,
                y0 + i * ch + ch / 2 + 16, 100 * share);
        }
    }
    out(w, "</svg>");
}

/* Bars of values in [0, 1] for n_cats categories and n_series series, with
 * optional CI whiskers (lo/hi NAN = none) and a dashed reference line. */
static void plot_bars(writer *w, const char *title, const char *yname, const char *const *cats,
                      size_t n_cats, size_t n_series, const char *const *series_names,
                      const double *v, const double *lo, const double *hi, double ref)
{
    double slot = n_series > 1 ? 16.0 * (double)n_series + 10 : 34;
    double width = ML + MR + slot * (double)n_cats + 40; /* room for the last rotated name */
    if (width < PW)
        width = PW;
    frame f;
    frame_open(w, &f, width, n_series > 1 ? 64 : 50, title, NULL, yname, 0);
    if (isfinite(ref)) {
        out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>", fx(&f, 0),
            fy(&f, ref), fx(&f, 1), fy(&f, ref));
    }
    double plot_w = f.w - ML - MR - 30;
    double step = plot_w / (double)(n_cats ? n_cats : 1);
    double bw = (step - 8) / (double)(n_series ? n_series : 1);
    if (bw > 28)
        bw = 28;
    for (size_t c = 0; c < n_cats; c++) {
        double cx = ML + step * ((double)c + 0.5);
        double left = cx - bw * (double)n_series / 2;
        for (size_t s = 0; s < n_series; s++) {
            size_t i = c * n_series + s;
            double x = left + bw * (double)s;
            if (!isfinite(v[i])) {
                out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">-</text>", x + bw / 2,
                    fy(&f, 0) - 4);
                continue;
            }
            out(w,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"s%zu\">"
                "<title>",
                x + 1, fy(&f, v[i]), bw - 2, fy(&f, 0) - fy(&f, v[i]), s % 3 + 1);
            esc(w, cats[c]);
            out(w, " ");
            num(w, v[i]);
            out(w, "</title></rect>");
            if (lo && hi && isfinite(lo[i]) && isfinite(hi[i])) {
                double mx = x + bw / 2;
                out(w, "<path class=\"wh\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\"/>",
                    mx, fy(&f, lo[i]), fy(&f, hi[i]), mx - 4, fy(&f, lo[i]), mx + 4, mx - 4,
                    fy(&f, hi[i]), mx + 4);
            }
        }
        out(w, "<text transform=\"translate(%.1f %.1f) rotate(30)\" class=\"bl\">", cx - 4,
            fy(&f, 0) + 12);
        esc(w, cats[c]);
        out(w, "</text>");
    }
    for (size_t s = 0; n_series > 1 && s < n_series; s++) {
        double x = ML + 100 * (double)s, y = f.h - 6;
        out(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" class=\"s%zu\"/>", x, y - 9,
            s % 3 + 1);
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", x + 14, y);
        esc(w, series_names[s]);
        out(w, "</text>");
    }
    out(w, "</svg>");
}

/* ==== Page ==== */

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}"
    "h3{font-size:16px;margin:18px 0 6px}.meta{color:#555}"
    "table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 8px;text-align:right;"
    "border-bottom:1px solid "
    "#e4e4e4;white-space:nowrap}th{background:#f3f3f3}td:first-child,th:first-child"
    "{text-align:left}.ci{color:#777;font-size:12px}.plots{display:flex;flex-wrap:wrap;gap:8px}"
    "svg{border:1px solid #e4e4e4;background:#fff}svg text{font:11px sans-serif;fill:#333}"
    "svg .t{font-size:13px;font-weight:600;text-anchor:middle}svg .yl{text-anchor:end}"
    "svg .xl,svg .an,svg .cm{text-anchor:middle}svg .cm{font-size:14px;font-weight:600}"
    "svg .bl{text-anchor:start}"
    ".grid{stroke:#eee}.box{fill:none;stroke:#999}.diag{fill:none;stroke:#bbb;"
    "stroke-dasharray:4 3}.c1,.c2,.c3{fill:none;stroke-width:2}.c1{stroke:#1f77b4}"
    ".c2{stroke:#d62728}.c3{stroke:#2ca02c}.thr{stroke:#555;stroke-dasharray:5 3}"
    ".op{fill:#ff7f0e;stroke:#fff}.dot{fill:#1f77b4;fill-opacity:.55}"
    ".ok{fill:#2ca02c}.bad{fill:#d62728}.s1{fill:#1f77b4}.s2{fill:#ff7f0e}.s3{fill:#9467bd}"
    ".wh{stroke:#111;stroke-width:1.5;fill:none}.ci{display:block}.plots>table{align-self:"
    "flex-start}";

/* Value and its interval in one table cell. */
static void cell_ci(writer *w, const json_t *jl, const char *metric)
{
    out(w, "<td>");
    num(w, jnum(jl, metric));
    const json_t *c = json_object_get(json_object_get(jl, "ci"), metric);
    if (json_array_size(c) == 2) {
        out(w, " <span class=\"ci\">[");
        num(w,
            json_is_number(json_array_get(c, 0)) ? json_number_value(json_array_get(c, 0)) : NAN);
        out(w, ", ");
        num(w,
            json_is_number(json_array_get(c, 1)) ? json_number_value(json_array_get(c, 1)) : NAN);
        out(w, "]</span>");
    }
    out(w, "</td>");
}

static void summary_table(writer *w, const char *group, const json_t *jg)
{
    out(w, "<h3>");
    esc(w, group);
    out(w,
        " (%.0f items)</h3><table><tr><th>label</th><th>known</th><th>positives</th>"
        "<th>PR-AUC</th><th>ROC-AUC</th><th>threshold</th><th>precision</th><th>recall</th>"
        "<th>F1</th><th>FPR</th><th>best F1</th><th>ECE</th><th title=\"recall at precision &ge; "
        "0.90\">R@P90</th>"
        "<th title=\"recall at precision &ge; 0.95\">R@P95</th></tr>",
        nan_zero(jnum(jg, "n_items")));
    const char *name;
    const json_t *jl;
    json_object_foreach((json_t *)json_object_get(jg, "labels"), name, jl)
    {
        out(w, "<tr><td>");
        esc(w, name);
        out(w, "</td><td>%.0f</td><td>%.0f</td>", nan_zero(jnum(jl, "n_known")),
            nan_zero(jnum(jl, "support")));
        cell_ci(w, jl, "pr_auc");
        cell_ci(w, jl, "roc_auc");
        out(w, "<td>");
        num(w, jnum(jl, "threshold"));
        out(w, "</td>");
        cell_ci(w, jl, "precision");
        cell_ci(w, jl, "recall");
        cell_ci(w, jl, "f1");
        const char *rest[] = {"fpr", "best_f1", "ece", "recall_at_p90", "recall_at_p95"};
        for (int i = 0; i < 5; i++) {
            out(w, "<td>");
            num(w, jnum(jl, rest[i]));
            out(w, "</td>");
        }
        out(w, "</tr>");
    }
    out(w, "<tr><td>macro</td><td></td><td></td><td>");
    num(w, jnum(jg, "macro_pr_auc"));
    out(w, "</td><td>");
    num(w, jnum(jg, "macro_roc_auc"));
    out(w, "</td><td></td><td></td><td></td><td>");
    num(w, jnum(jg, "macro_f1"));
    out(w, "</td><td></td><td></td><td></td><td></td><td></td></tr>");
    if (json_object_get(jg, "micro_n_known")) {
        out(w, "<tr><td>micro</td><td>%.0f</td><td>%.0f</td>", nan_zero(jnum(jg, "micro_n_known")),
            nan_zero(jnum(jg, "micro_support")));
        const char *micro[] = {"micro_pr_auc", "micro_roc_auc", NULL,       "micro_precision",
                               "micro_recall", "micro_f1",      "micro_fpr"};
        for (int i = 0; i < 7; i++) {
            out(w, "<td>");
            if (micro[i])
                num(w, jnum(jg, micro[i]));
            out(w, "</td>");
        }
        out(w, "<td></td><td></td><td></td><td></td></tr>");
    }
    out(w, "</table>");
}

/* The argmax confusion matrix of mutually exclusive labels as a heatmap (row =
 * true class, column = predicted; a cell's shade follows its share of the
 * row) and a per-class table. */
static void multiclass(writer *w, const json_t *jm)
{
    const json_t *classes = json_object_get(jm, "classes");
    const json_t *cm = json_object_get(jm, "confusion");
    size_t C = json_array_size(classes);
    if (C < 2 || json_array_size(cm) != C)
        return;
    out(w, "<h3>Multi-class: argmax over ");
    for (size_t c = 0; c < C; c++) {
        out(w, "%s", c ? ", " : "");
        esc(w, json_string_value(json_array_get(classes, c))
                   ? json_string_value(json_array_get(classes, c))
                   : "-");
    }
    out(w,
        "</h3><p class=\"meta\">%s; %.0f items with every class known and exactly one "
        "positive",
        json_is_true(json_object_get(jm, "detected")) ? "detected: every fully known item has "
                                                        "exactly one positive label"
                                                      : "--classes",
        nan_zero(jnum(jm, "n_items")));
    if (jnum(jm, "n_not_exclusive") > 0)
        out(w, " (%.0f fully known items without exactly one positive left out)",
            jnum(jm, "n_not_exclusive"));
    out(w, ": accuracy ");
    num(w, jnum(jm, "accuracy"));
    out(w, ", macro-F1 ");
    num(w, jnum(jm, "macro_f1"));
    out(w, ".</p><div class=\"plots\">");
    double cell = C <= 4 ? 80 : C <= 8 ? 56 : 34, left = 120, top = 110;
    double width = left + cell * (double)C + 20, height = top + cell * (double)C + 20;
    out(w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
        width, height, width, height);
    out(w,
        "<text x=\"%.1f\" y=\"16\" class=\"t\">Confusion (argmax): true rows, predicted "
        "columns</text>",
        width / 2);
    for (size_t c = 0; c < C; c++) {
        const char *name = json_string_value(json_array_get(classes, c));
        out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"yl\">", left - 6,
            top + cell * ((double)c + 0.5) + 4);
        esc(w, name ? name : "-");
        out(w, "</text><text transform=\"translate(%.1f %.1f) rotate(-40)\" class=\"bl\">",
            left + cell * ((double)c + 0.5), top - 6);
        esc(w, name ? name : "-");
        out(w, "</text>");
    }
    for (size_t i = 0; i < C; i++) {
        const json_t *row = json_array_get(cm, i);
        double total = 0;
        for (size_t j = 0; j < C; j++)
            total += nan_zero(json_number_value(json_array_get(row, j)));
        for (size_t j = 0; j < C; j++) {
            double v = nan_zero(json_number_value(json_array_get(row, j)));
            double share = total > 0 ? v / total : 0;
            out(w,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\" "
                "fill-opacity=\"%.3f\"><title>%.0f (%.1f%% of the row)</title></rect>",
                left + cell * (double)j, top + cell * (double)i, cell, cell, i == j ? "ok" : "bad",
                0.05 + 0.8 * sqrt(share), v, 100 * share);
            out(w, "<text x=\"%.1f\" y=\"%.1f\" class=\"cm\">%.0f</text>",
                left + cell * ((double)j + 0.5), top + cell * ((double)i + 0.5) + 5, v);
        }
    }
    out(w, "</svg><table><tr><th>class</th><th>true items</th><th>predicted</th>"
           "<th>precision</th><th>recall</th><th>F1</th></tr>");
    const json_t *pc = json_object_get(jm, "per_class");
    for (size_t c = 0; c < C; c++) {
        const char *name = json_string_value(json_array_get(classes, c));
        const json_t *x = json_object_get(pc, name ? name : "");
        out(w, "<tr><td>");
        esc(w, name ? name : "-");
        out(w, "</td><td>%.0f</td><td>%.0f</td>", nan_zero(jnum(x, "support")),
            nan_zero(jnum(x, "predicted")));
        const char *keys[] = {"precision", "recall", "f1"};
        for (int q = 0; q < 3; q++) {
            out(w, "<td>");
            num(w, jnum(x, keys[q]));
            out(w, "</td>");
        }
        out(w, "</tr>");
    }
    out(w, "</table></div>");
}

/* --by: per label, PR-AUC and F1 per group with their interval whiskers and
 * the overall value as a dashed line. */
static int by_bars(writer *w, const json_t *groups, const char *label)
{
    size_t n = json_object_size(groups);
    const char **cats = mo__calloc(n ? n : 1, sizeof *cats);
    double *v = mo__calloc(n ? 3 * n : 1, sizeof *v);
    if (!cats || !v) {
        mo__free(cats);
        mo__free(v);
        return MO_ENOMEM;
    }
    double *lo = v + n, *hi = v + 2 * n;
    static const char *const metrics[2] = {"pr_auc", "f1"};
    static const char *const titles[2] = {"PR-AUC per group (95% CI)", "F1 per group (95% CI)"};
    static const char *const ynames[2] = {"PR-AUC", "F1"};
    for (int q = 0; q < 2; q++) {
        size_t c = 0;
        const char *g;
        const json_t *jg;
        json_object_foreach((json_t *)groups, g, jg)
        {
            if (!strcmp(g, "all"))
                continue;
            const json_t *jl = json_object_get(json_object_get(jg, "labels"), label);
            const json_t *ci = json_object_get(json_object_get(jl, "ci"), metrics[q]);
            cats[c] = g;
            v[c] = jnum(jl, metrics[q]);
            lo[c] = json_is_number(json_array_get(ci, 0)) ? json_number_value(json_array_get(ci, 0))
                                                          : NAN;
            hi[c] = json_is_number(json_array_get(ci, 1)) ? json_number_value(json_array_get(ci, 1))
                                                          : NAN;
            c++;
        }
        const json_t *all =
            json_object_get(json_object_get(json_object_get(groups, "all"), "labels"), label);
        plot_bars(w, titles[q], ynames[q], cats, c, 1, NULL, v, lo, hi, jnum(all, metrics[q]));
    }
    mo__free(cats);
    mo__free(v);
    return MO_OK;
}

/* 1 when a subgroup (an element of fairness.<field>.labels.<label>.subgroups)
 * has a defined value that the minimum support kept out of its summary. */
static int left_out(const json_t *sub)
{
    const json_t *in = json_object_get(sub, "in_summary");
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++) {
        const char *key = mo__eval_fair_part_names[q];
        if (json_is_number(json_object_get(sub, key)) && json_is_false(json_object_get(in, key)))
            return 1;
    }
    return 0;
}

/* The footnote on subgroups left out of the summaries, when there are any. */
static void left_out_note(writer *w, const json_t *jl)
{
    static const char *const what[MO_EVAL_FAIR_N_PARTS] = {"subgroup AUC", "BPSN AUC", "BNSP AUC",
                                                           "FPR gap"};
    const json_t *lo = json_object_get(jl, "left_out");
    double total = 0;
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        total += nan_zero(jnum(lo, mo__eval_fair_part_names[q]));
    if (total <= 0)
        return;
    out(w,
        " *: the subgroup has a value left out of the summaries (fewer than %.0f positives "
        "or negatives on a side of an AUC, %.0f negatives for an FPR gap); left out:",
        nan_zero(jnum(jl, "min_class")), nan_zero(jnum(jl, "min_negatives")));
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        out(w, "%s %s %.0f", q ? "," : "", what[q],
            nan_zero(jnum(lo, mo__eval_fair_part_names[q])));
    out(w, ".");
}

/* --slice: per slice field, grouped bars of subgroup, BPSN and BNSP AUC;
 * subgroups with a value left out of the summaries are named with a '*'. */
static int slice_bars(writer *w, const json_t *fairness, const char *label)
{
    static const char *const series[3] = {"subgroup AUC", "BPSN AUC", "BNSP AUC"};
    static const char *const keys[3] = {"subgroup_auc", "bpsn_auc", "bnsp_auc"};
    const char *field;
    const json_t *jf;
    json_object_foreach((json_t *)fairness, field, jf)
    {
        const json_t *jl = json_object_get(json_object_get(jf, "labels"), label);
        const json_t *subs = json_object_get(jl, "subgroups");
        size_t n = json_object_size(subs);
        if (!n)
            continue;
        const char **cats = mo__calloc(n, sizeof *cats);
        double *v = mo__calloc(3 * n, sizeof *v);
        size_t *name_off = mo__calloc(n, sizeof *name_off);
        mo_buf names = {0}; /* the names, each with its marker and a NUL */
        writer nw = {&names, MO_OK};
        if (!cats || !v || !name_off)
            nw.rc = MO_ENOMEM;
        size_t c = 0;
        const char *g;
        const json_t *js;
        json_object_foreach((json_t *)subs, g, js)
        {
            if (nw.rc)
                break;
            name_off[c] = names.len;
            out(&nw, "%s%s%c", g, left_out(js) ? "*" : "", '\0');
            for (int s = 0; s < 3; s++)
                v[c * 3 + s] = jnum(js, keys[s]);
            c++;
        }
        for (size_t i = 0; !nw.rc && i < c; i++)
            cats[i] = names.ptr + name_off[i];
        mo_buf tb = {0};
        writer tw = {&tb, nw.rc};
        out(&tw, "--slice %s", field);
        if (!tw.rc)
            plot_bars(w, tb.ptr, "AUC", cats, c, 3, series, v, NULL, NULL, jnum(jl, "overall_auc"));
        mo__buf_free(&tb);
        mo__buf_free(&names);
        mo__free(name_off);
        mo__free(cats);
        mo__free(v);
        if (tw.rc)
            return tw.rc;
        out(w, "<p class=\"meta\">");
        esc(w, field);
        out(w, ": final bias score ");
        num(w, jnum(jl, "final_score"));
        out(w, ", max FPR gap ");
        num(w, jnum(jl, "max_fpr_gap"));
        out(w, ", max FNR gap ");
        num(w, jnum(jl, "max_fnr_gap"));
        out(w, "; dashed line: overall AUC; &quot;-&quot;: too few examples.");
        left_out_note(w, jl);
        out(w, "</p>");
    }
    return MO_OK;
}

/* ==== Engine, suite and counterfactual sections ==== */

/* Opens a table row: the escaped name, then a count, then an open cell. */
static void row_open(writer *w, const char *name, double count)
{
    out(w, "<tr><td>");
    esc(w, name);
    out(w, "</td><td>%.0f</td><td>", nan_zero(count));
}

/* The engine's enforcement against its classifier per label (doc "engine"). */
static void engine_section(writer *w, const json_t *eng)
{
    out(w, "\n<h2>Engine</h2><p class=\"meta\">config ");
    esc(w, jstr(eng, "config") ? jstr(eng, "config") : "-");
    out(w, ", version ");
    esc(w, jstr(eng, "version") ? jstr(eng, "version") : "-");
    out(w, ". Flagged = the engine enforced a policy category of the label; lifted: enforced "
           "below the classifier threshold (policy or detectors), suppressed: not enforced "
           "above it.</p><table><tr><th>label</th><th>items</th><th>enforced</th>"
           "<th>classifier flagged</th><th>lifted</th><th>suppressed</th></tr>");
    const char *name;
    const json_t *jl;
    json_object_foreach(json_object_get(eng, "labels"), name, jl)
    {
        row_open(w, name, jnum(jl, "items"));
        out(w, "%.0f</td><td>%.0f</td><td>%.0f</td><td>%.0f</td></tr>",
            nan_zero(jnum(jl, "enforced")), nan_zero(jnum(jl, "classifier_flagged")),
            nan_zero(jnum(jl, "lifted")), nan_zero(jnum(jl, "suppressed")));
    }
    out(w, "</table>");
}

#define SUITE_MAX_LANGS 3 /* bar series per functionality (plot_bars colours) */

/* Accuracy per functionality and language (doc "suite", moderato.suite/1). */
static int suite_section(writer *w, const json_t *suite)
{
    const json_t *funcs = json_object_get(suite, "functionality");
    const json_t *langs = json_object_get(suite, "lang");
    size_t nf = json_object_size(funcs), nl = json_object_size(langs);
    out(w, "\n<h2>Functional suite</h2><p class=\"meta\">");
    esc(w, jstr(suite, "suite") ? jstr(suite, "suite") : "-");
    out(w, ": %.0f cases, %.0f passed, accuracy ", nan_zero(jnum(suite, "cases")),
        nan_zero(jnum(suite, "passed")));
    num(w, jnum(suite, "accuracy"));
    out(w, ". A case passes when every label it asserts is flagged as expected "
           "(docs/SUITE.md).</p><table><tr><th>functionality</th><th>cases</th><th>all</th>");
    const char *lang, *fn;
    const json_t *jlang, *jf;
    json_object_foreach((json_t *)langs, lang, jlang)
    {
        out(w, "<th>");
        esc(w, lang);
        out(w, "</th>");
    }
    out(w, "</tr>");
    const char **cats = mo__calloc(nf ? nf : 1, sizeof *cats);
    double *v = mo__calloc((nf ? nf : 1) * SUITE_MAX_LANGS, sizeof *v);
    const char *series[SUITE_MAX_LANGS] = {NULL, NULL, NULL};
    if (!cats || !v) {
        mo__free(cats);
        mo__free(v);
        return MO_ENOMEM;
    }
    size_t c = 0, ns = nl < SUITE_MAX_LANGS ? nl : SUITE_MAX_LANGS;
    json_object_foreach((json_t *)funcs, fn, jf)
    {
        row_open(w, fn, jnum(jf, "cases"));
        num(w, jnum(jf, "accuracy"));
        out(w, "</td>");
        size_t l = 0;
        json_object_foreach((json_t *)langs, lang, jlang)
        {
            const json_t *cell = json_object_get(json_object_get(jf, "lang"), lang);
            out(w, "<td>");
            num(w, cell ? jnum(cell, "accuracy") : NAN);
            out(w, "</td>");
            if (l < ns) {
                series[l] = lang;
                v[c * ns + l] = cell ? jnum(cell, "accuracy") : NAN;
            }
            l++;
        }
        out(w, "</tr>");
        cats[c++] = fn;
    }
    out(w, "</table><div class=\"plots\">");
    plot_bars(w, "Suite accuracy per functionality", "accuracy", cats, c, ns ? ns : 1, series, v,
              NULL, NULL, jnum(suite, "accuracy"));
    out(w, "</div>");
    mo__free(cats);
    mo__free(v);
    return MO_OK;
}

#define CF_MAX_BARS 40 /* terms per shift chart: the highest and lowest 20 */
#define CF_BAR_H 14.0  /* px per term row */

/* Horizontal bars of each term's mean shift, centred on 0, for one label. */
static void cf_bars(writer *w, const char *label, const json_t *terms)
{
    size_t n = json_array_size(terms), shown = n > CF_MAX_BARS ? CF_MAX_BARS : n;
    double max = 1e-4;
    for (size_t j = 0; j < n; j++)
        if (fabs(nan_zero(jnum(json_array_get(terms, j), "mean_shift"))) > max)
            max = fabs(nan_zero(jnum(json_array_get(terms, j), "mean_shift")));
    double width = 560, left = 190, mid = left + (width - left - 20) / 2, half = mid - left;
    double h = MT + CF_BAR_H * (double)shown + 24;
    out(w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" role=\"img\"><text x=\"%.1f\" y=\"16\" class=\"t\">",
        width, h, width, h, width / 2);
    esc(w, label);
    out(w, ": mean score shift per identity term</text>");
    for (size_t r = 0; r < shown; r++) {
        size_t j = n > CF_MAX_BARS && r >= CF_MAX_BARS / 2 ? n - (shown - r) : r;
        const json_t *e = json_array_get(terms, j);
        double s = nan_zero(jnum(e, "mean_shift")), y = MT + CF_BAR_H * (double)r;
        double len = fabs(s) / max * half;
        out(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\"><title>",
            s >= 0 ? mid : mid - len, y + 2, len, CF_BAR_H - 4, s >= 0 ? "bad" : "ok");
        esc(w, jstr(e, "term") ? jstr(e, "term") : "-");
        out(w, " %+.4f</title></rect><text x=\"%.1f\" y=\"%.1f\" class=\"yl\">", s, left - 6,
            y + CF_BAR_H - 3);
        esc(w, jstr(e, "term") ? jstr(e, "term") : "-");
        out(w, " (");
        esc(w, jstr(e, "lang") ? jstr(e, "lang") : "-");
        out(w, ")</text>");
    }
    out(w,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">%+.4f</text>"
        "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">0</text>"
        "<text x=\"%.1f\" y=\"%.1f\" class=\"an\">%+.4f</text></svg>",
        mid, MT, mid, h - 20, left, h - 6, -max, mid, h - 6, width - 20, h - 6, max);
}

/* The counterfactual identity check (doc "counterfactual"). */
static void cf_section(writer *w, const json_t *cf)
{
    const json_t *labels = json_object_get(cf, "labels");
    out(w, "\n<h2>Counterfactual identity check</h2><p class=\"meta\">terms ");
    esc(w, jstr(cf, "terms") ? jstr(cf, "terms") : "-");
    out(w,
        ": %.0f texts, %.0f mention an identity term, %.0f swaps. Each mention is replaced by "
        "every other term of the same language and form; a term's shift is its variant's score "
        "minus the mean of its family (red: the term pushes the score up).</p>"
        "<table><tr><th>label</th><th>swaps</th><th>mean |change|</th><th>max |change|</th>"
        "<th>flips</th><th>flip rate</th></tr>",
        nan_zero(jnum(cf, "texts")), nan_zero(jnum(cf, "texts_mentioning")),
        nan_zero(jnum(cf, "swaps")));
    const char *name;
    const json_t *jl;
    json_object_foreach((json_t *)labels, name, jl)
    {
        row_open(w, name, jnum(jl, "swaps"));
        num(w, jnum(jl, "mean_abs_change"));
        out(w, "</td><td>");
        num(w, jnum(jl, "max_abs_change"));
        out(w, "</td><td>%.0f</td><td>", nan_zero(jnum(jl, "flips")));
        num(w, jnum(jl, "flip_rate"));
        out(w, "</td></tr>");
    }
    out(w, "</table>");
    json_object_foreach((json_t *)labels, name, jl)
    {
        const json_t *terms = json_object_get(jl, "terms"), *worst = json_object_get(jl, "worst");
        if (!json_array_size(terms))
            continue;
        out(w, "<h3>");
        esc(w, name);
        out(w, "</h3><div class=\"plots\">");
        cf_bars(w, name, terms);
        out(w, "</div><table><tr><th>change</th><th>original</th><th>variant</th></tr>");
        for (size_t i = 0; i < json_array_size(worst) && i < 5; i++) {
            const json_t *p = json_array_get(worst, i);
            out(w, "<tr><td>%+.4f</td><td style=\"text-align:left;white-space:normal\">",
                nan_zero(jnum(p, "change")));
            esc(w, jstr(p, "original") ? jstr(p, "original") : "-");
            out(w, " (");
            num(w, jnum(p, "score_original"));
            out(w, ")</td><td style=\"text-align:left;white-space:normal\">");
            esc(w, jstr(p, "variant") ? jstr(p, "variant") : "-");
            out(w, " (");
            num(w, jnum(p, "score_variant"));
            out(w, ")</td></tr>");
        }
        out(w, "</table>");
    }
}

int mo__eval_html_render(const mo_eval_html_input *in, mo_buf *buf)
{
    writer wr = {buf, MO_OK}, *w = &wr;
    const json_t *doc = in->doc;
    const json_t *groups = json_object_get(doc, "groups");
    const json_t *all = json_object_get(groups, "all");
    const json_t *fairness = json_object_get(doc, "fairness");
    const json_t *suite = json_object_get(doc, "suite"),
                 *cf = json_object_get(doc, "counterfactual");
    if (!json_is_object(all) && !json_is_object(suite) && !json_is_object(cf))
        return MO_EINVAL;
    size_t cap = MO_EVAL_HTML_MAX_POINTS + 1;
    double *pts = mo__malloc(4 * cap * sizeof *pts);
    if (!pts)
        return MO_ENOMEM;
    out(w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>moderato eval report</title><style>%s</style></head><body>\n",
        css);
    out(w, "<h1>moderato eval report</h1><p class=\"meta\">data ");
    esc(w, jstr(doc, "data") ? jstr(doc, "data") : "-");
    out(w, " (xxh64 ");
    esc(w, jstr(doc, "data_xxh64") ? jstr(doc, "data_xxh64") : "-");
    if (json_is_object(json_object_get(doc, "engine"))) {
        out(w, "), engine ");
        esc(w, jstr(json_object_get(doc, "engine"), "config")
                   ? jstr(json_object_get(doc, "engine"), "config")
                   : "-");
        out(w, " (version ");
        esc(w, jstr(json_object_get(doc, "engine"), "version")
                   ? jstr(json_object_get(doc, "engine"), "version")
                   : "-");
    } else if (jstr(doc, "model")) {
        out(w, "), model ");
        esc(w, jstr(doc, "model"));
        out(w, " (xxh64 ");
        esc(w, jstr(doc, "model_xxh64") ? jstr(doc, "model_xxh64") : "-");
    } else {
        out(w, "), predictions ");
        esc(w, jstr(doc, "predictions") ? jstr(doc, "predictions") : "-");
        out(w, " (scores read from the file");
    }
    const json_t *boot = json_object_get(doc, "bootstrap");
    if (boot)
        out(w, "); 95%% intervals from %.0f bootstrap resamples, seed %.0f",
            nan_zero(jnum(boot, "resamples")), nan_zero(jnum(boot, "seed")));
    else
        out(w, ")");
    out(w, ". Definitions: docs/EVALUATION.md.</p>\n");

    const char *g;
    const json_t *jg;
    if (json_is_object(all)) {
        out(w, "<h2>Summary</h2>");
        summary_table(w, "all", all);
        if (json_object_get(all, "multiclass"))
            multiclass(w, json_object_get(all, "multiclass"));
    }
    if (json_is_object(json_object_get(doc, "engine")))
        engine_section(w, json_object_get(doc, "engine"));

    int rc = MO_OK;
    const json_t *labels = json_object_get(all, "labels");
    for (size_t k = 0; k < in->n_labels && !rc && !w->rc; k++) {
        const json_t *jl = json_object_get(labels, in->label_names[k]);
        if (!jl)
            continue; /* no known item */
        size_t n_pts;
        double *rec = pts, *prec = pts + cap, *fpr = pts + 2 * cap, *tpr = pts + 3 * cap;
        rc = curves(in->scores[k], in->labels[k], in->n, rec, prec, fpr, tpr, &n_pts);
        if (rc)
            break;
        out(w, "\n<h2>");
        esc(w, in->label_names[k]);
        out(w, "</h2><p class=\"meta\">PR-AUC ");
        num(w, jnum(jl, "pr_auc"));
        out(w, ", ROC-AUC ");
        num(w, jnum(jl, "roc_auc"));
        out(w, ", ECE ");
        num(w, jnum(jl, "ece"));
        out(w, "; orange dot: the operating threshold ");
        num(w, jnum(jl, "threshold"));
        out(w, ".</p><div class=\"plots\">");
        plot_pr(w, rec, prec, n_pts, jl);
        plot_roc(w, fpr, tpr, n_pts, jl);
        plot_reliability(w, in->scores[k], in->labels[k], in->n);
        plot_sweep(w, jl);
        plot_confusion(w, jl);
        out(w, "</div>");
        if (json_object_size(groups) > 1 || json_object_size(fairness)) {
            out(w, "<div class=\"plots\">");
            if (json_object_size(groups) > 1)
                rc = by_bars(w, groups, in->label_names[k]);
            if (!rc && json_object_size(fairness))
                rc = slice_bars(w, fairness, in->label_names[k]);
            out(w, "</div>");
        }
    }
    if (json_object_size(groups) > 1) {
        out(w, "\n<h2>Per ");
        esc(w, jstr(doc, "by") ? jstr(doc, "by") : "group");
        out(w, "</h2>");
        json_object_foreach((json_t *)groups, g, jg)
        {
            if (strcmp(g, "all"))
                summary_table(w, g, jg);
        }
    }
    if (!rc && json_is_object(suite))
        rc = suite_section(w, suite);
    if (!rc && json_is_object(cf))
        cf_section(w, cf);
    out(w, "\n</body></html>\n");
    mo__free(pts);
    return rc ? rc : w->rc;
}

int mo__eval_html_write(const char *path, const mo_eval_html_input *in, mo_diag *diag)
{
    mo_buf b = {0};
    int rc = mo__eval_html_render(in, &b);
    if (rc)
        rc = mo__diag_set(diag, rc, path, 0, NULL, "cannot render the HTML report");
    else
        rc = mo__file_write_atomic(path, b.ptr, b.len, diag);
    mo__buf_free(&b);
    return rc;
}
