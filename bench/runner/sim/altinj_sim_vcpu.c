#include "altinj_sim_vcpu.h"

#include <limits.h>
#include <stdlib.h>

#include "altinj_exit_codes.h"
#include "altinj_irq.h"
#include "altinj_run_faults.h"

/* A post counts as late when it leaves (record pushed, doorbell written) this long after its
 * intended time (the live engine's threshold, 1 us, in virtual cycles at 1 GHz). */
#define LATE_CYCLES 1000u
/* The first oracle allocation when the run does not know its event count. */
#define ORACLE_MIN 65536u

/* ---- sources ---- */

/* Fetches the stream's next arrival into head; false (and DONE) when it has none left. */
static bool fetch(struct altinj_sim_vcpu *vc, struct altinj_sim_stream *st)
{
    struct altinj_arrival a;
    if (st->left == 0 || !altinj_arrivals_next(st->gen, &a) || a.t_ns >= vc->world->until_ns) {
        st->state = ALTINJ_SIM_STREAM_DONE;
        return false;
    }
    if (st->left != UINT64_MAX)
        st->left--;
    st->head = a;
    st->t = vc->world->lead + a.t_ns; /* 1 GHz: one cycle per ns */
    if (st->t > vc->last_arrival_t)
        vc->last_arrival_t = st->t;
    return true;
}

/* ---- exits= ---- */

static void exit_fetch(struct altinj_sim_vcpu *vc)
{
    struct altinj_exit_arrival e;
    if (!vc->exits || !altinj_exits_next(vc->exits, &e) || e.t_ns >= vc->world->until_ns) {
        vc->exit_t = UINT64_MAX;
        return;
    }
    vc->exit_t = vc->world->lead + e.t_ns;
    vc->exit_reason = e.reason;
}

/* Whether the exit at exit_t is inside the run: with --events (no time bound), not past the
 * vCPU's last arrival once every stream has fetched its last. Else the exits end here. */
static bool exit_in_run(struct altinj_sim_vcpu *vc)
{
    if (vc->world->until_ns != UINT64_MAX || vc->exit_t <= vc->last_arrival_t)
        return true;
    for (uint32_t i = 0; i < vc->nstreams; i++)
        if (vc->streams[i].state != ALTINJ_SIM_STREAM_DONE)
            return true;
    vc->exit_t = UINT64_MAX;
    return false;
}

void altinj_sim_vcpu_set_exits(struct altinj_sim_vcpu *vc, struct altinj_exits *exits)
{
    altinj_exits_destroy(vc->exits);
    vc->exits = exits;
    vc->exit_t = UINT64_MAX;
}

/*
 * The poster's write, at virtual time `at`: the record into the ring, the vector into the
 * doorbell, then the kick if this post set NoFurtherSignal, as the live poster does. The kick
 * lands hold + doorbell_kick after the post, as live; unlike the live poster, which spends that
 * wait itself (altinj_live.c poster_main), the source is not held back by it: its next post
 * leaves at its own time. Returns false when the ring is full (nothing written; the stream
 * waits).
 */
static bool post(struct altinj_sim_vcpu *vc, uint32_t id, uint64_t at)
{
    struct altinj_sim_world *w = vc->world;
    struct altinj_sim_stream *st = &vc->streams[id];
    if (w->next_seq >= w->oracle.capacity) {
        const uint64_t cap = w->oracle.capacity < ORACLE_MIN ? ORACLE_MIN : 2 * w->oracle.capacity;
        if (altinj_oracle_reserve(&w->oracle, cap) != 0) {
            w->out_of_memory = true;
            return false;
        }
    }
    struct altinj_irq irq;
    altinj_arrival_to_irq(&st->head, w->next_seq, st->t, &irq);
    if (altinj_arrival_guest_raised(&st->head)) {
        /* The guest's own instruction raises it at its time: nothing is posted. */
        if (altinj_vcpu_guest_schedule(&vc->v, &irq) != 0) {
            w->out_of_memory = true;
            return false;
        }
        w->next_seq++;
        w->stats.posts++;
        w->stats.events++;
        return true;
    }
    if (!altinj_ring_push(&vc->rings[id], &irq))
        return false;
    w->next_seq++;
    w->stats.posts++;
    w->stats.events++;
    altinj_hvdb_post_irq(vc->hvdb, ALTINJ_GUEST_VMPL, irq.vector);
    w->out->poster_doorbell_writes++;
    /* The post has left: lateness is judged here, before the kick, as live. `at` is past the
     * intended time only when the write waited (deferred past a world switch, or parked on a
     * full ring). */
    if (at > st->t + LATE_CYCLES)
        w->out->late_posts++;
    /* A hostile hypervisor's own doorbell writes, and how long it holds this kick back (ns are
     * virtual cycles at 1 GHz). */
    const uint64_t hold = vc->fposters ? altinj_fault_poster_after_post(&vc->fposters[id], vc->hvdb)
                                       : 0;
    if (altinj_hvdb_signal(vc->hvdb)) {
        if (altinj_sim_times_add(&vc->kicks, at + vc->cost[ALTINJ_COST_DOORBELL_KICK] + hold) != 0)
            w->out_of_memory = true;
        w->out->kicks++;
    } else {
        w->out->kicks_suppressed++;
    }
    return true;
}

