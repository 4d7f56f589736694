/*
 * Open-loop interrupt arrival workloads: spec parsing and per-source arrival generators.
 *
 * A workload spec is one string, `KIND:key=value,key=value...` (full grammar, parameters,
 * defaults and assumptions: workloads/README.md):
 *
 *   timer:hz=N                     periodic at N Hz, phase 0 (first arrival at t = 0)
 *   poisson:rate=N                 exponential inter-arrivals, mean rate N per second
 *   burst:rate=N,on=US,off=US      Poisson at the IN-BURST rate N during each `on` us window,
 *                                  silent for `off` us; windows start with `on` at t = 0
 *   ipi:senders=K,rate=N           K sources, each Poisson at N/K: N is the TOTAL rate the
 *                                  target vCPU sees
 *   trace:file=PATH[,cpus=LIST][,speed=X][,loop=N]
 *                                  replay of `perf script` text; one source per selected CPU
 *   kvmexit:file=PATH[,vcpus=LIST][,speed=X][,loop=N][,vector=N]
 *                                  replay of kvm:kvm_exit `perf script` text: one source per
 *                                  selected trace vCPU (its posts and raised events) and that
 *                                  vCPU's plain exits (altinj_exits_create_vcpu)
 *
 *   common to all kinds: exits=R:N+R:N... (non-interrupt guest exits per second by reason:
 *   npf, io, msr, hlt, cpuid, pause; joined by '+', since ',' separates keys),
 *   busy=F (default 0.05), exc=F and soft=F (default 0: shares of arrivals
 *   that are the guest's own exceptions and software events), masked=F (default 0) and mask_us=US
 *   (default 10: the guest's interrupt-masked share of time and mean masked span), seed=N;
 *   all kinds but trace: vector=N (0x20..0xFF; default timer 0xEC, poisson 0x30, burst 0x31,
 *   ipi 0xFB, kvmexit 0x30). kvmexit takes none of exits=, exc=, soft= (the trace is the mix),
 *   and busy= only for a trace without intr_info (there it is required).
 *
 * Arrivals are open loop: each carries an ABSOLUTE intended time from run start, fixed before
 * the run and never influenced by how the system under test is doing (no coordinated
 * omission, DOMAIN.md section 7).
 *
 * Determinism: a source's arrival sequence is a pure function of (spec, effective seed, source
 * index). Integer and IEEE basic arithmetic are exact or correctly rounded everywhere; the only
 * libm call is log1p in the exponential draws (Poisson, burst, ipi), which may differ in the
 * last ulp between libm builds and so, very rarely, move a time by 1 ns. Timer and trace
 * sequences and every busy/exception decision are bit-identical on every machine.
 * Each source draws from three independent xoshiro256** streams (times, busy decisions,
 * exception decisions), so changing busy= or exc= never moves an arrival time, and changing exc=
 * never changes which arrivals are busy.
 *
 * Thread safety: no global state. A parsed spec is read-only and may be shared by all
 * generators on all threads; each generator belongs to one thread.
 */
#ifndef ALTINJ_WORKLOAD_H
#define ALTINJ_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_exit_codes.h"

struct altinj_irq;
struct altinj_trace;
struct altinj_kvmexit_replay;

enum altinj_workload_kind {
    ALTINJ_WL_TIMER,
    ALTINJ_WL_POISSON,
    ALTINJ_WL_BURST,
    ALTINJ_WL_IPI,
    ALTINJ_WL_TRACE,
    ALTINJ_WL_KVMEXIT,
};

#define ALTINJ_WL_MAX_RATE     1e9   /* per second: a period under 1 ns cannot be scheduled */
#define ALTINJ_WL_MAX_SENDERS  64u
#define ALTINJ_WL_MAX_SOURCES  256u  /* struct altinj_irq.source is a uint8_t */
#define ALTINJ_WL_MAX_CPU      4095u /* highest CPU number a trace or cpus= list may name */
#define ALTINJ_WL_MAX_SPEED    1e6
#define ALTINJ_WL_MAX_LOOP     1000000u
/* Generators stop (next returns false) rather than produce a time at or past 2^62 ns
 * (~146 years): keeps every double-to-integer conversion defined. */
#define ALTINJ_WL_HORIZON_NS   (UINT64_C(1) << 62)

