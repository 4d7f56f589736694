/* Single-valued options given twice: an error, never "the last one wins" (issue 11). */
#ifndef ALTINJ_CLI_ONCE_H
#define ALTINJ_CLI_ONCE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Marks option value c (a getopt_long result, 0 < c < nseen) as seen. Returns 0 the first
 * time; -1 the second, with "--NAME given twice (it takes one value)" in err (NAME from opts).
 * Values outside (0, nseen) and '?', ':' are left alone (0): getopt reports those itself. */
int altinj_cli_once(bool *seen, size_t nseen, int c, const struct option *opts, char *err,
                    size_t errlen);

#endif
