#include "altinj_run_cli.h"

#include <getopt.h>
#include <string.h>

#include "altinj_cli_num.h"
#include "altinj_cli_once.h"
#include "altinj_noise.h"
#include "altinj_repetitions.h"
#include "altinj_sim.h"

static void usage_rows(FILE *f)
{
    fputs("Strategy rows (a hypervisor policy + an SVSM policy; each names its source):\n", f);
    for (size_t i = 0; i < altinj_strategy_count(); i++) {
        const struct altinj_strategy *s = altinj_strategy_at(i);
        fprintf(f, "  %-17s %s+%s: %s\n  %17s source: %s\n", s->name, s->hv->name, s->svsm->name,
                s->summary, "", s->source);
    }
    fputs("Hypervisor policies (for HV+SVSM):\n", f);
    for (unsigned i = 0; altinj_hv_policy_at(i); i++) {
        const struct altinj_hv_policy *h = altinj_hv_policy_at(i);
        fprintf(f, "  %-17s %s\n  %17s source: %s\n", h->name, h->summary, "", h->source);
    }
    fputs("SVSM policies (for HV+SVSM):\n", f);
    for (unsigned i = 0; altinj_svsm_policy_at(i); i++) {
        const struct altinj_svsm_policy *p = altinj_svsm_policy_at(i);
        if (!p->mutant)
            fprintf(f, "  %-17s %s\n  %17s source: %s\n", p->name, p->summary, "", p->source);
    }
    fputs("Test-only mutant rows (known bugs the oracle must catch; never in `all`):\n", f);
    for (size_t i = 0; i < altinj_mutant_count(); i++) {
        const struct altinj_strategy *m = altinj_mutant_at(i);
        fprintf(f, "  %-28s expect %s; needs %s\n  %28s source: %s\n", m->name, m->expect,
                m->needs, "", m->source);
    }
    fputc('\n', f);
}

