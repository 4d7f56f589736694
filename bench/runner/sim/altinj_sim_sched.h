/*
 * The simulator's seeded scheduler: every choice the simulation makes that a real machine would
 * make by timing accident. With exploration off it always makes the canonical choice, which is
 * what a live run does when nothing overlaps (the order cross-validation relies on); with
 * exploration on it draws each choice from a per-vCPU stream seeded from (run seed, vCPU), so a
 * run is still reproducible byte for byte, and the rare orders are reached in every run.
 *
 * The choices:
 *  1. Where a poster write that falls inside a world switch lands. Canonical: at the end of the
 *     switch, before the code after it reads anything. Explored: when the switch is the VMPL
 *     switch into the SVSM, uniformly at the end of the switch or at one of the four yield points
 *     inside the SVSM pass (enum altinj_yield_point: before the doorbell is read, between the
 *     events take and the ring drain, between the drain and the injection, or as the SVSM
 *     leaves); after any other switch, at its end or at the next point, one half each. A write
 *     never lands later than the end of the world-loop step it fell into, so it is delayed by
 *     less than one step: what a poster preempted for that long would do.
 *  2. A post and a kick due at the same instant on an idle vCPU. Canonical: the post first (the
 *     kick's exit takes time on real hardware). Explored: one half each.
 *  3. Whether a re-delivery (re-injection after a cut) is cut again. Canonical: never (as live
 *     runs). Explored: with the workload's busy probability, at most ALTINJ_SIM_MAX_RECUTS times
 *     per event, so a run always ends: a VMEXIT during re-injection, which live runs never reach.
 */
#ifndef ALTINJ_SIM_SCHED_H
#define ALTINJ_SIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_vcpu.h"

#define ALTINJ_SIM_MAX_RECUTS 2u

/* Where a deferred poster write lands (choice 1). */
enum altinj_sim_landing {
    ALTINJ_SIM_LAND_NOW = 0,       /* at the end of the world switch it fell into */
    ALTINJ_SIM_LAND_NEXT,          /* at the next point of any kind */
    ALTINJ_SIM_LAND_YIELD0,        /* at yield point (value - YIELD0), or any later point */
};

struct altinj_sim_sched {
    uint64_t state;     /* splitmix64 state */
    double recut_p;     /* probability that a re-delivery is cut again (explored) */
    bool explore;
};

/* Seeds the stream of vCPU `vcpu` from the run seed. */
void altinj_sim_sched_init(struct altinj_sim_sched *s, uint64_t seed, unsigned vcpu,
                           bool explore, double recut_p);

/* Choice 1, for a write that became due during a world switch (vmpl_switch: the switch into
 * the SVSM, whose pass has the yield points). */
enum altinj_sim_landing altinj_sim_sched_landing(struct altinj_sim_sched *s,
                                                 bool vmpl_switch);

/* Whether a write deferred to `target` lands at the current point: `yield_point` is the
 * enum altinj_yield_point value, or -1 for the end of a world switch or of a step. */
static inline bool altinj_sim_sched_lands(uint8_t target, int yield_point)
{
    return yield_point < 0 || target <= ALTINJ_SIM_LAND_NEXT ||
           yield_point >= (int)target - (int)ALTINJ_SIM_LAND_YIELD0;
}

/* Choice 2: true if the post goes first. */
bool altinj_sim_sched_post_first(struct altinj_sim_sched *s);

/* Choice 3: whether re-delivery number `cuts` (>= 1 cuts so far) is cut again. */
bool altinj_sim_sched_recut(struct altinj_sim_sched *s, unsigned cuts);

#endif
