// The only C++ in the project: altinj_gbench.h's C API over Google Benchmark 1.7.1.
// Every function is a thin forwarder; none may let a C++ exception cross into C, so the few
// that can allocate catch everything and report failure the C way.
#include "altinj_gbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

benchmark::State &S(altinj_gb_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
const benchmark::State &S(const altinj_gb_state *st)
{
    return *reinterpret_cast<const benchmark::State *>(st);
}
benchmark::internal::Benchmark *B(altinj_gb_bench *b)
{
    return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}
altinj_gb_bench *H(benchmark::internal::Benchmark *b)
{
    return reinterpret_cast<altinj_gb_bench *>(b);
}

// Our flag bits are our own (the C enum must not depend on the library's values).
benchmark::Counter::Flags counter_flags(unsigned f)
{
    int out = benchmark::Counter::kDefaults;
    if (f & ALTINJ_GB_COUNTER_RATE)
        out |= benchmark::Counter::kIsRate;
    if (f & ALTINJ_GB_COUNTER_AVG_THREADS)
        out |= benchmark::Counter::kAvgThreads;
    if (f & ALTINJ_GB_COUNTER_ITER_INVARIANT)
        out |= benchmark::Counter::kIsIterationInvariant;
    if (f & ALTINJ_GB_COUNTER_AVG_ITERATIONS)
        out |= benchmark::Counter::kAvgIterations;
    if (f & ALTINJ_GB_COUNTER_INVERT)
        out |= benchmark::Counter::kInvert;
    return static_cast<benchmark::Counter::Flags>(out);
}

benchmark::TimeUnit time_unit(enum altinj_gb_unit u)
{
    switch (u) {
    case ALTINJ_GB_US: return benchmark::kMicrosecond;
    case ALTINJ_GB_MS: return benchmark::kMillisecond;
    case ALTINJ_GB_S: return benchmark::kSecond;
    case ALTINJ_GB_NS: break;
    }
    return benchmark::kNanosecond;
}

void fail(const char *what)
{
    std::fprintf(stderr, "altinj_gbench: %s\n", what);
}

} // namespace

extern "C" {

altinj_gb_bench *altinj_gb_register(const char *name, altinj_gb_fn fn, void *arg)
{
    if (!name || !fn)
        return nullptr;
    try {
        return H(benchmark::RegisterBenchmark(
            name, [fn, arg](benchmark::State &st) { fn(reinterpret_cast<altinj_gb_state *>(&st), arg); }));
    } catch (const std::exception &e) {
        fail(e.what());
        return nullptr;
    }
}

altinj_gb_bench *altinj_gb_arg(altinj_gb_bench *b, int64_t x)
{
    if (b)
        B(b)->Arg(x);
    return b;
}

altinj_gb_bench *altinj_gb_args(altinj_gb_bench *b, const int64_t *v, size_t n)
{
    if (!b || !v)
        return b;
    try {
        B(b)->Args(std::vector<int64_t>(v, v + n));
    } catch (const std::exception &e) {
        fail(e.what());
    }
    return b;
}

altinj_gb_bench *altinj_gb_range(altinj_gb_bench *b, int64_t lo, int64_t hi)
{
    if (b)
        B(b)->Range(lo, hi);
    return b;
}

altinj_gb_bench *altinj_gb_arg_name(altinj_gb_bench *b, const char *arg_name)
{
    if (b && arg_name)
        B(b)->ArgName(arg_name);
    return b;
}

altinj_gb_bench *altinj_gb_threads(altinj_gb_bench *b, int n)
{
    if (b && n > 0)
        B(b)->Threads(n);
    return b;
}

altinj_gb_bench *altinj_gb_use_manual_time(altinj_gb_bench *b)
{
    if (b)
        B(b)->UseManualTime();
    return b;
}

altinj_gb_bench *altinj_gb_use_real_time(altinj_gb_bench *b)
{
    if (b)
        B(b)->UseRealTime();
    return b;
}

altinj_gb_bench *altinj_gb_unit(altinj_gb_bench *b, enum altinj_gb_unit unit)
{
    if (b)
        B(b)->Unit(time_unit(unit));
    return b;
}

altinj_gb_bench *altinj_gb_min_time(altinj_gb_bench *b, double seconds)
{
    if (b && seconds > 0)
        B(b)->MinTime(seconds);
    return b;
}

altinj_gb_bench *altinj_gb_iterations(altinj_gb_bench *b, uint64_t n)
{
    if (b && n > 0)
        B(b)->Iterations(static_cast<benchmark::IterationCount>(n));
    return b;
}

bool altinj_gb_keep_running(altinj_gb_state *st)
{
    return S(st).KeepRunning();
}

bool altinj_gb_keep_running_batch(altinj_gb_state *st, uint64_t n)
{
    return S(st).KeepRunningBatch(static_cast<benchmark::IterationCount>(n));
}

void altinj_gb_pause_timing(altinj_gb_state *st)
{
    S(st).PauseTiming();
}

void altinj_gb_resume_timing(altinj_gb_state *st)
{
    S(st).ResumeTiming();
}

void altinj_gb_set_iteration_time(altinj_gb_state *st, double seconds)
{
    S(st).SetIterationTime(seconds);
}

void altinj_gb_counter(altinj_gb_state *st, const char *name, double value, unsigned flags)
{
    if (!name)
        return;
    try {
        S(st).counters[name] = benchmark::Counter(value, counter_flags(flags));
    } catch (const std::exception &e) {
        fail(e.what());
    }
}

void altinj_gb_set_label(altinj_gb_state *st, const char *label)
{
    if (label)
        S(st).SetLabel(label);
}

void altinj_gb_skip_with_error(altinj_gb_state *st, const char *msg)
{
    S(st).SkipWithError(msg ? msg : "error");
}

bool altinj_gb_error_occurred(const altinj_gb_state *st)
{
    return S(st).error_occurred();
}

int64_t altinj_gb_range_arg(const altinj_gb_state *st, size_t i)
{
    return S(st).range(i);
}

int altinj_gb_thread_index(const altinj_gb_state *st)
{
    return S(st).thread_index();
}

int altinj_gb_thread_count(const altinj_gb_state *st)
{
    return S(st).threads();
}

uint64_t altinj_gb_max_iterations(const altinj_gb_state *st)
{
    return static_cast<uint64_t>(S(st).max_iterations);
}

uint64_t altinj_gb_iterations_done(const altinj_gb_state *st)
{
    return static_cast<uint64_t>(S(st).iterations());
}

void altinj_gb_add_context(const char *key, const char *value)
{
    if (!key || !value)
        return;
    try {
        benchmark::AddCustomContext(key, value);
    } catch (const std::exception &e) {
        fail(e.what());
    }
}

int altinj_gb_main(int argc, char **argv)
{
    try {
        benchmark::Initialize(&argc, argv);
        if (benchmark::ReportUnrecognizedArguments(argc, argv))
            return 1;
        const size_t ran = benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        return ran > 0 ? 0 : 2;
    } catch (const std::exception &e) {
        fail(e.what());
        return 1;
    }
}

} // extern "C"
