#include "altinj_path_short.h"

#include <stdio.h>
#include <string.h>

const char *altinj_path_short(const char *path, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    const size_t n = strlen(path);
    size_t max = ALTINJ_PATH_SHORT_MAX < len - 1 ? ALTINJ_PATH_SHORT_MAX : len - 1;
    if (n <= max || max < 8) {
        snprintf(buf, len, "%.*s", (int)max, path);
        return buf;
    }
    /* A third for the start, the rest for the end: the file name usually matters most. */
    const size_t head = (max - 3) / 3, tail = max - 3 - head;
    snprintf(buf, len, "%.*s...%s", (int)head, path, path + n - tail);
    return buf;
}
