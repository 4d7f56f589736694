/* SVM exit codes the model produces or consumes (AMD APM vol. 2, appendix C). */
#ifndef ALTINJ_EXIT_CODES_H
#define ALTINJ_EXIT_CODES_H

#include <stdint.h>

#define ALTINJ_VMEXIT_INTR    UINT64_C(0x60)  /* physical interrupt: the hypervisor's kick */
#define ALTINJ_VMEXIT_NMI     UINT64_C(0x61)
#define ALTINJ_VMEXIT_VINTR   UINT64_C(0x64)  /* virtual interrupt window opened */
#define ALTINJ_VMEXIT_HLT     UINT64_C(0x78)
#define ALTINJ_VMEXIT_NPF     UINT64_C(0x400) /* nested page fault, e.g. on the IDT or stack during delivery */
#define ALTINJ_VMEXIT_VMGEXIT UINT64_C(0x403)
/* VMRUN of a VMSA whose VIntrCtrl.BUSY is set (Alternate Injection only). */
#define ALTINJ_VMEXIT_BUSY    UINT64_C(0xFFFFFFFFFFFFFFFE)
#define ALTINJ_VMEXIT_INVALID UINT64_C(0xFFFFFFFFFFFFFFFF)

/* Returns a static name such as "VMEXIT_BUSY", or "unknown". Never NULL. */
const char *altinj_exit_code_name(uint64_t code);

#endif
