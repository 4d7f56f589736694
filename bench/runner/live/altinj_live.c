#include "altinj_live.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <immintrin.h>

#include "altinj_exit_codes.h"
#include "altinj_irq.h"
#include "altinj_perf.h"
#include "altinj_placement.h"
#include "altinj_run_faults.h"
#include "altinj_thread_usage.h"
#include "altinj_vcpu.h"

/* Per-source ring capacity: 64 Ki records (2 MiB) absorbs a long stall at 10M/s. */
#define RING_CAPACITY (UINT64_C(1) << 16)
#define LEDGER_CAPACITY (UINT32_C(1) << 16)
/* The vCPU reads the clock for its deadline once per this many world-loop steps. */
#define DEADLINE_EVERY 64u

struct live;

struct poster {
    struct live *live;
    unsigned index;
    int cpu;
    uint32_t *items;      /* indices into arrivals, time-ordered */
    size_t nitems;
    pthread_t thread;
    /* Written by this thread only, read after join. */
    uint64_t doorbell_writes, kicks, kicks_suppressed, ring_full_waits, late_posts;
    struct altinj_thread_usage_sample usage; /* from go to the last post */
    bool usage_ok;
    struct altinj_fault_poster fp;  /* hostile-hypervisor runs only (live->faults_on) */
};

struct live {
    const struct altinj_live_config *cfg;
    struct altinj_placement placement;
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    struct altinj_ring *rings;
    struct altinj_ring **ring_ptrs;
    struct altinj_oracle oracle;
    struct altinj_run_result *out;
    struct poster posters[64];
    uint64_t start_tsc;
    uint64_t last_intended_tsc;
    uint64_t drain_deadline;     /* last intended arrival + the drain timeout */
    uint64_t ns_per_cycle_q32;    /* ns = cycles * this >> 32 */
    uint64_t late_cycles;
    uint64_t stall_cycles;       /* records waiting this long with no kick: a stall */
    _Atomic bool pin_failed;     /* any thread's pinning was refused */
    uint64_t handled;            /* vCPU thread only */
    /* exits= (NULL: none): created before the threads start, then the vCPU thread's. */
    struct altinj_exits *exits;
    uint64_t exit_at;            /* TSC of the next exit; UINT64_MAX: none left */
    uint8_t exit_reason;
    uint64_t exits_end_ns;       /* exits at or past this are not taken */
    /* The vCPU thread's, from go to the end of its world loop; read after it is joined. */
    struct altinj_thread_usage_sample vcpu_usage;
    bool vcpu_usage_ok;
    /* Hostile hypervisor (altinj_faults.h): set up before the threads start; then the vCPU
     * thread's, read again after it is joined. Unused when faults_on is false. */
    bool faults_on;
    struct altinj_faults faults;

    alignas(64) _Atomic uint32_t kick;        /* the posters' IPI to the vCPU */
    alignas(64) _Atomic uint32_t posters_done;
    _Atomic uint32_t go;                      /* start barrier */
    _Atomic uint32_t abort_run;               /* the vCPU gave up: posters stop waiting */
    alignas(64) _Atomic uint64_t delivered;   /* progress, for the calling thread */
    _Atomic uint32_t vcpu_finished;
};

static inline uint64_t cycles_to_ns(const struct live *l, uint64_t cycles)
{
    return (uint64_t)(((unsigned __int128)cycles * l->ns_per_cycle_q32) >> 32);
}

static void relax(const struct live *l)
{
    if (l->placement.oversubscribed)
        sched_yield();
    else
        _mm_pause();
}

/* delay-kick: the poster holds its IPI back for `ns`, as the live poster waits for an arrival's
 * time (this poster's later posts wait behind it). */
static void hold_kick(const struct live *l, uint64_t ns)
{
    const uint64_t until = altinj_tsc_now() + altinj_ns_to_tsc(l->cfg->clock, ns);
    if (l->placement.oversubscribed) {
        while (altinj_tsc_now() < until)
            sched_yield();
    } else {
        altinj_tsc_spin_until(until);
    }
}