void altinj_run_usage(FILE *f)
{
    fputs(
        "usage: altinj-bench run [options]\n"
        "\n"
        "Runs interrupt-heavy guest workloads against BUSY-bit signalling strategies and reports\n"
        "per-interrupt latency, world-switch counts and an exactly-once verdict.\n"
        "\n"
        "  -s, --strategy LIST    comma list of rows: reactive, hvdb-flag, unconditional,\n"
        "                         paravisor, all (those four; default), HV+SVSM for any pairing\n"
        "                         of the policies below (e.g. every-exit+coconut), or a mutant- row.\n"
        "                         All rows replay the same arrival sequence.\n"
        "  -w, --workload SPEC    timer:hz=N | poisson:rate=N | burst:rate=N,on=US,off=US |\n"
        "                         ipi:senders=K,rate=N | trace:file=PATH[,cpus=L][,speed=X]\n"
        "                         plus busy=F (fraction of deliveries a VMEXIT cuts, default\n"
        "                         0.05), exc=F and soft=F (fractions of events the guest raises\n"
        "                         itself: #PF/#VC; INTn/INT3/INTO), masked=F and mask_us=US (the\n"
        "                         guest's share of time with interrupts masked, mean span),\n"
        "                         exits=npf:N+io:N+... (non-interrupt exits per second per\n"
        "                         vCPU: npf io msr hlt cpuid pause, joined by '+').\n"
        "                         Default: " ALTINJ_RUN_DEFAULT_WORKLOAD "\n"
        "                         trace: perf script text of irq_vectors:*_entry and\n"
        "                         irq:irq_handler_entry events (perf record -g call chains are\n"
        "                         skipped); cpus=LIST picks CPUs (one source each), speed=X\n"
        "                         divides every time, loop=N replays it N times\n"
        "                         (workloads/README.md has the line rules)\n"
        "                         kvmexit:file=PATH[,vcpus=L][,speed=X][,loop=N][,vector=V]:\n"
        "                         replays perf script text of kvm:kvm_exit (AMD): each exit at\n"
        "                         its time on its vCPU; intr_info V=1 exits are the BUSY cases,\n"
        "                         interrupt exits post vector V (0x30); busy= only for traces\n"
        "                         without intr_info (then required). sim: one vCPU per\n"
        "                         selected trace vCPU; live: vcpus= must select one\n"
        "  -d, --duration SEC     arrivals over SEC seconds (default 2; a trace replays in\n"
        "                         full unless -d or -n is given, and says how many events a\n"
        "                         shorter -d cut)\n"
        "  -n, --events N         exactly the first N arrivals instead of a duration (sim:\n"
        "                         N in all, shared among the simulated vCPUs)\n"
        "  -c, --costs PROFILE    zero | snp | a cost file (key=value; every key and its source\n"
        "                         in core/profiles/snp.conf, DOMAIN.md section 6) (default snp)\n"
        "      --seed N           arrival seed (default 1)\n"
        "      --repeat N         N repetitions (default 1), each running every strategy once\n"
        "                         in a freshly shuffled order with seed + k (k = 0..N-1); the\n"
        "                         output shows medians with bootstrap 95 % intervals and a\n"
        "                         Mann-Whitney U test per pair (Holm-corrected); the JSON keeps\n"
        "                         every repetition (runs[].repetitions, runs[].summary,\n"
        "                         comparisons). Live: >= 5 for a claim; a repetition the noise\n"
        "                         probe or the thread's CPU share marks disturbed is left out\n"
        "      --busy-premise P   who sets BUSY when a VMEXIT cuts a delivery: hardware (default;\n"
        "                         AMD's message in the seed thread) or software (the processor\n"
        "                         records EXITINTINFO only; APM 15.36.16 as OpenHCL reads it)\n"
        "      --softint-copy C   what a cut INTn/INT3/INTO copied into EVENTINJ does: rerun\n"
        "                         (default: RIP not advanced, handled twice; Linux svm.c\n"
        "                         svm_update_soft_interrupt_rip) or advance (handled once)\n"
        "      --json FILE        write results as JSON (- for standard output; the table then\n"
        "                         goes to stderr)\n"
        "      --hist FILE        write a cyclictest -h style histogram to FILE and an\n"
        "                         HdrHistogram percentile table per strategy to\n"
        "                         FILE.<strategy>.hgrm\n"
        "      --drain SEC        after the last arrival, wait at most SEC for deliveries\n"
        "                         (default 10, at least 0.1); a run never lasts longer than\n"
        "                         its arrival span\n"
        "                         plus about 1.1 x SEC, whatever a row does\n"
        "      --noise-probe SEC  live: before each repetition, probe every CPU for SEC with a\n"
        "                         spinning thread that records gaps over 10 us (default 0.1;\n"
        "                         off: no probe); the JSON's noise object and the text's noise\n"
        "                         line are this machine's floor beside the run\n"
        "      --mode MODE        live (default): real threads, one vCPU; sim: deterministic\n"
        "                         simulation in virtual time (1 GHz) of --vcpus vCPUs, same\n"
        "                         strategy code, same outputs (\"mode\": \"sim\")\n"
        "      --vcpus N          simulated vCPUs, 1..4096 (default 1; > 1 needs --mode sim)\n"
        "      --route R          sim: which vCPUs the sources post to: all (default: each vCPU\n"
        "                         gets its own copy of the workload), rr (source s to vCPU\n"
        "                         s mod N) or a vCPU number (all sources to it); ipi senders\n"
        "                         are other simulated vCPUs\n"
        "      --explore on|off   sim: seeded interleavings of same-time and overlapping\n"
        "                         actions and re-delivery cuts (default on); off: the live\n"
        "                         engine's order, for comparison with live runs\n"
        "      --faults SPEC      hostile hypervisor: none (default) or FAULT=RATE,... (rate per\n"
        "                         opportunity; delay-kick=RATE[:DURATION]), all=RATE, seed=N.\n"
        "                         Faults: flag-no-busy omit-flag garbage stale-flag double-vmrun\n"
        "                         softint-exitintinfo delay-kick (docs/hostile-hypervisor.md).\n"
        "                         Reports faults fired, double runs prevented (by BUSY or by\n"
        "                         EFER.SVME)/violations and what the guest sees (nothing delay\n"
        "                         stall panic lost duplicated double-run)\n"
        "  -q, --quiet            no table, no progress line\n"
        "  -h, --help             this text\n"
        "\n",
        f);
    usage_rows(f);
    fputs(
        "Outputs (--json, --hist and its .hgrm files): all are checked before the run and\n"
        "committed together after it. A new or regular file (through symbolic links) is\n"
        "written to a temporary beside it and renamed over it; a character device or FIFO is\n"
        "written through; a directory, socket, block device or dangling link is refused; an\n"
        "output that is an input (trace, cost file) or another output is refused.\n"
        "\n"
        "Exit status: 0 all runs exactly-once; 1 an event was lost or duplicated, or the guest\n"
        "could not be made runnable or stalled; 2 bad input (nothing written); 3 an output\n"
        "could not be written (the file and the system's reason; no file changed). A double\n"
        "run under --faults is a property of the strategy under attack: reported, never exit\n"
        "status 1 by itself.\n"
        "\n"
        "Examples:\n"
        "  altinj-bench run --strategy all --workload poisson:rate=100000 --duration 2\n"
        "  altinj-bench run -s reactive,unconditional -w 'burst:rate=2000000,on=50,off=950,busy=0.2'\n"
        "  altinj-bench run -s never+coconut,exitintinfo+openhcl --busy-premise software\n"
        "  altinj-bench run -w timer:hz=250000 -c zero --json results/timer.json --hist results/timer.hist\n"
        "  altinj-bench run -w 'trace:file=irq.txt,cpus=0-3' --events 100000\n"
        "  altinj-bench run --mode sim --vcpus 256 -w poisson:rate=100000 --duration 1\n"
        "  altinj-bench run --mode sim --vcpus 64 --route 0 -w ipi:senders=63,rate=2000000\n"
        "  altinj-bench run --mode sim -n 50000 --faults omit-flag=0.5,delay-kick=0.1:20us\n",
        f);
}

