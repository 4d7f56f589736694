#include "altinj_merge_json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 2, 3)))
static void fail(struct altinj_mj *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    const int w = snprintf(r->err, r->errlen, "%s: ", r->file);
    if (w < 0 || (size_t)w >= r->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + w, r->errlen - (size_t)w, fmt, ap);
    va_end(ap);
}

static const char *dot(const char *where)
{
    return where && *where ? "." : "";
}

int altinj_mj_load(const char *path, json_t **doc, char *err, size_t errlen)
{
    /* jansson's own message for a missing file is "unable to open PATH: ..."; say it once, in
     * the same "FILE: why" shape as every other error. */
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    json_error_t je;
    *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!*doc) {
        snprintf(err, errlen, "%s: not valid JSON: %s (line %d, column %d)", path, je.text,
                 je.line, je.column);
        return -1;
    }
    if (!json_is_object(*doc)) {
        snprintf(err, errlen, "%s: not a JSON object at the top level", path);
        json_decref(*doc);
        *doc = NULL;
        return -1;
    }
    return 0;
}

double altinj_mj_num(struct altinj_mj *r, json_t *obj, const char *where, const char *key)
{
    if (r->failed)
        return NAN;
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) {
        fail(r, "%s%s%s: missing or not a number", where, dot(where), key);
        return NAN;
    }
    return json_number_value(v);
}

double altinj_mj_num_opt(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

double altinj_mj_num2(struct altinj_mj *r, json_t *obj, const char *where, const char *key,
                      const char *sub)
{
    if (r->failed)
        return NAN;
    json_t *o = json_object_get(obj, key);
    json_t *v = json_is_object(o) ? json_object_get(o, sub) : NULL;
    if (json_is_null(v))
        return NAN; /* a statistic with no samples */
    if (!json_is_number(v)) {
        fail(r, "%s%s%s.%s: missing or not a number", where, dot(where), key, sub);
        return NAN;
    }
    return json_number_value(v);
}

double altinj_mj_num3(struct altinj_mj *r, json_t *obj, const char *where, const char *key,
                      const char *sub, const char *sub2)
{
    if (r->failed)
        return NAN;
    json_t *o = json_object_get(obj, key);
    json_t *o2 = json_is_object(o) ? json_object_get(o, sub) : NULL;
    json_t *v = json_is_object(o2) ? json_object_get(o2, sub2) : NULL;
    if (!json_is_number(v)) {
        fail(r, "%s%s%s.%s.%s: missing or not a number", where, dot(where), key, sub, sub2);
        return NAN;
    }
    return json_number_value(v);
}

const char *altinj_mj_str(struct altinj_mj *r, json_t *obj, const char *where, const char *key)
{
    if (r->failed)
        return "";
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        fail(r, "%s%s%s: missing or not a string", where, dot(where), key);
        return "";
    }
    return json_string_value(v);
}

const char *altinj_mj_str_opt(json_t *obj, const char *key, const char *def)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : def;
}

json_t *altinj_mj_array(struct altinj_mj *r, json_t *obj, const char *where, const char *key)
{
    if (r->failed)
        return NULL;
    json_t *v = json_object_get(obj, key);
    if (!json_is_array(v)) {
        fail(r, "%s%s%s: missing or not an array", where, dot(where), key);
        return NULL;
    }
    return v;
}

json_t *altinj_mj_object(struct altinj_mj *r, json_t *obj, const char *where, const char *key)
{
    if (r->failed)
        return NULL;
    json_t *v = json_object_get(obj, key);
    if (!json_is_object(v)) {
        fail(r, "%s%s%s: missing or not an object", where, dot(where), key);
        return NULL;
    }
    return v;
}

void altinj_mj_put_cell(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}
