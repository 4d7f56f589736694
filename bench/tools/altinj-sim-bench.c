/*
 * altinj-sim-bench: the simulator's performance figures.
 *
 *   throughput  256 vCPUs, poisson:rate=100000 each, 1 simulated second, snp costs, explore on:
 *               simulated events, wall time, CPU time, events per second (wall and CPU).
 *   memory      max RSS at several vCPU counts with the same total of events (so the per-run
 *               parts, the oracle's bit per event and the histograms, are the same at every
 *               count), and the least-squares slope in KiB per vCPU, with and without the two
 *               4 KiB pages (VMSA, #HV doorbell) each vCPU has.
 *
 * Each measurement runs in a child process of its own, so its max RSS (from wait4) is its own.
 * "Event" is what altinj_sim_stats counts: a poster write, a kick landing, a guest exit or a
 * world-loop step. On a shared machine wall time includes waiting for a CPU; CPU time does not.
 *
 * usage: altinj-sim-bench [--quick] [--strategy NAME] [--vcpus-list 64,128,...]
 *                         [--mem-spec SPEC]    (memory workload, default poisson:rate=100000;
 *                                              e.g. ipi:senders=63,rate=100000 for 63 rings
 *                                              per vCPU, the most a vCPU holds)
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "altinj_cli_once.h"
#include "altinj_costs.h"
#include "altinj_sim.h"
#include "altinj_workload.h"

struct measure {
    int ok;
    uint64_t events;
    uint64_t posted;
    double wall_s;
    double cpu_s;
    long maxrss_kib;
    int exactly_once;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* In the child: one simulation, the figures written to fd. */
static void child(int fd, const char *strategy, const char *spec, unsigned vcpus,
                  uint64_t events, uint64_t duration_ns)
{
    struct measure m = {0};
    char err[512];
    struct altinj_workload_spec wl;
    struct altinj_run_result r;
    if (altinj_workload_parse(spec, &wl, err, sizeof err) == 0 &&
        altinj_run_result_init(&r, strategy, "sim") == 0) {
        const struct altinj_sim_config cfg = {
            .strategy = altinj_strategy_find(strategy), .workload = &wl,
            .costs = altinj_costs_builtin("snp"), .seed = 1, .vcpus = vcpus, .explore = true,
            .events = events, .duration_ns = duration_ns};
        struct altinj_sim_stats st;
        const double t0 = now_s();
        if (altinj_sim_run(&cfg, &r, &st, err, sizeof err) == ALTINJ_SIM_OK) {
            m.wall_s = now_s() - t0;
            m.ok = 1;
            m.events = st.events;
            m.posted = r.posted;
            m.exactly_once = altinj_run_result_ok(&r);
        } else {
            fprintf(stderr, "altinj-sim-bench: %s\n", err);
        }
    } else {
        fprintf(stderr, "altinj-sim-bench: %s\n", err);
    }
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
        _exit(1);
    _exit(0);
}