static bool aborted(const struct live *l)
{
    /* relaxed: a stop request; nothing is read through it. */
    return atomic_load_explicit(&l->abort_run, memory_order_relaxed) != 0;
}

/* Waits for the absolute time `until`; false if the run was stopped meanwhile. */
static bool wait_until(const struct live *l, uint64_t until)
{
    for (unsigned spins = 0; altinj_tsc_now() < until; spins++) {
        if ((spins & 255) == 0 && aborted(l))
            return false;
        relax(l);
    }
    return true;
}

static void wait_for_go(struct live *l)
{
    /* acquire: pairs with the release store of go in altinj_live_run, after which start_tsc
     * and every setup write are visible. */
    while (!atomic_load_explicit(&l->go, memory_order_acquire))
        relax(l);
}

static void *poster_main(void *arg)
{
    struct poster *p = arg;
    struct live *l = p->live;
    if (altinj_placement_pin_self(p->cpu) != 0)
        /* relaxed: only ever set to true; read after join. */
        atomic_store_explicit(&l->pin_failed, true, memory_order_relaxed);
    wait_for_go(l);
    struct altinj_thread_usage usage;
    altinj_thread_usage_begin(&usage);
    const struct altinj_live_config *cfg = l->cfg;
    for (size_t i = 0; i < p->nitems; i++) {
        const uint32_t seq = p->items[i];
        const struct altinj_arrival *a = &cfg->arrivals[seq];
        const uint64_t intended = l->start_tsc + altinj_ns_to_tsc(cfg->clock, a->t_ns);
        /* Open loop: wait for the absolute intended time, never for the system. */
        if (!wait_until(l, intended))
            break;
        struct altinj_irq irq;
        altinj_arrival_to_irq(a, seq, intended, &irq);
        struct altinj_ring *ring = &l->rings[a->source];
        bool stopped = false;
        while (!altinj_ring_push(ring, &irq)) {
            p->ring_full_waits++;
            if (aborted(l) || altinj_tsc_now() > l->drain_deadline) {
                stopped = true;
                break;
            }
            relax(l);
        }
        if (stopped)
            break;
        altinj_hvdb_post_irq(l->hvdb, ALTINJ_GUEST_VMPL, irq.vector);
        p->doorbell_writes++;
        /* The post has left: its record is in the ring, its vector in the doorbell page. Its
         * lateness is judged here, before its kick (the hold and the flight below delay the
         * IPI, not the post), at the instant the simulator judges it (post() in
         * altinj_sim_vcpu.c). A wait for a full ring above does make it late. */
        if (altinj_tsc_now() > intended + l->late_cycles)
            p->late_posts++;
        /* A hostile hypervisor's own doorbell writes, and how long it holds this kick back. */
        const uint64_t hold = l->faults_on ? altinj_fault_poster_after_post(&p->fp, l->hvdb) : 0;
        /* NoFurtherSignal: while an earlier #HV is pending, the SVSM will see this post too. */
        if (altinj_hvdb_signal(l->hvdb)) {
            if (hold)
                hold_kick(l, hold);
            /* The IPI's flight time, then the kick lands: hold + doorbell_kick after the post,
             * as in the simulator. This thread plays the IPI as well as the source, so it
             * spends the flight (and the hold) itself, and its next post cannot leave before
             * this kick has landed; a simulated source schedules the landing and goes on
             * posting on time. Where the two differ: a post due less than hold + doorbell_kick
             * after a kicked one leaves late here by what is left of the wait (counted in
             * late_posts when that is over 1 us: with snp's 1115 ns flight, when it was due
             * within 115 ns of the kicked post), and on time in the simulator. */
            if (cfg->cost_cycles[ALTINJ_COST_DOORBELL_KICK])
                altinj_tsc_spend(cfg->cost_cycles[ALTINJ_COST_DOORBELL_KICK]);
            /* release: pairs with the acquire exchange in vcpu_idle: the doorbell write above
             * is visible to the vCPU once it sees the kick. */
            atomic_store_explicit(&l->kick, 1, memory_order_release);
            p->kicks++;
        } else {
            p->kicks_suppressed++;
        }
    }
    p->usage_ok = altinj_thread_usage_end(&usage, &p->usage) == 0;
    /* release: pairs with the acquire load in vcpu_idle: all this poster's rings writes are
     * visible once its completion is. */
    atomic_fetch_add_explicit(&l->posters_done, 1, memory_order_release);
    return NULL;
}

