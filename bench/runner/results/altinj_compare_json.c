#include <jansson.h>
#include <math.h>
#include <string.h>

#include "altinj_compare_out.h"

/* jansson refuses NaN and infinities; a figure that does not exist is null. */
static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *pair(double lo, double hi)
{
    json_t *a = json_array();
    if (a) {
        json_array_append_new(a, num(lo));
        json_array_append_new(a, num(hi));
    }
    return a;
}

static json_t *side_values(const struct altinj_interval *iv, size_t disturbed)
{
    return json_pack("{s:o, s:o, s:I, s:I}", "median", num(iv->median), "ci95",
                     pair(iv->lo, iv->hi), "n", (json_int_t)iv->n, "disturbed",
                     (json_int_t)disturbed);
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *row_json(const struct altinj_cmp_row *row)
{
    const char *direction = row->verdict == ALTINJ_CMP_B_LOWER    ? "lower"
                            : row->verdict == ALTINJ_CMP_B_HIGHER ? "higher"
                                                                  : "none";
    /* B - A with its interval: altinj_stats_compare's effect is A - B. */
    json_t *diff = row->tested ? json_pack("{s:o, s:o}", "median", num(-row->test.effect),
                                           "ci95", pair(-row->test.hi, -row->test.lo))
                               : json_null();
    return json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:o}", "point",
                     opt_str(row->point), "strategy", row->strategy, "metric",
                     altinj_cmp_metrics[row->metric].name, "a",
                     side_values(&row->a, row->a_disturbed), "b",
                     side_values(&row->b, row->b_disturbed), "change_pct", num(row->change_pct),
                     "p_value", row->tested ? num(row->test.p_value) : json_null(), "p_holm",
                     row->tested ? num(row->p_holm) : json_null(), "significant",
                     row->significant, "direction", direction, "verdict",
                     altinj_cmp_verdict_text(row->verdict), "difference", diff);
}

static json_t *input_json(const struct altinj_cmp_side *s, const struct altinj_cmp_file *files)
{
    json_t *modes = json_array();
    for (size_t i = 0; modes && i < s->n; i++) {
        bool seen = false;
        size_t k;
        json_t *m;
        json_array_foreach(modes, k, m)
            seen |= strcmp(json_string_value(m), files[i].mode) == 0;
        if (!seen)
            json_array_append_new(modes, json_string(files[i].mode));
    }
    return json_pack("{s:s, s:b, s:o, s:I, s:o}", "path", s->arg, "folder", s->folder,
                     "points_dir", opt_str(s->points_dir), "files", (json_int_t)s->n, "modes",
                     modes);
}

static json_t *report_json(const struct altinj_cmp_report *r)
{
    const struct altinj_cmp_table *t = r->t;
    json_t *rows = json_array(), *only = json_array(), *warnings = json_array();
    for (size_t i = 0; rows && i < t->n; i++)
        if (json_array_append_new(rows, row_json(&t->rows[i])) != 0)
            goto fail;
    for (size_t i = 0; only && i < t->nonly; i++) {
        const struct altinj_cmp_only *o = &t->only[i];
        if (json_array_append_new(only, json_pack("{s:o, s:o, s:s}", "point", opt_str(o->point),
                                                  "strategy", opt_str(o->strategy), "side",
                                                  o->in_a ? "a" : "b")) != 0)
            goto fail;
    }
    for (size_t i = 0; warnings && i < r->nwarnings; i++)
        if (json_array_append_new(warnings, json_string(r->warnings[i])) != 0)
            goto fail;
    if (!rows || !only || !warnings)
        goto fail;
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o}, s:s, s:I, s:f, s:o, s:o, s:o}", "tool",
                     "altinj-bench", "command", "compare", "a", r->a->arg, "b", r->b->arg,
                     "inputs", "a", input_json(r->a, r->fa), "b", input_json(r->b, r->fb),
                     "test", "two-sided Mann-Whitney U, Holm-adjusted over the rows' tests",
                     "tests", (json_int_t)t->ntests, "alpha", ALTINJ_STATS_ALPHA, "warnings",
                     warnings, "only", only, "rows", rows);
fail:
    json_decref(rows);
    json_decref(only);
    json_decref(warnings);
    return NULL;
}

int altinj_cmp_write_json(FILE *f, const struct altinj_cmp_report *r)
{
    json_t *doc = report_json(r);
    if (!doc)
        return -1;
    const int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                          JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (rc != 0 || fputc('\n', f) == EOF)
        return -1;
    return ferror(f) ? -1 : 0;
}
