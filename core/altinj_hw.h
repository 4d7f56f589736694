/*
 * What the processor does to the guest VMSA, as far as the BUSY protocol sees it. These run on
 * the CPU that executes the guest; the SVSM and a hypervisor on another CPU may touch the same
 * page concurrently, so every access is atomic with its order stated.
 *
 * Write order on an exit that interrupts delivery: exit code, then EXITINTINFO, then BUSY with
 * release, so whoever observes BUSY (acquire) also observes the event that caused it.
 */
#ifndef ALTINJ_HW_H
#define ALTINJ_HW_H

#include <stdint.h>

#include "altinj_vmsa.h"

/*
 * VMRUN of the guest VMSA.
 * - BUSY set: returns ALTINJ_VMEXIT_BUSY, *injected = 0, and changes nothing (no event is taken
 *   from EVENTINJ, nothing runs).
 * - Otherwise: returns 0 (the guest is entered). If EVENTINJ.V was set, the event is taken out
 *   of EVENTINJ (which is left 0) and returned in *injected: it is delivered exactly once, by
 *   this VMRUN. *injected is 0 when nothing was pending.
 */
uint64_t altinj_hw_vmrun(struct altinj_vmsa *vmsa, uint64_t *injected);

/* A VMEXIT while no event delivery was in progress: EXITINTINFO = 0, BUSY untouched. */
void altinj_hw_vmexit(struct altinj_vmsa *vmsa, uint64_t exit_code);

/*
 * A VMEXIT that interrupted the delivery of `event` (an EVENTINJ-format value with V=1), e.g. a
 * nested page fault on the IDT or the guest stack: EXITINTINFO = event and, with Alternate
 * Injection, BUSY is left set, so the next VMRUN fails until VMPL0 repairs the page.
 */
void altinj_hw_vmexit_in_delivery(struct altinj_vmsa *vmsa, uint64_t event, uint64_t exit_code);

#endif
