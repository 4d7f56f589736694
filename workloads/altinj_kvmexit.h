/*
 * Reader for the `perf script` text of the kvm:kvm_exit tracepoint recorded on a KVM host
 * (`perf record -e kvm:kvm_exit -a`, then `perf script`). One data line per exit:
 *
 *   CPU 0/KVM  4242 [002] 5123.000100: kvm:kvm_exit: vcpu 0 reason npf rip 0xffffffff81001234
 *       info1 0x0000000100000004 info2 0x00000000fee000b0 intr_info 0x80000030
 *       error_code 0x00000000
 *
 * (one line in the file). The formats arch/x86/kvm/trace.h has printed, newest first
 * (tests/data/kvmexit/README.md cites each):
 *   INTR_INFO  "vcpu %u reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx
 *               intr_info 0x%08x error_code 0x%08x" (Linux 5.10 and later), optionally
 *               followed by " requests 0x%016llx" and bracketed flags (" [guest]") as the
 *               kvm_exit patches posted by Maxim Levitsky print them;
 *   INFO       "[vcpu %u ]reason %s rip 0x%lx info %llx %llx" (before 5.10; "vcpu %u " from
 *               about 5.5): no intr_info;
 *   RIP_ONLY   "reason %s rip 0x%lx" (2.6-era trace-arch.h): no intr_info either.
 *
 * The reason is every token between "reason" and "rip": an SVM name ("npf", "io", "msr",
 * "hlt", "interrupt", "vintr", "PF excp" with its space), a VMX name with its flags, or a
 * number where __print_symbolic knew no name ("0x403").
 *
 * intr_info and error_code are, on SVM, the low and high halves of EXITINTINFO
 * (svm_get_exit_info: control->exit_int_info, exit_int_info_err when V and EV are set), so
 * V=1 (bit 31) marks an exit that cut an event delivery: the exit that would leave the VMSA
 * BUSY under Alternate Injection. They are decoded with altinj_event_decode
 * (core/altinj_event.h). On VMX the same field is the VM-exit interruption information (the
 * exit's own cause, not the IDT-vectoring information); altinj_kvmexit_trace.vmx_names says
 * when the reasons look like VMX names so a caller can warn.
 *
 * The vCPU is the printed "vcpu N" where the format has it, else the thread id (QEMU runs one
 * thread per vCPU) numbered by first appearance.
 */
#ifndef ALTINJ_KVMEXIT_H
#define ALTINJ_KVMEXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "altinj_event.h"

/* Longest line accepted, newline included. A kvm_exit line is about 200 bytes; call-chain
 * lines with long C++ symbols can reach a few KiB. */
#define ALTINJ_KVMEXIT_MAX_LINE  8192u
/* Most distinct vCPUs (printed ids, or thread ids): KVM_MAX_VCPU_IDS on x86 is 4096. */
#define ALTINJ_KVMEXIT_MAX_VCPUS 4096u
/* Most distinct reasons; SVM and VMX each define under 200. */
#define ALTINJ_KVMEXIT_MAX_REASONS 1024u

enum altinj_kvmexit_format {
    ALTINJ_KVMEXIT_FMT_RIP_ONLY = 0,
    ALTINJ_KVMEXIT_FMT_INFO,
    ALTINJ_KVMEXIT_FMT_INTR_INFO,
};

struct altinj_kvmexit {
    uint64_t t_ns;          /* perf timestamp, ns */
    uint32_t vcpu;          /* index into altinj_kvmexit_trace.vcpu_id */
    uint32_t reason;        /* index into altinj_kvmexit_trace.reasons */
    uint64_t rip;
    uint64_t info1, info2;  /* 0 in RIP_ONLY */
    uint32_t intr_info;     /* 0 unless the format has it */
    uint32_t error_code;
    uint64_t requests;      /* 0 unless printed */
    struct altinj_event event; /* altinj_event_decode(intr_info | error_code << 32) */
};

struct altinj_kvmexit_trace {
    enum altinj_kvmexit_format format; /* one format for every exit line (mixing is an error) */
    bool has_intr_info;     /* format == INTR_INFO: the V=1 share is measurable */
    bool has_requests;      /* some line printed requests */
    bool vcpu_from_tid;     /* no "vcpu N": vCPUs are thread ids by first appearance */
    bool vmx_names;         /* a reason is an upper-case VMX name: intr_info is not EXITINTINFO */
    size_t n;               /* exit lines; >= 1 */
    struct altinj_kvmexit *exits; /* in file order; timestamps non-decreasing per vCPU */
    size_t nreasons;
    char **reasons;         /* as printed, tokens joined by one space; by first appearance */
    size_t nvcpus;
    uint32_t *vcpu_id;      /* the printed vcpu id, or the thread id, per vCPU index */
    uint64_t first_ns, last_ns; /* smallest and largest exit timestamp */
    size_t lines;           /* lines read */
    size_t skipped_events;  /* data lines of other events (kvm:kvm_entry, ...) */
    size_t callchain_lines; /* perf record -g call-chain lines skipped */
};

/*
 * Reads the whole stream. Returns 0 and a trace to altinj_kvmexit_free, or -1 with one line
 * "NAME:LINE: problem" (or "NAME: problem") in err: a NUL or other control byte, a line over
 * ALTINJ_KVMEXIT_MAX_LINE, a data line without tid, "[cpu]" or timestamp, a timestamp over
 * 2^63 ns, a kvm_exit line whose fields do not follow one of the formats above (a bad hex
 * field names the field and the text), a line whose format differs from the first exit's, a
 * time that goes backwards on one vCPU, too many vCPUs or reasons, a read error, or no
 * kvm:kvm_exit line at all. CRLF line ends are accepted; blank and '#' lines are skipped.
 * name stands for the file in messages; the stream is not closed.
 */
int altinj_kvmexit_load_stream(FILE *f, const char *name, struct altinj_kvmexit_trace **out,
                               char *err, size_t errlen);
/* The same from a path ("PATH: cannot open: why" when it cannot be read). */
int altinj_kvmexit_load(const char *path, struct altinj_kvmexit_trace **out, char *err,
                        size_t errlen);
void altinj_kvmexit_free(struct altinj_kvmexit_trace *trace);

/* The harness's exit reason (core/altinj_exit_codes.h) of a reason as the trace printed it:
 * the SVM names the model has (`interrupt`, `nmi`, `vintr`, `cpuid`, `pause`, `hlt`, `io`,
 * `msr`, `npf`), any "X excp" exception intercept as excp, a hex code by its SVM exit code, and
 * every other name as other. `vmgexit` (or 0x403) is other too: a guest's GHCB exit to the
 * hypervisor, which the model's VMGEXIT (a request to VMPL0) is not. */
int altinj_kvmexit_reason(const char *name);

/* "intr", "nmi", "exception", "softint" for the EXITINTINFO types the model names (0, 2, 3,
 * 4); "type1", "type5".. "type7" for the others. */
const char *altinj_kvmexit_type_name(unsigned type);

#endif
