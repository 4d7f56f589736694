/* `altinj-bench run` argument vectors: the input's bytes split at NUL or newline into up to 32
 * arguments after "run". Parsing must accept or refuse with one line, never crash; what it
 * accepts must hold its invariants; the workload (no files: a fuzzer must not open FIFOs or
 * devices), the cost profile (built-in names only), the rate bounds and the output rule
 * (paths without '/', confined to a scratch folder) are checked too. Nothing runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altinj_costs.h"
#include "altinj_outputs.h"
#include "altinj_rate_bounds.h"
#include "altinj_run_cli.h"
#include "altinj_workload.h"

#define MAX_ARGS 32

static FILE *sink;

static void one_line(int rc, const char *err)
{
    if (rc != 0 && (err[0] == '\0' || strchr(err, '\n')))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sink) {
        sink = fopen("/dev/null", "w");
        char dir[] = "/tmp/altinj-fuzz-argv.XXXXXX";
        if (!sink || !mkdtemp(dir) || chdir(dir) != 0)
            abort();
    }
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2] = { "run" };
    int argc = 1;
    for (size_t i = 0, start = 0; i <= size && argc <= MAX_ARGS; i++)
        if (i == size || buf[i] == '\0' || buf[i] == '\n') {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    argv[argc] = NULL;
    struct altinj_run_opts o;
    char err[512] = "";
    const enum altinj_cli_status st = altinj_run_parse(argc, argv, &o, sink, err, sizeof err);
    one_line(st == ALTINJ_CLI_ERROR, err);
    if (st == ALTINJ_CLI_OK) {
        if (o.nstrategies == 0 || o.nstrategies > ALTINJ_RUN_MAX_STRATEGIES ||
            !(o.duration_s > 0) || !(o.drain_timeout_s >= ALTINJ_RUN_MIN_DRAIN_S) ||
            o.repeat == 0 || o.vcpus == 0 || (o.mode == ALTINJ_RUN_MODE_LIVE && o.vcpus != 1))
            abort();
        struct altinj_workload_spec wl;
        if (!strstr(o.workload, "file")) {
            int rc = altinj_workload_parse(o.workload, &wl, err, sizeof err);
            one_line(rc, err);
            if (rc == 0) {
                rc = altinj_rate_check(&wl, o.duration_s, o.events != 0, ALTINJ_RUN_MAX_EVENTS,
                                       3000000000u, 25.0, err, sizeof err);
                one_line(rc, err);
                altinj_workload_spec_free(&wl);
            }
        }
        if (altinj_costs_builtin(o.costs)) {
            struct altinj_cost_profile c;
            one_line(altinj_costs_load(o.costs, &c, err, sizeof err), err);
        }
        const bool local = (!o.json_path || !strchr(o.json_path, '/')) &&
                           (!o.hist_path || !strchr(o.hist_path, '/'));
        struct altinj_outputs *outs = altinj_outputs_new();
        if (outs && local) {
            int rc = 0;
            if (o.json_path)
                rc = altinj_outputs_add(outs, "--json", o.json_path, err, sizeof err) < 0;
            if (!rc && o.hist_path)
                rc = altinj_outputs_add(outs, "--hist", o.hist_path, err, sizeof err) < 0;
            if (!rc)
                rc = altinj_outputs_check(outs, err, sizeof err);
            one_line(rc, err);
        }
        altinj_outputs_free(outs);
    }
    free(buf);
    return 0;
}
