#include "altinj_sim_sched.h"

#include "altinj_rng.h"

/* Keeps the scheduler's draws apart from the workload's streams, which are also seeded from the
 * run seed through splitmix64. */
#define SCHED_SALT UINT64_C(0x5C4ED0A17E5EED00)

void altinj_sim_sched_init(struct altinj_sim_sched *s, uint64_t seed, unsigned vcpu,
                           bool explore, double recut_p)
{
    uint64_t mix = seed ^ SCHED_SALT;
    const uint64_t a = altinj_splitmix64(&mix);
    uint64_t per_vcpu = (uint64_t)vcpu;
    *s = (struct altinj_sim_sched){
        .state = a ^ altinj_splitmix64(&per_vcpu),
        .recut_p = recut_p,
        .explore = explore,
    };
}

/* splitmix64 (as altinj_splitmix64), inline: the scheduler draws on the hot path. */
static inline uint64_t draw(struct altinj_sim_sched *s)
{
    uint64_t z = (s->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

enum altinj_sim_landing altinj_sim_sched_landing(struct altinj_sim_sched *s, bool vmpl_switch)
{
    if (!s->explore)
        return ALTINJ_SIM_LAND_NOW;
    if (vmpl_switch) {
        /* Uniform over: the end of the switch and the ALTINJ_YIELD__COUNT points of the pass. */
        const uint64_t k = draw(s) % (ALTINJ_YIELD__COUNT + 1u);
        return k == 0 ? ALTINJ_SIM_LAND_NOW
                      : (enum altinj_sim_landing)(ALTINJ_SIM_LAND_YIELD0 + (unsigned)k - 1u);
    }
    return (draw(s) >> 63) ? ALTINJ_SIM_LAND_NEXT : ALTINJ_SIM_LAND_NOW;
}

bool altinj_sim_sched_post_first(struct altinj_sim_sched *s)
{
    return !s->explore || (draw(s) >> 63) != 0;
}

bool altinj_sim_sched_recut(struct altinj_sim_sched *s, unsigned cuts)
{
    if (!s->explore || cuts > ALTINJ_SIM_MAX_RECUTS || s->recut_p <= 0.0)
        return false;
    /* 53 random bits, as altinj_rng_uniform draws them. */
    return (double)(draw(s) >> 11) * 0x1.0p-53 < s->recut_p;
}
