/* A one-line progress display on a terminal, for runs longer than a couple of seconds. Prints
 * nothing when stderr is not a terminal or the run is short, so logs and pipes stay clean. */
#ifndef ALTINJ_PROGRESS_H
#define ALTINJ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct altinj_progress {
    bool enabled;
    const char *label;
    const char *unit; /* what done/total count: "delivered" (default), set after begin */
    double started;
};

/* expected_s: how long the run should take; below 2 s the line is not shown. */
void altinj_progress_begin(struct altinj_progress *p, const char *label, double expected_s,
                           bool quiet);
/* Matches altinj_live_config.progress. */
void altinj_progress_update(void *ctx, uint64_t done, uint64_t total);
void altinj_progress_end(struct altinj_progress *p);

#endif
