/*
 * The sequence of VMSA writes, for the conformance tests (tests/test_conformance.c), which
 * compare it with the order of writes of the code a row follows. Only the core built with
 * ALTINJ_WRITE_LOG (the altinj_core_wlog library) records anything; in every other build these
 * functions exist but the helpers in altinj_vmsa.h never call the recorder, so the hot paths
 * carry no trace of it.
 */
#ifndef ALTINJ_WRITE_LOG_H
#define ALTINJ_WRITE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "altinj_vmsa.h"

#define ALTINJ_WRITE_LOG_MAX 4096u

struct altinj_write_log_entry {
    enum altinj_vmsa_field field;
    enum altinj_vmsa_writer who;
    uint64_t value;             /* the field's value after the write */
};

/* Starts recording the writes to `vmsa` (writes to other pages are ignored), emptying the log.
 * Thread-local: only this thread's writes are recorded. */
void altinj_write_log_start(const struct altinj_vmsa *vmsa);
void altinj_write_log_stop(void);
/* Entries recorded since start (at most ALTINJ_WRITE_LOG_MAX; overflowing() says if more came). */
size_t altinj_write_log_count(void);
const struct altinj_write_log_entry *altinj_write_log_at(size_t i);
bool altinj_write_log_overflowed(void);
/* Whether this core was built with the recorder. */
bool altinj_write_log_enabled(void);
/* "efer", "exitintinfo", "vintr_ctrl", "exit_code", "event_inj". */
const char *altinj_vmsa_field_name(enum altinj_vmsa_field f);

#endif
