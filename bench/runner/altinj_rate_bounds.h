/* The bounds a live workload must fit before anything is generated (run --help, README
 * "Running scenarios"): its arrivals must fit the pre-generated sequence, and its per-source
 * period must be longer than one clock read, or posts would pile up as one burst. */
#ifndef ALTINJ_RATE_BOUNDS_H
#define ALTINJ_RATE_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "altinj_tsc.h"
#include "altinj_workload.h"

/* The mean cost of one clock read (a back-to-back pair's minimum, altinj_tsc_clock's
 * read_overhead_cycles, can be a single cycle of pipelining; a poster pays the mean), in
 * cycles, measured over many reads. At least 1. */
double altinj_rate_clock_read_cycles(void);

/* Expected arrivals of wl over duration_s seconds (mean rate x duration, all sources; a
 * burst's mean is its in-burst rate x on / (on + off)). 0 for a trace (its file is the
 * bound). */
double altinj_rate_expected_events(const struct altinj_workload_spec *wl, double duration_s);

/* Refuses (returns -1 with the bound in err) a live workload whose expected arrivals exceed
 * max_events when bounded by duration (events_given false), or whose per-source period is
 * shorter than read_cycles on a clock of hz. */
int altinj_rate_check(const struct altinj_workload_spec *wl, double duration_s, bool events_given,
                      uint64_t max_events, uint64_t hz, double read_cycles, char *err,
                      size_t errlen);

#endif
