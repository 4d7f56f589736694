/*
 * Whether two result files measured the same thing: a before/after comparison means
 * something only when the workload, the cost profile, the mode and the model's premises
 * (and the hostile-hypervisor faults) are the same on both sides; the seed may differ.
 */
#ifndef ALTINJ_COMPARE_MATCH_H
#define ALTINJ_COMPARE_MATCH_H

#include <stddef.h>

#include "altinj_compare_load.h"

/* Writes what differs into out ("workload (A 'x', B 'y'), mode (A sim, B live)"; "" when
 * nothing does) and returns how many of those fields differ. */
size_t altinj_cmp_differences(const struct altinj_cmp_file *a, const struct altinj_cmp_file *b,
                              char *out, size_t len);

#endif