/* The first yield point at which a waiting stream may land (-1: at any point). */
static int landing_point(const struct altinj_sim_stream *st)
{
    if (st->state == ALTINJ_SIM_STREAM_DEFERRED && st->landing >= ALTINJ_SIM_LAND_YIELD0)
        return (int)st->landing - (int)ALTINJ_SIM_LAND_YIELD0;
    return -1; /* PARKED (retried at every point) or deferred to the next point */
}

static void wait_add(struct altinj_sim_vcpu *vc, uint32_t id)
{
    vc->waiting[vc->nwaiting++] = id;
    const int p = landing_point(&vc->streams[id]);
    if (p < vc->land_min)
        vc->land_min = p;
}

/* A first attempt found the ring full: the source waits, as a live poster spins. Counted once
 * per wait (an event and a ring_full_wait); the retries at later points are not. */
static void park(struct altinj_sim_vcpu *vc, struct altinj_sim_stream *st)
{
    st->state = ALTINJ_SIM_STREAM_PARKED;
    vc->world->stats.parks++;
    vc->world->stats.events++;
    vc->world->out->ring_full_waits++;
}

/* Posts the head of stream `id` (not in the due heap) at `at`; on success the stream's next
 * arrival goes back into the due heap. Returns false when it is (still) parked. */
static bool post_waiting(struct altinj_sim_vcpu *vc, uint32_t id, uint64_t at)
{
    struct altinj_sim_stream *st = &vc->streams[id];
    if (!post(vc, id, at)) {
        if (st->state != ALTINJ_SIM_STREAM_PARKED)
            park(vc, st);
        return false;
    }
    if (fetch(vc, st)) {
        st->state = ALTINJ_SIM_STREAM_DUE;
        altinj_sim_heap_push(&vc->due, st->t, id); /* cannot be full: one slot per stream */
    }
    return true;
}

/* Posts the head of the due heap's top stream at `at`, keeping the heap in order. */
static void post_top(struct altinj_sim_vcpu *vc, uint64_t at)
{
    const uint32_t id = altinj_sim_heap_top(&vc->due).id;
    struct altinj_sim_stream *st = &vc->streams[id];
    if (!post(vc, id, at)) {
        altinj_sim_heap_pop(&vc->due);
        park(vc, st);
        wait_add(vc, id);
        return;
    }
    if (fetch(vc, st))
        altinj_sim_heap_retime_top(&vc->due, st->t);
    else
        altinj_sim_heap_pop(&vc->due);
}

/*
 * Applies what fell due by `now` while the vCPU is inside a world-loop step. point: the yield
 * point, or -1 after a world switch (vmpl_switch: it was the switch into the SVSM) or at the end
 * of the step (end). Order: first the writes that were waiting (deferred to here, or parked on a
 * full ring), then writes that fell due during the switch just spent, then kicks that landed.
 */