#define ALTINJ_WL_DEFAULT_BUSY 0.05
#define ALTINJ_WL_DEFAULT_MASK_US 10.0
/* Exceptions drawn by exc= (raised by the guest's own instructions): #PF with error code 0x2
 * (supervisor write to a not-present page, the common demand-fault case) and #VC with error
 * code 0x72 (SVM exit code of CPUID, the most common #VC cause in an SNP guest). Software events
 * drawn by soft=, a third each: INTn 0x80 (type 4), INT3 (#BP, type 3 vector 3), INTO (#OF,
 * type 3 vector 4). */
#define ALTINJ_WL_SOFT_VECTOR 0x80u
#define ALTINJ_WL_PF_ERROR_CODE 0x2u
#define ALTINJ_WL_VC_ERROR_CODE 0x72u

/* A parsed, validated spec. Read-only after altinj_workload_parse; owns the loaded trace, so
 * never copy it by value and free it exactly once with altinj_workload_spec_free. */
struct altinj_workload_spec {
    enum altinj_workload_kind kind;
    double rate;           /* per second: timer hz, poisson/ipi total rate, burst in-burst rate */
    double on_us, off_us;  /* burst windows */
    unsigned senders;      /* ipi */
    double busy;           /* probability that a delivery is interrupted by a VMEXIT */
    double exc;            /* probability that an event is a guest exception (#PF/#VC) */
    double soft;           /* probability that an event is a guest INTn/INT3/INTO */
    double masked;         /* share of guest time with interrupts masked (IF clear), [0, 1) */
    double mask_us;        /* mean length of a masked span */
    bool has_seed;         /* seed= given: it overrides the caller's seed */
    uint64_t seed;
    uint8_t vector;        /* non-trace kinds */
    /* exits=: non-interrupt guest exits per second and vCPU, by enum altinj_exit_reason (0:
     * none of that reason). has_exits: some rate is > 0. */
    bool has_exits;
    double exit_rate[ALTINJ_EXIT_R__COUNT];
    /* trace */
    char *file;
    bool has_cpus;
    uint64_t cpus[(ALTINJ_WL_MAX_CPU + 1) / 64]; /* bitmap of cpus=, when has_cpus */
    double speed;
    unsigned loop;
    struct altinj_trace *trace; /* loaded at parse time */
    /* kvmexit (file, speed, loop above; cpus/has_cpus hold vcpus=). has_exits is set: every
     * selected vCPU's plain exits are its exit stream. */
    bool busy_given;            /* busy= was given (only a trace without intr_info takes it) */
    struct altinj_kvmexit_replay *kvmexit; /* loaded at parse time */
};

/* One arrival. 24 bytes with no implicit padding (reserved is always zero), so sequences can
 * be compared with memcmp. */
struct altinj_arrival {
    uint64_t t_ns;       /* intended time from run start; non-decreasing per source */
    uint32_t error_code; /* meaningful when error_valid */
    uint8_t vector;
    uint8_t type;        /* enum altinj_event_type: EXTINT (posted by the hypervisor), or
                            EXCEPTION / SOFTINT (raised by the guest's own instruction) */
    uint8_t source;      /* source index, < altinj_workload_sources() */
    bool error_valid;
    bool busy;           /* this delivery is to be interrupted by a VMEXIT (BUSY case) */
    uint8_t cut_reason;  /* when busy: 0, the model's npf exit cuts it; else 1 + enum
                            altinj_exit_reason of the exit that does (a kvm_exit replay's V=1
                            exit, with the reason the trace recorded) */
    uint8_t reserved[6];
};

/*
 * Parses and validates spec into *out; for trace, also reads and checks the whole file.
 * Returns 0 on success. On any error returns -1, writes one line (no newline) such as
 * "workload 'poisson:rate=0': rate must be > 0 (got '0')" into err (truncated to errlen; err may
 * be NULL when errlen is 0) and leaves *out holding nothing to free. Never crashes on any input;
 * never accepts an unknown kind or key, a duplicate or missing key, or a value with trailing
 * garbage or out of range.
 */
int altinj_workload_parse(const char *spec, struct altinj_workload_spec *out, char *err,
                          size_t errlen);

/* Frees what parse loaded and zeroes *spec. Safe on a zeroed spec and after a failed parse. */
void altinj_workload_spec_free(struct altinj_workload_spec *spec);

