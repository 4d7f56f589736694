/* Output files that appear whole or not at all: written to a temporary file beside the target
 * and renamed over it on commit, so a failed run never leaves half a JSON behind. */
#ifndef ALTINJ_ATOMIC_FILE_H
#define ALTINJ_ATOMIC_FILE_H

#include <limits.h>
#include <stdio.h>

struct altinj_atomic_file {
    char path[PATH_MAX];
    char tmp[PATH_MAX];
    FILE *f;
};

/* Opens a temporary file in path's directory. Returns 0, or -1 with "cannot write PATH: why"
 * in err. */
int altinj_atomic_file_open(struct altinj_atomic_file *af, const char *path, char *err,
                            size_t errlen);
/* Flushes, closes and renames into place. Returns 0, or -1 (the temporary file is removed). */
int altinj_atomic_file_commit(struct altinj_atomic_file *af, char *err, size_t errlen);
/* Closes and removes the temporary file. Safe after a failed open. */
void altinj_atomic_file_abort(struct altinj_atomic_file *af);

/* Checks, before a long run, that path could be written (creates and removes a temporary file
 * beside it; refuses a directory). Returns 0, or -1 with the reason in err. */
int altinj_atomic_file_check(const char *path, char *err, size_t errlen);

#endif
