/* Each benchmark group registers its benchmarks; micro_main.c calls them in this order, which
 * is the order they run in. */
#ifndef ALTINJ_MICRO_GROUPS_H
#define ALTINJ_MICRO_GROUPS_H

void altinj_micro_register_preentry(void);
void altinj_micro_register_busy_path(void);
void altinj_micro_register_doorbell(void);
void altinj_micro_register_crosscpu(void);
void altinj_micro_register_place_flag(void);
void altinj_micro_register_place_vmsa(void);
void altinj_micro_register_latency(void);

/* Not in normal runs: `altinj-micro --altinj_shim_selftest` registers only these. */
void altinj_micro_register_shim_selftest(void);
unsigned altinj_micro_shim_selftest_failures(void);

#endif