/* Number of sources (poster threads / event streams): 1 for timer, poisson and burst, K for
 * ipi, the number of selected CPUs with events for trace, the number of selected vCPUs for
 * kvmexit (a source may then post nothing: a vCPU with plain exits only). Always in
 * 1..ALTINJ_WL_MAX_SOURCES for a parsed spec. */
unsigned altinj_workload_sources(const struct altinj_workload_spec *spec);

/* For a trace spec, the perf CPU number that source replays; for kvmexit, the trace vCPU (the
 * number vcpus= names); -1 otherwise or out of range. */
int altinj_workload_source_cpu(const struct altinj_workload_spec *spec, unsigned source);

/* For a trace or kvmexit spec: the replay's arrivals in full (every kept event, loop= times)
 * and the time of its last one in ns (loop= and speed= applied; kvmexit: of its last exit of
 * any kind, so a run that lasts that long replays every exit). 0 for other kinds. */
uint64_t altinj_workload_trace_events(const struct altinj_workload_spec *spec);
uint64_t altinj_workload_trace_end_ns(const struct altinj_workload_spec *spec);
/* For a trace or kvmexit spec: how many of its arrivals come before until_ns (what a
 * --duration keeps). */
uint64_t altinj_workload_trace_events_before(const struct altinj_workload_spec *spec,
                                             uint64_t until_ns);

/* The seed generators actually use: the spec's seed= when given, else run_seed. */
uint64_t altinj_workload_seed(const struct altinj_workload_spec *spec, uint64_t run_seed);

/* Writes the canonical spec (every parameter, defaults filled in, fixed key order, shortest
 * round-trip numbers) for JSON and reports; parsing it gives an equal spec. Returns what
 * snprintf would (the full length; >= len means truncated), or -1 on a bad argument. */
int altinj_workload_describe(const struct altinj_workload_spec *spec, char *buf, size_t len);

/* ---- One source ---- */
struct altinj_arrivals;

/* A generator for one source, deterministic for (spec, altinj_workload_seed(spec, seed),
 * source). spec must outlive it. Returns NULL when source >= altinj_workload_sources(spec) or
 * memory runs out. The only allocation; next() never allocates. */
struct altinj_arrivals *altinj_arrivals_create(const struct altinj_workload_spec *spec,
                                               unsigned source, uint64_t seed);

/* Writes the next arrival; returns false once the source is exhausted (end of a trace, or the
 * ALTINJ_WL_HORIZON_NS bound) and on every call after that. Tens of ns, no allocation. */
bool altinj_arrivals_next(struct altinj_arrivals *g, struct altinj_arrival *out);

/* Pulls up to max arrivals with t_ns < until_ns into buf (buf may be NULL to only count).
 * The first arrival at or past until_ns is kept, not lost: the next call returns it first.
 * Returns the number pulled. until_ns = UINT64_MAX means no time bound. */
size_t altinj_arrivals_fill(struct altinj_arrivals *g, struct altinj_arrival *buf, size_t max,
                            uint64_t until_ns);

void altinj_arrivals_destroy(struct altinj_arrivals *g);

/* ---- Synthetic non-interrupt exits (exits=) ---- */

/* One exit a vCPU's guest makes by itself: an exit of reason `reason` (enum
 * altinj_exit_reason) at t_ns from run start. It delivers nothing: not an event. */
struct altinj_exit_arrival {
    uint64_t t_ns;
    uint8_t reason;
};

struct altinj_exits;

/* The exits of one vCPU: each reason of exits= an independent Poisson stream at its rate, from
 * its own xoshiro stream of altinj_workload_seed(spec, seed) (stream numbers 2^32 + reason,
 * apart from every arrival stream), merged in time order (ties: the lower reason). So exits=
 * never moves an arrival or a busy decision. NULL when the spec has no exits= or memory runs
 * out (check altinj_workload_spec.has_exits), and for kvmexit (altinj_exits_create_vcpu). */
struct altinj_exits *altinj_exits_create(const struct altinj_workload_spec *spec, uint64_t seed);
/* The exit stream of vCPU `source` (a source index, < altinj_workload_sources): for kvmexit,
 * that trace vCPU's plain exits (every exit line that neither posts nor cuts), in trace order
 * with loop= and speed= applied; for the other kinds altinj_exits_create(spec, seed), whatever
 * source is. NULL as altinj_exits_create, or for kvmexit when source is out of range. */
struct altinj_exits *altinj_exits_create_vcpu(const struct altinj_workload_spec *spec,
                                              unsigned source, uint64_t seed);
