/* What merge asks of each run in a result file beyond the fields being there: a table row
 * must be a run this tool could have written, or one bad file would quietly skew a sweep. */
#ifndef ALTINJ_MERGE_CHECK_H
#define ALTINJ_MERGE_CHECK_H

#include <jansson.h>
#include <stddef.h>

/* Checks runs[i] (where: "runs[2]"): events, delivered, lost, duplicated are integers >= 0;
 * delivered and lost at most events; strategy is a row altinj-bench knows (a named row,
 * HV+SVSM or a mutant); exactly_once true only with nothing lost or duplicated, not fatal and
 * not stalled. Returns 0, or -1 with "FILE: runs[i].FIELD: why" in err. */
int altinj_merge_check_run(const char *file, const char *where, json_t *run, char *err,
                           size_t errlen);

/* Whether two input paths name one file (same device and inode). */
int altinj_merge_same_file(const char *a, const char *b);

/* Refuses an OUT.tsv that looks like a forgotten argument: a name ending in .json, or an
 * existing file whose first non-blank byte is '{'. Returns 0, or -1 with err set. */
int altinj_merge_check_out(const char *out, char *err, size_t errlen);

#endif
