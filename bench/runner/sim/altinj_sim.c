#include "altinj_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_run_faults.h"
#include "altinj_sim_plan.h"
#include "altinj_sim_queue.h"

/* Progress is reported every this many posts. */
#define PROGRESS_EVERY (UINT64_C(1) << 20)

struct sim {
    const struct altinj_sim_config *cfg;
    struct altinj_sim_world world;
    /* The spec without seed=, for vCPUs whose streams must differ from vCPU 0's even when the
     * spec pins a seed (route all). A shallow copy: it shares the parsed trace and is never
     * freed itself. */
    struct altinj_workload_spec unpinned;
    struct altinj_sim_vcpu *vcpus;
    unsigned nvcpus;       /* initialised so far */
    struct altinj_sim_pages *pages; /* one VMSA and one doorbell page per vCPU, one block */
    struct altinj_sim_heap order; /* vCPUs by next event time */
};

void altinj_sim_describe(const struct altinj_sim_config *cfg, char *buf, size_t len)
{
    char route[32];
    int w = snprintf(buf, len, "simulated: %u vCPU%s, route %s, explore %s, virtual clock 1 GHz",
                     cfg->vcpus, cfg->vcpus == 1 ? "" : "s",
                     altinj_sim_route_name(&cfg->route, route, sizeof route),
                     cfg->explore ? "on" : "off");
    if (w > 0 && (size_t)w < len && cfg->workload->kind == ALTINJ_WL_KVMEXIT)
        snprintf(buf + w, len - (size_t)w, "; kvmexit: the k-th selected trace vCPU on vCPU k");
    else if (w > 0 && (size_t)w < len && cfg->workload->kind == ALTINJ_WL_IPI && cfg->vcpus > 1)
        snprintf(buf + w, len - (size_t)w, "; ipi source s of vCPU t is sent by vCPU %s",
                 cfg->route.kind == ALTINJ_SIM_ROUTE_RR ? "(s+1) mod N" : "(t+1+s) mod N");
}

/*
 * Creates the vCPUs and their streams: vCPU by vCPU, and within one vCPU the sources it receives
 * in source order (the order --events planning merges in). With --events the plan runs first,
 * on generators of its own that it frees, so its memory is reused by the vCPUs' rather than
 * added to it.
 */
static int setup_vcpus(struct sim *s, char *err, size_t errlen)
{
    const struct altinj_sim_config *cfg = s->cfg;
    const struct altinj_workload_spec *spec = cfg->workload;
    const unsigned nsrc = altinj_workload_sources(spec);
    const uint64_t effective = altinj_workload_seed(spec, cfg->seed);
    /* The workload's busy probability is the chance a re-delivery is cut again, when exploring:
     * a re-delivery is as exposed to a VMEXIT as the first one. A kvm_exit replay with
     * intr_info cuts nothing the trace does not: a host's re-delivery that was cut again is
     * already one of its V=1 exits, replayed as its own cut, so a re-cut would count it twice
     * and the replay's BUSY cases would no longer be the trace's. */
    double recut_p = spec->busy;
    struct altinj_kvmexit_counts kx;
    if (altinj_workload_kvmexit_counts(spec, &kx) && kx.intr_info)
        recut_p = 0.0;
    size_t total = 0;
    for (unsigned t = 0; t < cfg->vcpus; t++)
        for (unsigned src = 0; src < nsrc; src++)
            total += altinj_sim_route_posts(&cfg->route, cfg->vcpus, t, src);
    struct altinj_sim_source *desc = calloc(total ? total : 1, sizeof *desc);
    uint64_t *left = calloc(total ? total : 1, sizeof *left);
    uint32_t *per_vcpu = calloc(cfg->vcpus ? cfg->vcpus : 1, sizeof *per_vcpu);
    int rc = -1;
    if (!desc || !left || !per_vcpu)
        goto done;
    size_t i = 0;
    for (unsigned t = 0; t < cfg->vcpus; t++) {
        bool unpin;
        const uint64_t seed = altinj_sim_route_seed(&cfg->route, effective, t, &unpin);
        for (unsigned src = 0; src < nsrc; src++) {
            if (!altinj_sim_route_posts(&cfg->route, cfg->vcpus, t, src))
                continue;
            desc[i] = (struct altinj_sim_source){
                .spec = unpin ? &s->unpinned : spec, .source = src, .seed = seed};
            left[i++] = UINT64_MAX;
            per_vcpu[t]++;
        }
    }
    if (cfg->events) {
        uint64_t posted;
        if (altinj_sim_plan_counts(desc, total, cfg->events, UINT64_MAX, left, &posted) != 0)
            goto done;
    }
    i = 0;
    for (unsigned t = 0; t < cfg->vcpus; t++) {
        struct altinj_sim_vcpu *vc = &s->vcpus[t];
        s->nvcpus = t + 1;
        if (altinj_sim_vcpu_init(vc, &s->world, t, &s->pages[t], cfg->strategy, per_vcpu[t],
                                 cfg->seed, cfg->explore, recut_p) != 0)
            goto done;
        if (spec->has_exits) {
            /* Every vCPU's guest exits on its own, whatever the route: the seed route all gives
             * vCPU t (vCPU 0: the effective seed itself, as a live run draws them); a kvm_exit
             * replay's vCPU t makes trace vCPU t's plain exits. */
            const struct altinj_sim_route own = {.kind = ALTINJ_SIM_ROUTE_ALL};
            bool unpin;
            const uint64_t seed = altinj_sim_route_seed(&own, effective, t, &unpin);
            struct altinj_exits *ex =
                altinj_exits_create_vcpu(unpin ? &s->unpinned : spec, t, seed);
            if (!ex)
                goto done;
            altinj_sim_vcpu_set_exits(vc, ex);
        }
        for (uint32_t k = 0; k < per_vcpu[t]; k++, i++) {
            struct altinj_sim_stream *st = &vc->streams[k];
            st->gen = altinj_arrivals_create(desc[i].spec, desc[i].source, desc[i].seed);
            st->left = left[i];
            if (!st->gen)
                goto done;
        }
    }
    rc = 0;
done:
    free(desc);
    free(left);
    free(per_vcpu);
    if (rc != 0)
        snprintf(err, errlen, "out of memory for %u simulated vCPUs", cfg->vcpus);
    return rc;
}

