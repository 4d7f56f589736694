/*
 * Hardware and software event counts around a measured region, over perf_event_open(2).
 *
 * The default set is cycles, instructions, cache misses, branch misses (hardware PMU) and
 * task-clock, context switches (kernel software events). Each counter is opened on its own
 * terms: one that the kernel refuses (no PMU, as in most VMs; perf_event_paranoid; seccomp) is
 * reported as unavailable with the errno the kernel gave, and carries no value. Nothing is
 * estimated or zero-filled: a consumer that prints 0 cycles on a machine without a PMU would
 * be reporting a measurement that never happened.
 *
 * Counts are of the calling thread only (pid 0, any CPU), user and kernel mode where allowed,
 * never the hypervisor. When perf_event_paranoid (or missing privilege) refuses kernel-mode
 * counting, a counter is retried user-mode only and flagged so (user_only).
 *
 * Not thread-safe: one struct altinj_perf belongs to the thread that opened it, since the
 * counters follow that thread.
 */
#ifndef ALTINJ_PERF_H
#define ALTINJ_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ALTINJ_PERF_MAX_EVENTS 8

/* The value field of a counter that is not available. Never a count: read `available`. */
#define ALTINJ_PERF_NO_VALUE UINT64_MAX

/* Indices of the default set (altinj_perf_open). */
enum altinj_perf_id {
    ALTINJ_PERF_CYCLES = 0,
    ALTINJ_PERF_INSTRUCTIONS,
    ALTINJ_PERF_CACHE_MISSES,
    ALTINJ_PERF_BRANCH_MISSES,
    ALTINJ_PERF_TASK_CLOCK,       /* nanoseconds the thread was on a CPU */
    ALTINJ_PERF_CONTEXT_SWITCHES,
    ALTINJ_PERF_NUM_DEFAULT,
};

/* One event to open: perf_event_attr.type and .config, and the names it is reported under. */
struct altinj_perf_event {
    const char *name;   /* JSON-friendly key: [a-z0-9_]+, e.g. "task_clock_ns" */
    uint32_t type;      /* PERF_TYPE_HARDWARE, PERF_TYPE_SOFTWARE, ... */
    uint64_t config;    /* PERF_COUNT_HW_*, PERF_COUNT_SW_*, ... */
    const char *unit;   /* "count", "ns" */
};

/* The default set, indexed by enum altinj_perf_id. */
extern const struct altinj_perf_event altinj_perf_default_events[ALTINJ_PERF_NUM_DEFAULT];

/* altinj_perf_open flags. */
/* Hardware events (every type but PERF_TYPE_SOFTWARE) form one group, led by the first that
 * opens: they count the same instants and are multiplexed as a unit. Software events always
 * stay independent, because the kernel does not schedule a member of another software PMU in
 * a task-clock-led group (context-switches reads time_running = 0 there). Without this flag
 * every counter is independent. */
#define ALTINJ_PERF_GROUP 1u

struct altinj_perf {
    bool open;                  /* between a successful open and close */
    bool running;               /* between start/resume and stop */
    bool started;               /* start was called at least once since open */
    unsigned flags;
    size_t n;
    int leader;                 /* index of the hardware group leader, or -1 */
    int paranoid;               /* /proc/sys/kernel/perf_event_paranoid, or INT_MIN if unread */
    struct altinj_perf_event ev[ALTINJ_PERF_MAX_EVENTS];
    int fd[ALTINJ_PERF_MAX_EVENTS];        /* -1: unavailable */
    int err[ALTINJ_PERF_MAX_EVENTS];       /* errno of the failed open, 0 if open */
    bool user_only[ALTINJ_PERF_MAX_EVENTS];
    bool in_group[ALTINJ_PERF_MAX_EVENTS];  /* a member (or the leader) of the group */
};

/* One counter's reading. */
struct altinj_perf_value {
    const char *name;
    const char *unit;
    bool available;     /* false: `value` is ALTINJ_PERF_NO_VALUE and `err`/`reason` say why */
    int err;            /* errno from perf_event_open or read; 0 when available */
    char reason[96];    /* human-readable: strerror plus a hint ("no PMU", "paranoid=3") */
    uint64_t value;     /* scaled for multiplexing (raw * enabled / running) */
    bool user_only;     /* kernel-mode activity is not counted */
    bool multiplexed;   /* running < enabled: the value is an extrapolation the kernel allows */
};

struct altinj_perf_sample {
    size_t n;
    int paranoid;
    struct altinj_perf_value v[ALTINJ_PERF_MAX_EVENTS];
};

/* Opens the default set. Returns the number of counters that opened (0 is a valid answer:
 * nothing is countable here) or -1 with errno = EINVAL for a NULL p or unknown flags. */
int altinj_perf_open(struct altinj_perf *p, unsigned flags);

/* Opens n (1..ALTINJ_PERF_MAX_EVENTS) caller-chosen events; names must outlive p. Same result
 * as altinj_perf_open; -1/EINVAL also for n out of range or a NULL name. */
int altinj_perf_open_events(struct altinj_perf *p, const struct altinj_perf_event *ev, size_t n,
                            unsigned flags);

/* Resets every available counter to 0 and starts counting. -1/EINVAL if p is not open or is
 * already running. Succeeds (doing nothing) when no counter is available. */
int altinj_perf_start(struct altinj_perf *p);

/* Stops counting; the values are kept. -1/EINVAL if not running. */
int altinj_perf_stop(struct altinj_perf *p);

/* Starts counting again without resetting, so several disjoint intervals add up.
 * -1/EINVAL if not open, running, or never started. */
int altinj_perf_resume(struct altinj_perf *p);

/* Reads every counter into *out (while running or stopped). Unavailable counters, and any
 * whose read fails or that the kernel never scheduled, come back with available = false and
 * the reason. -1/EINVAL if p is not open, out is NULL or start was never called. */
int altinj_perf_read(const struct altinj_perf *p, struct altinj_perf_sample *out);

/* Closes every fd; p is then not open. Safe on a closed or zeroed struct, and twice. */
void altinj_perf_close(struct altinj_perf *p);

/* The counter named `name` in *s, or NULL. */
const struct altinj_perf_value *altinj_perf_find(const struct altinj_perf_sample *s,
                                                 const char *name);

/* *out = the counter's value and true, if it is available; false (out untouched) otherwise. */
bool altinj_perf_value_of(const struct altinj_perf_sample *s, const char *name, uint64_t *out);

/* One line per counter: "  task_clock_ns      12345678 ns" or
 * "  cycles            unavailable (ENOENT: ...)". */
void altinj_perf_print(const struct altinj_perf_sample *s, FILE *f);

/* A JSON object: {"cycles":null,...,"task_clock_ns":123,"unavailable":{"cycles":"..."},
 * "paranoid":2}. Unavailable counters are null, never 0. snprintf semantics: returns the
 * length the full text needs (excluding the NUL), writes at most len bytes, NUL-terminated
 * when len > 0; -1 on a NULL s. */
int altinj_perf_json(const struct altinj_perf_sample *s, char *buf, size_t len);

#endif