/* ---- vCPU environment ---- */

static uint64_t env_now(void *ctx)
{
    (void)ctx;
    return altinj_tsc_now();
}

static void env_spend(void *ctx, enum altinj_cost_kind kind)
{
    const struct live *l = ctx;
    const uint64_t cycles = l->cfg->cost_cycles[kind];
    /* The zero profile measures only the software path: not even a clock read is added. */
    if (cycles)
        altinj_tsc_spend(cycles);
}

static void env_handler_entry(void *ctx, const struct altinj_delivery *d)
{
    struct live *l = ctx;
    const uint64_t now = d->now;
    altinj_hist_record(&l->out->latency_ns,
                       now > d->irq->intended ? cycles_to_ns(l, now - d->irq->intended) : 0);
    /* Once per interrupt: coalesced events share its cut and its re-delivery. */
    if (d->cuts > 0 && d->index == 0)
        altinj_hist_record(&l->out->busy_redelivery_ns,
                           now > d->first_cut ? cycles_to_ns(l, now - d->first_cut) : 0);
    const uint64_t n = ++l->handled;
    if ((n & 1023) == 0)
        /* relaxed: a progress figure, no data hangs on it. */
        atomic_store_explicit(&l->delivered, n, memory_order_relaxed);
}

/* Hostile-hypervisor runs only: the hypervisor forces a VMEXIT during a guest software event's
 * delivery (softint-exitintinfo); otherwise the rule a NULL delivery_cut gives (altinj_vcpu.h:
 * the event's own mark, first delivery only), so the workload's cuts are unchanged. */
static bool env_delivery_cut_faults(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct live *l = ctx;
    if (altinj_faults_force_cut(&l->faults, irq))
        return true;
    return cuts == 0 && irq->delivery_cut;
}

/* The next exits= exit into exit_at (vCPU thread; start_tsc is set before go). */
static void exit_fetch(struct live *l)
{
    struct altinj_exit_arrival e;
    if (!l->exits || !altinj_exits_next(l->exits, &e) || e.t_ns >= l->exits_end_ns) {
        l->exit_at = UINT64_MAX;
        return;
    }
    l->exit_at = l->start_tsc + altinj_ns_to_tsc(l->cfg->clock, e.t_ns);
    l->exit_reason = e.reason;
}

enum idle_end {
    IDLE_EXIT,      /* the guest's own exits= exit is due */
    IDLE_KICK,      /* a poster's IPI landed: the guest exits */
    IDLE_GUEST,     /* the guest does something by itself now (altinj_vcpu_guest_next) */
    IDLE_DONE,      /* everything posted and delivered */
    IDLE_STALLED,   /* past the drain deadline, or work waited with no kick coming */
};

static bool all_posted(struct live *l)
{
    /* acquire: pairs with the release fetch_add in poster_main. */
    return atomic_load_explicit(&l->posters_done, memory_order_acquire) == l->placement.nposters;
}

/* The guest runs (idles) until a kick or its own next action. Ends the run when everything
 * was delivered, or the drain deadline passed, or work has waited without a kick for longer
 * than the drain timeout (a lost wakeup: a stall, never a hang). */