int altinj_run_parse_strategies(const char *list, struct altinj_run_opts *o, char *err,
                                size_t errlen)
{
    o->nstrategies = 0;
    if (!*list) {
        snprintf(err, errlen, "--strategy: empty list");
        return -1;
    }
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        const size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name) {
            snprintf(err, errlen, "--strategy: bad entry in '%s'", list);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if (strcmp(name, "all") == 0) {
            for (size_t i = 0; i < altinj_strategy_count() &&
                               o->nstrategies < ALTINJ_RUN_MAX_STRATEGIES; i++)
                o->strategies[o->nstrategies++] = altinj_strategy_at(i);
        } else {
            const struct altinj_strategy *s = altinj_strategy_find(name);
            if (!s) {
                snprintf(err, errlen,
                         "--strategy: unknown strategy '%s' (reactive, hvdb-flag, unconditional, "
                         "paravisor, all, HV+SVSM with HV never|exitintinfo|flag|every-exit and "
                         "SVSM coconut|flag-only|openhcl|coconut-clear-eii, or a mutant- row: see "
                         "--help)",
                         name);
                return -1;
            }
            if (o->nstrategies == ALTINJ_RUN_MAX_STRATEGIES) {
                snprintf(err, errlen, "--strategy: too many entries");
                return -1;
            }
            o->strategies[o->nstrategies++] = s;
        }
        p += len;
        if (*p == ',') {
            p++;
            if (!*p) {
                snprintf(err, errlen, "--strategy: trailing comma in '%s'", list);
                return -1;
            }
        }
    }
    /* A strategy named twice would run twice: refuse rather than print a doubled row. */
    for (size_t i = 0; i < o->nstrategies; i++)
        for (size_t j = i + 1; j < o->nstrategies; j++)
            if (o->strategies[i] == o->strategies[j]) {
                snprintf(err, errlen, "--strategy: '%s' named twice", o->strategies[i]->name);
                return -1;
            }
    return 0;
}

