/* Options of `altinj-bench run`, parsed and validated (nothing is run here). */
#ifndef ALTINJ_RUN_CLI_H
#define ALTINJ_RUN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "altinj_faults.h"
#include "altinj_model.h"
#include "altinj_sim_route.h"
#include "altinj_strategy.h"

#define ALTINJ_RUN_MAX_STRATEGIES 16
#define ALTINJ_RUN_DEFAULT_WORKLOAD "poisson:rate=100000"
#define ALTINJ_RUN_DEFAULT_DURATION 2.0
#define ALTINJ_RUN_DEFAULT_COSTS "snp"
/* A live run pre-generates its arrivals (24 bytes each) so every strategy replays the same
 * sequence: this bound keeps that under 1.2 GB. */
#define ALTINJ_RUN_MAX_EVENTS 50000000u
/* --drain below this reports as lost what is only still in flight (a VMPL0 round trip under
 * the snp profile is microseconds; a loaded VM's scheduler can hold a thread for tens of ms). */
#define ALTINJ_RUN_MIN_DRAIN_S 0.1

/* --mode: live runs on real threads (one vCPU, altinj_live.h); sim simulates --vcpus vCPUs in
 * virtual time (altinj_sim.h). */
enum altinj_run_mode { ALTINJ_RUN_MODE_LIVE = 0, ALTINJ_RUN_MODE_SIM };

struct altinj_run_opts {
    const struct altinj_strategy *strategies[ALTINJ_RUN_MAX_STRATEGIES];
    size_t nstrategies;
    const char *workload;
    double duration_s;      /* used when events == 0 */
    bool duration_given;    /* -d was given (a trace otherwise replays in full) */
    uint64_t events;        /* 0: bounded by duration */
    const char *costs;
    uint64_t seed;
    unsigned repeat;        /* --repeat, default 1 (altinj_repetitions.h) */
    double noise_probe_s;   /* --noise-probe, live: seconds before each repetition; 0 off */
    const char *json_path;  /* NULL: none */
    const char *hist_path;  /* NULL: none */
    bool quiet;
    double drain_timeout_s;
    enum altinj_run_mode mode;      /* --mode, default live */
    unsigned vcpus;                 /* --vcpus, default 1; > 1 only with --mode sim */
    bool vcpus_given;               /* --vcpus was given (kvmexit otherwise derives it) */
    struct altinj_sim_route route;  /* --route (sim), default all */
    bool route_given;               /* --route was given */
    bool explore;                   /* --explore on|off (sim), default on */
    struct altinj_fault_spec faults; /* --faults SPEC (core/altinj_faults.h), default none */
    struct altinj_model model;      /* --busy-premise, --softint-copy (core/altinj_model.h) */
};

enum altinj_cli_status { ALTINJ_CLI_OK = 0, ALTINJ_CLI_EXIT = 1, ALTINJ_CLI_ERROR = -1 };

/* Parses argv (argv[0] is "run"). ALTINJ_CLI_EXIT: --help was printed to out, exit 0.
 * ALTINJ_CLI_ERROR: one line in err, exit 2. */
enum altinj_cli_status altinj_run_parse(int argc, char **argv, struct altinj_run_opts *o,
                                        FILE *out, char *err, size_t errlen);

/* Parses "reactive,hvdb-flag", "never+openhcl", "mutant-pr881" or "all" (the four named
 * rows) into o->strategies. */
int altinj_run_parse_strategies(const char *list, struct altinj_run_opts *o, char *err,
                                size_t errlen);

void altinj_run_usage(FILE *f);

#endif