static enum idle_end vcpu_idle(struct live *l, struct altinj_vcpu *v)
{
    const uint64_t idle_since = altinj_tsc_now();
    const uint64_t guest_at = altinj_vcpu_guest_next(v);
    for (unsigned spins = 0;; spins++) {
        /* acquire: pairs with the release store of kick in poster_main. */
        if (atomic_exchange_explicit(&l->kick, 0, memory_order_acquire))
            return IDLE_KICK;
        if ((spins & 63) == 0) {
            const uint64_t now = altinj_tsc_now();
            if (now >= guest_at)
                return IDLE_GUEST;
            if (now >= l->exit_at)
                return IDLE_EXIT;
            if (all_posted(l)) {
                /* relaxed: a hint only; a kick that lands later is taken by the exchange
                 * above on the next spin, or its work shows in altinj_vcpu_busy. */
                if (!altinj_vcpu_busy(v) && !atomic_load_explicit(&l->kick, memory_order_relaxed) &&
                    l->exit_at == UINT64_MAX)
                    return IDLE_DONE;
                if (now > l->drain_deadline)
                    return IDLE_STALLED;
            } else if ((spins & 0xFFFF) == 0 && now - idle_since > l->stall_cycles &&
                       altinj_vcpu_busy(v)) {
                return IDLE_STALLED;
            }
        }
        relax(l);
    }
}

/* The world loop; returns when the run is over, with out->fatal or out->stalled set if it did
 * not end by delivering everything. */
static void world_loop(struct live *l, struct altinj_vcpu *v)
{
    /* Past this, even a row whose world loop never idles is stopped (issue: a row that drops
     * a re-injected event can loop through exits forever). */
    const uint64_t hard_deadline = l->drain_deadline + l->stall_cycles / 8;
    enum altinj_step st = ALTINJ_STEP_EXITED;
    for (unsigned steps = 0;; steps++) {
        if ((steps % DEADLINE_EVERY) == 0 && altinj_tsc_now() > hard_deadline) {
            l->out->stalled = true;
            return;
        }
        if (st == ALTINJ_STEP_EXITED) {
            st = altinj_vcpu_enter(v);
            continue;
        }
        if (st == ALTINJ_STEP_FATAL) {
            l->out->fatal = true;
            l->out->fatal_reason = v->fatal_reason;
            return;
        }
        switch (vcpu_idle(l, v)) {
        case IDLE_EXIT: {
            const uint64_t code =
                altinj_exit_reason_code((enum altinj_exit_reason)l->exit_reason);
            exit_fetch(l);
            altinj_vcpu_exit(v, code);
            st = ALTINJ_STEP_EXITED;
            break;
        }
        case IDLE_KICK:
            altinj_vcpu_exit(v, ALTINJ_VMEXIT_INTR);
            st = ALTINJ_STEP_EXITED;
            break;
        case IDLE_GUEST:
            st = altinj_vcpu_guest_run(v);
            break;
        case IDLE_DONE:
            return;
        case IDLE_STALLED:
            l->out->stalled = true;
            return;
        }
    }
}

/* Hands the guest the events its own instructions raise, at their intended times. */
static int schedule_raises(struct live *l, struct altinj_vcpu *v)
{
    const struct altinj_live_config *cfg = l->cfg;
    for (size_t i = 0; i < cfg->count; i++) {
        const struct altinj_arrival *a = &cfg->arrivals[i];
        if (!altinj_arrival_guest_raised(a))
            continue;
        struct altinj_irq irq;
        altinj_arrival_to_irq(a, i, l->start_tsc + altinj_ns_to_tsc(cfg->clock, a->t_ns), &irq);
        if (altinj_vcpu_guest_schedule(v, &irq) != 0)
            return -1;
    }
    return 0;
}

