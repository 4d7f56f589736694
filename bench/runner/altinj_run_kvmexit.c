#include "altinj_run_kvmexit.h"

#include <stdio.h>

int altinj_run_kvmexit_setup(struct altinj_run_opts *o, const struct altinj_workload_spec *wl,
                             struct altinj_run_meta *meta, char *err, size_t errlen)
{
    if (wl->kind != ALTINJ_WL_KVMEXIT)
        return 0;
    const unsigned n = altinj_workload_sources(wl);
    if (o->mode == ALTINJ_RUN_MODE_LIVE && n > 1) {
        char ids[64];
        int used = 0;
        for (unsigned k = 0; k < n && used >= 0 && (size_t)used < sizeof ids; k++)
            used += snprintf(ids + used, sizeof ids - (size_t)used, "%s%d", k ? "," : "",
                             altinj_workload_source_cpu(wl, k));
        snprintf(err, errlen, "workload kvmexit: vcpus=: %u trace vCPUs selected (%s%s), and a "
                 "live run has one vCPU: select one (e.g. vcpus=%d) or use --mode sim", n, ids,
                 (size_t)used >= sizeof ids ? "..." : "", altinj_workload_source_cpu(wl, 0));
        return -1;
    }
    if (altinj_workload_trace_events(wl) == 0) {
        /* Plain exits alone deliver nothing: no strategy differs on an event. */
        snprintf(err, errlen, "workload kvmexit: no exit of the selected vCPUs posts or cuts an "
                 "event (no interrupt exit%s): nothing to deliver",
                 altinj_workload_kvmexit_counts(wl, &meta->kvmexit) && meta->kvmexit.intr_info
                     ? ", no intr_info V=1 exit"
                     : "");
        return -1;
    }
    if (o->mode == ALTINJ_RUN_MODE_SIM) {
        if (o->vcpus_given && o->vcpus != n) {
            snprintf(err, errlen, "--vcpus %u: the kvmexit trace selects %u vCPUs, each "
                     "replayed on its own simulated vCPU (drop --vcpus, or select %u with "
                     "vcpus=)", o->vcpus, n, o->vcpus);
            return -1;
        }
        if (o->route_given && o->route.kind != ALTINJ_SIM_ROUTE_RR) {
            snprintf(err, errlen, "--route: a kvmexit replay puts the k-th selected trace vCPU "
                     "on simulated vCPU k (route rr); drop --route");
            return -1;
        }
        o->vcpus = n;
        o->route = (struct altinj_sim_route){.kind = ALTINJ_SIM_ROUTE_RR};
    }
    meta->has_kvmexit = altinj_workload_kvmexit_counts(wl, &meta->kvmexit);
    meta->workload_note[0] = '\0';
    if (!meta->kvmexit.intr_info)
        snprintf(meta->workload_note, sizeof meta->workload_note,
                 "trace has no intr_info: busy= %g used instead", wl->busy);
    return 0;
}
