/* `altinj-bench trace-stats`: the exit mix and the measured BUSY fraction of a kvm:kvm_exit
 * trace recorded on a KVM host (workloads/altinj_kvmexit.h reads it). */
#ifndef ALTINJ_TRACE_STATS_CMD_H
#define ALTINJ_TRACE_STATS_CMD_H

#include <stdio.h>

/* Returns the process exit status: 0 the statistics were printed (also when the trace's format
 * has no intr_info, which the output says), 1 writing the output failed, 2 bad usage or a bad
 * trace (one line naming the file, the line and the problem). */
int altinj_trace_stats_command(int argc, char **argv);
void altinj_trace_stats_usage(FILE *f);

#endif
