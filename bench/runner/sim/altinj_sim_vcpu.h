/*
 * One simulated vCPU: its own VMSA page, #HV doorbell page and source rings, the core world loop
 * (altinj_vcpu_enter / altinj_vcpu_exit, exactly the functions live runs drive) and the
 * interrupt sources that post to it, all in virtual time.
 *
 * Timeline. The vCPU's clock `now` advances only through the core's env.spend (one world
 * switch's cost, from the cost profile). A source posts at its arrival's intended time (open
 * loop: pushes the record into its ring, posts the vector into the doorbell, and, if it set
 * NoFurtherSignal, sends the kick, which lands doorbell_kick cycles later), whatever the vCPU
 * is doing. While the vCPU is inside a world-loop step, the posts and kicks that fall inside it
 * are applied at the step's points: after each world switch (env.spend) and, when exploring, at
 * the SVSM's yield points (env.yield); see altinj_sim_sched.h for where they land. A kick that
 * lands while the vCPU is not idle in the guest is latched, like the live engine's kick flag,
 * and makes the guest exit as soon as it would idle. The step loop is the live engine's:
 *   enter; EXITED -> enter again; window wanted -> VINTR exit; kick latched -> INTR exit;
 *   otherwise the guest idles until the next kick.
 *
 * Hostile hypervisor (world->faults, core/altinj_faults.h): each vCPU runs the wrapped strategy
 * row with its own struct altinj_faults, and each of its streams posts as a poster with its own
 * struct altinj_fault_poster, seeded from (run seed or the spec's seed=, vCPU index, stream
 * index), so a vCPU's faults, like its arrivals, do not depend on any other vCPU's. delay-kick
 * moves that kick's landing DURATION later; the source itself goes on posting on time (a live
 * poster thread, which spins, is held back instead). double-vmrun is the single-threaded attack
 * of altinj_faults.h (the second CPU's run lasts until the vCPU's own next VMRUN). A fault-free
 * run allocates none of this and its hooks stay NULL.
 *
 * Memory: besides the two pages (which the engine allocates for all vCPUs in one block, so no
 * page-alignment slack is spent per vCPU), a ring of 2..64 records per source (128 records per
 * vCPU at most), a pending queue as large as the rings together, one generator per source and
 * the kicks in flight: about 5 KiB for one source, about 40 KiB for 63 (measured by
 * bench/tools/altinj-sim-bench).
 */
#ifndef ALTINJ_SIM_VCPU_H
#define ALTINJ_SIM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_cost_kind.h"
#include "altinj_doorbell.h"
#include "altinj_faults.h"
#include "altinj_oracle.h"
#include "altinj_run_result.h"
#include "altinj_sim_queue.h"
#include "altinj_sim_sched.h"
#include "altinj_vcpu.h"
#include "altinj_vmsa.h"
#include "altinj_workload.h"

/* The two pages of one simulated vCPU, adjacent and page-aligned. */
struct altinj_sim_pages {
    struct altinj_vmsa vmsa;
    struct altinj_hvdb hvdb;
};
_Static_assert(sizeof(struct altinj_sim_pages) == 2 * ALTINJ_PAGE_SIZE &&
                   offsetof(struct altinj_sim_pages, hvdb) == ALTINJ_PAGE_SIZE,
               "an array of altinj_sim_pages keeps every page page-aligned");

/* Records a vCPU's rings hold together, at most (2 per ring at least, 64 at most). */
#define ALTINJ_SIM_RING_RECORDS 128u
/* Step-loop iterations without a delivery after which a vCPU is declared stalled (a livelock
 * would otherwise spin forever in zero virtual time). */
#define ALTINJ_SIM_MAX_IDLE_STEPS (UINT64_C(1) << 20)

/* What the scheduler did, summed over vCPUs. An "event" is one action the simulation
 * dispatches: a poster write (or a failed attempt on a full ring), a kick landing, a guest exit,
 * a world-loop step (altinj_vcpu_enter). */
