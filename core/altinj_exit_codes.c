#include "altinj_exit_codes.h"

const char *altinj_exit_code_name(uint64_t code)
{
    switch (code) {
    case ALTINJ_VMEXIT_INTR: return "VMEXIT_INTR";
    case ALTINJ_VMEXIT_NMI: return "VMEXIT_NMI";
    case ALTINJ_VMEXIT_VINTR: return "VMEXIT_VINTR";
    case ALTINJ_VMEXIT_HLT: return "VMEXIT_HLT";
    case ALTINJ_VMEXIT_NPF: return "VMEXIT_NPF";
    case ALTINJ_VMEXIT_VMGEXIT: return "VMEXIT_VMGEXIT";
    case ALTINJ_VMEXIT_BUSY: return "VMEXIT_BUSY";
    case ALTINJ_VMEXIT_INVALID: return "VMEXIT_INVALID";
    default: return "unknown";
    }
}
