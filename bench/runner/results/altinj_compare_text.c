#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_compare_out.h"

enum { CELL = 128 };

/* A figure with about four significant digits and never an exponent for the ranges these
 * metrics take (tenths of a microsecond to millions of switches), so columns line up. */
static void fmt_num(char *out, size_t len, double x)
{
    const double a = fabs(x);
    if (isnan(x))
        snprintf(out, len, "-");
    else if (a >= 1000 || a == 0)
        snprintf(out, len, "%.0f", x);
    else if (a >= 100)
        snprintf(out, len, "%.1f", x);
    else if (a >= 10)
        snprintf(out, len, "%.2f", x);
    else if (a >= 1)
        snprintf(out, len, "%.3f", x);
    else
        snprintf(out, len, "%.3g", x);
}

static void fmt_interval(char *out, size_t len, const struct altinj_interval *iv)
{
    char m[32], lo[32], hi[32];
    fmt_num(m, sizeof m, iv->median);
    if (iv->n <= 1) {
        snprintf(out, len, "%s", iv->n ? m : "-");
        return;
    }
    fmt_num(lo, sizeof lo, iv->lo);
    fmt_num(hi, sizeof hi, iv->hi);
    snprintf(out, len, "%s [%s, %s]", m, lo, hi);
}

/* One side in a line: where it came from, its modes, how many repetitions its runs have. */
static void describe_side(FILE *f, const char *label, const struct altinj_cmp_side *s,
                          const struct altinj_cmp_file *files)
{
    bool sim = false, live = false, older = false;
    size_t lo = (size_t)-1, hi = 0;
    for (size_t i = 0; i < s->n; i++) {
        sim |= strcmp(files[i].mode, "sim") == 0;
        live |= strcmp(files[i].mode, "sim") != 0;
        for (size_t k = 0; k < files[i].nruns; k++) {
            const struct altinj_cmp_run *run = &files[i].runs[k];
            older |= !run->with_repetitions;
            lo = run->repetitions < lo ? run->repetitions : lo;
            hi = run->repetitions > hi ? run->repetitions : hi;
        }
    }
    const char *modes = sim && live ? "sim and live" : sim ? "sim" : files[0].mode;
    if (s->folder)
        fprintf(f, "%s: %s (%zu points in %s): %s", label, s->arg, s->n, s->points_dir, modes);
    else
        fprintf(f, "%s: %s: %s", label, s->arg, modes);
    if (lo == hi)
        fprintf(f, ", %zu repetition%s per strategy", lo, lo == 1 ? "" : "s");
    else
        fprintf(f, ", %zu-%zu repetitions per strategy", lo, hi);
    if (older)
        fputs(" (older result format without repetitions: counts as 1)", f);
    fputc('\n', f);
}

/* Whether two files agree on what describe_setup prints (the mode is on the side lines). */
static bool same_setup(const struct altinj_cmp_file *a, const struct altinj_cmp_file *b)
{
    return strcmp(a->workload, b->workload) == 0 && strcmp(a->costs, b->costs) == 0 &&
           strcmp(a->premise, b->premise) == 0 && strcmp(a->softint, b->softint) == 0 &&
           strcmp(a->faults, b->faults) == 0;
}

static void describe_setup(FILE *f, const char *label, const struct altinj_cmp_file *file)
{
    fprintf(f, "%s: workload %s; costs %s; busy premise %s; softint copy %s; faults %s\n", label,
            file->workload, file->costs, file->premise, file->softint, file->faults);
}

/* "point/strategy N" for every strategy with disturbed repetitions left out. */
static void describe_disturbed(FILE *f, const char *label, const struct altinj_cmp_side *s,
                               const struct altinj_cmp_file *files)
{
    fprintf(f, " %s:", label);
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < files[i].nruns; k++) {
            const struct altinj_cmp_run *run = &files[i].runs[k];
            if (!run->disturbed)
                continue;
            fprintf(f, "%s %s%s%s %zu", total ? "," : "", s->folder ? s->names[i] : "",
                    s->folder ? "/" : "", run->strategy, run->disturbed);
            total += run->disturbed;
        }
    fputs(total ? "" : " none", f);
}

