/*
 * kvmexit: turns a parsed kvm:kvm_exit trace (altinj_kvmexit.h) into a replay, one entry per
 * selected vCPU: its posts and raised events (the source's arrivals) and its plain exits (its
 * exit stream). The rules per exit line are altinj_workload.h's (struct
 * altinj_kvmexit_counts) and workloads/README.md's.
 */
#include "altinj_kvmexit.h"
#include "altinj_wl_internal.h"

#include "altinj_event.h"

#include <stdlib.h>
#include <string.h>

/* The number vcpus= names for trace vCPU index i: the printed id, or (no "vcpu N" in the
 * format) the thread's index by first appearance. */
static uint32_t vcpu_name(const struct altinj_kvmexit_trace *tr, size_t i)
{
    return tr->vcpu_from_tid ? (uint32_t)i : tr->vcpu_id[i];
}

static void trace_vcpus(const struct altinj_kvmexit_trace *tr, char *buf, size_t len)
{
    uint64_t mask[(ALTINJ_WL_MAX_CPU + 1) / 64] = {0};
    for (size_t i = 0; i < tr->nvcpus; i++) {
        const uint32_t id = vcpu_name(tr, i);
        if (id <= ALTINJ_WL_MAX_CPU)
            mask[id / 64] |= UINT64_C(1) << (id % 64);
    }
    size_t used = 0;
    buf[0] = '\0';
    (void)altinj_wl_cpulist_append(mask, buf, len, &used);
}

/* Which selected slot each trace vCPU goes to (-1: not selected); slots in increasing name
 * order. Returns the number of slots, or -1 with err set. */
static int select_vcpus(const struct altinj_kvmexit_trace *tr, const char *path,
                        const uint64_t *mask, int *slot, uint32_t *names, char *err,
                        size_t errlen)
{
    if (mask != NULL) {
        for (unsigned c = 0; c <= ALTINJ_WL_MAX_CPU; c++) {
            if (!altinj_wl_cpu_in(mask, c))
                continue;
            bool found = false;
            for (size_t i = 0; i < tr->nvcpus && !found; i++)
                found = vcpu_name(tr, i) == c;
            if (!found) {
                char have[256];
                trace_vcpus(tr, have, sizeof have);
                snprintf(err, errlen, "%s: vcpus= names vCPU %u, which has no kvm_exit line "
                         "(the trace's vCPUs: %s%s)", path, c, have,
                         tr->vcpu_from_tid ? ", numbered by thread in order of appearance" : "");
                return -1;
            }
        }
    }
    unsigned n = 0;
    for (size_t i = 0; i < tr->nvcpus; i++) {
        slot[i] = -1;
        const uint32_t id = vcpu_name(tr, i);
        if (mask != NULL && !(id <= ALTINJ_WL_MAX_CPU && altinj_wl_cpu_in(mask, id)))
            continue;
        if (n == ALTINJ_WL_MAX_SOURCES) {
            snprintf(err, errlen, "%s: more than %u vCPUs selected (a run replays at most %u; "
                     "choose some with vcpus=)", path, ALTINJ_WL_MAX_SOURCES,
                     ALTINJ_WL_MAX_SOURCES);
            return -1;
        }
        names[n++] = id;
    }
    /* Slots by increasing name: insertion sort of at most 256 names. */
    for (unsigned a = 1; a < n; a++)
        for (unsigned b = a; b > 0 && names[b - 1] > names[b]; b--) {
            const uint32_t t = names[b];
            names[b] = names[b - 1];
            names[b - 1] = t;
        }
    for (size_t i = 0; i < tr->nvcpus; i++) {
        const uint32_t id = vcpu_name(tr, i);
        if (mask != NULL && !(id <= ALTINJ_WL_MAX_CPU && altinj_wl_cpu_in(mask, id)))
            continue;
        for (unsigned k = 0; k < n; k++)
            if (names[k] == id)
                slot[i] = (int)k;
    }
    return (int)n;
}

enum line_role { ROLE_PLAIN, ROLE_POST, ROLE_CUT_INTERRUPT, ROLE_CUT_RAISED };

static enum line_role role_of(const struct altinj_kvmexit_trace *tr, const struct altinj_kvmexit *e,
                              int reason)
{
    if (tr->has_intr_info && e->event.valid) {
        switch (e->event.type) {
        case ALTINJ_EVENT_EXTINT:
        case ALTINJ_EVENT_NMI: return ROLE_CUT_INTERRUPT;
        case ALTINJ_EVENT_EXCEPTION:
        case ALTINJ_EVENT_SOFTINT: return ROLE_CUT_RAISED;
        default: return ROLE_PLAIN; /* a reserved type names no event the model can deliver */
        }
    }
    return reason == ALTINJ_EXIT_R_INTR ? ROLE_POST : ROLE_PLAIN;
}

/* The arrival a posting or cutting line makes (t_ns, source and cut set by the caller). */
static struct altinj_arrival arrival_of(const struct altinj_kvmexit *e, enum line_role role,
                                        uint8_t vector)
{
    struct altinj_arrival a = {.type = ALTINJ_EVENT_EXTINT, .vector = vector};
    if (role == ROLE_CUT_INTERRUPT && e->event.type == ALTINJ_EVENT_EXTINT &&
        e->event.vector >= 0x20)
        a.vector = e->event.vector; /* an NMI (the model posts none) or a vector below 0x20 is
                                       posted at vector= */
    if (role == ROLE_CUT_RAISED) {
        a.type = e->event.type;
        a.vector = e->event.vector;
        a.error_valid = e->event.error_valid;
        a.error_code = e->event.error_valid ? e->event.error_code : 0;
    }
    return a;
}

