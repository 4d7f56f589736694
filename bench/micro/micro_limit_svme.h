/*
 * COCONUT's lock on the guest VMSA (EFER.SVME clear while VMPL0 works on the page), written
 * directly with atomics for the limits of bm_preentry.c and bm_busy_path.c: the same loads
 * and stores as altinj_svme_disable / altinj_svme_enable (core/altinj_reentry.h) minus the
 * write-log hook, which compiles to nothing in the benchmarked core. Each half is its own
 * read-modify-write, as in COCONUT, where vmsa.disable() and vmsa.enable() are separate calls
 * with other SVSM work between them.
 */
#ifndef ALTINJ_MICRO_LIMIT_SVME_H
#define ALTINJ_MICRO_LIMIT_SVME_H

#include <stdatomic.h>
#include <stdint.h>

#include "altinj_vmsa.h"

/* EFER &= ~SVME, a plain load and store. relaxed: the page is this CPU's own while SVME is
 * clear, and nothing published depends on this store's order (altinj_svme_disable). */
static inline void lim_svme_clear(struct altinj_vmsa *v)
{
    const uint64_t e = atomic_load_explicit(&v->efer, memory_order_relaxed);
    atomic_store_explicit(&v->efer, e & ~ALTINJ_EFER_SVME, memory_order_relaxed);
}

/* EFER |= SVME, a plain load and a store. relaxed load; release store: pairs with the acquire
 * load of EFER in altinj_hw_vmrun (altinj_svme_enable); on x86-64 a plain MOV. */
static inline void lim_svme_set(struct altinj_vmsa *v)
{
    const uint64_t e = atomic_load_explicit(&v->efer, memory_order_relaxed);
    atomic_store_explicit(&v->efer, e | ALTINJ_EFER_SVME, memory_order_release);
}

#endif
