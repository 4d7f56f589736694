/*
 * Private to workloads/: the generator state and the per-kind hooks that altinj_arrivals.c
 * dispatches to. Not part of the public API; callers use altinj_workload.h.
 */
#ifndef ALTINJ_WL_INTERNAL_H
#define ALTINJ_WL_INTERNAL_H

#include "altinj_rng.h"
#include "altinj_workload.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "timer", "poisson", ... as the spec grammar spells the kind. */
const char *altinj_wl_kind_name(enum altinj_workload_kind kind);

/* ---- Loaded perf trace (altinj_trace.c) ---- */
struct altinj_trace_cpu {
    unsigned cpu;     /* perf CPU number */
    size_t n;         /* >= 1 */
    uint64_t *t_ns;   /* relative to the first kept event of the whole trace; non-decreasing */
    uint8_t *vector;  /* 0x20..0xFF */
};

struct altinj_trace {
    unsigned ncpus;              /* sources, in increasing CPU order; 1..ALTINJ_WL_MAX_SOURCES */
    struct altinj_trace_cpu *cpu;
    size_t total;                /* kept events over all CPUs */
    uint64_t span_ns;            /* last kept event, relative */
    /* Replay period for loop=: span plus the mean gap between kept events, so the seam
     * between two repetitions is as dense as the trace. 0 when total == 1 (no gap exists). */
    uint64_t period_ns;
};

/* Reads a `perf script` text file, keeping interrupt entry events on the CPUs set in cpu_mask
 * (NULL: all CPUs). Returns 0 and a trace to altinj_trace_free, or -1 with "PATH:LINE: what"
 * (or "PATH: what") in err. */
int altinj_trace_load(const char *path, const uint64_t *cpu_mask, struct altinj_trace **out,
                      char *err, size_t errlen);
/* The same from an open stream (a file, fmemopen() for the fuzzer); name stands for the path in
 * messages. The stream is read to its end and not closed. */
int altinj_trace_load_stream(FILE *f, const char *name, const uint64_t *cpu_mask,
                             struct altinj_trace **out, char *err, size_t errlen);
void altinj_trace_free(struct altinj_trace *trace);

/* ---- kvm_exit replay (altinj_wl_kvmexit_load.c) ---- */
struct altinj_kx_vcpu {
    uint32_t id;                  /* the trace vCPU (what vcpus= names) */
    size_t nposts;
    struct altinj_arrival *posts; /* posts and raised events; t_ns relative, source set, busy
                                     and cut_reason set for V=1 cuts; non-decreasing t_ns */
    size_t nexits;
    uint64_t *exit_t;             /* plain exits, relative, non-decreasing */
    uint8_t *exit_reason;         /* enum altinj_exit_reason */
};

struct altinj_kvmexit_replay {
    unsigned nvcpus;              /* selected vCPUs, increasing id; 1..ALTINJ_WL_MAX_SOURCES */
    struct altinj_kx_vcpu *vcpu;
    size_t lines;                 /* exit lines on them */
    uint64_t span_ns;             /* last exit line, relative to the first */
    uint64_t period_ns;           /* loop period, as altinj_trace's (0 when lines == 1) */
    struct altinj_kvmexit_counts once; /* one repetition */
};

/* Reads a kvm_exit trace and builds the replay of the vCPUs in vcpu_mask (NULL: all) with
 * interrupt posts at `vector`. Returns 0, or -1 with "PATH:LINE: what" or "PATH: what" in
 * err (the parser's, or a selection, VMX or size problem). */
int altinj_kvmexit_replay_load(const char *path, const uint64_t *vcpu_mask, uint8_t vector,
                               struct altinj_kvmexit_replay **out, char *err, size_t errlen);
void altinj_kvmexit_replay_free(struct altinj_kvmexit_replay *r);

/* Appends to buf as snprintf would at buf + *used, then adds the full formatted length to
 * *used (so *used may pass len: the caller reports truncation as snprintf does). A terminating
 * NUL is kept whenever len > 0. Returns 0, or -1 on an encoding error. */
