/* Every file one command writes, checked together before anything runs and committed together
 * at the end (the output rule, README "Outputs"):
 *
 *   - "-" is standard output (at most one output of a command may be "-");
 *   - a path that does not exist, or names a regular file (through any symbolic links), is
 *     written to a temporary file beside its real target and renamed over that target at
 *     commit: a symbolic link stays a link and its target is replaced;
 *   - a character device (/dev/null, a terminal) or a FIFO is written through: opened for
 *     writing at commit, never created, truncated or renamed over;
 *   - a directory, a socket, a block device or a dangling symbolic link is refused (exit 2);
 *   - an output that resolves to an input or to another output of the same command (same
 *     resolved path, or same device and inode), derived names included, is refused (exit 2);
 *     only character devices may be named twice.
 *
 * Commit writes every output in full first (temporaries flushed and synced, standard output
 * and devices buffered in memory), then writes the buffered ones through, then renames the
 * temporaries: a write failure anywhere leaves every file as it was and names the file and
 * the system's reason (ALTINJ_EXIT_WRITE). Only a rename failing after an earlier one
 * succeeded (it practically cannot: each temporary sits beside its target) would leave the
 * files before it committed; it is reported the same way. */
#ifndef ALTINJ_OUTPUTS_H
#define ALTINJ_OUTPUTS_H

#include <stddef.h>
#include <stdio.h>

/* Exit status of a command whose outputs could not be written (disk full, I/O error,
 * a device that refuses the write): distinct from 0 (ok), 1 (a verdict) and 2 (bad input). */
#define ALTINJ_EXIT_WRITE 3

struct altinj_outputs;

/* NULL when out of memory. */
struct altinj_outputs *altinj_outputs_new(void);
/* Aborts whatever is still open (temporaries removed), then frees. NULL is fine. */
void altinj_outputs_free(struct altinj_outputs *o);

/* Records an output (what: the flag that named it, for messages) or an input the outputs must
 * not overwrite. Return its index (outputs), 0 (inputs), or -1 with the reason in err. */
int altinj_outputs_add(struct altinj_outputs *o, const char *what, const char *path, char *err,
                       size_t errlen);
int altinj_outputs_add_input(struct altinj_outputs *o, const char *what, const char *path,
                             char *err, size_t errlen);

/* Applies the rule above to every output: 0, or -1 with one line in err (exit 2). Nothing is
 * created or left behind. */
int altinj_outputs_check(struct altinj_outputs *o, char *err, size_t errlen);

/* Whether some output is standard output (the caller then keeps its own text off stdout). */
int altinj_outputs_uses_stdout(const struct altinj_outputs *o);

/* Opens every output for writing (after a successful check). 0, or -1 with err (exit
 * ALTINJ_EXIT_WRITE); on failure nothing is left behind. */
int altinj_outputs_open(struct altinj_outputs *o, char *err, size_t errlen);
/* The stream to write output i into (valid between open and commit/abort). */
FILE *altinj_outputs_stream(struct altinj_outputs *o, int i);
/* Commits every output as above: 0, or -1 with "cannot write PATH: reason" in err (exit
 * ALTINJ_EXIT_WRITE), every file unchanged. */
int altinj_outputs_commit(struct altinj_outputs *o, char *err, size_t errlen);
/* Drops every open output: temporaries removed, buffers discarded. */
void altinj_outputs_abort(struct altinj_outputs *o);

#endif