static void *vcpu_main(void *arg)
{
    struct live *l = arg;
    if (altinj_placement_pin_self(l->placement.vcpu_cpu) != 0)
        /* relaxed: as in poster_main. */
        atomic_store_explicit(&l->pin_failed, true, memory_order_relaxed);
    /* A fault-free run keeps delivery_cut NULL and v.faults NULL: no fault code runs. */
    struct altinj_vcpu_config vc = {
        .strategy = l->faults_on ? altinj_faults_strategy(&l->faults) : l->cfg->strategy,
        .vmsa = l->vmsa,
        .hvdb = l->hvdb,
        .sources = l->ring_ptrs,
        .nsources = l->cfg->nsources,
        .oracle = &l->oracle,
        .env = {.ctx = l, .now = env_now, .spend = env_spend, .handler_entry = env_handler_entry,
                .delivery_cut = l->faults_on ? env_delivery_cut_faults : NULL},
        .ledger_capacity = LEDGER_CAPACITY,
        .model = l->cfg->model,
    };
    /* Without a spec the guest never masks interrupts. */
    if (l->cfg->workload)
        altinj_workload_guest(l->cfg->workload, l->cfg->seed, 0, l->cfg->clock->hz, &vc.guest);
    struct altinj_vcpu v;
    if (altinj_vcpu_init(&v, &vc) != 0) {
        l->out->fatal = true;
        l->out->fatal_reason = "out of memory for the vCPU";
        atomic_store_explicit(&l->abort_run, 1, memory_order_relaxed);
        atomic_store_explicit(&l->vcpu_finished, 1, memory_order_release);
        return NULL;
    }
    if (l->faults_on)
        altinj_faults_attach(&l->faults, &v);
    /* Counters over this thread only (the vCPU's physical CPU), opened before the start so the
     * open itself is not counted. A counter this machine lacks stays unavailable, never 0. */
    struct altinj_perf perf;
    const bool perf_ok = altinj_perf_open(&perf, 0) > 0;
    wait_for_go(l);
    struct altinj_thread_usage usage;
    altinj_thread_usage_begin(&usage);
    if (schedule_raises(l, &v) != 0) {
        l->out->fatal = true;
        l->out->fatal_reason = "out of memory for the guest's own events";
    } else {
        if (perf_ok)
            altinj_perf_start(&perf);
        exit_fetch(l);
        world_loop(l, &v);
    }
    l->vcpu_usage_ok = altinj_thread_usage_end(&usage, &l->vcpu_usage) == 0;
    /* relaxed: a stop request the posters poll; they end at once instead of at their times. */
    atomic_store_explicit(&l->abort_run, 1, memory_order_relaxed);
    if (perf_ok) {
        altinj_perf_stop(&perf);
        struct altinj_perf_sample sample;
        if (altinj_perf_read(&perf, &sample) == 0 &&
            altinj_perf_json(&sample, l->out->perf_json, sizeof l->out->perf_json) >=
                (int)sizeof l->out->perf_json)
            l->out->perf_json[0] = '\0'; /* truncated JSON would be wrong JSON: leave it out */
        altinj_perf_close(&perf);
    }
    l->out->elapsed_s = (double)(altinj_tsc_now() - l->start_tsc) / (double)l->cfg->clock->hz;
    /* An event a second CPU's VMRUN took out of EVENTINJ was delivered there: into the books
     * before the verdict (altinj_faults.h). */
    if (l->faults_on)
        altinj_faults_reconcile(&v);
    l->out->c = v.c;
    altinj_vcpu_destroy(&v);
    /* release: pairs with the acquire load in altinj_live_run's progress loop. */
    atomic_store_explicit(&l->vcpu_finished, 1, memory_order_release);
    return NULL;
}

/* ---- setup ---- */

static int assign_items(struct live *l, char *err, size_t errlen)
{
    const struct altinj_live_config *cfg = l->cfg;
    size_t counts[64] = {0};
    const unsigned np = l->placement.nposters;
    for (size_t i = 0; i < cfg->count; i++)
        if (!altinj_arrival_guest_raised(&cfg->arrivals[i]))
            counts[cfg->arrivals[i].source % np]++;
    for (unsigned p = 0; p < np; p++) {
        l->posters[p] = (struct poster){.live = l, .index = p, .cpu = l->placement.poster_cpu[p]};
        l->posters[p].items = malloc((counts[p] ? counts[p] : 1) * sizeof(uint32_t));
        if (!l->posters[p].items) {
            snprintf(err, errlen, "out of memory for %zu arrivals", cfg->count);
            return -1;
        }
    }
    for (size_t i = 0; i < cfg->count; i++) {
        if (altinj_arrival_guest_raised(&cfg->arrivals[i]))
            continue; /* the vCPU's guest raises it (schedule_raises) */
        struct poster *p = &l->posters[cfg->arrivals[i].source % np];
        p->items[p->nitems++] = (uint32_t)i;
    }
    return 0;
}

