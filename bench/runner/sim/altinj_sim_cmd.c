#include "altinj_sim_cmd.h"

#include <stdio.h>
#include <time.h>

#include "altinj_progress.h"
#include "altinj_sim.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int altinj_sim_command(const struct altinj_run_opts *o, const struct altinj_cost_profile *costs,
                       const struct altinj_workload_spec *wl, struct altinj_run_meta *meta,
                       struct altinj_run_result *runs, size_t *nruns, char *err, size_t errlen)
{
    meta->mode = "sim";
    meta->clock_hz = ALTINJ_SIM_CLOCK_HZ;
    meta->clock_read_overhead = 0;
    meta->ncpus = o->vcpus;
    snprintf(meta->host, sizeof meta->host, "simulation");
    snprintf(meta->cpu_model, sizeof meta->cpu_model, "virtual clock, 1 GHz");

    struct altinj_sim_config cfg = {
        .workload = wl,
        .costs = costs,
        .seed = o->seed,
        .vcpus = o->vcpus,
        .route = o->route,
        .explore = o->explore,
        .events = o->events,
        .duration_ns = (uint64_t)(o->duration_s * 1e9),
        .progress = altinj_progress_update,
        .faults = &o->faults,
        .model = o->model,
    };
    for (size_t i = 0; i < o->nstrategies; i++) {
        if (altinj_run_result_init(&runs[i], o->strategies[i]->name, "sim") != 0) {
            snprintf(err, errlen, "out of memory");
            return 1;
        }
        (*nruns)++;
        runs[i].row = o->strategies[i];
        struct altinj_progress prog;
        /* Shown only on a terminal, and only once a run has posted a million events. */
        altinj_progress_begin(&prog, o->strategies[i]->name, 2.0, o->quiet);
        prog.unit = o->events ? "events posted" : "ns of virtual time";
        cfg.strategy = o->strategies[i];
        cfg.progress_ctx = &prog;
        struct altinj_sim_stats st;
        const double t0 = wall_now();
        const enum altinj_sim_status rc = altinj_sim_run(&cfg, &runs[i], &st, err, errlen);
        const double wall = wall_now() - t0;
        altinj_progress_end(&prog);
        if (rc != ALTINJ_SIM_OK)
            return rc == ALTINJ_SIM_BAD_INPUT ? 2 : 1;
        if (runs[i].posted == 0) {
            snprintf(err, errlen, "the workload posts no event in %.6g s", o->duration_s);
            return 2;
        }
        if (!o->quiet) {
            uint64_t landed = 0;
            for (unsigned p = 0; p < ALTINJ_YIELD__COUNT; p++)
                landed += st.landed_at[p];
            fprintf(stderr,
                    "sim %-13s %llu events in %.2f s wall (%.1f M events/s); explored: %llu "
                    "writes moved inside a switch, %llu into an SVSM pass (%llu between "
                    "doorbell take and drain), %llu re-deliveries cut again\n",
                    o->strategies[i]->name, (unsigned long long)st.events, wall,
                    wall > 0 ? (double)st.events / wall / 1e6 : 0.0,
                    (unsigned long long)st.deferred, (unsigned long long)landed,
                    (unsigned long long)st.landed_at[ALTINJ_YIELD_DOORBELL_TAKEN],
                    (unsigned long long)st.recuts);
        }
    }
    return 0;
}