static void finish(struct sim *s, struct altinj_run_result *out, struct altinj_sim_stats *stats)
{
    uint64_t last = 0;
    memset(&out->c, 0, sizeof out->c);
    for (unsigned i = 0; i < s->nvcpus; i++) {
        struct altinj_sim_vcpu *vc = &s->vcpus[i];
        /* First: a stolen event's reconciliation moves counters and the oracle. */
        altinj_sim_vcpu_finish_faults(vc, out);
        altinj_counters_add(&out->c, &vc->v.c);
        if (vc->fatal) {
            out->fatal = true;
            if (!out->fatal_reason)
                out->fatal_reason = vc->v.fatal_reason;
        }
        if (altinj_sim_vcpu_stuck(vc))
            out->stalled = true;
        if (vc->now > last)
            last = vc->now;
    }
    s->world.stats.exits = out->c.exits;
    const uint64_t lead = s->world.lead;
    out->vcpus = s->cfg->vcpus;
    out->exit_mix = s->cfg->workload->has_exits;
    out->posted = s->world.next_seq;
    out->verdict = altinj_oracle_verdict(&s->world.oracle, out->posted);
    out->clock_hz = ALTINJ_SIM_CLOCK_HZ;
    out->elapsed_s = last > lead ? (double)(last - lead) / (double)ALTINJ_SIM_CLOCK_HZ : 0.0;
    /* The JSON of a sim run must be a function of its inputs: no wall clock in it. */
    out->wall_s = 0.0;
    out->perf_json[0] = '\0';
    altinj_sim_describe(s->cfg, out->placement, sizeof out->placement);
    if (stats)
        *stats = s->world.stats;
}

static void run_loop(struct sim *s)
{
    const struct altinj_sim_config *cfg = s->cfg;
    uint64_t next_report = PROGRESS_EVERY;
    while (!altinj_sim_heap_empty(&s->order) && !s->world.out_of_memory) {
        const struct altinj_sim_heap_entry top = altinj_sim_heap_top(&s->order);
        struct altinj_sim_vcpu *vc = &s->vcpus[top.id];
        const uint64_t end = (top.time / ALTINJ_SIM_WINDOW_NS + 1) * ALTINJ_SIM_WINDOW_NS;
        altinj_sim_vcpu_run_until(vc, end);
        const uint64_t next = altinj_sim_vcpu_next_time(vc);
        if (next == UINT64_MAX)
            altinj_sim_heap_pop(&s->order);
        else
            altinj_sim_heap_retime_top(&s->order, next);
        if (s->world.next_seq >= ALTINJ_SIM_MAX_EVENTS)
            break;
        if (cfg->progress && s->world.next_seq >= next_report) {
            next_report = s->world.next_seq + PROGRESS_EVERY;
            /* Events posted of --events, or virtual time done of --duration: what the line
             * says it counts (altinj_sim_cmd.c labels it), never an estimate. */
            if (cfg->events)
                cfg->progress(cfg->progress_ctx, s->world.next_seq, cfg->events);
            else
                cfg->progress(cfg->progress_ctx,
                              top.time > s->world.lead ? top.time - s->world.lead : 0,
                              cfg->duration_ns);
        }
    }
    /* The last frame: where the run ended (100 % unless it stopped early). */
    if (cfg->progress)
        cfg->progress(cfg->progress_ctx, cfg->events ? s->world.next_seq : cfg->duration_ns,
                      cfg->events ? cfg->events : cfg->duration_ns);
}

