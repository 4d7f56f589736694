/*
 * Checked field access for the merge subcommand: every getter names the file and the field
 * path in its error, so a bad input is reported as one line a user can act on
 * ("results/x.json: runs[2].latency_ns.p99: missing or not a number").
 *
 * The first failure is kept; later getters on a failed reader return a neutral value
 * (0, NaN, "") and do nothing, so callers read a whole record in straight-line code and
 * check `failed` once.
 */
#ifndef ALTINJ_MERGE_JSON_H
#define ALTINJ_MERGE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct altinj_mj {
    const char *file;
    char *err;
    size_t errlen;
    bool failed;
};

/* Loads path into *doc. Returns 0, or -1 with "PATH: why" in err. */
int altinj_mj_load(const char *path, json_t **doc, char *err, size_t errlen);

/* obj[key] as a number (integer or real). `where` prefixes the field in the error
 * ("runs[2]"); may be "". */
double altinj_mj_num(struct altinj_mj *r, json_t *obj, const char *where, const char *key);
/* Same, NaN without an error when the key is absent (optional fields). */
double altinj_mj_num_opt(json_t *obj, const char *key);
/* obj[key][sub] as a number; null (a statistic with no samples: latency_ns.p99 of a run that
 * delivered nothing) is NaN without an error. */
double altinj_mj_num2(struct altinj_mj *r, json_t *obj, const char *where, const char *key,
                      const char *sub);
/* obj[key][sub][sub2] as a number. */
double altinj_mj_num3(struct altinj_mj *r, json_t *obj, const char *where, const char *key,
                      const char *sub, const char *sub2);
/* obj[key] as a string; "" after a failure. */
const char *altinj_mj_str(struct altinj_mj *r, json_t *obj, const char *where, const char *key);
/* obj[key] as a string, or def when absent or not a string. */
const char *altinj_mj_str_opt(json_t *obj, const char *key, const char *def);
/* obj[key] as an array / object, NULL (and failed) otherwise. */
json_t *altinj_mj_array(struct altinj_mj *r, json_t *obj, const char *where, const char *key);
json_t *altinj_mj_object(struct altinj_mj *r, json_t *obj, const char *where, const char *key);

/* Writes s with tabs, newlines and carriage returns turned into spaces: table cells and
 * comment lines stay one line each. */
void altinj_mj_put_cell(FILE *f, const char *s);

#endif
