#include "altinj_perf.h"

#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* 128-bit intermediate for the multiplexing scale (raw * enabled / running), exact for any
 * counts; __extension__ keeps a -pedantic build quiet, as in altinj_tsc.c. */
__extension__ typedef unsigned __int128 altinj_perf_u128;

const struct altinj_perf_event altinj_perf_default_events[ALTINJ_PERF_NUM_DEFAULT] = {
    [ALTINJ_PERF_CYCLES] = {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "count"},
    [ALTINJ_PERF_INSTRUCTIONS] = {"instructions", PERF_TYPE_HARDWARE,
                                  PERF_COUNT_HW_INSTRUCTIONS, "count"},
    [ALTINJ_PERF_CACHE_MISSES] = {"cache_misses", PERF_TYPE_HARDWARE,
                                  PERF_COUNT_HW_CACHE_MISSES, "count"},
    [ALTINJ_PERF_BRANCH_MISSES] = {"branch_misses", PERF_TYPE_HARDWARE,
                                   PERF_COUNT_HW_BRANCH_MISSES, "count"},
    [ALTINJ_PERF_TASK_CLOCK] = {"task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK,
                                "ns"},
    [ALTINJ_PERF_CONTEXT_SWITCHES] = {"context_switches", PERF_TYPE_SOFTWARE,
                                      PERF_COUNT_SW_CONTEXT_SWITCHES, "count"},
};

static int read_paranoid(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (!f)
        return INT_MIN;
    int level = INT_MIN;
    /* A small kernel-written integer; no conversion gives INT_MIN, read as "unknown". */
    if (fscanf(f, "%d", &level) != 1) // NOLINT(cert-err34-c): see the comment above
        level = INT_MIN;
    fclose(f);
    return level;
}

static int sys_perf_event_open(struct perf_event_attr *attr, int group_fd)
{
    /* pid 0, cpu -1: this thread, wherever it runs. */
    return (int)syscall(SYS_perf_event_open, attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

/* Opens one event; on EACCES/EPERM retries without kernel-mode counting, which is what
 * perf_event_paranoid >= 2 allows an unprivileged user. Returns the fd or -errno. */
static int open_one(const struct altinj_perf_event *ev, int group_fd, bool *user_only)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = ev->type;
    attr.config = ev->config;
    attr.disabled = 1; /* counts nothing until altinj_perf_start */
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    *user_only = false;
    int fd = sys_perf_event_open(&attr, group_fd);
    if (fd < 0 && (errno == EACCES || errno == EPERM)) {
        attr.exclude_kernel = 1;
        fd = sys_perf_event_open(&attr, group_fd);
        if (fd >= 0)
            *user_only = true;
    }
    return fd >= 0 ? fd : -errno;
}

int altinj_perf_open_events(struct altinj_perf *p, const struct altinj_perf_event *ev, size_t n,
                            unsigned flags)
{
    if (!p || !ev || n == 0 || n > ALTINJ_PERF_MAX_EVENTS || (flags & ~ALTINJ_PERF_GROUP)) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ev[i].name) {
            errno = EINVAL;
            return -1;
        }
    }
    memset(p, 0, sizeof *p);
    p->flags = flags;
    p->n = n;
    p->leader = -1;
    p->paranoid = read_paranoid();
    int opened = 0;
    for (size_t i = 0; i < n; i++) {
        p->ev[i] = ev[i];
        const bool grouped = (flags & ALTINJ_PERF_GROUP) && ev[i].type != PERF_TYPE_SOFTWARE;
        const int group_fd = grouped && p->leader >= 0 ? p->fd[p->leader] : -1;
        const int fd = open_one(&ev[i], group_fd, &p->user_only[i]);
        if (fd < 0) {
            p->fd[i] = -1;
            p->err[i] = -fd;
            continue;
        }
        p->fd[i] = fd;
        p->in_group[i] = grouped;
        if (grouped && p->leader < 0)
            p->leader = (int)i;
        opened++;
    }
    p->open = true;
    return opened;
}

