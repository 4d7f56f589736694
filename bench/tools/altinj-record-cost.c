/*
 * The cost of recording one latency sample as the live runner does it: a TSC read, the
 * cycles-to-ns fixed-point conversion and a histogram insert. Prints ns per sample, the
 * TSC read alone, and the ratio, measured in the same run.
 * Usage: altinj-record-cost [samples]   (default 50,000,000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_cli_num.h"
#include "altinj_hist.h"
#include "altinj_tsc.h"

static double run(uint64_t n, struct altinj_hist *h, uint64_t mult_q32, bool record,
                  const struct altinj_tsc_clock *clock)
{
    uint64_t intended = altinj_tsc_now();
    const uint64_t t0 = altinj_tsc_now_ordered();
    for (uint64_t i = 0; i < n; i++) {
        const uint64_t now = altinj_tsc_now();
        if (record) {
            const uint64_t lat = now > intended ? now - intended : 0;
            altinj_hist_record(h, (uint64_t)(((unsigned __int128)lat * mult_q32) >> 32));
        } else {
            /* Keep the read: the compiler may not drop a volatile store. */
            *(volatile uint64_t *)&intended = intended ^ (now & 1);
        }
        intended += 97; /* a moving intended time, like successive arrivals */
    }
    const uint64_t t1 = altinj_tsc_now_ordered();
    return (double)altinj_tsc_to_ns(clock, t1 - t0) / (double)n;
}

int main(int argc, char **argv)
{
    char err[256];
    uint64_t n = 50000000;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: altinj-record-cost [samples]\n"
             "\n"
             "The cost of recording one latency sample as the live runner does (a TSC read,\n"
             "the cycles-to-ns conversion and a histogram insert) against the TSC read alone.\n"
             "samples: 1000 .. 2^40, decimal or 0x hex (default 50000000).\n"
             "Exit status: 0 measured; 1 the clock could not be calibrated; 2 bad arguments.");
        return 0;
    }
    if (argc == 2 && argv[1][0] == '-') {
        fprintf(stderr, "altinj-record-cost: unknown option '%s' (see --help)\n", argv[1]);
        return 2;
    }
    if (argc > 2 || (argc == 2 && altinj_cli_parse_u64("samples", argv[1], 1000, UINT64_C(1) << 40,
                                                       &n, err, sizeof err) != 0)) {
        fprintf(stderr, "altinj-record-cost: %s\n", argc > 2 ? "one argument at most: samples (see --help)"
                                  : err);
        return 2;
    }
    struct altinj_tsc_clock clock;
    if (altinj_tsc_calibrate(&clock, err, sizeof err) != 0) {
        fprintf(stderr, "altinj-record-cost: %s\n", err);
        return 1;
    }
    struct altinj_hist h;
    if (altinj_hist_init(&h) != 0) {
        fprintf(stderr, "altinj-record-cost: out of memory\n");
        return 1;
    }
    const uint64_t mult = (uint64_t)(((unsigned __int128)1000000000u << 32) / clock.hz);
    run(n / 10, &h, mult, true, &clock); /* warm up */
    altinj_hist_reset(&h);
    const double read_only = run(n, &h, mult, false, &clock);
    const double sample = run(n, &h, mult, true, &clock);
    printf("tsc_hz %llu\nsamples %llu\ntsc_read_ns %.2f\nsample_ns %.2f\nsample_vs_read %.2f\n",
           (unsigned long long)clock.hz, (unsigned long long)n, read_only, sample,
           sample / read_only);
    altinj_hist_free(&h);
    return 0;
}