void altinj_kvmexit_replay_free(struct altinj_kvmexit_replay *r)
{
    if (r == NULL)
        return;
    for (unsigned k = 0; r->vcpu != NULL && k < r->nvcpus; k++) {
        free(r->vcpu[k].posts);
        free(r->vcpu[k].exit_t);
        free(r->vcpu[k].exit_reason);
    }
    free(r->vcpu);
    free(r);
}

static int build(const struct altinj_kvmexit_trace *tr, const int *slot, const uint32_t *names,
                 unsigned n, uint8_t vector, struct altinj_kvmexit_replay *r)
{
    /* The caller selects at least one vCPU and numbers the slots below n. */
    if (n == 0)
        return -1;
    r->nvcpus = n;
    r->vcpu = calloc(n, sizeof *r->vcpu);
    int *reason = malloc(tr->nreasons * sizeof *reason);
    if (r->vcpu == NULL || reason == NULL) {
        free(reason);
        return -1;
    }
    for (size_t k = 0; k < tr->nreasons; k++)
        reason[k] = altinj_kvmexit_reason(tr->reasons[k]);
    uint64_t first = UINT64_MAX, last = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const struct altinj_kvmexit *e = &tr->exits[i];
        const int s = slot[e->vcpu];
        if (s < 0 || (unsigned)s >= n)
            continue;
        r->lines++;
        first = e->t_ns < first ? e->t_ns : first;
        last = e->t_ns > last ? e->t_ns : last;
        struct altinj_kx_vcpu *v = &r->vcpu[s];
        if (role_of(tr, e, reason[e->reason]) == ROLE_PLAIN)
            v->nexits++;
        else
            v->nposts++;
    }
    int rc = -1;
    for (unsigned k = 0; k < n; k++) {
        struct altinj_kx_vcpu *v = &r->vcpu[k];
        v->id = names[k];
        v->posts = calloc(v->nposts ? v->nposts : 1, sizeof *v->posts);
        v->exit_t = malloc((v->nexits ? v->nexits : 1) * sizeof *v->exit_t);
        v->exit_reason = malloc(v->nexits ? v->nexits : 1);
        if (v->posts == NULL || v->exit_t == NULL || v->exit_reason == NULL)
            goto out;
        v->nposts = v->nexits = 0;
    }
    struct altinj_kvmexit_counts *c = &r->once;
    c->intr_info = tr->has_intr_info;
    for (size_t i = 0; i < tr->n; i++) {
        const struct altinj_kvmexit *e = &tr->exits[i];
        const int s = slot[e->vcpu];
        if (s < 0 || (unsigned)s >= n)
            continue;
        struct altinj_kx_vcpu *v = &r->vcpu[s];
        if (v->posts == NULL || v->exit_t == NULL)
            goto out; /* not reached: every slot's arrays were allocated above */
        const int why = reason[e->reason];
        const enum line_role role = role_of(tr, e, why);
        const uint64_t t = e->t_ns - first;
        c->exits++;
        c->by_reason[why]++;
        if (tr->has_intr_info && e->event.valid)
            c->v1++;
        switch (role) {
        case ROLE_PLAIN:
            if (tr->has_intr_info && e->event.valid)
                c->v1_reserved_type++;
            c->plain++;
            v->exit_t[v->nexits] = t;
            v->exit_reason[v->nexits++] = (uint8_t)why;
            continue;
        case ROLE_POST: c->interrupt_posts++; break;
        case ROLE_CUT_INTERRUPT: c->cut_interrupts++; break;
        case ROLE_CUT_RAISED: c->cut_raised++; break;
        }
        struct altinj_arrival a = arrival_of(e, role, vector);
        a.t_ns = t;
        a.source = (uint8_t)s;
        if (role != ROLE_POST) {
            a.busy = true;
            a.cut_reason = (uint8_t)(why + 1);
        }
        v->posts[v->nposts++] = a;
    }
    r->span_ns = last - first;
    if (r->lines > 1) {
        const uint64_t gap = r->span_ns / (r->lines - 1);
        r->period_ns = r->span_ns + (gap > 0 ? gap : 1);
    }
    rc = 0;
out:
    free(reason);
    return rc;
}

int altinj_kvmexit_replay_load(const char *path, const uint64_t *vcpu_mask, uint8_t vector,
                               struct altinj_kvmexit_replay **out, char *err, size_t errlen)
{
    *out = NULL;
    struct altinj_kvmexit_trace *tr = NULL;
    if (altinj_kvmexit_load(path, &tr, err, errlen) != 0)
        return -1;
    if (tr->vmx_names) {
        snprintf(err, errlen, "%s: the reasons are VMX (Intel) names: there intr_info is the "
                 "exit's own interruption information, not EXITINTINFO, so no line says "
                 "whether it cut a delivery; kvmexit replays AMD (SVM) traces", path);
        altinj_kvmexit_free(tr);
        return -1;
    }
    int *slot = malloc(tr->nvcpus * sizeof *slot);
    uint32_t names[ALTINJ_WL_MAX_SOURCES];
    struct altinj_kvmexit_replay *r = calloc(1, sizeof *r);
    int rc = -1;
    if (slot == NULL || r == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    const int n = select_vcpus(tr, path, vcpu_mask, slot, names, err, errlen);
    if (n < 0)
        goto out;
    if (n == 0) { /* a mask always names a vCPU it found, but say it plainly should it not */
        snprintf(err, errlen, "%s: vcpus= selects no vCPU", path);
        goto out;
    }
    if (build(tr, slot, names, (unsigned)n, vector, r) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    *out = r;
    r = NULL;
    rc = 0;
out:
    altinj_kvmexit_replay_free(r);
    free(slot);
    altinj_kvmexit_free(tr);
    return rc;
}