__attribute__((noinline)) static void catch_up_slow(struct altinj_sim_vcpu *vc, int point,
                                                    bool vmpl_switch, bool end)
{
    const uint64_t now = vc->now;
    uint32_t kept = 0;
    vc->land_min = INT_MAX;
    for (uint32_t i = 0; i < vc->nwaiting; i++) {
        const uint32_t id = vc->waiting[i];
        struct altinj_sim_stream *st = &vc->streams[id];
        if (st->state == ALTINJ_SIM_STREAM_DEFERRED) {
            if (!end && !altinj_sim_sched_lands(st->landing, point)) {
                vc->waiting[kept++] = id;
                const int p = landing_point(st);
                if (p < vc->land_min)
                    vc->land_min = p;
                continue;
            }
            if (point >= 0)
                vc->world->stats.landed_at[point]++;
        }
        if (!post_waiting(vc, id, now)) {
            vc->waiting[kept++] = id;
            vc->land_min = -1; /* parked: retried at every point */
        }
    }
    vc->nwaiting = kept;

    while (altinj_sim_heap_top_time(&vc->due) <= now) {
        const uint32_t id = altinj_sim_heap_top(&vc->due).id;
        struct altinj_sim_stream *st = &vc->streams[id];
        /* Only a switch has a duration that a write can fall into: at a yield point or the
         * step's end nothing is deferred (a head due here is the successor of one that just
         * landed at this very point). */
        const enum altinj_sim_landing land =
            point < 0 && !end ? altinj_sim_sched_landing(&vc->sched, vmpl_switch)
                              : ALTINJ_SIM_LAND_NOW;
        if (land == ALTINJ_SIM_LAND_NOW) {
            /* It landed during the switch, at its own time: its kick leaves from there. */
            post_top(vc, st->t);
            continue;
        }
        altinj_sim_heap_pop(&vc->due);
        st->state = ALTINJ_SIM_STREAM_DEFERRED;
        st->landing = (uint8_t)land;
        wait_add(vc, id);
        vc->world->stats.deferred++;
    }

    while (altinj_sim_times_first(&vc->kicks) <= now) {
        altinj_sim_times_drop(&vc->kicks);
        vc->world->stats.kicks++;
        vc->world->stats.events++;
        vc->kick_latched = true;
    }
}

/* Called at every point of every step: the common case, nothing due and no waiting write that
 * lands here, stays a few loads. */
static inline void catch_up(struct altinj_sim_vcpu *vc, int point, bool vmpl_switch, bool end)
{
    if (altinj_sim_heap_top_time(&vc->due) <= vc->now ||
        altinj_sim_times_first(&vc->kicks) <= vc->now ||
        (vc->nwaiting != 0 && (point < 0 || point >= vc->land_min)))
        catch_up_slow(vc, point, vmpl_switch, end);
}

/* ---- the core's environment ---- */

static uint64_t env_now(void *ctx)
{
    const struct altinj_sim_vcpu *vc = ctx;
    return vc->now;
}

static void env_spend(void *ctx, enum altinj_cost_kind kind)
{
    struct altinj_sim_vcpu *vc = ctx;
    vc->now += vc->cost[kind];
    catch_up(vc, -1, kind == ALTINJ_COST_VMPL_SWITCH, false);
}

static void env_yield(void *ctx, enum altinj_yield_point point)
{
    catch_up(ctx, (int)point, false, false);
}

static bool env_delivery_cut(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct altinj_sim_vcpu *vc = ctx;
    if (cuts == 0)
        return irq->delivery_cut != 0;
    if (!altinj_sim_sched_recut(&vc->sched, cuts))
        return false;
    vc->world->stats.recuts++;
    return true;
}

/* Hostile-hypervisor runs only: the hypervisor forces a VMEXIT during a guest software event's
 * delivery (softint-exitintinfo); otherwise the engine's own rule, explored or not. */
static bool env_delivery_cut_faults(void *ctx, const struct altinj_irq *irq, unsigned cuts)
{
    struct altinj_sim_vcpu *vc = ctx;
    if (altinj_faults_force_cut(vc->faults, irq))
        return true;
    return cuts == 0 && irq->delivery_cut;
}

static bool env_delivery_cut_faults_explore(void *ctx, const struct altinj_irq *irq,
                                            unsigned cuts)
{
    struct altinj_sim_vcpu *vc = ctx;
    if (altinj_faults_force_cut(vc->faults, irq))
        return true;
    return env_delivery_cut(ctx, irq, cuts);
}

static void env_handler_entry(void *ctx, const struct altinj_delivery *d)
{
    struct altinj_sim_vcpu *vc = ctx;
    struct altinj_run_result *out = vc->world->out;
    /* Virtual cycles are ns at 1 GHz. */
    altinj_hist_record(&out->latency_ns, d->now > d->irq->intended ? d->now - d->irq->intended : 0);
    /* Once per interrupt: coalesced events share its cut and its re-delivery. */
    if (d->cuts > 0 && d->index == 0)
        altinj_hist_record(&out->busy_redelivery_ns,
                           d->now > d->first_cut ? d->now - d->first_cut : 0);
    vc->steps_since_delivery = 0;
}