int altinj_perf_open(struct altinj_perf *p, unsigned flags)
{
    return altinj_perf_open_events(p, altinj_perf_default_events, ALTINJ_PERF_NUM_DEFAULT, flags);
}

/* Applies one ioctl to every open counter: to the group leader with PERF_IOC_FLAG_GROUP (so the
 * members switch in the same instant), and to each counter outside the group. */
static int ioctl_all(const struct altinj_perf *p, unsigned long request)
{
    if (p->leader >= 0 && ioctl(p->fd[p->leader], request, PERF_IOC_FLAG_GROUP) < 0)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (p->fd[i] >= 0 && !p->in_group[i] && ioctl(p->fd[i], request, 0) < 0)
            return -1;
    return 0;
}

int altinj_perf_start(struct altinj_perf *p)
{
    if (!p || !p->open || p->running) {
        errno = EINVAL;
        return -1;
    }
    if (ioctl_all(p, PERF_EVENT_IOC_RESET) < 0 || ioctl_all(p, PERF_EVENT_IOC_ENABLE) < 0)
        return -1;
    p->running = true;
    p->started = true;
    return 0;
}

int altinj_perf_resume(struct altinj_perf *p)
{
    if (!p || !p->open || p->running || !p->started) {
        errno = EINVAL;
        return -1;
    }
    if (ioctl_all(p, PERF_EVENT_IOC_ENABLE) < 0)
        return -1;
    p->running = true;
    return 0;
}

int altinj_perf_stop(struct altinj_perf *p)
{
    if (!p || !p->open || !p->running) {
        errno = EINVAL;
        return -1;
    }
    if (ioctl_all(p, PERF_EVENT_IOC_DISABLE) < 0)
        return -1;
    p->running = false;
    return 0;
}

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    case EBUSY: return "EBUSY";
    case EMFILE: return "EMFILE";
    case ENODATA: return "ENODATA";
    default: return "errno";
    }
}

static const char *errno_hint(int e)
{
    switch (e) {
    case ENOENT:
    case EOPNOTSUPP:
    case ENODEV: return "event not supported here: no hardware PMU exposed (common in VMs)";
    case EACCES:
    case EPERM: return "not permitted: see perf_event_paranoid, or grant CAP_PERFMON";
    case ENOSYS: return "perf_event_open unavailable (kernel config or seccomp)";
    case ENODATA: return "never scheduled on the PMU during the interval";
    default: return "";
    }
}

static void set_unavailable(struct altinj_perf_value *v, int e, int paranoid)
{
    v->available = false;
    v->value = ALTINJ_PERF_NO_VALUE;
    v->err = e;
    v->multiplexed = false;
    if ((e == EACCES || e == EPERM) && paranoid != INT_MIN)
        snprintf(v->reason, sizeof v->reason, "%s: %s (paranoid=%d)", errno_name(e),
                 errno_hint(e), paranoid);
    else
        snprintf(v->reason, sizeof v->reason, "%s: %s", errno_name(e),
                 *errno_hint(e) ? errno_hint(e) : strerror(e));
}

int altinj_perf_read(const struct altinj_perf *p, struct altinj_perf_sample *out)
{
    if (!p || !out || !p->open || !p->started) {
        errno = EINVAL;
        return -1;
    }
    out->n = p->n;
    out->paranoid = p->paranoid;
    for (size_t i = 0; i < p->n; i++) {
        struct altinj_perf_value *v = &out->v[i];
        v->name = p->ev[i].name;
        v->unit = p->ev[i].unit ? p->ev[i].unit : "count";
        v->user_only = p->user_only[i];
        v->reason[0] = '\0';
        if (p->fd[i] < 0) {
            set_unavailable(v, p->err[i], p->paranoid);
            continue;
        }
        uint64_t buf[3]; /* value, time_enabled, time_running (read_format above) */
        const ssize_t got = read(p->fd[i], buf, sizeof buf);
        if (got != (ssize_t)sizeof buf) {
            set_unavailable(v, got < 0 ? errno : EIO, p->paranoid);
            continue;
        }
        if (buf[1] > 0 && buf[2] == 0) {
            /* Enabled but never on the PMU: there is no count, only an absence of one. */
            set_unavailable(v, ENODATA, p->paranoid);
            continue;
        }
        v->available = true;
        v->err = 0;
        v->multiplexed = buf[2] < buf[1];
        v->value = v->multiplexed
                       ? (uint64_t)((altinj_perf_u128)buf[0] * buf[1] / buf[2])
                       : buf[0];
    }
    return 0;
}