enum altinj_sim_status altinj_sim_run(const struct altinj_sim_config *cfg,
                                      struct altinj_run_result *out,
                                      struct altinj_sim_stats *stats, char *err, size_t errlen)
{
    if (cfg->vcpus < 1 || cfg->vcpus > ALTINJ_SIM_MAX_VCPUS) {
        snprintf(err, errlen, "--vcpus: %u is out of range [1, %u]", cfg->vcpus,
                 ALTINJ_SIM_MAX_VCPUS);
        return ALTINJ_SIM_BAD_INPUT;
    }
    if (cfg->route.kind == ALTINJ_SIM_ROUTE_ONE && cfg->route.vcpu >= cfg->vcpus) {
        snprintf(err, errlen, "--route: vCPU %u does not exist (--vcpus %u)", cfg->route.vcpu,
                 cfg->vcpus);
        return ALTINJ_SIM_BAD_INPUT;
    }
    if (altinj_sim_route_check(&cfg->route, cfg->workload, cfg->vcpus, err, errlen) != 0)
        return ALTINJ_SIM_BAD_INPUT;
    if (cfg->workload->kind == ALTINJ_WL_KVMEXIT &&
        (cfg->vcpus != altinj_workload_sources(cfg->workload) ||
         cfg->route.kind != ALTINJ_SIM_ROUTE_RR)) {
        /* Trace vCPU k (the k-th selected) replays on simulated vCPU k, and only there. */
        snprintf(err, errlen, "kvmexit: the trace's %u selected vCPUs replay on as many "
                 "simulated vCPUs, route rr (got --vcpus %u%s)",
                 altinj_workload_sources(cfg->workload), cfg->vcpus,
                 cfg->route.kind != ALTINJ_SIM_ROUTE_RR ? ", another route" : "");
        return ALTINJ_SIM_BAD_INPUT;
    }
    if (cfg->events > ALTINJ_SIM_MAX_EVENTS) {
        snprintf(err, errlen, "--events: at most %llu in simulation",
                 (unsigned long long)ALTINJ_SIM_MAX_EVENTS);
        return ALTINJ_SIM_BAD_INPUT;
    }
    struct sim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return ALTINJ_SIM_NO_MEMORY;
    }
    s->cfg = cfg;
    s->unpinned = *cfg->workload;
    s->unpinned.has_seed = false;
    s->world.out = out;
    s->world.faults = altinj_run_faults_begin(out, cfg->faults) ? cfg->faults : NULL;
    s->world.workload = cfg->workload;
    s->world.seed = cfg->seed;
    s->world.model = cfg->model;
    s->world.lead = ALTINJ_SIM_LEAD_NS;
    s->world.until_ns = cfg->events ? UINT64_MAX : cfg->duration_ns;
    enum altinj_sim_status status = ALTINJ_SIM_NO_MEMORY;
    if (altinj_costs_to_cycles(cfg->costs, ALTINJ_SIM_CLOCK_HZ, s->world.cost) != 0) {
        snprintf(err, errlen, "cost profile '%s' does not fit the virtual clock", cfg->costs->name);
        status = ALTINJ_SIM_BAD_INPUT;
        goto done;
    }
    s->vcpus = calloc(cfg->vcpus, sizeof *s->vcpus);
    s->pages = aligned_alloc(ALTINJ_PAGE_SIZE, cfg->vcpus * sizeof *s->pages);
    if (!s->vcpus || !s->pages ||
        altinj_oracle_init(&s->world.oracle, cfg->events ? cfg->events : 1) != 0 ||
        altinj_sim_heap_init(&s->order, cfg->vcpus) != 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (setup_vcpus(s, err, errlen) != 0)
        goto done;
    for (unsigned i = 0; i < cfg->vcpus; i++) {
        if (altinj_sim_vcpu_start(&s->vcpus[i]) != 0)
            break;
        const uint64_t next = altinj_sim_vcpu_next_time(&s->vcpus[i]);
        if (next != UINT64_MAX)
            altinj_sim_heap_push(&s->order, next, i);
    }
    run_loop(s);
    if (s->world.out_of_memory) {
        snprintf(err, errlen, "out of memory after %llu events",
                 (unsigned long long)s->world.next_seq);
        goto done;
    }
    if (s->world.next_seq >= ALTINJ_SIM_MAX_EVENTS && !cfg->events) {
        snprintf(err, errlen,
                 "the workload posts more than %llu events: lower the rate, the duration or "
                 "the vCPUs, or use --events",
                 (unsigned long long)ALTINJ_SIM_MAX_EVENTS);
        status = ALTINJ_SIM_BAD_INPUT;
        goto done;
    }
    finish(s, out, stats);
    status = ALTINJ_SIM_OK;
done:
    for (unsigned i = 0; s->vcpus && i < s->nvcpus; i++)
        altinj_sim_vcpu_destroy(&s->vcpus[i]);
    free(s->vcpus);
    free(s->pages);
    altinj_sim_heap_destroy(&s->order);
    altinj_oracle_destroy(&s->world.oracle);
    free(s);
    return status;
}
