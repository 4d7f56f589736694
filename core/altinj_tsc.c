#include "altinj_tsc.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 128-bit intermediates keep cycles*1e9 exact for any 64-bit input. __extension__ keeps
 * the build quiet should -pedantic ever be added. */
__extension__ typedef unsigned __int128 altinj_u128_t;

#define NS_PER_S 1000000000ull

/* How many (tsc, clock, tsc) brackets a stamp tries; the narrowest wins, which discards
 * brackets an interrupt or a vDSO retry stretched. */
#define STAMP_TRIES 16
/* Back-to-back reads for the overhead minimum: enough to hit the fast path many times. */
#define OVERHEAD_TRIES 10000

bool altinj_tsc_is_invariant(void)
{
    unsigned int a, b, c, d;
    /* __get_cpuid checks the maximum extended leaf itself and fails if 0x80000007 is absent. */
    if (!__get_cpuid(0x80000007u, &a, &b, &c, &d))
        return false;
    return (d >> 8) & 1u;
}

static bool has_rdtscp(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(0x80000001u, &a, &b, &c, &d))
        return false;
    return (d >> 27) & 1u;
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *detail)
{
    if (err && errlen > 0)
        snprintf(err, errlen, fmt, detail);
}

struct stamp {
    uint64_t tsc;
    uint64_t ns;
};

static uint64_t timespec_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec;
}

/* One simultaneous (TSC, CLOCK_MONOTONIC_RAW) reading: the clock read is bracketed by two
 * ordered TSC reads and the TSC is taken at the bracket's midpoint. */
static int take_stamp(struct stamp *out)
{
    uint64_t best = UINT64_MAX;
    *out = (struct stamp){ 0, 0 };
    for (int i = 0; i < STAMP_TRIES; i++) {
        struct timespec ts;
        uint64_t t0 = altinj_tsc_now_ordered();
        if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0)
            return -1;
        uint64_t t1 = altinj_tsc_now_ordered();
        if (t1 - t0 < best) {
            best = t1 - t0;
            out->tsc = t0 + (t1 - t0) / 2;
            out->ns = timespec_ns(&ts);
        }
    }
    return 0;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec req = { .tv_sec = (time_t)(ns / NS_PER_S), .tv_nsec = (long)(ns % NS_PER_S) };
    struct timespec rem;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR)
        req = rem;
}

static uint64_t muldiv_round(uint64_t a, uint64_t mul, uint64_t div)
{
    altinj_u128_t q = ((altinj_u128_t)a * mul + div / 2) / div;
    return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

static int measure_window(uint64_t *hz)
{
    struct stamp s0 = { 0, 0 }, s1 = { 0, 0 };
    if (take_stamp(&s0) != 0)
        return -1;
    sleep_ns(ALTINJ_TSC_CAL_WINDOW_NS);
    if (take_stamp(&s1) != 0)
        return -1;
    if (s1.ns <= s0.ns || s1.tsc <= s0.tsc) {
        *hz = 0; /* reported as absurd by the caller */
        return 0;
    }
    *hz = muldiv_round(s1.tsc - s0.tsc, NS_PER_S, s1.ns - s0.ns);
    return 0;
}

static uint64_t measure_read_overhead(void)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < OVERHEAD_TRIES; i++) {
        uint64_t t0 = altinj_tsc_now();
        uint64_t t1 = altinj_tsc_now();
        /* Unordered reads could in principle complete out of order; a "negative" gap says
         * nothing about the cost, so it is skipped rather than taken as zero. */
        if ((int64_t)(t1 - t0) >= 0 && t1 - t0 < best)
            best = t1 - t0;
    }
    return best == UINT64_MAX ? 0 : best;
}

static void sort_windows(uint64_t v[ALTINJ_TSC_CAL_WINDOWS])
{
    for (int i = 1; i < ALTINJ_TSC_CAL_WINDOWS; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

int altinj_tsc_calibrate(struct altinj_tsc_clock *out, char *err, size_t errlen)
{
    if (!altinj_tsc_is_invariant()) {
        set_err(err, errlen, "%s",
                "TSC is not invariant (CPUID 0x80000007 EDX bit 8 clear): its rate changes "
                "with power states, so TSC-based latencies would be wrong; refusing to "
                "calibrate");
        return -1;
    }
    if (!has_rdtscp()) {
        set_err(err, errlen, "%s",
                "CPU lacks RDTSCP (CPUID 0x80000001 EDX bit 27), needed for ordered TSC reads");
        return -1;
    }

    uint64_t hz[ALTINJ_TSC_CAL_WINDOWS];
    for (int i = 0; i < ALTINJ_TSC_CAL_WINDOWS; i++) {
        if (measure_window(&hz[i]) != 0) {
            set_err(err, errlen, "clock_gettime(CLOCK_MONOTONIC_RAW) failed: %s",
                    strerror(errno));
            return -1;
        }
    }
    sort_windows(hz);
    uint64_t median = hz[ALTINJ_TSC_CAL_WINDOWS / 2];
    if (median < 1000000u) {
        set_err(err, errlen, "%s",
                "TSC calibration measured under 1 MHz: the TSC or CLOCK_MONOTONIC_RAW is not "
                "advancing as expected");
        return -1;
    }

    out->hz = median;
    out->invariant = true;
    out->read_overhead_cycles = measure_read_overhead();
    out->spread_ppm = (uint32_t)muldiv_round(hz[ALTINJ_TSC_CAL_WINDOWS - 1] - hz[0], 1000000u,
                                             median);
    return 0;
}

uint64_t altinj_tsc_to_ns(const struct altinj_tsc_clock *clock, uint64_t cycles)
{
    return muldiv_round(cycles, NS_PER_S, clock->hz);
}

uint64_t altinj_ns_to_tsc(const struct altinj_tsc_clock *clock, uint64_t ns)
{
    return muldiv_round(ns, clock->hz, NS_PER_S);
}
