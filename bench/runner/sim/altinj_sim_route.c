#include "altinj_sim_route.h"

#include <stdio.h>
#include <string.h>

#include "altinj_cli_num.h"
#include "altinj_rng.h"

int altinj_sim_route_parse(const char *text, unsigned vcpus, struct altinj_sim_route *out,
                           char *err, size_t errlen)
{
    if (strcmp(text, "all") == 0) {
        *out = (struct altinj_sim_route){.kind = ALTINJ_SIM_ROUTE_ALL};
        return 0;
    }
    if (strcmp(text, "rr") == 0) {
        *out = (struct altinj_sim_route){.kind = ALTINJ_SIM_ROUTE_RR};
        return 0;
    }
    uint64_t v;
    char num_err[160];
    if (altinj_cli_parse_u64("--route", text, 0, vcpus ? vcpus - 1u : 0, &v, num_err,
                             sizeof num_err) != 0) {
        snprintf(err, errlen, "--route: '%s' is not all, rr or a vCPU number below %u", text,
                 vcpus);
        return -1;
    }
    *out = (struct altinj_sim_route){.kind = ALTINJ_SIM_ROUTE_ONE, .vcpu = (unsigned)v};
    return 0;
}

int altinj_sim_route_check(const struct altinj_sim_route *r,
                           const struct altinj_workload_spec *spec, unsigned vcpus, char *err,
                           size_t errlen)
{
    if (spec->kind != ALTINJ_WL_IPI || vcpus <= 1 || r->kind == ALTINJ_SIM_ROUTE_RR)
        return 0;
    if (spec->senders >= vcpus) {
        snprintf(err, errlen,
                 "ipi senders=%u needs at least %u simulated vCPUs (the senders are other vCPUs "
                 "than the target); got --vcpus %u",
                 spec->senders, spec->senders + 1u, vcpus);
        return -1;
    }
    return 0;
}

bool altinj_sim_route_posts(const struct altinj_sim_route *r, unsigned vcpus, unsigned target,
                            unsigned source)
{
    switch (r->kind) {
    case ALTINJ_SIM_ROUTE_ALL: return true;
    case ALTINJ_SIM_ROUTE_RR: return source % vcpus == target;
    case ALTINJ_SIM_ROUTE_ONE: return target == r->vcpu;
    }
    return false;
}

unsigned altinj_sim_route_sender(const struct altinj_sim_route *r, unsigned vcpus,
                                 unsigned target, unsigned source)
{
    if (r->kind == ALTINJ_SIM_ROUTE_RR)
        return (source + 1u) % vcpus;
    return (unsigned)(((uint64_t)target + 1u + source) % vcpus);
}

uint64_t altinj_sim_route_seed(const struct altinj_sim_route *r, uint64_t effective_seed,
                               unsigned target, bool *unpin)
{
    *unpin = false;
    if (r->kind != ALTINJ_SIM_ROUTE_ALL || target == 0)
        return effective_seed;
    /* Two splitmix64 outputs: vCPU i's seed is a mixed function of both inputs, so vCPUs'
     * streams are not shifted copies of one another. */
    uint64_t a = effective_seed, b = (uint64_t)target;
    *unpin = true;
    return altinj_splitmix64(&a) ^ altinj_splitmix64(&b);
}

const char *altinj_sim_route_name(const struct altinj_sim_route *r, char *buf, size_t len)
{
    switch (r->kind) {
    case ALTINJ_SIM_ROUTE_ALL: snprintf(buf, len, "all"); break;
    case ALTINJ_SIM_ROUTE_RR: snprintf(buf, len, "rr"); break;
    case ALTINJ_SIM_ROUTE_ONE: snprintf(buf, len, "vcpu %u", r->vcpu); break;
    }
    return buf;
}
