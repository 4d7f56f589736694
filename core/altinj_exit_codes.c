#include "altinj_exit_codes.h"

#include <string.h>

const char *altinj_exit_code_name(uint64_t code)
{
    switch (code) {
    case ALTINJ_VMEXIT_INTR: return "VMEXIT_INTR";
    case ALTINJ_VMEXIT_NMI: return "VMEXIT_NMI";
    case ALTINJ_VMEXIT_VINTR: return "VMEXIT_VINTR";
    case ALTINJ_VMEXIT_CPUID: return "VMEXIT_CPUID";
    case ALTINJ_VMEXIT_PAUSE: return "VMEXIT_PAUSE";
    case ALTINJ_VMEXIT_HLT: return "VMEXIT_HLT";
    case ALTINJ_VMEXIT_IOIO: return "VMEXIT_IOIO";
    case ALTINJ_VMEXIT_MSR: return "VMEXIT_MSR";
    case ALTINJ_VMEXIT_NPF: return "VMEXIT_NPF";
    case ALTINJ_VMEXIT_VMGEXIT: return "VMEXIT_VMGEXIT";
    case ALTINJ_VMEXIT_BUSY: return "VMEXIT_BUSY";
    case ALTINJ_VMEXIT_INVALID: return "VMEXIT_INVALID";
    default: return "unknown";
    }
}

static const char *const reason_names[ALTINJ_EXIT_R__COUNT] = {
    "interrupt", "nmi", "vintr", "cpuid", "pause", "hlt", "io", "msr", "npf", "vmgexit",
    "excp", "other",
};

static const uint64_t reason_codes[ALTINJ_EXIT_R__COUNT] = {
    ALTINJ_VMEXIT_INTR, ALTINJ_VMEXIT_NMI, ALTINJ_VMEXIT_VINTR, ALTINJ_VMEXIT_CPUID,
    ALTINJ_VMEXIT_PAUSE, ALTINJ_VMEXIT_HLT, ALTINJ_VMEXIT_IOIO, ALTINJ_VMEXIT_MSR,
    ALTINJ_VMEXIT_NPF, ALTINJ_VMEXIT_VMGEXIT, ALTINJ_VMEXIT_EXCP0 + 14u, 0,
};

enum altinj_exit_reason altinj_exit_reason_of(uint64_t code)
{
    if (code >= ALTINJ_VMEXIT_EXCP0 && code <= ALTINJ_VMEXIT_EXCP31)
        return ALTINJ_EXIT_R_EXCP;
    for (unsigned r = 0; r < ALTINJ_EXIT_R_EXCP; r++)
        if (reason_codes[r] == code)
            return (enum altinj_exit_reason)r;
    return ALTINJ_EXIT_R_OTHER;
}

const char *altinj_exit_reason_name(enum altinj_exit_reason r)
{
    return (unsigned)r < ALTINJ_EXIT_R__COUNT ? reason_names[r] : "unknown";
}

int altinj_exit_reason_find(const char *name, unsigned long len)
{
    for (unsigned r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
        if (strlen(reason_names[r]) == len && memcmp(reason_names[r], name, len) == 0)
            return (int)r;
    return -1;
}

uint64_t altinj_exit_reason_code(enum altinj_exit_reason r)
{
    return (unsigned)r < ALTINJ_EXIT_R__COUNT ? reason_codes[r] : 0;
}
