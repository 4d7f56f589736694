/* Strict number parsing for command-line values: the whole string must be the number, finite,
 * within range. On failure a message naming the option and the value goes into err. */
#ifndef ALTINJ_CLI_NUM_H
#define ALTINJ_CLI_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Decimal or 0x hex, never octal ("010" is ten). */
int altinj_cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max,
                         uint64_t *out, char *err, size_t errlen);
int altinj_cli_parse_double(const char *opt, const char *text, double min_exclusive, double max,
                            double *out, char *err, size_t errlen);

#endif