void altinj_perf_close(struct altinj_perf *p)
{
    if (!p || !p->open)
        return;
    /* Members first, leader last: closing a leader first would orphan its members. */
    for (size_t i = 0; i < p->n; i++)
        if (p->fd[i] >= 0 && (int)i != p->leader)
            close(p->fd[i]);
    if (p->leader >= 0)
        close(p->fd[p->leader]);
    for (size_t i = 0; i < p->n; i++)
        p->fd[i] = -1;
    p->open = false;
    p->running = false;
    p->started = false;
}

const struct altinj_perf_value *altinj_perf_find(const struct altinj_perf_sample *s,
                                                 const char *name)
{
    if (!s || !name)
        return NULL;
    for (size_t i = 0; i < s->n && i < ALTINJ_PERF_MAX_EVENTS; i++)
        if (s->v[i].name && strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

bool altinj_perf_value_of(const struct altinj_perf_sample *s, const char *name, uint64_t *out)
{
    const struct altinj_perf_value *v = altinj_perf_find(s, name);
    if (!v || !v->available)
        return false;
    if (out)
        *out = v->value;
    return true;
}

void altinj_perf_print(const struct altinj_perf_sample *s, FILE *f)
{
    if (!s || !f)
        return;
    for (size_t i = 0; i < s->n && i < ALTINJ_PERF_MAX_EVENTS; i++) {
        const struct altinj_perf_value *v = &s->v[i];
        if (v->available)
            fprintf(f, "  %-18s %20llu %s%s%s\n", v->name, (unsigned long long)v->value, v->unit,
                    v->multiplexed ? " (multiplexed, scaled)" : "",
                    v->user_only ? " (user mode only)" : "");
        else
            fprintf(f, "  %-18s %20s (%s)\n", v->name, "unavailable", v->reason);
    }
}

/* snprintf into buf at *off, tracking the full length even past len. */
static void jput(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const size_t room = *off < len ? len - *off : 0;
    const int n = vsnprintf(room ? buf + *off : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        *off += (size_t)n;
}

static void jput_string(char *buf, size_t len, size_t *off, const char *s)
{
    jput(buf, len, off, "\"");
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            jput(buf, len, off, "\\%c", c);
        else if (c < 0x20)
            jput(buf, len, off, "\\u%04x", c);
        else
            jput(buf, len, off, "%c", c);
    }
    jput(buf, len, off, "\"");
}

int altinj_perf_json(const struct altinj_perf_sample *s, char *buf, size_t len)
{
    if (!s)
        return -1;
    if (len > 0)
        buf[0] = '\0';
    size_t off = 0;
    const size_t n = s->n < ALTINJ_PERF_MAX_EVENTS ? s->n : ALTINJ_PERF_MAX_EVENTS;
    jput(buf, len, &off, "{");
    for (size_t i = 0; i < n; i++) {
        jput_string(buf, len, &off, s->v[i].name);
        if (s->v[i].available)
            jput(buf, len, &off, ":%llu,", (unsigned long long)s->v[i].value);
        else
            jput(buf, len, &off, ":null,");
    }
    jput(buf, len, &off, "\"unavailable\":{");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (s->v[i].available)
            continue;
        jput(buf, len, &off, first ? "" : ",");
        first = false;
        jput_string(buf, len, &off, s->v[i].name);
        jput(buf, len, &off, ":");
        jput_string(buf, len, &off, s->v[i].reason);
    }
    if (s->paranoid == INT_MIN)
        jput(buf, len, &off, "},\"paranoid\":null}");
    else
        jput(buf, len, &off, "},\"paranoid\":%d}", s->paranoid);
    if (len > 0 && off >= len)
        buf[len - 1] = '\0';
    return off > INT_MAX ? INT_MAX : (int)off;
}
