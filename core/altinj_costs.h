/*
 * Cost profiles: how many nanoseconds the model spends (busy-waiting, see
 * altinj_tsc_spend) for each world switch the simulated hardware would perform.
 *
 * Built-in profiles:
 * - "zero": every cost 0, so only the real software path (flag handling, atomics, cache
 *   traffic) is measured.
 * - "snp": published figures (/work/shared/DOMAIN.md section 6), each with its source;
 *   where no figure exists the source string says ASSUMPTION. core/profiles/snp.conf
 *   holds the same figures in the file format below, to copy and edit.
 *
 * The cycle-denominated sources (kvm-unit-tests) are converted at the reference
 * frequency ALTINJ_COSTS_SNP_REF_GHZ. The sources do not state their clock; 3.0 GHz is
 * an ASSUMPTION (a typical EPYC all-core clock). Figures:
 *   vmrun         3200 cycles / 3.0 GHz                       = 1066.667 ns
 *   vmexit        3000 cycles / 3.0 GHz                       = 1000.000 ns
 *   vmrun_busy    ASSUMPTION vmrun + vmexit, 6200 cycles      = 2066.667 ns
 *   vmpl_switch   midpoint of 3.55-3.89 us (CVM_eval)         = 3720.000 ns
 *   doorbell_kick 115 ns cache line + ASSUMPTION 1000 ns IPI  = 1115.000 ns
 * (justifications next to the table in altinj_costs.c).
 *
 * File format (UTF-8/ASCII text, one setting per line):
 *   # comment; '#' also ends a line's setting, and that trailing comment becomes part of
 *   # the figure's source string
 *   name = my-profile        optional; [A-Za-z0-9_.+-], 1..63 chars, not "zero"/"snp";
 *                            default: the file path
 *   inherit = snp | zero     optional; keys not given take the built-in's figures
 *   vmrun_ns = 1066.667      one per cost kind: vmrun_ns, vmexit_ns, vmrun_busy_ns,
 *   ...                      vmpl_switch_ns, doorbell_kick_ns; decimal, 0 .. 1e9 (1 s)
 * Without inherit every *_ns key is required. Errors (message "path:line: problem", or
 * "path: problem" when no line applies; non-zero return): unreadable file, line without
 * '=', unknown key, duplicate key, empty value, value that is not a decimal number,
 * trailing garbage, NaN, infinity, negative, > 1e9, out of double range, bad name, bad
 * inherit, missing keys.
 */
#ifndef ALTINJ_COSTS_H
#define ALTINJ_COSTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "altinj_cost_kind.h"

#define ALTINJ_COSTS_NAME_MAX   64
#define ALTINJ_COSTS_SOURCE_MAX 256
#define ALTINJ_COSTS_MAX_NS     1e9 /* a single world switch above 1 s is a typo */
#define ALTINJ_COSTS_SNP_REF_GHZ 3.0

struct altinj_cost_profile {
    char name[ALTINJ_COSTS_NAME_MAX];
    double ns[ALTINJ_COST__COUNT];                           /* 0 .. ALTINJ_COSTS_MAX_NS */
    char source[ALTINJ_COST__COUNT][ALTINJ_COSTS_SOURCE_MAX]; /* where each figure came from */
};

/* The built-in profile called name ("zero" or "snp"), or NULL. Immutable. */
const struct altinj_cost_profile *altinj_costs_builtin(const char *name);

/* "zero" and "snp" select the built-ins; anything else is a file path. Returns 0 and
 * fills *out, or -1 with a message in err (errlen bytes, NUL-terminated if errlen > 0);
 * *out is untouched on failure. */
int altinj_costs_load(const char *profile_or_path, struct altinj_cost_profile *out, char *err,
                      size_t errlen);

/* Prints the profile name and one line per kind: name, ns, source. 0, or -1 on a
 * write error. */
int altinj_costs_print(FILE *f, const struct altinj_cost_profile *p);

/* Converts each figure to TSC cycles, rounded to nearest: cycles = ns * tsc_hz / 1e9.
 * Returns -1 (out untouched) if tsc_hz is 0 or a figure is outside 0 .. 1e9 / NaN. */
int altinj_costs_to_cycles(const struct altinj_cost_profile *p, uint64_t tsc_hz,
                           uint64_t out[ALTINJ_COST__COUNT]);

#endif
