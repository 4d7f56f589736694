#include "altinj_outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "altinj_atomic_file.h"
#include "altinj_path_short.h"

enum kind { K_FILE, K_STDOUT, K_STREAM };

struct entry {
    char what[32];
    char path[PATH_MAX]; /* as given */
    char real[PATH_MAX]; /* resolved: symbolic links followed, directory made absolute */
    bool exists;
    mode_t mode;
    dev_t dev;
    ino_t ino;
    /* outputs only */
    enum kind kind;
    struct altinj_atomic_file af;
    bool af_open;
    FILE *mem;
    char *buf;
    size_t buflen;
};

struct altinj_outputs {
    struct entry *out, *in;
    size_t nout, nin, capout, capin;
};

struct altinj_outputs *altinj_outputs_new(void)
{
    return calloc(1, sizeof(struct altinj_outputs));
}

void altinj_outputs_free(struct altinj_outputs *o)
{
    if (!o)
        return;
    altinj_outputs_abort(o);
    free(o->out);
    free(o->in);
    free(o);
}

static int push(struct entry **v, size_t *n, size_t *cap, const char *what, const char *path,
                char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    if (!*path) {
        snprintf(err, errlen, "%s: empty path", what);
        return -1;
    }
    if (strlen(path) >= PATH_MAX) {
        snprintf(err, errlen, "%s: path too long: %s", what, altinj_path_short(path, s, sizeof s));
        return -1;
    }
    if (*n == *cap) {
        const size_t c = *cap ? 2 * *cap : 8;
        struct entry *nv = realloc(*v, c * sizeof *nv);
        if (!nv) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        *v = nv, *cap = c;
    }
    struct entry *e = &(*v)[*n];
    memset(e, 0, sizeof *e);
    snprintf(e->what, sizeof e->what, "%s", what);
    snprintf(e->path, sizeof e->path, "%s", path);
    return (int)(*n)++;
}

int altinj_outputs_add(struct altinj_outputs *o, const char *what, const char *path, char *err,
                       size_t errlen)
{
    return push(&o->out, &o->nout, &o->capout, what, path, err, errlen);
}

int altinj_outputs_add_input(struct altinj_outputs *o, const char *what, const char *path,
                             char *err, size_t errlen)
{
    return push(&o->in, &o->nin, &o->capin, what, path, err, errlen) < 0 ? -1 : 0;
}

/* Fills e->real and the stat fields: realpath of the file when it exists, else realpath of its
 * directory plus its name (the directory may not exist: the path is then kept as given, and
 * the writability check names the problem). */
static void resolve(struct entry *e)
{
    struct stat st;
    e->exists = stat(e->path, &st) == 0;
    if (e->exists) {
        e->mode = st.st_mode, e->dev = st.st_dev, e->ino = st.st_ino;
        if (realpath(e->path, e->real))
            return;
    }
    char dir[PATH_MAX], base[PATH_MAX], rdir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", e->path);
    snprintf(base, sizeof base, "%s", e->path);
    const char *d = dirname(dir), *b = basename(base);
    if (realpath(d, rdir) && strlen(rdir) + 1 + strlen(b) < sizeof e->real) {
        const size_t dl = strcmp(rdir, "/") == 0 ? 0 : strlen(rdir);
        memcpy(e->real, rdir, dl);
        e->real[dl] = '/';
        memcpy(e->real + dl + 1, b, strlen(b) + 1);
    } else {
        snprintf(e->real, sizeof e->real, "%s", e->path);
    }
}

static bool same(const struct entry *a, const struct entry *b)
{
    if (a->exists && b->exists && a->dev == b->dev && a->ino == b->ino)
        return true;
    return strcmp(a->real, b->real) == 0;
}

static int kind_of(struct entry *e, char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    const char *p = altinj_path_short(e->path, s, sizeof s);
    if (strcmp(e->path, "-") == 0) {
        e->kind = K_STDOUT;
        return 0;
    }
    struct stat lst;
    if (!e->exists && lstat(e->path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        snprintf(err, errlen, "%s %s: a dangling symbolic link (refusing to create its target)",
                 e->what, p);
        return -1;
    }
    if (!e->exists || S_ISREG(e->mode)) {
        e->kind = K_FILE;
        return 0;
    }
    if (S_ISCHR(e->mode) || S_ISFIFO(e->mode)) {
        e->kind = K_STREAM;
        return 0;
    }
    snprintf(err, errlen, "%s %s: is a %s (an output must be a regular file, a character "
             "device, a FIFO or -)", e->what, p,
             S_ISDIR(e->mode) ? "directory" : S_ISSOCK(e->mode) ? "socket"
             : S_ISBLK(e->mode) ? "block device" : "special file");
    return -1;
}

/* "WHAT: cannot write PATH: reason" from the atomic file's "cannot write REAL: reason". */
static void af_error(const struct entry *e, char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1], reason[256];
    /* The reason follows the last ": " (a truncated message may end in ':'). */
    const char *why = strrchr(err, ':');
    snprintf(reason, sizeof reason, "%s", why && why[1] == ' ' ? why + 2 : "cannot be created");
    snprintf(err, errlen, "%s: cannot write %s: %s", e->what,
             altinj_path_short(e->path, s, sizeof s), reason);
}

