/* Paths in one-line messages: a long path is shortened in its middle, so its start (where it
 * lives) and its end (the file name) stay visible and the reason after it is never pushed off
 * the line. */
#ifndef ALTINJ_PATH_SHORT_H
#define ALTINJ_PATH_SHORT_H

#include <stddef.h>

/* Longest path a message shows whole; longer ones keep their first and last characters
 * around "...". */
#define ALTINJ_PATH_SHORT_MAX 72

/* Writes path, or its shortened form, into buf (always NUL-terminated when len > 0) and
 * returns buf, so it can sit in a printf argument list. */
const char *altinj_path_short(const char *path, char *buf, size_t len);

#endif