static int measure(struct measure *m, const char *strategy, const char *spec, unsigned vcpus,
                   uint64_t events, uint64_t duration_ns)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], strategy, spec, vcpus, events, duration_ns);
    }
    close(fds[1]);
    memset(m, 0, sizeof *m);
    const ssize_t got = read(fds[0], m, sizeof *m);
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || got != (ssize_t)sizeof *m || !m->ok)
        return -1;
    m->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    m->maxrss_kib = ru.ru_maxrss; /* Linux: KiB */
    return 0;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const char *strategy = "reactive";
    char list[256] = "64,128,256,512,1024";
    const char *mem_spec = "poisson:rate=100000";
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'q'},
        {"strategy", required_argument, NULL, 's'},
        {"vcpus-list", required_argument, NULL, 'v'},
        {"mem-spec", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    bool seen[256] = {false};
    char err[128];
    while ((c = getopt_long(argc, argv, ":qs:v:m:h", opts, NULL)) != -1) {
        /* --quick and --help are switches; the others take one value. */
        if (c != 'q' && c != 'h' && altinj_cli_once(seen, 256, c, opts, err, sizeof err) != 0) {
            fprintf(stderr, "altinj-sim-bench: %s\n", err);
            return 2;
        }
        switch (c) {
        case 'q': quick = true; break;
        case 's': strategy = optarg; break;
        case 'v': snprintf(list, sizeof list, "%s", optarg); break;
        case 'm': mem_spec = optarg; break;
        case 'h':
            puts("usage: altinj-sim-bench [--quick] [--strategy NAME] [--vcpus-list 64,128,...] "
                 "[--mem-spec SPEC]");
            return 0;
        case ':':
            fprintf(stderr, "altinj-sim-bench: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "altinj-sim-bench: unknown option '%s' (see --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "altinj-sim-bench: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (!altinj_strategy_find(strategy)) {
        fprintf(stderr, "altinj-sim-bench: unknown strategy '%s'\n", strategy);
        return 2;
    }
    /* The list is checked here, before the throughput run, not a minute later. */
    {
        char copy[sizeof list];
        memcpy(copy, list, sizeof copy);
        for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            char *end;
            const unsigned long v = strtoul(tok, &end, 10);
            if (*end != '\0' || !(tok[0] >= '1' && tok[0] <= '9') || v > ALTINJ_SIM_MAX_VCPUS) {
                fprintf(stderr, "altinj-sim-bench: --vcpus-list: bad vCPU count '%s' (1..%u)\n",
                        tok, (unsigned)ALTINJ_SIM_MAX_VCPUS);
                return 2;
            }
        }
    }

    /* ---- throughput ---- */
    const double sim_s = quick ? 0.1 : 1.0;
    struct measure m;
    printf("throughput: %s, 256 vCPUs, poisson:rate=100000 each, %.1f simulated s, snp, "
           "explore on\n",
           strategy, sim_s);
    if (measure(&m, strategy, "poisson:rate=100000", 256, 0, (uint64_t)(sim_s * 1e9)) != 0) {
        fputs("altinj-sim-bench: throughput run failed\n", stderr);
        return 1;
    }
    printf("  interrupts %llu, events %llu, exactly-once %s\n", (unsigned long long)m.posted,
           (unsigned long long)m.events, m.exactly_once ? "yes" : "NO");
    printf("  wall %.2f s, cpu %.2f s, %.1f M events/s (wall), %.1f M events/s (cpu), "
           "max RSS %ld KiB\n",
           m.wall_s, m.cpu_s, (double)m.events / m.wall_s / 1e6,
           (double)m.events / m.cpu_s / 1e6, m.maxrss_kib);

    /* ---- memory ---- */
    const uint64_t events = quick ? 200000 : 1000000;
    printf("memory: %s, %llu events in total at every vCPU count (%s each)\n", strategy,
           (unsigned long long)events, mem_spec);
    printf("  %8s %12s %12s\n", "vcpus", "maxrss_KiB", "KiB/vcpu");
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    unsigned n = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *end;
        const unsigned long v = strtoul(tok, &end, 10);
        const unsigned vcpus = v > ALTINJ_SIM_MAX_VCPUS ? 0 : (unsigned)v;
        if (*end != '\0' || !(tok[0] >= '1' && tok[0] <= '9') || vcpus < 1) {
            fprintf(stderr, "altinj-sim-bench: bad vCPU count '%s'\n", tok);
            return 2;
        }
        if (measure(&m, strategy, mem_spec, vcpus, events, 0) != 0) {
            fprintf(stderr, "altinj-sim-bench: run with %u vCPUs failed\n", vcpus);
            return 1;
        }
        printf("  %8u %12ld %12.1f\n", vcpus, m.maxrss_kib, (double)m.maxrss_kib / vcpus);
        sx += vcpus;
        sy += (double)m.maxrss_kib;
        sxx += (double)vcpus * vcpus;
        sxy += (double)vcpus * (double)m.maxrss_kib;
        n++;
    }
    if (n >= 2) {
        const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        const double icpt = (sy - slope * sx) / n;
        printf("  slope %.1f KiB per vCPU (%.1f KiB besides the two 4 KiB pages), "
               "intercept %.0f KiB\n",
               slope, slope - 8.0, icpt);
    }
    return 0;
}
