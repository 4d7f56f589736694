#include "altinj_atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int altinj_atomic_file_open(struct altinj_atomic_file *af, const char *path, char *err,
                            size_t errlen)
{
    memset(af, 0, sizeof *af);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot write %s: it is a directory", path);
        return -1;
    }
    if (snprintf(af->path, sizeof af->path, "%s", path) >= (int)sizeof af->path ||
        snprintf(af->tmp, sizeof af->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof af->tmp) {
        snprintf(err, errlen, "cannot write %s: path too long", path);
        return -1;
    }
    const int fd = mkstemp(af->tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        af->tmp[0] = '\0';
        return -1;
    }
    /* mkstemp creates 0600; results are for sharing. */
    fchmod(fd, 0644);
    af->f = fdopen(fd, "w");
    if (!af->f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        af->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

int altinj_atomic_file_commit(struct altinj_atomic_file *af, char *err, size_t errlen)
{
    int rc = 0;
    if (fflush(af->f) != 0 || ferror(af->f)) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = -1;
    }
    if (fclose(af->f) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = -1;
    }
    af->f = NULL;
    if (rc == 0 && rename(af->tmp, af->path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", af->path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(af->tmp);
    af->tmp[0] = '\0';
    return rc;
}

void altinj_atomic_file_abort(struct altinj_atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    af->f = NULL;
    if (af->tmp[0])
        unlink(af->tmp);
    af->tmp[0] = '\0';
}

int altinj_atomic_file_check(const char *path, char *err, size_t errlen)
{
    struct altinj_atomic_file af;
    if (altinj_atomic_file_open(&af, path, err, errlen) != 0)
        return -1;
    altinj_atomic_file_abort(&af);
    return 0;
}
