/*
 * What one run (one strategy on one workload, live or simulated) measured. Every output (table,
 * JSON, histograms) is made from an array of these, so live and simulated runs print alike.
 */
#ifndef ALTINJ_RUN_RESULT_H
#define ALTINJ_RUN_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "altinj_counters.h"
#include "altinj_faults.h"
#include "altinj_hist.h"
#include "altinj_oracle.h"

#define ALTINJ_PLACEMENT_MAX 256
/* A canonical fault spec (altinj_fault_spec_describe) fits: every fault named once. */
#define ALTINJ_FAULTS_TEXT_MAX 512

struct altinj_strategy;

struct altinj_run_result {
    const char *strategy;          /* static string from the strategy table */
    const struct altinj_strategy *row; /* the row run (NULL for merged or foreign results) */
    const char *mode;              /* "live" or "sim" */
    unsigned vcpus;
    uint64_t posted;               /* events posted by the sources */
    struct altinj_oracle_verdict verdict;
    struct altinj_counters c;      /* summed over vCPUs */
    uint64_t poster_doorbell_writes; /* doorbell posts by the sources (the vCPU's c counts the
                                        strategy's own writes) */
    uint64_t kicks;                /* #HV IPIs sent */
    uint64_t kicks_suppressed;     /* posts that found NoFurtherSignal set: no IPI needed */
    uint64_t ring_full_waits;      /* times a source found its ring full (backpressure) */
    uint64_t late_posts;           /* posts that left more than 1 us after their intended
                                      time; a post leaves when its record is pushed and its
                                      vector written to the doorbell, before its kick's flight
                                      (doorbell_kick) and any delay-kick hold, so a kick never
                                      makes its own post late (live, it can hold back the same
                                      poster's next one: poster_main in
                                      altinj_live.c) */
    bool exit_mix;                 /* the workload has non-interrupt exits (exits=): the JSON
                                      counts then carry exits_by_reason; the engines set it */
    bool fatal;                    /* the SVSM could not make the guest runnable */
    const char *fatal_reason;      /* static text, when fatal */
    bool stalled;                  /* the run hit its drain deadline with events undelivered */
    double elapsed_s;              /* clock time from the first intended arrival to the end */
    double wall_s;                 /* wall-clock time of the run */
    uint64_t clock_hz;             /* cycles per second of the run's clock */
    /* Per-interrupt latency, ns: guest handler entry minus intended arrival. */
    struct altinj_hist latency_ns;
    /* For events whose delivery a VMEXIT cut: handler entry minus that first VMEXIT, ns. */
    struct altinj_hist busy_redelivery_ns;
    char placement[ALTINJ_PLACEMENT_MAX];
    /* Hostile-hypervisor faults (core/altinj_faults.h, bench/runner/altinj_run_faults.h): the
     * canonical spec ("none" for a fault-free run, whose engines never see a fault), and what
     * the faults did, summed over vCPUs and poster threads. */
    char faults[ALTINJ_FAULTS_TEXT_MAX];
    bool faults_on;
    struct altinj_fault_counters fc;
    /* perf counters over the vCPU thread, rendered by altinj_perf (may be empty). */
    char perf_json[4096];
    /* The live run's own threads, each from the start barrier to its end
     * (core/altinj_thread_usage.h): CPU time / wall time, and involuntary context switches
     * (ru_nivcsw). A spinning thread on a quiet CPU has a share of 1; what the machine took
     * during the run shows here, as the noise probe shows it beside the run. usage_valid false:
     * not measured (sim: it has no threads; merged results; a reading failed); print n/a. */
    double vcpu_cpu_share;
    double poster_cpu_share_min;   /* the lowest share of any poster thread */
    uint64_t vcpu_nivcsw;
    uint64_t poster_nivcsw;        /* summed over the poster threads */
    bool usage_valid;
};

/* Returns 0, or -1 when the histograms cannot be allocated. */
int altinj_run_result_init(struct altinj_run_result *r, const char *strategy, const char *mode);
void altinj_run_result_free(struct altinj_run_result *r);

/* Whether the run may be trusted: nothing lost, nothing duplicated, nothing fatal, no broken
 * invariant. */
bool altinj_run_result_ok(const struct altinj_run_result *r);

/* World switches: guest exits + VMRUN attempts + 2 per VMPL0 run (there and back). */
uint64_t altinj_run_result_world_switches(const struct altinj_run_result *r);

/* Per 1000 delivered interrupts (0 when none was delivered). */
double altinj_run_result_per_1000(const struct altinj_run_result *r, uint64_t count);

/* `cycles` of the run's clock in ns per one of `count` (0 when count or the clock is 0). */
double altinj_run_result_ns_per(const struct altinj_run_result *r, uint64_t cycles,
                                uint64_t count);

#endif
