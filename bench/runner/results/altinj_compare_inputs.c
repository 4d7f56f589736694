#include "altinj_compare_inputs.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void altinj_cmp_side_free(struct altinj_cmp_side *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->paths[i]);
        free(s->names[i]);
    }
    free(s->paths);
    free(s->names);
    free(s->points_dir);
    memset(s, 0, sizeof *s);
}

static int add(struct altinj_cmp_side *s, const char *path, size_t cap)
{
    if (!s->paths && (!(s->paths = calloc(cap, sizeof *s->paths)) ||
                      !(s->names = calloc(cap, sizeof *s->names))))
        return -2;
    const char *slash = strrchr(path, '/');
    if (!(s->paths[s->n] = strdup(path)) || !(s->names[s->n] = strdup(slash ? slash + 1 : path))) {
        free(s->paths[s->n]);
        return -2;
    }
    /* The point name, as `merge` writes it: the file name without .json. */
    const size_t n = strlen(s->names[s->n]);
    if (n > 5 && strcmp(s->names[s->n] + n - 5, ".json") == 0)
        s->names[s->n][n - 5] = '\0';
    s->n++;
    return 0;
}

/* The points of a folder: glob sorts them by name, and leaves out hidden files (an atomic
 * file's temporary is PATH.tmp.XXXXXX, never *.json, either way). */
static int open_folder(struct altinj_cmp_side *s, char *err, size_t errlen)
{
    const size_t len = strlen(s->arg) + sizeof "/sweep/points";
    if (!(s->points_dir = malloc(len)))
        return -2;
    snprintf(s->points_dir, len, "%s/points", s->arg);
    if (!is_dir(s->points_dir)) {
        snprintf(s->points_dir, len, "%s/sweep/points", s->arg);
        if (!is_dir(s->points_dir)) {
            snprintf(err, errlen,
                     "%s: a folder without points/ or sweep/points/ (expected a sweep or "
                     "report folder)",
                     s->arg);
            return -1;
        }
    }
    char *pattern = malloc(len + sizeof "/*.json");
    if (!pattern)
        return -2;
    snprintf(pattern, len + sizeof "/*.json", "%s/*.json", s->points_dir);
    glob_t g;
    const int grc = glob(pattern, 0, NULL, &g);
    free(pattern);
    if (grc == GLOB_NOMATCH) {
        snprintf(err, errlen, "%s: no *.json result files", s->points_dir);
        return -1;
    }
    if (grc != 0) {
        snprintf(err, errlen, "%s: cannot list the folder", s->points_dir);
        return grc == GLOB_NOSPACE ? -2 : -1;
    }
    int rc = 0;
    for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
        rc = add(s, g.gl_pathv[i], g.gl_pathc);
    globfree(&g);
    return rc;
}

int altinj_cmp_side_open(const char *arg, struct altinj_cmp_side *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->arg = arg;
    struct stat st;
    int rc;
    if (stat(arg, &st) != 0) {
        snprintf(err, errlen, "%s: %s", arg, strerror(errno));
        rc = -1;
    } else if (S_ISDIR(st.st_mode)) {
        s->folder = true;
        rc = open_folder(s, err, errlen);
    } else if (S_ISREG(st.st_mode)) {
        rc = add(s, arg, 1);
    } else {
        snprintf(err, errlen, "%s: neither a result file nor a folder", arg);
        rc = -1;
    }
    if (rc == -2)
        snprintf(err, errlen, "%s: out of memory", arg);
    if (rc != 0)
        altinj_cmp_side_free(s);
    return rc;
}

long altinj_cmp_side_find(const struct altinj_cmp_side *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (long)i;
    return -1;
}

int altinj_cmp_side_holds(const struct altinj_cmp_side *s, const char *path)
{
    struct stat out;
    if (stat(path, &out) != 0)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        struct stat in;
        if (stat(s->paths[i], &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return 1;
    }
    return 0;
}