struct altinj_sim_stats {
    uint64_t events;                          /* posts + parks + kicks + exits + steps +
                                                 guest actions */
    uint64_t guest;                           /* the guest's own actions (a raise, a V_IRQ
                                                 taken as its IF opened) the loop ran */
    uint64_t posts;                           /* records posted (= sequence numbers given) */
    uint64_t parks;                           /* posts that found the ring full and waited */
    uint64_t kicks;                           /* kicks landed */
    uint64_t exits;                           /* guest exits (core counter) */
    uint64_t steps;                           /* altinj_vcpu_enter calls */
    uint64_t deferred;                        /* writes the scheduler landed after the end of
                                                 the world switch they fell into */
    uint64_t landed_at[ALTINJ_YIELD__COUNT];  /* of which landed at each SVSM yield point */
    uint64_t recuts;                          /* re-deliveries cut again on purpose */
    uint64_t kick_ties_kick_first;            /* same-instant post/kick ties the kick won */
};

/* What all vCPUs of one run share. */
struct altinj_sim_world {
    uint64_t cost[ALTINJ_COST__COUNT];  /* virtual cycles */
    uint64_t lead;                      /* virtual time of the workload's t = 0 */
    uint64_t until_ns;                  /* arrivals at or past this are not posted */
    struct altinj_oracle oracle;        /* grown as sequence numbers are given */
    uint64_t next_seq;
    struct altinj_run_result *out;      /* histograms and poster counters */
    const struct altinj_fault_spec *faults; /* NULL: fault-free */
    const struct altinj_workload_spec *workload; /* for the guests' interruptibility */
    uint64_t seed;                      /* the run's seed */
    struct altinj_model model;          /* the premises */
    struct altinj_sim_stats stats;
    bool out_of_memory;
};

enum altinj_sim_stream_state {
    ALTINJ_SIM_STREAM_DUE = 0,   /* in the vCPU's `due` heap, keyed by its head's time */
    ALTINJ_SIM_STREAM_DEFERRED,  /* head fell inside a world switch; waits for its landing */
    ALTINJ_SIM_STREAM_PARKED,    /* head found the ring full; retried at every point */
    ALTINJ_SIM_STREAM_DONE,
};

/* One interrupt source posting to one vCPU. */
struct altinj_sim_stream {
    struct altinj_arrivals *gen;    /* owned */
    struct altinj_arrival head;     /* the next arrival, not yet posted */
    uint64_t t;                     /* its intended time, virtual cycles */
    uint64_t left;                  /* arrivals it may still fetch (UINT64_MAX: no bound) */
    uint8_t state;                  /* enum altinj_sim_stream_state */
    uint8_t landing;                /* DEFERRED: enum altinj_sim_landing */
};

struct altinj_sim_vcpu {
    struct altinj_vcpu v;
    struct altinj_sim_world *world;
    uint64_t now;                   /* virtual clock of this vCPU */
    uint64_t cost[ALTINJ_COST__COUNT]; /* the world's, copied next to the clock it advances */
    struct altinj_sim_sched sched;
    struct altinj_sim_heap due;     /* DUE streams by head time, then index */
    struct altinj_sim_times kicks;  /* landing times of kicks in flight */
    uint32_t *waiting;              /* DEFERRED and PARKED streams, in the order they began */
    uint32_t nwaiting;
    int land_min;                   /* lowest yield point at which a waiting stream may land:
                                       -1 any point, INT_MAX none (spares scans of the list) */
    uint32_t nstreams;
    struct altinj_sim_stream *streams;
    struct altinj_ring *rings;      /* rings[i] belongs to streams[i] */
    struct altinj_ring **ring_ptrs;
    struct altinj_vmsa *vmsa;
    struct altinj_hvdb *hvdb;
    struct altinj_faults *faults;           /* hostile-hypervisor runs only, else NULL */
    struct altinj_fault_poster *fposters;   /* one per stream, with faults */
    /* exits= (altinj_exits_create): the guest's own non-interrupt exits. exit_t is the next
     * one's virtual time (UINT64_MAX: none), exit_reason its enum altinj_exit_reason. Set
     * with altinj_sim_vcpu_set_exits before altinj_sim_vcpu_start; NULL: none. */
    struct altinj_exits *exits;             /* owned */
    uint64_t exit_t;
    uint8_t exit_reason;
    uint64_t last_arrival_t;                /* latest intended time fetched from a stream */
    uint64_t steps_since_delivery;
    unsigned index;
    bool kick_latched;
    bool dead;                      /* FATAL or stalled: takes no further part */
    bool stalled;
    bool fatal;
};

