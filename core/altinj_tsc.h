/*
 * Time-stamp counter timing (x86-64 only).
 *
 * The harness timestamps with the TSC because clock_gettime() costs 20-50 ns through the
 * vDSO, more than the whole 20 ns "timestamp + insert" budget of one latency sample.
 * Cycles become nanoseconds through a clock calibrated once against CLOCK_MONOTONIC_RAW
 * (the raw oscillator, which NTP does not slew).
 *
 * Guarantees and limits:
 * - altinj_tsc_calibrate() refuses a TSC that is not invariant (CPUID 0x80000007 EDX[8]):
 *   such a TSC stops or changes rate with P-/C-states, so any cycles->ns conversion would
 *   be wrong, not merely imprecise.
 * - Readings from different CPUs are comparable only if the kernel kept the TSCs in sync
 *   (it does on invariant-TSC systems that pass its TSC-sync check; see dmesg). Pin threads
 *   when in doubt.
 * - Nothing here allocates, locks or keeps global state.
 */
#ifndef ALTINJ_TSC_H
#define ALTINJ_TSC_H

#if !defined(__x86_64__)
#error "altinj_tsc is x86-64 only: it reads the TSC with rdtsc/rdtscp"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <x86intrin.h>

/* A calibrated TSC. Plain data: copy it freely, share it read-only between threads. */
struct altinj_tsc_clock {
    uint64_t hz;                   /* measured TSC frequency (median of the windows) */
    bool invariant;                /* CPUID 0x80000007 EDX[8]; always true after success */
    uint64_t read_overhead_cycles; /* min cost of one altinj_tsc_now(): the timer's resolution */
    uint32_t spread_ppm;           /* (max - min) / median of the window measurements, ppm */
};

/* Calibration: ALTINJ_TSC_CAL_WINDOWS windows of ALTINJ_TSC_CAL_WINDOW_NS each, median. */
#define ALTINJ_TSC_CAL_WINDOWS   3
#define ALTINJ_TSC_CAL_WINDOW_NS 20000000ull

/* Raw TSC read. Not ordered: the CPU may execute it before earlier instructions retire or
 * after later ones start, so it can misplace a sample by a few tens of cycles. That is
 * the right trade for back-to-back latency stamps and for spin loops; use
 * altinj_tsc_now_ordered() when the stamp must follow a load (e.g. of a flag). */
static inline uint64_t altinj_tsc_now(void)
{
    return __rdtsc();
}

/* Ordered TSC read: RDTSCP followed by LFENCE.
 * RDTSCP waits until every earlier instruction has executed and every earlier load is
 * globally visible before it reads the counter (AMD APM vol. 3, Intel SDM vol. 2), so the
 * stamp cannot be taken before a preceding load completes. RDTSCP does not stop later
 * instructions from starting early; the trailing LFENCE does, so later work is not
 * attributed to the interval before the stamp. RDTSCP is chosen over LFENCE;RDTSC because
 * LFENCE is dispatch-serializing on AMD only when the OS set MSR C001_1029[1] (Linux does,
 * but not every kernel/hypervisor), whereas RDTSCP's ordering is architectural.
 * RDTSCP also writes TSC_AUX (the CPU number on Linux); it is discarded. Costs roughly
 * 10-40 cycles more than altinj_tsc_now(). */
static inline uint64_t altinj_tsc_now_ordered(void)
{
    unsigned int aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
}

/* Below this many remaining cycles the spin loops stop executing PAUSE: PAUSE takes ~10
 * cycles on AMD Zen but ~140 on Intel Skylake and later, which would otherwise be the
 * overshoot. Above it, PAUSE keeps the spinning core polite to its SMT sibling. */
#define ALTINJ_TSC_PAUSE_GUARD 256

/* Busy-waits (never sleeps) until the TSC reaches deadline; returns the TSC reading that
 * ended the wait (>= deadline). Overshoot is at most about one altinj_tsc_now() read
 * (measured on a Zen guest: median 14 cycles for a 24-cycle read) unless an interrupt or
 * preemption lands in the wait. Returns at once if deadline is already past. Deadlines are compared by signed
 * difference so a deadline is "past" when at most 2^63 cycles behind. */
static inline uint64_t altinj_tsc_spin_until(uint64_t deadline)
{
    uint64_t now = altinj_tsc_now();
    while ((int64_t)(now - deadline) < 0) {
        if ((int64_t)(deadline - now) > ALTINJ_TSC_PAUSE_GUARD)
            _mm_pause();
        now = altinj_tsc_now();
    }
    return now;
}

/* Busy-waits for at least `cycles` TSC cycles from the call; returns the end reading.
 * This is how the model spends a world-switch cost, so it must not undershoot: the start
 * is read inside the call, after any earlier stamp the caller took. spend(0) returns at
 * once (after one read). */
static inline uint64_t altinj_tsc_spend(uint64_t cycles)
{
    return altinj_tsc_spin_until(altinj_tsc_now() + cycles);
}

/* Whether the CPU advertises an invariant TSC (CPUID 0x80000007 EDX[8]). */
bool altinj_tsc_is_invariant(void);

/* Measures the TSC frequency and the read overhead. Takes about
 * ALTINJ_TSC_CAL_WINDOWS * ALTINJ_TSC_CAL_WINDOW_NS (60 ms) of wall time, sleeping for
 * most of it. Returns 0 and fills *out, or -1 with a message in err (errlen bytes, always
 * NUL-terminated when errlen > 0) when the TSC is not invariant, RDTSCP is missing,
 * CLOCK_MONOTONIC_RAW fails or the measurement is absurd (< 1 MHz). *out is untouched
 * on failure. Pin the calling thread for the best result; it is valid without. */
int altinj_tsc_calibrate(struct altinj_tsc_clock *out, char *err, size_t errlen);

/* cycles -> ns and ns -> cycles with the calibrated frequency, rounded to nearest,
 * computed in 128-bit arithmetic so no intermediate overflows (exact for any input; a
 * result that does not fit saturates at UINT64_MAX, which takes 584 years of ns).
 * clock->hz must be non-zero (a calibrated clock). Each costs one 128-by-64-bit
 * division (tens of cycles): fine for reporting, keep it off per-sample hot paths by
 * recording cycles and converting at output time. */
uint64_t altinj_tsc_to_ns(const struct altinj_tsc_clock *clock, uint64_t cycles);
uint64_t altinj_ns_to_tsc(const struct altinj_tsc_clock *clock, uint64_t ns);

#endif
