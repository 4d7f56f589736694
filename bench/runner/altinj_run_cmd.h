/* `altinj-bench run`: parse, validate every input before anything runs, run each strategy on
 * the same arrival sequence, then print and write the results. */
#ifndef ALTINJ_RUN_CMD_H
#define ALTINJ_RUN_CMD_H

/* Returns the process exit status: 0 exactly-once everywhere, 1 a run lost or duplicated an
 * event (or could not run), 2 bad input. */
int altinj_run_command(int argc, char **argv);

/* Fills the machine description fields of a meta record (host, CPU model, CPU count). */
struct altinj_run_meta;
void altinj_run_meta_machine(struct altinj_run_meta *meta);

#endif