/* ---- the step loop ---- */

static void retire(struct altinj_sim_vcpu *vc)
{
    vc->dead = true;
    vc->due.n = 0;
    vc->nwaiting = 0;
    vc->land_min = INT_MAX;
    while (vc->kicks.n)
        altinj_sim_times_drop(&vc->kicks);
}

static void guest_exit(struct altinj_sim_vcpu *vc, uint64_t code)
{
    vc->world->stats.events++;
    altinj_vcpu_exit(&vc->v, code);
}

/* The guest's exits= exit due now (exit_t <= now, guest running): taken, the next fetched.
 * Progress, like a delivery, for the stall count. Returns false if the exits have ended. */
static bool take_exit(struct altinj_sim_vcpu *vc)
{
    if (!exit_in_run(vc))
        return false;
    const uint64_t code = altinj_exit_reason_code((enum altinj_exit_reason)vc->exit_reason);
    exit_fetch(vc);
    vc->steps_since_delivery = 0;
    guest_exit(vc, code);
    return true;
}

/* The live engine's world loop (altinj_live.c world_loop), from an exit (or the first entry) to
 * the guest idling again: enter; EXITED -> enter again; a kick latched meanwhile -> INTR exit;
 * the guest's own action due now -> do it; otherwise the guest idles. */
static void steps(struct altinj_sim_vcpu *vc, enum altinj_step st)
{
    struct altinj_sim_world *w = vc->world;
    for (;;) {
        if (st == ALTINJ_STEP_EXITED) {
            st = altinj_vcpu_enter(&vc->v);
            w->stats.steps++;
            w->stats.events++;
            catch_up(vc, -1, false, true);
            /* A cut delivery or an EOI exit: the core counted the exit; it is an event too. */
            if (st == ALTINJ_STEP_EXITED)
                w->stats.events++;
        }
        if (st == ALTINJ_STEP_FATAL) {
            vc->fatal = true;
            retire(vc);
            return;
        }
        if (++vc->steps_since_delivery > ALTINJ_SIM_MAX_IDLE_STEPS) {
            vc->stalled = true;
            retire(vc);
            return;
        }
        if (st == ALTINJ_STEP_EXITED)
            continue;
        if (vc->kick_latched) {
            vc->kick_latched = false;
            guest_exit(vc, ALTINJ_VMEXIT_INTR);
            st = ALTINJ_STEP_EXITED;
            continue;
        }
        if (altinj_vcpu_guest_next(&vc->v) <= vc->now) {
            w->stats.events++;
            w->stats.guest++;
            st = altinj_vcpu_guest_run(&vc->v);
            if (st == ALTINJ_STEP_EXITED)
                w->stats.events++; /* its exit (a cut or an EOI) */
            continue;
        }
        /* An exits= exit that fell due during the step: the guest makes it now it runs. */
        if (vc->exit_t <= vc->now && take_exit(vc)) {
            st = ALTINJ_STEP_EXITED;
            continue;
        }
        return;
    }
}

void altinj_sim_vcpu_run_until(struct altinj_sim_vcpu *vc, uint64_t end)
{
    while (!vc->dead && !vc->world->out_of_memory) {
        const uint64_t tp = altinj_sim_heap_top_time(&vc->due);
        const uint64_t tk = altinj_sim_times_first(&vc->kicks);
        uint64_t tg = altinj_vcpu_guest_next(&vc->v);
        if (tg < vc->now)
            tg = vc->now;
        uint64_t first = tp < tk ? (tp < tg ? tp : tg) : (tk < tg ? tk : tg);
        if (vc->exit_t < first) {
            /* The running guest's own exit comes before anything else (ties go to the others). */
            const uint64_t te = vc->exit_t < vc->now ? vc->now : vc->exit_t;
            if (te >= end)
                return;
            vc->now = te;
            if (take_exit(vc))
                steps(vc, ALTINJ_STEP_EXITED);
            continue;
        }
        if (first >= end)
            return;
        if (tg == first && tg < tp && tg < tk) {
            /* The idle guest acts by itself: it raises an event or takes its V_IRQ. */
            vc->now = tg;
            vc->world->stats.events++;
            vc->world->stats.guest++;
            const enum altinj_step st = altinj_vcpu_guest_run(&vc->v);
            if (st == ALTINJ_STEP_EXITED)
                vc->world->stats.events++; /* its exit (a cut or an EOI) */
            steps(vc, st);
            continue;
        }
        bool post_first = tp < tk;
        if (tp == tk) {
            post_first = altinj_sim_sched_post_first(&vc->sched);
            if (!post_first)
                vc->world->stats.kick_ties_kick_first++;
        }
        if (post_first) {
            /* The guest idles: nothing races this write. A raised event it schedules is then
             * due at once (its time is now). */
            if (tp > vc->now)
                vc->now = tp;
            post_top(vc, tp);
            continue;
        }
        altinj_sim_times_drop(&vc->kicks);
        vc->world->stats.kicks++;
        vc->world->stats.events++;
        if (tk > vc->now)
            vc->now = tk;
        guest_exit(vc, ALTINJ_VMEXIT_INTR);
        steps(vc, ALTINJ_STEP_EXITED);
    }
}