int altinj_wl_appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- CPU lists such as "0,2-3" (altinj_wl_cpulist.c) ---- */
/* Sets the listed CPUs in mask (cleared first). Returns 0, or -1 with the reason in err, which
 * names the list as key= (cpus for trace, vcpus for kvmexit). */
int altinj_wl_cpulist_parse(const char *key, const char *list, uint64_t *mask, char *err,
                            size_t errlen);
/* Appends the canonical form (ascending, ranges merged) as altinj_wl_appendf does. */
int altinj_wl_cpulist_append(const uint64_t *mask, char *buf, size_t len, size_t *used);

static inline bool altinj_wl_cpu_in(const uint64_t *mask, unsigned cpu)
{
    return cpu <= ALTINJ_WL_MAX_CPU && (mask[cpu / 64] >> (cpu % 64) & 1u) != 0;
}

/* ---- Generator state ---- */
struct altinj_arrivals {
    const struct altinj_workload_spec *spec;
    struct altinj_rng time_rng;   /* inter-arrival times */
    struct altinj_rng busy_rng;   /* one draw per arrival: busy or not */
    struct altinj_rng class_rng;  /* one draw per arrival: interrupt or guest event */
    double busy;
    double exc_pf;                /* class draw below this: #PF; below exc: #VC; then INTn, */
    double exc;                   /* INT3 and INTO, a third of soft each */
    double soft;
    uint64_t last_t;
    uint8_t source;
    uint8_t vector;
    bool exhausted;
    bool has_pending;
    struct altinj_arrival pending;
    union {
        struct {
            uint64_t k;
            uint64_t period;      /* integral period in ns, or 0 */
            double hz;
        } timer;
        struct {
            double t_ns;
            double rate_per_ns;
        } poisson;                /* also ipi, with rate / senders */
        struct {
            double on_time_ns;    /* Poisson clock that only runs during bursts */
            double rate_per_ns;
            double on_ns;
            double cycle_ns;
        } burst;
        struct {
            const struct altinj_trace_cpu *cpu;
            size_t idx;
            unsigned rep;
        } trace;
        struct {
            const struct altinj_kx_vcpu *vcpu;
            size_t idx;
            unsigned rep;
        } kvmexit;
    } u;
};

/* Each kind: init sets up g->u after the common fields are set; next writes the next intended
 * time (and, for trace, the vector) or returns false when the source is exhausted. */
void altinj_wl_timer_init(struct altinj_arrivals *g);
bool altinj_wl_timer_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector);
void altinj_wl_poisson_init(struct altinj_arrivals *g);
bool altinj_wl_poisson_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector);
void altinj_wl_burst_init(struct altinj_arrivals *g);
bool altinj_wl_burst_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector);
void altinj_wl_trace_init(struct altinj_arrivals *g);
bool altinj_wl_trace_next(struct altinj_arrivals *g, uint64_t *t_ns, uint8_t *vector);
/* kvmexit writes the whole arrival (type, vector, error code, busy, cut_reason) except busy
 * for a trace without intr_info, which altinj_arrivals_next draws as for the other kinds. */
void altinj_wl_kvmexit_init(struct altinj_arrivals *g);
bool altinj_wl_kvmexit_next(struct altinj_arrivals *g, struct altinj_arrival *out);
/* Replay time of relative time t in repetition rep (loop= shift, speed=), as trace replays. */
uint64_t altinj_wl_kvmexit_time(const struct altinj_workload_spec *s, uint64_t t, unsigned rep);
/* altinj_workload_trace_events, _end_ns and _events_before for a kvmexit spec. */
uint64_t altinj_wl_kvmexit_events(const struct altinj_workload_spec *s);
uint64_t altinj_wl_kvmexit_end_ns(const struct altinj_workload_spec *s);
uint64_t altinj_wl_kvmexit_events_before(const struct altinj_workload_spec *s, uint64_t until_ns);

#endif
