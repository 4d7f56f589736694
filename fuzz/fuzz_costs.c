/* The cost-profile file parser on arbitrary bytes, through a memfd (it reads files only):
 * either a profile with every figure in 0 .. 1e9 ns, or one line of error naming the path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "altinj_costs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int fd = memfd_create("altinj-fuzz-costs", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct altinj_cost_profile p;
    char err[512] = "";
    const int rc = altinj_costs_load(path, &p, err, sizeof err);
    close(fd);
    if (rc != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    for (int k = 0; k < ALTINJ_COST__COUNT; k++)
        if (!(p.ns[k] >= 0 && p.ns[k] <= ALTINJ_COSTS_MAX_NS))
            abort();
    if (memchr(p.name, '\0', sizeof p.name) == NULL)
        abort();
    uint64_t cycles[ALTINJ_COST__COUNT];
    if (altinj_costs_to_cycles(&p, 3000000000u, cycles) != 0)
        abort();
    return 0;
}