/* ---- set-up ---- */

/* splitmix64 of (seed, vCPU index): vCPU 0 keeps the seed itself, so a one-vCPU simulation
 * draws its faults from the streams a live run of the same seed starts from. */
static uint64_t vcpu_fault_seed(uint64_t seed, unsigned index)
{
    if (index == 0)
        return seed;
    uint64_t z = seed + UINT64_C(0x9E3779B97F4A7C15) * ((uint64_t)index + 1);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The vCPU's fault state and its streams' posters; the caller has set vc->streams up. */
static int init_faults(struct altinj_sim_vcpu *vc, const struct altinj_strategy *strategy,
                       uint64_t seed)
{
    const struct altinj_fault_spec *spec = vc->world->faults;
    vc->faults = calloc(1, sizeof *vc->faults);
    vc->fposters = calloc(vc->nstreams ? vc->nstreams : 1, sizeof *vc->fposters);
    if (!vc->faults || !vc->fposters)
        return -1;
    /* The spec's seed= pins every vCPU's faults, each still its own (vcpu_fault_seed). */
    struct altinj_fault_spec mine = *spec;
    mine.has_seed = false;
    const uint64_t s = vcpu_fault_seed(spec->has_seed ? spec->seed : seed, vc->index);
    altinj_faults_init(vc->faults, &mine, strategy, s);
    for (uint32_t i = 0; i < vc->nstreams; i++)
        altinj_fault_poster_init(&vc->fposters[i], &vc->faults->spec, s, i);
    return 0;
}

static uint64_t pow2_floor(uint64_t x)
{
    uint64_t p = 1;
    while (p * 2 <= x)
        p *= 2;
    return p;
}

int altinj_sim_vcpu_init(struct altinj_sim_vcpu *vc, struct altinj_sim_world *world,
                         unsigned index, struct altinj_sim_pages *pages,
                         const struct altinj_strategy *strategy, uint32_t nstreams,
                         uint64_t seed, bool explore, double recut_p)
{
    *vc = (struct altinj_sim_vcpu){.world = world, .index = index, .nstreams = nstreams,
                                   .vmsa = &pages->vmsa, .hvdb = &pages->hvdb,
                                   .land_min = INT_MAX, .exit_t = UINT64_MAX};
    altinj_sim_sched_init(&vc->sched, seed, index, explore, recut_p);
    for (unsigned k = 0; k < ALTINJ_COST__COUNT; k++)
        vc->cost[k] = world->cost[k];
    altinj_vmsa_reset(vc->vmsa);
    altinj_hvdb_reset(vc->hvdb);
    if (altinj_sim_heap_init(&vc->due, nstreams) != 0 ||
        altinj_sim_times_init(&vc->kicks) != 0)
        return -1;
    /* Rings share ALTINJ_SIM_RING_RECORDS records: small rings keep a vCPU's memory in a few KiB
     * (the live engine's 64 Ki-record rings would not scale to a thousand vCPUs). A full ring
     * makes its source wait, as a live poster does. */
    uint64_t ring_cap = nstreams ? pow2_floor(ALTINJ_SIM_RING_RECORDS / nstreams) : 2;
    if (ring_cap < 2)
        ring_cap = 2;
    if (ring_cap > 64)
        ring_cap = 64;
    uint64_t pending = 2;
    while (pending < ring_cap * nstreams)
        pending *= 2;
    if (nstreams) {
        vc->streams = calloc(nstreams, sizeof *vc->streams);
        vc->rings = calloc(nstreams, sizeof *vc->rings);
        vc->ring_ptrs = calloc(nstreams, sizeof *vc->ring_ptrs);
        vc->waiting = calloc(nstreams, sizeof *vc->waiting);
        if (!vc->streams || !vc->rings || !vc->ring_ptrs || !vc->waiting)
            return -1;
        for (uint32_t i = 0; i < nstreams; i++) {
            vc->streams[i].state = ALTINJ_SIM_STREAM_DONE; /* until primed */
            if (altinj_ring_init(&vc->rings[i], ring_cap) != 0)
                return -1;
            vc->ring_ptrs[i] = &vc->rings[i];
        }
    }
    if (world->faults && init_faults(vc, strategy, seed) != 0)
        return -1;
    /* Exploring needs the yield points and the re-delivery cut; without it the environment is
     * the live engine's (no yield, no cut of re-deliveries), so the runs can be compared. */
    bool (*cut)(void *, const struct altinj_irq *, unsigned) = explore ? env_delivery_cut : NULL;
    if (vc->faults)
        cut = explore ? env_delivery_cut_faults_explore : env_delivery_cut_faults;
    struct altinj_vcpu_config cfg = {
        .strategy = vc->faults ? altinj_faults_strategy(vc->faults) : strategy,
        .vmsa = vc->vmsa,
        .hvdb = vc->hvdb,
        .sources = vc->ring_ptrs,
        .nsources = nstreams,
        .oracle = &world->oracle,
        .env = {.ctx = vc, .now = env_now, .spend = env_spend, .delivery_cut = cut,
                .handler_entry = env_handler_entry, .yield = explore ? env_yield : NULL},
        .ledger_capacity = (uint32_t)pending,
        .model = world->model,
    };
    altinj_workload_guest(world->workload, world->seed, index, 1000000000u, &cfg.guest);
    if (altinj_vcpu_init(&vc->v, &cfg) != 0)
        return -1;
    if (vc->faults)
        altinj_faults_attach(vc->faults, &vc->v);
    return 0;
}

void altinj_sim_vcpu_finish_faults(struct altinj_sim_vcpu *vc, struct altinj_run_result *out)
{
    if (!vc->faults)
        return;
    altinj_faults_reconcile(&vc->v);
    altinj_run_faults_add_vcpu(out, vc->faults);
    for (uint32_t i = 0; i < vc->nstreams; i++)
        altinj_run_faults_add_poster(out, &vc->fposters[i]);
}

int altinj_sim_vcpu_start(struct altinj_sim_vcpu *vc)
{
    for (uint32_t i = 0; i < vc->nstreams; i++) {
        struct altinj_sim_stream *st = &vc->streams[i];
        if (fetch(vc, st)) {
            st->state = ALTINJ_SIM_STREAM_DUE;
            altinj_sim_heap_push(&vc->due, st->t, i);
        }
    }
    exit_fetch(vc);
    vc->now = 0;
    steps(vc, ALTINJ_STEP_EXITED);
    return vc->world->out_of_memory ? -1 : 0;
}

bool altinj_sim_vcpu_stuck(struct altinj_sim_vcpu *vc)
{
    if (vc->dead)
        return vc->stalled;
    if (vc->nwaiting > 0)
        return true;
    /* Idle with nothing coming: anything announced, held or in flight now is never
     * delivered. */
    return altinj_vcpu_busy(&vc->v);
}

void altinj_sim_vcpu_destroy(struct altinj_sim_vcpu *vc)
{
    if (vc->rings) {
        for (uint32_t i = 0; i < vc->nstreams; i++)
            altinj_ring_destroy(&vc->rings[i]);
    }
    if (vc->streams)
        for (uint32_t i = 0; i < vc->nstreams; i++)
            altinj_arrivals_destroy(vc->streams[i].gen);
    /* altinj_vcpu_init sets the pending queue up last; its destroy frees NULL safely. */
    altinj_vcpu_destroy(&vc->v);
    altinj_exits_destroy(vc->exits);
    free(vc->streams);
    free(vc->rings);
    free(vc->ring_ptrs);
    free(vc->waiting);
    free(vc->faults);
    free(vc->fposters);
    altinj_sim_heap_destroy(&vc->due);
    altinj_sim_times_destroy(&vc->kicks);
    *vc = (struct altinj_sim_vcpu){0};
}