static void teardown(struct live *l)
{
    altinj_exits_destroy(l->exits);
    for (unsigned p = 0; p < l->placement.nposters; p++)
        free(l->posters[p].items);
    if (l->rings)
        for (unsigned s = 0; s < l->cfg->nsources; s++)
            altinj_ring_destroy(&l->rings[s]);
    free(l->rings);
    free(l->ring_ptrs);
    altinj_oracle_destroy(&l->oracle);
    altinj_hvdb_free(l->hvdb);
    altinj_vmsa_free(l->vmsa);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int altinj_live_run(const struct altinj_live_config *cfg, struct altinj_run_result *out,
                    char *err, size_t errlen)
{
    if (cfg->count > UINT32_MAX) {
        snprintf(err, errlen, "%zu events is more than a live run can index (%u)", cfg->count,
                 UINT32_MAX);
        return -1;
    }
    struct live *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->cfg = cfg;
    l->out = out;
    l->exit_at = UINT64_MAX;
    if (cfg->workload && cfg->workload->kind == ALTINJ_WL_KVMEXIT && cfg->nsources != 1) {
        snprintf(err, errlen, "kvmexit: a live run replays one trace vCPU (got %u)",
                 cfg->nsources);
        free(l);
        return -1;
    }
    if (cfg->workload && cfg->workload->has_exits) {
        /* A kvm_exit replay: the one selected trace vCPU's plain exits. */
        l->exits = altinj_exits_create_vcpu(cfg->workload, 0, cfg->seed);
        if (!l->exits) {
            snprintf(err, errlen, "out of memory");
            free(l);
            return -1;
        }
        l->exits_end_ns = cfg->exits_until_ns
                              ? cfg->exits_until_ns
                              : (cfg->count ? cfg->arrivals[cfg->count - 1].t_ns + 1 : 0);
        out->exit_mix = true;
    }
    altinj_placement_plan(&l->placement, cfg->nsources);
    l->ns_per_cycle_q32 = (uint64_t)(((unsigned __int128)1000000000u << 32) / cfg->clock->hz);
    l->late_cycles = altinj_ns_to_tsc(cfg->clock, 1000);
    l->stall_cycles = altinj_ns_to_tsc(cfg->clock, (uint64_t)(cfg->drain_timeout_s * 1e9));
    l->vmsa = altinj_vmsa_alloc();
    l->hvdb = altinj_hvdb_alloc();
    l->rings = calloc(cfg->nsources, sizeof *l->rings);
    l->ring_ptrs = calloc(cfg->nsources, sizeof *l->ring_ptrs);
    int rc = -1;
    if (!l->vmsa || !l->hvdb || !l->rings || !l->ring_ptrs ||
        altinj_oracle_init(&l->oracle, cfg->count) != 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (unsigned s = 0; s < cfg->nsources; s++) {
        if (altinj_ring_init(&l->rings[s], RING_CAPACITY) != 0) {
            snprintf(err, errlen, "out of memory for source rings");
            goto done;
        }
        l->ring_ptrs[s] = &l->rings[s];
    }
    if (assign_items(l, err, errlen) != 0)
        goto done;
    l->faults_on = altinj_run_faults_begin(out, cfg->faults);
    if (l->faults_on) {
        altinj_faults_init(&l->faults, cfg->faults, cfg->strategy, cfg->seed);
        for (unsigned p = 0; p < l->placement.nposters; p++)
            altinj_fault_poster_init(&l->posters[p].fp, &l->faults.spec, cfg->seed, p);
    }

    pthread_t vcpu;
    if (pthread_create(&vcpu, NULL, vcpu_main, l) != 0) {
        snprintf(err, errlen, "cannot start the vCPU thread: %s", strerror(errno));
        goto done;
    }
    unsigned started = 0;
    for (; started < l->placement.nposters; started++)
        if (pthread_create(&l->posters[started].thread, NULL, poster_main,
                           &l->posters[started]) != 0)
            break;
    /* Give the threads time to pin themselves before the clock starts. */
    struct timespec settle = {.tv_nsec = 20 * 1000 * 1000};
    nanosleep(&settle, NULL);
    const double wall0 = wall_now();
    l->start_tsc = altinj_tsc_now() + altinj_ns_to_tsc(cfg->clock, 1000000);
    l->last_intended_tsc =
        l->start_tsc + (cfg->count ? altinj_ns_to_tsc(cfg->clock, cfg->arrivals[cfg->count - 1].t_ns)
                                   : 0);
    /* The run lasts until its last exits= exit too. */
    if (l->exits) {
        const uint64_t exits_end = l->start_tsc + altinj_ns_to_tsc(cfg->clock, l->exits_end_ns);
        if (exits_end > l->last_intended_tsc)
            l->last_intended_tsc = exits_end;
    }
    l->drain_deadline = l->last_intended_tsc + l->stall_cycles;
    if (started < l->placement.nposters) {
        /* Posters that never started never finish: count them done so the vCPU stops. */
        atomic_store_explicit(&l->posters_done, l->placement.nposters - started,
                              memory_order_relaxed);
        out->fatal = true;
    }
    /* release: pairs with the acquire load in wait_for_go. */
    atomic_store_explicit(&l->go, 1, memory_order_release);

    double next_report = wall0 + 0.25;
    /* acquire: pairs with the release store of vcpu_finished in vcpu_main. */
    while (!atomic_load_explicit(&l->vcpu_finished, memory_order_acquire)) {
        struct timespec nap = {.tv_nsec = 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
        if (cfg->progress && wall_now() >= next_report) {
            next_report += 0.25;
            cfg->progress(cfg->progress_ctx,
                          atomic_load_explicit(&l->delivered, memory_order_relaxed), cfg->count);
        }
    }
    pthread_join(vcpu, NULL);
    if (cfg->progress) /* the last frame: what was delivered in the end */
        cfg->progress(cfg->progress_ctx,
                      atomic_load_explicit(&l->delivered, memory_order_relaxed), cfg->count);
    /* Valid only when every thread of the run was measured: a share missing from the minimum
     * would hide the disturbance it was there to show. */
    bool usage_ok = l->vcpu_usage_ok && started == l->placement.nposters;
    out->vcpu_cpu_share = l->vcpu_usage.cpu_share;
    out->vcpu_nivcsw = l->vcpu_usage.nivcsw;
    for (unsigned p = 0; p < started; p++) {
        pthread_join(l->posters[p].thread, NULL);
        usage_ok = usage_ok && l->posters[p].usage_ok;
        if (p == 0 || l->posters[p].usage.cpu_share < out->poster_cpu_share_min)
            out->poster_cpu_share_min = l->posters[p].usage.cpu_share;
        out->poster_nivcsw += l->posters[p].usage.nivcsw;
        out->poster_doorbell_writes += l->posters[p].doorbell_writes;
        out->kicks += l->posters[p].kicks;
        out->kicks_suppressed += l->posters[p].kicks_suppressed;
        out->ring_full_waits += l->posters[p].ring_full_waits;
        out->late_posts += l->posters[p].late_posts;
        if (l->faults_on)
            altinj_run_faults_add_poster(out, &l->posters[p].fp);
    }
    out->usage_valid = usage_ok;
    if (!usage_ok) {
        out->vcpu_cpu_share = out->poster_cpu_share_min = 0.0;
        out->vcpu_nivcsw = out->poster_nivcsw = 0;
    }
    if (l->faults_on)
        altinj_run_faults_add_vcpu(out, &l->faults);
    out->wall_s = wall_now() - wall0;
    /* What was really posted, not what the workload planned: a run that ended early (a panic,
     * a stall) did not lose the arrivals it never sent. */
    out->posted = out->poster_doorbell_writes + out->c.guest_raised;
    out->vcpus = 1;
    out->clock_hz = cfg->clock->hz;
    out->verdict = altinj_oracle_verdict(&l->oracle, out->posted);
    altinj_placement_describe(&l->placement,
                              !atomic_load_explicit(&l->pin_failed, memory_order_relaxed), out->placement,
                              sizeof out->placement);
    rc = 0;
done:
    teardown(l);
    free(l);
    return rc;
}
