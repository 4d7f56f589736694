/* `run` with a kvmexit workload: the engine set-up the trace decides, and what the outputs say
 * about it. */
#ifndef ALTINJ_RUN_KVMEXIT_H
#define ALTINJ_RUN_KVMEXIT_H

#include <stddef.h>

#include "altinj_run_cli.h"
#include "altinj_run_meta.h"
#include "altinj_workload.h"

/*
 * For a kvmexit spec (nothing for other kinds, returns 0): live runs replay one trace vCPU, so
 * more than one selected is an error naming vcpus=; sim runs one simulated vCPU per selected
 * trace vCPU, route rr: --vcpus is set to that count when not given and must equal it when
 * given, and a --route other than rr is an error. Fills meta's kvmexit fields and its note
 * ("trace has no intr_info: busy= 0.05 used instead"). Returns 0, or -1 with one line in err
 * (exit 2).
 */
int altinj_run_kvmexit_setup(struct altinj_run_opts *o, const struct altinj_workload_spec *wl,
                             struct altinj_run_meta *meta, char *err, size_t errlen);

#endif
