/* `altinj-bench merge OUT.tsv IN.json` on arbitrary bytes as IN.json (through a memfd): exit
 * status 0 with the table written, or 1 (out of memory) / 2 (a bad input, one line) / 3 (a
 * write failure) with nothing written; never a crash, a leak or a read out of bounds. Every
 * check merge makes of a run (counts, strategies, consistency) is reached this way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "altinj_merge_cmd.h"

static char out[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!out[0]) {
        char dir[] = "/tmp/altinj-fuzz-merge.XXXXXX";
        if (!mkdtemp(dir))
            abort();
        snprintf(out, sizeof out, "%s/out.tsv", dir);
    }
    const int fd = memfd_create("altinj-fuzz-merge", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char in[64];
    snprintf(in, sizeof in, "/proc/self/fd/%d", fd);
    char cmd[] = "merge";
    char *argv[] = { cmd, out, in, NULL };
    const int status = altinj_merge_command(3, argv);
    close(fd);
    const int exists = access(out, F_OK) == 0;
    if (status < 0 || status > 3 || (status != 0 && exists) || (status == 0 && !exists))
        abort();
    unlink(out);
    return 0;
}
