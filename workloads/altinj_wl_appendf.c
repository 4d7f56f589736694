/* snprintf that appends, for the describe and cpulist writers. */
#include "altinj_wl_internal.h"

#include <stdarg.h>
#include <stdio.h>

int altinj_wl_appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* Past the end, only measure: buf + *used would point outside the buffer. */
    const int w = *used < len ? vsnprintf(buf + *used, len - *used, fmt, ap)
                              : vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (w < 0)
        return -1;
    *used += (size_t)w;
    return 0;
}
