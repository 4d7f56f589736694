#include "altinj_write_log.h"

static _Thread_local const struct altinj_vmsa *log_page;
static _Thread_local struct altinj_write_log_entry entries[ALTINJ_WRITE_LOG_MAX];
static _Thread_local size_t nentries;
static _Thread_local bool overflow;

void altinj_write_log_start(const struct altinj_vmsa *vmsa)
{
    log_page = vmsa;
    nentries = 0;
    overflow = false;
}

void altinj_write_log_stop(void)
{
    log_page = NULL;
}

size_t altinj_write_log_count(void)
{
    return nentries;
}

const struct altinj_write_log_entry *altinj_write_log_at(size_t i)
{
    return i < nentries ? &entries[i] : NULL;
}

bool altinj_write_log_overflowed(void)
{
    return overflow;
}

bool altinj_write_log_enabled(void)
{
#ifdef ALTINJ_WRITE_LOG
    return true;
#else
    return false;
#endif
}

const char *altinj_vmsa_field_name(enum altinj_vmsa_field f)
{
    switch (f) {
    case ALTINJ_VF_EFER: return "efer";
    case ALTINJ_VF_EXITINTINFO: return "exitintinfo";
    case ALTINJ_VF_VINTR_CTRL: return "vintr_ctrl";
    case ALTINJ_VF_EXIT_CODE: return "exit_code";
    case ALTINJ_VF_EVENT_INJ: return "event_inj";
    case ALTINJ_VF__COUNT: break;
    }
    return "unknown";
}

#ifdef ALTINJ_WRITE_LOG
void altinj_write_log_note(const struct altinj_vmsa *vmsa, enum altinj_vmsa_field field,
                           enum altinj_vmsa_writer who, uint64_t value)
{
    if (vmsa != log_page || !log_page)
        return;
    if (nentries == ALTINJ_WRITE_LOG_MAX) {
        overflow = true;
        return;
    }
    entries[nentries++] = (struct altinj_write_log_entry){field, who, value};
}
#endif
