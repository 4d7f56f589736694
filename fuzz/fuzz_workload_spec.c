/* The workload spec parser: parse, and for every accepted spec describe it, parse the canonical
 * form back (it must be accepted) and pull a few arrivals from every source. Paths: the fuzzer
 * runs in an empty scratch directory holding one small valid trace, t.txt, and inputs with a
 * '/' are skipped, so file= can only name that file or nothing (never /dev/zero). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altinj_workload.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/altinj-fuzz-spec-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0)
        abort();
    FILE *f = fopen("t.txt", "w");
    if (!f)
        abort();
    fputs("swapper 0 [000] 1.000000: irq_vectors:local_timer_entry: vector=236\n"
          "swapper 0 [001] 1.000100: irq:irq_handler_entry: irq=24 name=nvme0q1\n"
          "swapper 0 [000] 1.001000: irq_vectors:local_timer_entry: vector=236\n",
          f);
    fclose(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096 || memchr(data, '/', size))
        return 0;
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    struct altinj_workload_spec s;
    char err[256] = "";
    if (altinj_workload_parse(spec, &s, err, sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        free(spec);
        return 0;
    }
    char canon[1024];
    const int n = altinj_workload_describe(&s, canon, sizeof canon);
    if (n < 0)
        abort();
    if ((size_t)n < sizeof canon) {
        struct altinj_workload_spec again;
        if (altinj_workload_parse(canon, &again, err, sizeof err) != 0)
            abort(); /* the canonical form must parse */
        altinj_workload_spec_free(&again);
    }
    const unsigned sources = altinj_workload_sources(&s);
    if (sources == 0 || sources > ALTINJ_WL_MAX_SOURCES)
        abort();
    for (unsigned src = 0; src < sources && src < 4; src++) {
        struct altinj_arrivals *g = altinj_arrivals_create(&s, src, 1);
        if (!g)
            abort();
        struct altinj_arrival a;
        uint64_t last = 0;
        for (int i = 0; i < 64 && altinj_arrivals_next(g, &a); i++) {
            if (a.t_ns < last || a.source != src || a.t_ns >= ALTINJ_WL_HORIZON_NS)
                abort();
            last = a.t_ns;
        }
        altinj_arrivals_destroy(g);
    }
    altinj_workload_spec_free(&s);
    free(spec);
    return 0;
}
