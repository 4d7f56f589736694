/*
 * What one side of `altinj-bench compare` names: a result file, or a sweep or report folder
 * whose points are the .json files of DIR/points/ (scripts/sweep) or of DIR/sweep/points/ (a
 * report folder). Points pair up between the sides by file name.
 */
#ifndef ALTINJ_COMPARE_INPUTS_H
#define ALTINJ_COMPARE_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

struct altinj_cmp_side {
    const char *arg;  /* as given */
    bool folder;
    char *points_dir; /* the folder the points came from; NULL for a file */
    char **paths;     /* result files, sorted by name */
    char **names;     /* the point names: file names without the folder and .json */
    size_t n;
};

/* Resolves arg. Returns 0, -1 with "ARG: why" in err (missing, neither file nor folder, a
 * folder without points/ or sweep/points/, no *.json in it), -2 when out of memory. */
int altinj_cmp_side_open(const char *arg, struct altinj_cmp_side *s, char *err, size_t errlen);
void altinj_cmp_side_free(struct altinj_cmp_side *s);

/* The index of point name in s, or -1. */
long altinj_cmp_side_find(const struct altinj_cmp_side *s, const char *name);

/* 1 when path names the same file as one of s's inputs (same device and inode: also through
 * another spelling or a hard link), else 0. A path that does not exist names none. */
int altinj_cmp_side_holds(const struct altinj_cmp_side *s, const char *path);

#endif