/* Resets `pages` (the caller's, which must outlive the vCPU), allocates `nstreams` rings and
 * streams (zeroed: the caller sets each stream's gen and left before altinj_sim_vcpu_start)
 * and sets up the core vCPU with `strategy` (wrapped by world->faults when set). explore/recut_p:
 * the scheduler (altinj_sim_sched.h), seeded from (seed, index). Returns 0, or -1 (no memory);
 * destroy is safe either way. */
int altinj_sim_vcpu_init(struct altinj_sim_vcpu *vc, struct altinj_sim_world *world,
                         unsigned index, struct altinj_sim_pages *pages,
                         const struct altinj_strategy *strategy, uint32_t nstreams,
                         uint64_t seed, bool explore, double recut_p);
void altinj_sim_vcpu_destroy(struct altinj_sim_vcpu *vc);

/*
 * Gives the vCPU its exits= generator (owned from here; NULL: none). Exits happen at their
 * times while the guest runs; one that falls while the vCPU is inside a world-loop step waits
 * until the guest runs again (a guest exits only while it runs). At one instant posts, kicks
 * and the guest's own events come first. Exits are taken before the run's --duration; with
 * --events, up to the intended time of the vCPU's last arrival (the exits of a span with no
 * arrivals left are not simulated).
 */
void altinj_sim_vcpu_set_exits(struct altinj_sim_vcpu *vc, struct altinj_exits *exits);

/* Fetches every stream's first arrival, then runs the vCPU's first entry at virtual time 0.
 * Returns 0, or -1 (no memory). */
int altinj_sim_vcpu_start(struct altinj_sim_vcpu *vc);

/* When the vCPU next has something to do (a post or a kick lands), or UINT64_MAX. */
static inline uint64_t altinj_sim_vcpu_next_time(struct altinj_sim_vcpu *vc)
{
    if (vc->dead)
        return UINT64_MAX;
    const uint64_t p = altinj_sim_heap_top_time(&vc->due), k = altinj_sim_times_first(&vc->kicks);
    uint64_t t = p < k ? p : k;
    const uint64_t g = altinj_vcpu_guest_next(&vc->v);
    if (g < t)
        t = g < vc->now ? vc->now : g;
    if (vc->exit_t < t)
        t = vc->exit_t < vc->now ? vc->now : vc->exit_t;
    return t;
}

/* Processes, in virtual-time order, everything that happens to this vCPU before `end`: posts
 * while it idles, the guest's own actions (a raised event, a V_IRQ taken when its IF opens) and
 * every kick, with the world-loop steps they cause (which may run past end: a step is never cut
 * short). */
void altinj_sim_vcpu_run_until(struct altinj_sim_vcpu *vc, uint64_t end);

/* After the run, before the verdict: takes an event a second CPU's VMRUN stole into the books
 * (altinj_faults_reconcile) and adds this vCPU's fault counters to out. Nothing without faults. */
void altinj_sim_vcpu_finish_faults(struct altinj_sim_vcpu *vc, struct altinj_run_result *out);

/* After the run: true if the vCPU was left with work it can never do (streams waiting on a
 * full ring, doorbell events or records and no kick coming): a lost wakeup or a stall. */
bool altinj_sim_vcpu_stuck(struct altinj_sim_vcpu *vc);

#endif
