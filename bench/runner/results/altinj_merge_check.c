#include "altinj_merge_check.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "altinj_path_short.h"
#include "altinj_strategy.h"

/* A count: a JSON integer >= 0 (a real with an integral value is accepted, as older files
 * and other writers may print one). */
static int count(const char *file, const char *where, json_t *run, const char *key,
                 double *v, char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    json_t *j = json_object_get(run, key);
    *v = json_number_value(j);
    if (!json_is_number(j) || !(*v >= 0) || *v != floor(*v) || *v > 9007199254740992.0) {
        snprintf(err, errlen, "%s: %s.%s: must be a non-negative integer", 
                 altinj_path_short(file, s, sizeof s), where, key);
        return -1;
    }
    return 0;
}

int altinj_merge_check_run(const char *file, const char *where, json_t *run, char *err,
                           size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    const char *f = altinj_path_short(file, s, sizeof s);
    double events, delivered, lost, dup;
    if (count(file, where, run, "events", &events, err, errlen) ||
        count(file, where, run, "delivered", &delivered, err, errlen) ||
        count(file, where, run, "lost", &lost, err, errlen) ||
        count(file, where, run, "duplicated", &dup, err, errlen))
        return -1;
    if (delivered > events || lost > events) {
        snprintf(err, errlen, "%s: %s.%s: %.0f is more than the %.0f events posted", f, where,
                 delivered > events ? "delivered" : "lost", delivered > events ? delivered : lost,
                 events);
        return -1;
    }
    const char *name = json_string_value(json_object_get(run, "strategy"));
    if (!name || !altinj_strategy_find(name)) {
        snprintf(err, errlen, "%s: %s.strategy: unknown strategy '%.64s' (see altinj-bench run "
                 "--help)", f, where, name ? name : "");
        return -1;
    }
    if (json_is_true(json_object_get(run, "exactly_once"))) {
        const char *why = lost > 0   ? "lost"
                          : dup > 0 ? "duplicated"
                          : json_is_true(json_object_get(run, "fatal")) ? "fatal"
                          : json_is_true(json_object_get(run, "stalled")) ? "stalled"
                                                                          : NULL;
        if (why) {
            snprintf(err, errlen, "%s: %s.exactly_once: true, but %s is %s", f, where, why,
                     lost > 0 || dup > 0 ? "not 0" : "true");
            return -1;
        }
    }
    return 0;
}

int altinj_merge_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int altinj_merge_check_out(const char *out, char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    const size_t n = strlen(out);
    int looks_json = n >= 5 && strcmp(out + n - 5, ".json") == 0;
    struct stat st;
    if (!looks_json && stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
        FILE *f = fopen(out, "rb");
        int c = EOF;
        if (f) {
            while ((c = fgetc(f)) != EOF && isspace(c))
                ;
            fclose(f);
        }
        looks_json = c == '{';
    }
    if (looks_json) {
        snprintf(err, errlen, "OUT.tsv %s looks like a JSON result: the first argument is the "
                 "table to write (did you forget it?)", altinj_path_short(out, s, sizeof s));
        return -1;
    }
    return 0;
}