enum altinj_cli_status altinj_run_parse(int argc, char **argv, struct altinj_run_opts *o,
                                        FILE *out, char *err, size_t errlen)
{
    *o = (struct altinj_run_opts){
        .workload = ALTINJ_RUN_DEFAULT_WORKLOAD,
        .duration_s = ALTINJ_RUN_DEFAULT_DURATION,
        .costs = ALTINJ_RUN_DEFAULT_COSTS,
        .seed = 1,
        .repeat = 1,
        .noise_probe_s = 0.1,
        .drain_timeout_s = 10.0,
        .vcpus = 1,
        .explore = true,
    };
    enum { OPT_SEED = 256, OPT_JSON, OPT_HIST, OPT_DRAIN, OPT_MODE, OPT_VCPUS, OPT_ROUTE,
           OPT_EXPLORE, OPT_FAULTS, OPT_PREMISE, OPT_SOFTINT, OPT_REPEAT, OPT_NOISE };
    static const struct option longopts[] = {
        {"strategy", required_argument, NULL, 's'},
        {"workload", required_argument, NULL, 'w'},
        {"duration", required_argument, NULL, 'd'},
        {"events", required_argument, NULL, 'n'},
        {"costs", required_argument, NULL, 'c'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"noise-probe", required_argument, NULL, OPT_NOISE},
        {"json", required_argument, NULL, OPT_JSON},
        {"hist", required_argument, NULL, OPT_HIST},
        {"drain", required_argument, NULL, OPT_DRAIN},
        {"mode", required_argument, NULL, OPT_MODE},
        {"vcpus", required_argument, NULL, OPT_VCPUS},
        {"route", required_argument, NULL, OPT_ROUTE},
        {"explore", required_argument, NULL, OPT_EXPLORE},
        {"faults", required_argument, NULL, OPT_FAULTS},
        {"busy-premise", required_argument, NULL, OPT_PREMISE},
        {"softint-copy", required_argument, NULL, OPT_SOFTINT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool have_strategy = false, have_duration = false, have_events = false;
    bool have_explore = false;
    const char *route = NULL;
    /* A single-valued option given twice would silently keep the last value: refuse it
     * (-q and -h may repeat; they set a flag). */
    bool seen[OPT_NOISE + 1] = {false};
    optind = 0; /* glibc: a full reset, so a parse left inside "-hq" leaves no stale state */
    opterr = 0;
    int c, li = -1;
    while ((c = getopt_long(argc, argv, ":s:w:d:n:c:qh", longopts, &li)) != -1) {
        if (c != 'q' && c != 'h' &&
            altinj_cli_once(seen, sizeof seen / sizeof seen[0], c, longopts, err, errlen) != 0)
            return ALTINJ_CLI_ERROR;
        li = -1;
        switch (c) {
        case 's':
            if (altinj_run_parse_strategies(optarg, o, err, errlen) != 0)
                return ALTINJ_CLI_ERROR;
            have_strategy = true;
            break;
        case 'w':
            o->workload = optarg;
            break;
        case 'd':
            if (altinj_cli_parse_double("--duration", optarg, 0.0, 3600.0, &o->duration_s, err,
                                        errlen) != 0)
                return ALTINJ_CLI_ERROR;
            have_duration = true;
            break;
        case 'n':
            /* The live cap is checked below, once --mode is known. */
            if (altinj_cli_parse_u64("--events", optarg, 1, ALTINJ_SIM_MAX_EVENTS, &o->events,
                                     err, errlen) != 0)
                return ALTINJ_CLI_ERROR;
            have_events = true;
            break;
        case 'c':
            o->costs = optarg;
            break;
        case OPT_SEED:
            if (altinj_cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &o->seed, err, errlen) != 0)
                return ALTINJ_CLI_ERROR;
            break;
        case OPT_REPEAT: {
            uint64_t n;
            if (altinj_cli_parse_u64("--repeat", optarg, 1, ALTINJ_REPEAT_MAX, &n, err,
                                     errlen) != 0)
                return ALTINJ_CLI_ERROR;
            o->repeat = (unsigned)n;
            break;
        }
        case OPT_NOISE:
            if (strcmp(optarg, "off") == 0)
                o->noise_probe_s = 0;
            else if (altinj_cli_parse_double("--noise-probe", optarg, 0.0, ALTINJ_NOISE_MAX_WINDOW_S,
                                             &o->noise_probe_s, err, errlen) != 0)
                return ALTINJ_CLI_ERROR;
            break;
        case OPT_JSON:
            o->json_path = optarg;
            break;
        case OPT_HIST:
            o->hist_path = optarg;
            break;
        case OPT_DRAIN:
            if (altinj_cli_parse_double("--drain", optarg, 0.0, 3600.0, &o->drain_timeout_s, err,
                                        errlen) != 0)
                return ALTINJ_CLI_ERROR;
            if (o->drain_timeout_s < ALTINJ_RUN_MIN_DRAIN_S) {
                snprintf(err, errlen, "--drain: %s is below the minimum of %g s (a shorter wait "
                         "reports events still in flight as lost)", optarg,
                         ALTINJ_RUN_MIN_DRAIN_S);
                return ALTINJ_CLI_ERROR;
            }
            break;
        case OPT_MODE:
            if (strcmp(optarg, "live") == 0) {
                o->mode = ALTINJ_RUN_MODE_LIVE;
            } else if (strcmp(optarg, "sim") == 0) {
                o->mode = ALTINJ_RUN_MODE_SIM;
            } else {
                snprintf(err, errlen, "--mode: '%s' is not live or sim", optarg);
                return ALTINJ_CLI_ERROR;
            }
            break;
        case OPT_VCPUS: {
            uint64_t n;
            if (altinj_cli_parse_u64("--vcpus", optarg, 1, ALTINJ_SIM_MAX_VCPUS, &n, err,
                                     errlen) != 0)
                return ALTINJ_CLI_ERROR;
            o->vcpus = (unsigned)n;
            o->vcpus_given = true;
            break;
        }
        case OPT_ROUTE:
            route = optarg; /* parsed below, against --vcpus */
            o->route_given = true;
            break;
        case OPT_EXPLORE:
            if (strcmp(optarg, "on") == 0) {
                o->explore = true;
            } else if (strcmp(optarg, "off") == 0) {
                o->explore = false;
            } else {
                snprintf(err, errlen, "--explore: '%s' is not on or off", optarg);
                return ALTINJ_CLI_ERROR;
            }
            have_explore = true;
            break;
        case OPT_FAULTS:
            /* The parser's one line names the spec and the bad item. */
            if (altinj_fault_spec_parse(optarg, &o->faults, err, errlen) != 0)
                return ALTINJ_CLI_ERROR;
            break;
        case OPT_PREMISE:
            if (altinj_busy_premise_parse(optarg, &o->model.busy_premise) != 0) {
                snprintf(err, errlen, "--busy-premise: '%s' is not hardware or software", optarg);
                return ALTINJ_CLI_ERROR;
            }
            break;
        case OPT_SOFTINT:
            if (altinj_softint_copy_parse(optarg, &o->model.softint_copy) != 0) {
                snprintf(err, errlen, "--softint-copy: '%s' is not rerun or advance", optarg);
                return ALTINJ_CLI_ERROR;
            }
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            altinj_run_usage(out);
            return ALTINJ_CLI_EXIT;
        case ':':
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return ALTINJ_CLI_ERROR;
        default:
            snprintf(err, errlen, "unknown option '%s' (see altinj-bench run --help)",
                     argv[optind - 1]);
            return ALTINJ_CLI_ERROR;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s' (see altinj-bench run --help)",
                 argv[optind]);
        return ALTINJ_CLI_ERROR;
    }
    o->duration_given = have_duration;
    if (have_duration && have_events) {
        snprintf(err, errlen, "--duration and --events exclude each other");
        return ALTINJ_CLI_ERROR;
    }
    if (o->mode != ALTINJ_RUN_MODE_SIM) {
        /* A live run drives one vCPU thread; the sim-only options would be silently ignored. */
        if (o->vcpus > 1) {
            snprintf(err, errlen, "--vcpus %u needs --mode sim (a live run has one vCPU)",
                     o->vcpus);
            return ALTINJ_CLI_ERROR;
        }
        if (route || have_explore) {
            snprintf(err, errlen, "%s needs --mode sim", route ? "--route" : "--explore");
            return ALTINJ_CLI_ERROR;
        }
        if (o->events > ALTINJ_RUN_MAX_EVENTS) {
            snprintf(err, errlen, "--events: %llu is out of range [1, %u] in live mode",
                     (unsigned long long)o->events, ALTINJ_RUN_MAX_EVENTS);
            return ALTINJ_CLI_ERROR;
        }
    }
    if (route && altinj_sim_route_parse(route, o->vcpus, &o->route, err, errlen) != 0)
        return ALTINJ_CLI_ERROR;
    if (!have_strategy)
        altinj_run_parse_strategies("all", o, err, errlen);
    return ALTINJ_CLI_OK;
}
