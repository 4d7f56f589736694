/* altinj-bench: subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "altinj_compare_cmd.h"
#include "altinj_merge_cmd.h"
#include "altinj_run_cmd.h"
#include "altinj_trace_stats_cmd.h"

#ifndef ALTINJ_VERSION
#define ALTINJ_VERSION "unknown"
#endif

static void usage(FILE *f)
{
    fputs("usage: altinj-bench COMMAND [options]\n"
          "\n"
          "commands:\n"
          "  run        run workloads against BUSY-bit signalling strategies (see run --help)\n"
          "  merge      result JSON files -> one TSV table for gnuplot (see merge --help)\n"
          "  compare    two results (or sweep folders) side by side, with significance\n"
          "             verdicts, before/after a change (see compare --help)\n"
          "\n"
          "  --help     this text\n"
          "  --version  print the version\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("altinj-bench: missing command (run, merge, compare); see altinj-bench --help for "
              "usage\n",
              stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("altinj-bench %s\n", ALTINJ_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return altinj_run_command(argc - 1, argv + 1);
    if (strcmp(argv[1], "merge") == 0)
        return altinj_merge_command(argc - 1, argv + 1);
    if (strcmp(argv[1], "compare") == 0)
        return altinj_compare_command(argc - 1, argv + 1);
    if (strcmp(argv[1], "trace-stats") == 0)
        return altinj_trace_stats_command(argc - 1, argv + 1);
    fprintf(stderr, "altinj-bench: unknown command '%s' (see altinj-bench --help)\n", argv[1]);
    return 2;
}
