/* The fault spec parser: accepted specs describe to a canonical form that parses back equal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "altinj_faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024)
        return 0;
    char text[1025];
    memcpy(text, data, size);
    text[size] = '\0';
    struct altinj_fault_spec s, back;
    char err[256] = "";
    if (altinj_fault_spec_parse(text, &s, err, sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        if (!(s.rate[k] >= 0 && s.rate[k] <= 1))
            abort();
    if (s.delay_kick_ns == 0 || s.delay_kick_ns > ALTINJ_FAULT_MAX_DELAY_NS)
        abort();
    char canon[512];
    if (altinj_fault_spec_describe(&s, canon, sizeof canon) >= (int)sizeof canon)
        abort();
    if (altinj_fault_spec_parse(canon, &back, err, sizeof err) != 0)
        abort();
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        if (s.rate[k] != back.rate[k])
            abort();
    if (s.has_seed != back.has_seed || (s.has_seed && s.seed != back.seed))
        abort();
    if (s.rate[ALTINJ_FAULT_DELAY_KICK] > 0 && s.delay_kick_ns != back.delay_kick_ns)
        abort();
    return 0;
}
