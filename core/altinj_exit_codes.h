/* SVM exit codes the model produces or consumes (AMD APM vol. 2, appendix C, table C-1 "SVM
 * Intercept Exit Codes"), and the small set of exit reasons counted per run. */
#ifndef ALTINJ_EXIT_CODES_H
#define ALTINJ_EXIT_CODES_H

#include <stdint.h>

#define ALTINJ_VMEXIT_EXCP0   UINT64_C(0x40)  /* exception intercepts 0x40..0x5F (table C-1) */
#define ALTINJ_VMEXIT_EXCP31  UINT64_C(0x5F)
#define ALTINJ_VMEXIT_INTR    UINT64_C(0x60)  /* physical interrupt: the hypervisor's kick */
#define ALTINJ_VMEXIT_NMI     UINT64_C(0x61)
#define ALTINJ_VMEXIT_VINTR   UINT64_C(0x64)  /* virtual interrupt window opened */
#define ALTINJ_VMEXIT_CPUID   UINT64_C(0x72)  /* table C-1 */
#define ALTINJ_VMEXIT_PAUSE   UINT64_C(0x77)  /* table C-1 (PAUSE filter) */
#define ALTINJ_VMEXIT_HLT     UINT64_C(0x78)
#define ALTINJ_VMEXIT_IOIO    UINT64_C(0x7B)  /* table C-1: IN/OUT intercept */
#define ALTINJ_VMEXIT_MSR     UINT64_C(0x7C)  /* table C-1: RDMSR/WRMSR intercept */
#define ALTINJ_VMEXIT_NPF     UINT64_C(0x400) /* nested page fault, e.g. on the IDT or stack during delivery */
#define ALTINJ_VMEXIT_VMGEXIT UINT64_C(0x403)
/* VMRUN of a VMSA whose VIntrCtrl.BUSY is set (Alternate Injection only). */
#define ALTINJ_VMEXIT_BUSY    UINT64_C(0xFFFFFFFFFFFFFFFE)
#define ALTINJ_VMEXIT_INVALID UINT64_C(0xFFFFFFFFFFFFFFFF)

/* Returns a static name such as "VMEXIT_BUSY", or "unknown". Never NULL. */
const char *altinj_exit_code_name(uint64_t code);

/* The reasons guest exits are counted by (counts.exits_by_reason in the JSON). Names are KVM's
 * SVM_EXIT_REASONS spellings (arch/x86/include/uapi/asm/svm.h), as kvm:kvm_exit prints them;
 * "excp" is any exception intercept, "other" every code not listed. A failed VMRUN
 * (VMEXIT_BUSY, VMEXIT_INVALID) is not a guest exit and is not counted here. */
enum altinj_exit_reason {
    ALTINJ_EXIT_R_INTR = 0,
    ALTINJ_EXIT_R_NMI,
    ALTINJ_EXIT_R_VINTR,
    ALTINJ_EXIT_R_CPUID,
    ALTINJ_EXIT_R_PAUSE,
    ALTINJ_EXIT_R_HLT,
    ALTINJ_EXIT_R_IO,
    ALTINJ_EXIT_R_MSR,
    ALTINJ_EXIT_R_NPF,
    ALTINJ_EXIT_R_VMGEXIT,
    ALTINJ_EXIT_R_EXCP,
    ALTINJ_EXIT_R_OTHER,
    ALTINJ_EXIT_R__COUNT
};

/* The reason of an exit code (ALTINJ_EXIT_R_OTHER for codes not listed). */
enum altinj_exit_reason altinj_exit_reason_of(uint64_t code);
/* "interrupt", "npf", ...; "unknown" out of range. Never NULL. */
const char *altinj_exit_reason_name(enum altinj_exit_reason r);
/* The reason named `name` (exactly as altinj_exit_reason_name spells it), or -1. */
int altinj_exit_reason_find(const char *name, unsigned long len);
/* The exit code an exit of this reason carries: EXCP gives the #PF intercept (0x4E), OTHER
 * gives 0 (the CR0-read intercept, which the model never acts on). */
uint64_t altinj_exit_reason_code(enum altinj_exit_reason r);

#endif