/* The next exit; false once every stream passed the ALTINJ_WL_HORIZON_NS bound (kvmexit: once
 * the replay is done). */
bool altinj_exits_next(struct altinj_exits *g, struct altinj_exit_arrival *out);
void altinj_exits_destroy(struct altinj_exits *g);

/* ---- kvm_exit replay (kvmexit) ---- */

/* What one replay of a kvmexit spec makes of its trace, loop= times (workloads/README.md):
 * every exit line on the selected vCPUs is one of
 *   - a cut: intr_info V=1 of type INTR or NMI (an external interrupt posted at its time, its
 *     first delivery cut by an exit of the line's reason) or of type exception or INTn (the
 *     guest raises it at its time, its first delivery cut likewise);
 *   - an interrupt post: reason `interrupt` with V=0 (an external interrupt at vector=; its kick
 *     is the model's `interrupt` exit);
 *   - a plain exit of its reason (everything else, V=1 of a reserved type included). */
struct altinj_kvmexit_counts {
    bool intr_info;                           /* the trace's format has intr_info */
    uint64_t exits;                           /* exit lines replayed */
    uint64_t by_reason[ALTINJ_EXIT_R__COUNT]; /* their reasons (altinj_kvmexit_reason) */
    uint64_t v1;                              /* lines with intr_info V=1 */
    uint64_t cut_interrupts;                  /* V=1 INTR or NMI: posted and cut */
    uint64_t cut_raised;                      /* V=1 exception or INTn: raised and cut */
    uint64_t v1_reserved_type;                /* V=1 of type 1, 5-7: plain exits */
    uint64_t interrupt_posts;                 /* V=0 interrupt lines: posted at vector= */
    uint64_t plain;                           /* plain exits (the exit streams) */
};

/* Fills *out for a kvmexit spec and returns true; false (and *out zeroed) for other kinds. */
bool altinj_workload_kvmexit_counts(const struct altinj_workload_spec *spec,
                                    struct altinj_kvmexit_counts *out);

/* ---- All sources, merged into one time-ordered stream ---- */
struct altinj_merge;

/* Merges one generator per source. Order: t_ns non-decreasing; ties go to the lower source
 * index, so the merged stream is as deterministic as its sources. NULL when out of memory. */
struct altinj_merge *altinj_merge_create(const struct altinj_workload_spec *spec, uint64_t seed);
bool altinj_merge_next(struct altinj_merge *m, struct altinj_arrival *out);
/* As altinj_arrivals_fill, over the merged stream. */
size_t altinj_merge_fill(struct altinj_merge *m, struct altinj_arrival *buf, size_t max,
                         uint64_t until_ns);
void altinj_merge_destroy(struct altinj_merge *m);

/* Pre-generates the merged stream: at most max arrivals, all with t_ns < until_ns, into a new
 * malloc'd array (*out, to free(); NULL when *count is 0). For every kind but the replays
 * (trace, kvmexit) at least
 * one bound must be finite (max < SIZE_MAX or until_ns < UINT64_MAX), else -1 (the stream is
 * endless). Returns 0, or -1 on that or out of memory (*out NULL, *count 0). */
int altinj_workload_pregenerate(const struct altinj_workload_spec *spec, uint64_t seed,
                                size_t max, uint64_t until_ns, struct altinj_arrival **out,
                                size_t *count);

/* The guest's interruptibility for vCPU `vcpu` (altinj_guest.h), in cycles of a clock of
 * clock_hz: masked share and mean span from the spec, its own seed from (effective seed, vcpu). */
struct altinj_guest_config;
void altinj_workload_guest(const struct altinj_workload_spec *spec, uint64_t seed, unsigned vcpu,
                           uint64_t clock_hz, struct altinj_guest_config *out);

/* Whether the guest raises this arrival itself (an exception or software event) rather than
 * the hypervisor posting it. */
static inline bool altinj_arrival_guest_raised(const struct altinj_arrival *a)
{
    return a->type != 0; /* ALTINJ_EVENT_EXTINT */
}

/* Fills *irq from an arrival: vector, type, error code, source and delivery_cut (= busy), with
 * the run's sequence number and intended time (in the run's clock units) supplied by the
 * caller. */
void altinj_arrival_to_irq(const struct altinj_arrival *a, uint64_t seq, uint64_t intended,
                           struct altinj_irq *irq);

#endif