static int put_table(FILE *f, const struct altinj_cmp_report *r)
{
    static const char *const head[] = { "point", "strategy", "metric", "A median [95% CI]",
                                        "B median [95% CI]", "n A/B", "change", "p (Holm)",
                                        "verdict" };
    enum { NCOL = sizeof head / sizeof head[0] };
    /* Right-aligned: the columns whose figures are compared by eye down the table. */
    static const bool right[NCOL] = { [5] = true, [6] = true, [7] = true };
    const struct altinj_cmp_table *t = r->t;
    const size_t first = r->a->folder ? 0 : 1; /* two files: no point column */
    char(*cells)[NCOL][CELL] = calloc(t->n + 1, sizeof *cells);
    if (!cells)
        return -1;
    for (size_t c = 0; c < NCOL; c++)
        snprintf(cells[0][c], CELL, "%s", head[c]);
    for (size_t i = 0; i < t->n; i++) {
        const struct altinj_cmp_row *row = &t->rows[i];
        char(*c)[CELL] = cells[i + 1];
        snprintf(c[0], CELL, "%s", row->point ? row->point : "");
        snprintf(c[1], CELL, "%s", row->strategy);
        snprintf(c[2], CELL, "%s", altinj_cmp_metrics[row->metric].name);
        fmt_interval(c[3], CELL, &row->a);
        fmt_interval(c[4], CELL, &row->b);
        snprintf(c[5], CELL, "%zu/%zu", row->a.n, row->b.n);
        if (isnan(row->change_pct))
            snprintf(c[6], CELL, "-");
        else
            snprintf(c[6], CELL, "%+.1f%%", row->change_pct);
        if (row->tested)
            snprintf(c[7], CELL, "%.3g", row->p_holm);
        else
            snprintf(c[7], CELL, "-");
        snprintf(c[8], CELL, "%s", altinj_cmp_verdict_text(row->verdict));
    }
    size_t width[NCOL] = { 0 };
    for (size_t i = 0; i <= t->n; i++)
        for (size_t c = first; c < NCOL; c++) {
            const size_t w = strlen(cells[i][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t i = 0; i <= t->n; i++) {
        for (size_t c = first; c < NCOL; c++) {
            const int w = (int)width[c];
            if (c + 1 == NCOL)
                fprintf(f, "%s\n", cells[i][c]); /* no trailing blanks */
            else
                fprintf(f, right[c] ? "%*s  " : "%-*s  ", w, cells[i][c]);
        }
    }
    free(cells);
    return 0;
}

int altinj_cmp_write_text(FILE *f, const struct altinj_cmp_report *r)
{
    const struct altinj_cmp_table *t = r->t;
    describe_side(f, "A", r->a, r->fa);
    describe_side(f, "B", r->b, r->fb);
    if (!r->a->folder) {
        /* Two files: what they measured, once when it is the same (a folder's points each
         * have their own, and the point names say it). */
        if (same_setup(&r->fa[0], &r->fb[0])) {
            describe_setup(f, "both", &r->fa[0]);
        } else {
            describe_setup(f, "A", &r->fa[0]);
            describe_setup(f, "B", &r->fb[0]);
        }
    }
    fputc('\n', f);
    if (t->n && put_table(f, r) != 0)
        return -1;
    if (!t->n)
        fputs("no strategy is in both A and B: nothing to compare\n", f);
    fputc('\n', f);
    if (t->ntests)
        fprintf(f,
                "p: two-sided Mann-Whitney U over the kept repetitions, Holm-adjusted over the "
                "%zu test%s above; significant at p < %g\n",
                t->ntests, t->ntests == 1 ? "" : "s", ALTINJ_STATS_ALPHA);
    else
        fputs("p: no test possible (a test needs 2 or more kept repetitions on each side)\n",
              f);
    fputs("median [95% CI]: median of the kept repetitions and its bootstrap 95 % interval; "
          "change: (B - A) / A\n",
          f);
    fputs("disturbed repetitions left out:", f);
    describe_disturbed(f, "A", r->a, r->fa);
    fputc(';', f);
    describe_disturbed(f, "B", r->b, r->fb);
    fputc('\n', f);
    for (size_t i = 0; i < t->nonly; i++) {
        const struct altinj_cmp_only *o = &t->only[i];
        fprintf(f, "only in %s: ", o->in_a ? "A" : "B");
        if (o->strategy && o->point)
            fprintf(f, "point %s, strategy %s\n", o->point, o->strategy);
        else if (o->strategy)
            fprintf(f, "strategy %s\n", o->strategy);
        else
            fprintf(f, "point %s\n", o->point);
    }
    return ferror(f) ? -1 : 0;
}
