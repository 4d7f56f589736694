/* kvm_exit reason names (as perf script prints them) to the harness's exit reasons. */
#include "altinj_kvmexit.h"

#include "altinj_exit_codes.h"

#include <stdlib.h>
#include <string.h>

int altinj_kvmexit_reason(const char *name)
{
    const size_t n = strlen(name);
    /* __print_symbolic prints a code it has no name for in hex ("0x403"). */
    if (n > 2 && name[0] == '0' && (name[1] == 'x' || name[1] == 'X')) {
        char *end = NULL;
        const unsigned long long code = strtoull(name + 2, &end, 16);
        if (end != NULL && *end == '\0') {
            const enum altinj_exit_reason r = altinj_exit_reason_of(code);
            return r == ALTINJ_EXIT_R_VMGEXIT ? ALTINJ_EXIT_R_OTHER : (int)r;
        }
        return ALTINJ_EXIT_R_OTHER;
    }
    /* SVM_EXIT_REASONS spells the exception intercepts "DB excp", "PF excp", ... */
    if (n > 5 && strcmp(name + n - 5, " excp") == 0)
        return ALTINJ_EXIT_R_EXCP;
    const int r = altinj_exit_reason_find(name, (unsigned long)n);
    /* Only the SVM names: excp and other are the harness's words, and a VMGEXIT to the
     * hypervisor is not the model's VMGEXIT to VMPL0. */
    if (r < 0 || r == ALTINJ_EXIT_R_VMGEXIT || r == ALTINJ_EXIT_R_EXCP)
        return ALTINJ_EXIT_R_OTHER;
    return r;
}