int altinj_outputs_check(struct altinj_outputs *o, char *err, size_t errlen)
{
    char s1[ALTINJ_PATH_SHORT_MAX + 1], s2[ALTINJ_PATH_SHORT_MAX + 1];
    for (size_t i = 0; i < o->nin; i++)
        resolve(&o->in[i]);
    unsigned nstdout = 0;
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        resolve(e);
        if (kind_of(e, err, errlen) != 0)
            return -1;
        if (e->kind == K_STDOUT && ++nstdout > 1) {
            snprintf(err, errlen, "%s -: standard output is already another output", e->what);
            return -1;
        }
    }
    for (size_t i = 0; i < o->nout; i++) {
        const struct entry *e = &o->out[i];
        if (e->kind == K_STDOUT)
            continue;
        for (size_t j = 0; j < o->nin; j++)
            if (same(e, &o->in[j])) {
                snprintf(err, errlen, "%s %s is also the input %s %s: refusing to overwrite it",
                         e->what, altinj_path_short(e->path, s1, sizeof s1), o->in[j].what,
                         altinj_path_short(o->in[j].path, s2, sizeof s2));
                return -1;
            }
        for (size_t j = 0; j < i; j++) {
            const struct entry *f = &o->out[j];
            if (f->kind == K_STDOUT || (e->kind == K_STREAM && S_ISCHR(e->mode) &&
                                        f->kind == K_STREAM && S_ISCHR(f->mode)))
                continue;
            if (same(e, f)) {
                snprintf(err, errlen, "%s %s and %s %s are the same file", f->what,
                         altinj_path_short(f->path, s1, sizeof s1), e->what,
                         altinj_path_short(e->path, s2, sizeof s2));
                return -1;
            }
        }
    }
    /* Writable: a temporary beside the real target can be created (and is removed). */
    for (size_t i = 0; i < o->nout; i++) {
        const struct entry *e = &o->out[i];
        if (e->kind == K_FILE && altinj_atomic_file_check(e->real, err, errlen) != 0) {
            af_error(e, err, errlen); /* it named the resolved path; name the one given */
            return -1;
        }
        if (e->kind == K_STREAM && access(e->path, W_OK) != 0) {
            snprintf(err, errlen, "%s: cannot write %s: %s", e->what,
                     altinj_path_short(e->path, s1, sizeof s1), strerror(errno));
            return -1;
        }
    }
    return 0;
}

int altinj_outputs_uses_stdout(const struct altinj_outputs *o)
{
    for (size_t i = 0; i < o->nout; i++)
        if (o->out[i].kind == K_STDOUT)
            return 1;
    return 0;
}

static void write_error(const struct entry *e, int errnum, char *err, size_t errlen)
{
    char s[ALTINJ_PATH_SHORT_MAX + 1];
    snprintf(err, errlen, "%s: cannot write %s: %s", e->what,
             altinj_path_short(e->path, s, sizeof s), strerror(errnum ? errnum : EIO));
}

int altinj_outputs_open(struct altinj_outputs *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        if (e->kind == K_FILE) {
            if (altinj_atomic_file_open(&e->af, e->real, err, errlen) != 0) {
                af_error(e, err, errlen);
                altinj_outputs_abort(o);
                return -1;
            }
            e->af_open = true;
        } else {
            e->mem = open_memstream(&e->buf, &e->buflen);
            if (!e->mem) {
                write_error(e, errno, err, errlen);
                altinj_outputs_abort(o);
                return -1;
            }
        }
    }
    return 0;
}

FILE *altinj_outputs_stream(struct altinj_outputs *o, int i)
{
    struct entry *e = &o->out[i];
    return e->kind == K_FILE ? e->af.f : e->mem;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

int altinj_outputs_commit(struct altinj_outputs *o, char *err, size_t errlen)
{
    /* 1: every temporary complete on disk (fsync reports a full disk that fflush did not). */
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        errno = 0;
        if (e->kind == K_FILE) {
            if (fflush(e->af.f) != 0 || ferror(e->af.f) || fsync(fileno(e->af.f)) != 0) {
                write_error(e, errno, err, errlen);
                goto fail;
            }
        } else if (fflush(e->mem) != 0 || ferror(e->mem)) {
            write_error(e, errno, err, errlen);
            goto fail;
        }
    }
    /* 2: standard output and devices, written through. */
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        if (e->kind == K_FILE)
            continue;
        fclose(e->mem);
        e->mem = NULL;
        int fd = STDOUT_FILENO;
        if (e->kind == K_STDOUT) {
            fflush(stdout);
        } else {
            fd = open(e->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
            if (fd < 0) {
                write_error(e, errno, err, errlen);
                goto fail;
            }
        }
        errno = 0;
        const int rc = write_all(fd, e->buf, e->buflen);
        const int saved = errno;
        if (e->kind == K_STREAM)
            close(fd);
        free(e->buf);
        e->buf = NULL;
        if (rc != 0) {
            write_error(e, saved, err, errlen);
            goto fail;
        }
    }
    /* 3: the files, renamed into place one after the other. */
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        if (e->kind != K_FILE)
            continue;
        e->af_open = false;
        if (altinj_atomic_file_commit(&e->af, err, errlen) != 0) {
            af_error(e, err, errlen);
            goto fail;
        }
    }
    return 0;
fail:
    altinj_outputs_abort(o);
    return -1;
}

void altinj_outputs_abort(struct altinj_outputs *o)
{
    for (size_t i = 0; i < o->nout; i++) {
        struct entry *e = &o->out[i];
        if (e->af_open)
            altinj_atomic_file_abort(&e->af);
        e->af_open = false;
        if (e->mem)
            fclose(e->mem);
        e->mem = NULL;
        free(e->buf);
        e->buf = NULL;
    }
}
