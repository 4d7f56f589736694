#include "altinj_output_json.h"

#include <jansson.h>

#include "altinj_run_faults.h"
#include "altinj_run_meta.h"
#include "altinj_strategy.h"

/* A statistic of no samples is null, never 0: a BUSY re-delivery latency of a run without a
 * BUSY event does not exist. */
static json_t *stat_or_null(const struct altinj_hist *h, json_int_t v)
{
    return altinj_hist_count(h) ? json_integer(v) : json_null();
}

static json_t *hist_json(const struct altinj_hist *h)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "count", (json_int_t)altinj_hist_count(h),
                     "min", stat_or_null(h, (json_int_t)altinj_hist_min(h)),
                     "p50", stat_or_null(h, (json_int_t)altinj_hist_value_at_percentile(h, 50)),
                     "p90", stat_or_null(h, (json_int_t)altinj_hist_value_at_percentile(h, 90)),
                     "p99", stat_or_null(h, (json_int_t)altinj_hist_value_at_percentile(h, 99)),
                     "p999", stat_or_null(h, (json_int_t)altinj_hist_value_at_percentile(h, 99.9)),
                     "p9999",
                     stat_or_null(h, (json_int_t)altinj_hist_value_at_percentile(h, 99.99)),
                     "max", stat_or_null(h, (json_int_t)altinj_hist_max(h)),
                     "mean", altinj_hist_count(h) ? json_real(altinj_hist_mean(h)) : json_null());
}

/* What the hostile hypervisor did in this run (all zero, guest_sees from the verdict, for a
 * fault-free run). */
static json_t *faults_json(const struct altinj_run_result *r)
{
    const struct altinj_fault_counters *fc = &r->fc;
    json_t *fired = json_object();
    for (int k = 0; k < ALTINJ_FAULT__COUNT; k++)
        json_object_set_new(fired, altinj_fault_name((enum altinj_fault)k),
                            json_integer((json_int_t)fc->fired[k]));
    json_t *o = json_object();
    json_object_set_new(o, "spec", json_string(r->faults));
    json_object_set_new(o, "fired", fired);
    json_object_set_new(o, "kick_delay_ns", json_integer((json_int_t)fc->kick_delay_ns));
    json_object_set_new(
        o, "double_vmrun",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "attempts", (json_int_t)fc->dr_attempts,
                  "prevented", (json_int_t)fc->dr_prevented, "prevented_by_busy",
                  (json_int_t)fc->dr_prevented_busy, "prevented_by_svme",
                  (json_int_t)fc->dr_prevented_svme, "succeeded", (json_int_t)fc->dr_succeeded,
                  "violations", (json_int_t)fc->dr_violations, "held_violations",
                  (json_int_t)fc->dr_held_violations));
    json_object_set_new(o, "stolen_deliveries", json_integer((json_int_t)fc->stolen_deliveries));
    json_object_set_new(o, "added_failed_vmruns",
                        json_integer((json_int_t)altinj_run_faults_added_failed_vmruns(r)));
    json_object_set_new(o, "guest_sees", json_string(altinj_run_result_guest_sees(r)));
    return o;
}

static json_t *counts_json(const struct altinj_run_result *r, uint64_t db_writes)
{
    const struct altinj_counters *c = &r->c;
    json_t *o = json_object();
#define PUT(key, value) json_object_set_new(o, key, json_integer((json_int_t)(value)))
    PUT("busy_events", c->busy_events);
    PUT("failed_vmruns", c->failed_vmruns);
    PUT("invalid_vmruns", c->invalid_vmruns);
    PUT("svsm_entries", c->svsm_entries);
    PUT("doorbell_writes", db_writes);
    PUT("doorbell_reads", c->doorbell_reads);
    PUT("vmruns", c->vmruns);
    PUT("exits", c->exits);
    PUT("reinjections", c->reinjections);
    PUT("left_to_guest", c->left_to_guest);
    PUT("repairs", c->repairs);
    PUT("interrupts", c->interrupts);
    PUT("coalesced", c->coalesced);
    PUT("empty_interrupts", c->empty_interrupts);
    PUT("unpresented", c->unpresented);
    PUT("eventinj_presented", c->apic.presented_eventinj);
    PUT("virq_presented", c->apic.presented_virq);
    PUT("virq_taken", c->virq_taken);
    PUT("presentations_withdrawn", c->apic.rewound);
    PUT("switches_cancelled", c->switches_cancelled);
    PUT("stale_copies", c->stale_copies);
    PUT("lazy_eois", c->lazy_eois);
    PUT("eoi_exits", c->eoi_exits);
    PUT("host_eois", c->apic.host_eois);
    PUT("guest_raised", c->guest_raised);
    PUT("reexecuted", c->reexecuted);
    PUT("hvdb_flags_seen", c->hvdb_flags_seen);
    PUT("hvdb_flags_spurious", c->hvdb_flags_spurious);
    PUT("hvdb_vectors_rejected", c->hvdb_vectors_rejected);
    PUT("guest_busy", c->guest_busy);
    PUT("internal_errors", c->internal_errors);
    PUT("kicks", r->kicks);
    PUT("kicks_suppressed", r->kicks_suppressed);
    PUT("ring_full_waits", r->ring_full_waits);
    PUT("late_posts", r->late_posts);
#undef PUT
    json_t *why = json_object();
    for (int k = ALTINJ_SVSM_START; k < ALTINJ_SVSM__COUNT; k++)
        json_object_set_new(why, altinj_svsm_reason_name((enum altinj_svsm_reason)k),
                            json_integer((json_int_t)c->svsm_by_reason[k]));
    json_object_set_new(o, "svsm_entries_by_reason", why);
    /* Only for a workload with exits= (interrupt-only JSON keeps the keys it always had):
     * every guest exit by reason, the cuts (busy_events, NPF) and EOI exits (VMGEXIT)
     * included. */
    if (r->exit_mix) {
        json_t *by = json_object();
        for (int k = 0; k < ALTINJ_EXIT_R__COUNT; k++)
            json_object_set_new(by, altinj_exit_reason_name((enum altinj_exit_reason)k),
                                json_integer((json_int_t)c->exits_by_reason[k]));
        json_object_set_new(o, "exits_by_reason", by);
    }
    return o;
}

static json_t *run_json(const struct altinj_run_meta *meta, const struct altinj_run_result *r)
{
    const struct altinj_counters *c = &r->c;
    const uint64_t db_writes = c->doorbell_writes + r->poster_doorbell_writes;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:b}",
        "strategy", r->strategy, "workload", meta->workload, "mode", r->mode,
        "vcpus", (json_int_t)r->vcpus,
        "events", (json_int_t)r->posted, "delivered", (json_int_t)r->verdict.delivered,
        "lost", (json_int_t)r->verdict.lost, "duplicated", (json_int_t)r->verdict.duplicated,
        "exactly_once", altinj_run_result_ok(r), "fatal", r->fatal, "stalled", r->stalled);
    if (!o)
        return NULL;
    if (r->row) {
        char source[2048];
        altinj_strategy_describe_source(r->row, source, sizeof source);
        json_object_set_new(o, "source", json_string(source));
        json_object_set_new(o, "hypervisor_policy", json_string(r->row->hv->name));
        json_object_set_new(o, "svsm_policy", json_string(r->row->svsm->name));
        json_object_set_new(o, "mutant", json_boolean(r->row->mutant));
    }
    if (r->fatal && r->fatal_reason)
        json_object_set_new(o, "fatal_reason", json_string(r->fatal_reason));
    /* The flat field names stay at run level too, for jq one-liners. */
    json_object_set_new(o, "busy_events", json_integer((json_int_t)c->busy_events));
    json_object_set_new(o, "failed_vmruns", json_integer((json_int_t)c->failed_vmruns));
    json_object_set_new(o, "svsm_entries", json_integer((json_int_t)c->svsm_entries));
    json_object_set_new(o, "doorbell_writes", json_integer((json_int_t)db_writes));
    json_object_set_new(o, "counts", counts_json(r, db_writes));
    json_object_set_new(
        o, "per_1000",
        json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                  "exits", altinj_run_result_per_1000(r, c->exits),
                  "vmruns", altinj_run_result_per_1000(r, c->vmruns),
                  "failed_vmruns", altinj_run_result_per_1000(r, c->failed_vmruns),
                  "svsm_entries", altinj_run_result_per_1000(r, c->svsm_entries),
                  "doorbell_writes", altinj_run_result_per_1000(r, db_writes),
                  "busy_events", altinj_run_result_per_1000(r, c->busy_events),
                  "eoi_exits", altinj_run_result_per_1000(r, c->eoi_exits),
                  "world_switches", altinj_run_result_per_1000(r, altinj_run_result_world_switches(r))));
    json_object_set_new(o, "latency_ns", hist_json(&r->latency_ns));
    json_object_set_new(o, "busy_redelivery_ns", hist_json(&r->busy_redelivery_ns));
    json_object_set_new(
        o, "overhead_ns",
        json_pack("{s:f, s:f, s:f}",
                  "hypervisor_per_exit", altinj_run_result_ns_per(r, c->hv_cycles, c->exits),
                  "svsm_per_entry", altinj_run_result_ns_per(r, c->svsm_cycles, c->svsm_entries),
                  "total_per_interrupt", altinj_metric_of(r, ALTINJ_METRIC_OVERHEAD)));
    json_object_set_new(o, "elapsed_s", json_real(r->elapsed_s));
    json_object_set_new(o, "wall_s", json_real(r->wall_s));
    json_object_set_new(o, "placement", json_string(r->placement));
    /* The live threads over every repetition (null in sim: no threads). */
    json_object_set_new(
        o, "usage",
        r->usage_valid
            ? json_pack("{s:f, s:f, s:I, s:I}", "vcpu_cpu_share", r->vcpu_cpu_share,
                        "poster_cpu_share_min", r->poster_cpu_share_min,
                        "vcpu_involuntary_switches", (json_int_t)r->vcpu_nivcsw,
                        "poster_involuntary_switches", (json_int_t)r->poster_nivcsw)
            : json_null());
    json_object_set_new(o, "faults", faults_json(r));
    if (r->perf_json[0]) {
        json_t *perf = json_loads(r->perf_json, 0, NULL);
        if (perf)
            json_object_set_new(o, "perf", perf);
    }
    return o;
}

/* A JSON number, or null for NaN (a summary with no repetition kept): JSON has no NaN. */
static json_t *num(double v)
{
    return v == v ? json_real(v) : json_null();
}

static json_t *interval_json(const struct altinj_interval *iv)
{
    json_t *o = json_object();
    json_object_set_new(o, "median", num(iv->median));
    json_object_set_new(o, "ci95", json_pack("[o, o]", num(iv->lo), num(iv->hi)));
    json_object_set_new(o, "n", json_integer((json_int_t)iv->n));
    return o;
}

static json_t *repetitions_json(const struct altinj_repetitions *reps, size_t s)
{
    json_t *arr = json_array();
    for (unsigned k = 0; k < reps->n; k++) {
        const struct altinj_rep *x = altinj_repetitions_at(reps, s, k);
        json_t *o = json_pack("{s:I, s:I, s:I, s:b, s:b, s:I, s:I}", "rep", (json_int_t)x->rep,
                              "seed", (json_int_t)x->seed, "position", (json_int_t)x->position,
                              "disturbed", x->disturbed, "exactly_once", x->exactly_once,
                              "events", (json_int_t)x->events, "delivered",
                              (json_int_t)x->delivered);
        for (int m = 0; m < ALTINJ_METRIC__COUNT; m++)
            json_object_set_new(o, altinj_metric_key((enum altinj_metric)m), num(x->v[m]));
        json_t *pcts = json_object();
        for (int k = 0; k < ALTINJ_REP_PCTS; k++) {
            char key[16];
            snprintf(key, sizeof key, "%g", altinj_rep_pcts[k]);
            json_object_set_new(pcts, key, num(x->latency_us[k]));
        }
        json_object_set_new(o, "latency_us_at", pcts);
        /* null where there were no threads to measure (sim) or the reading failed. */
        json_object_set_new(o, "vcpu_cpu_share",
                            x->usage_valid ? json_real(x->vcpu_cpu_share) : json_null());
        json_object_set_new(o, "poster_cpu_share_min",
                            x->usage_valid ? json_real(x->poster_cpu_share_min) : json_null());
        json_object_set_new(o, "vcpu_involuntary_switches",
                            x->usage_valid ? json_integer((json_int_t)x->vcpu_nivcsw)
                                           : json_null());
        json_object_set_new(o, "poster_involuntary_switches",
                            x->usage_valid ? json_integer((json_int_t)x->poster_nivcsw)
                                           : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *summary_json(const struct altinj_repetitions *reps, size_t s)
{
    json_t *o = json_object();
    json_object_set_new(o, "repetitions_kept", json_integer((json_int_t)reps->kept[s]));
    json_object_set_new(o, "repetitions_disturbed",
                        json_integer((json_int_t)(reps->n - reps->kept[s])));
    for (int m = 0; m < ALTINJ_METRIC__COUNT; m++)
        json_object_set_new(o, altinj_metric_key((enum altinj_metric)m),
                            interval_json(&reps->summary[s][m]));
    return o;
}

static json_t *comparisons_json(const struct altinj_repetitions *reps,
                                const struct altinj_run_result *runs)
{
    json_t *arr = json_array();
    for (size_t c = 0; c < reps->ncmp; c++) {
        const struct altinj_comparison *x = &reps->cmp[c];
        json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I}", "a", runs[x->a].strategy, "b",
                              runs[x->b].strategy, "metric", altinj_metric_key(x->metric),
                              "n_a", (json_int_t)x->na, "n_b", (json_int_t)x->nb);
        json_object_set_new(o, "p_value", num(x->t.p_value));
        json_object_set_new(o, "p_holm", num(x->p_holm));
        json_object_set_new(o, "significant", json_boolean(x->significant));
        json_object_set_new(o, "effect", num(x->t.effect));
        json_object_set_new(o, "ci95", json_pack("[o, o]", num(x->t.lo), num(x->t.hi)));
        json_object_set_new(o, "exact", json_boolean(x->t.exact));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The noise floor beside a live run (null in sim, or when no probe ran: then
 * noise_error says why, where a probe failed). */
static json_t *noise_json(const struct altinj_run_meta *meta)
{
    const struct altinj_noise_report *n = &meta->noise;
    if (n->windows == 0) {
        if (!meta->noise_error[0])
            return json_null();
        return json_pack("{s:s}", "error", meta->noise_error);
    }
    json_t *o = json_object();
    json_object_set_new(o, "gaps_over_10us_per_s", json_real(n->gaps_over_10us_per_s));
    json_object_set_new(o, "gaps_over_100us_per_s", json_real(n->gaps_over_100us_per_s));
    json_object_set_new(o, "gaps_over_1ms_per_s", json_real(n->gaps_over_1ms_per_s));
    json_object_set_new(o, "worst_gap_us", json_real(n->worst_gap_us));
    json_object_set_new(o, "lost_cpu_pct", json_real(n->lost_cpu_pct));
    json_object_set_new(o, "steal", n->steal < 0 ? json_null() : json_integer(n->steal));
    json_object_set_new(o, "probe_s", json_real(n->probe_s));
    json_object_set_new(o, "windows", json_integer((json_int_t)n->windows));
    json_object_set_new(o, "cpus", json_integer((json_int_t)n->cpus));
    return o;
}

static json_t *costs_json(const struct altinj_cost_profile *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(p->name));
    json_t *ns = json_object(), *src = json_object();
    for (int k = 0; k < ALTINJ_COST__COUNT; k++) {
        const char *key = altinj_cost_kind_name((enum altinj_cost_kind)k);
        json_object_set_new(ns, key, json_real(p->ns[k]));
        json_object_set_new(src, key, json_string(p->source[k]));
    }
    json_object_set_new(o, "ns", ns);
    json_object_set_new(o, "sources", src);
    return o;
}

/* A kvm_exit replay: what the trace held (loop= applied) and where the BUSY cases came from. */
static json_t *kvmexit_json(const struct altinj_run_meta *meta)
{
    const struct altinj_kvmexit_counts *k = &meta->kvmexit;
    json_t *by = json_object();
    for (int r = 0; r < ALTINJ_EXIT_R__COUNT; r++)
        json_object_set_new(by, altinj_exit_reason_name((enum altinj_exit_reason)r),
                            json_integer((json_int_t)k->by_reason[r]));
    json_t *o = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "intr_info", k->intr_info,
                          "busy_from", k->intr_info ? "intr_info" : "busy=",
                          "exits", (json_int_t)k->exits, "v1_exits", (json_int_t)k->v1,
                          "cut_interrupts", (json_int_t)k->cut_interrupts,
                          "cut_guest_events", (json_int_t)k->cut_raised,
                          "interrupt_posts", (json_int_t)k->interrupt_posts,
                          "plain_exits", (json_int_t)k->plain);
    json_object_set_new(o, "v1_reserved_type", json_integer((json_int_t)k->v1_reserved_type));
    json_object_set_new(o, "exits_by_reason", by);
    json_object_set_new(o, "note", meta->workload_note[0] ? json_string(meta->workload_note)
                                                          : json_null());
    return o;
}

int altinj_output_json(FILE *f, const struct altinj_run_meta *meta,
                       const struct altinj_run_result *runs, size_t n,
                       const struct altinj_repetitions *reps)
{
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I}", "tool", "altinj-bench", "version",
                            meta->version, "mode", meta->mode, "workload", meta->workload,
                            "seed", (json_int_t)meta->seed);
    if (!doc)
        return -1;
    json_object_set_new(doc, "repeat", json_integer((json_int_t)reps->n));
    json_t *seeds = json_array();
    for (unsigned k = 0; k < reps->n; k++)
        json_array_append_new(seeds, json_integer((json_int_t)reps->seeds[k]));
    json_object_set_new(doc, "repetition_seeds", seeds);
    json_object_set_new(doc, "noise", noise_json(meta));
    json_object_set_new(doc, "faults", json_string(meta->faults));
    json_object_set_new(doc, "costs", costs_json(meta->costs));
    json_object_set_new(doc, "machine",
                        json_pack("{s:I, s:I, s:I, s:s, s:s}", "cpus", (json_int_t)meta->ncpus,
                                  "clock_hz", (json_int_t)meta->clock_hz,
                                  "clock_read_overhead_cycles",
                                  (json_int_t)meta->clock_read_overhead, "host", meta->host,
                                  "cpu_model", meta->cpu_model));
    json_object_set_new(doc, "model",
                        json_pack("{s:s, s:s}", "busy_premise",
                                  altinj_busy_premise_name(meta->model.busy_premise),
                                  "softint_copy",
                                  altinj_softint_copy_name(meta->model.softint_copy)));
    json_t *assumptions = json_array();
    for (size_t k = 0; k < altinj_run_meta_assumption_count(); k++) {
        char line[1024];
        altinj_run_meta_assumption(meta, k, line, sizeof line);
        json_array_append_new(assumptions, json_string(line));
    }
    json_object_set_new(doc, "assumptions", assumptions);
    if (meta->has_kvmexit)
        json_object_set_new(doc, "kvmexit", kvmexit_json(meta));
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *r = run_json(meta, &runs[i]);
        if (!r) {
            json_decref(arr);
            json_decref(doc);
            return -1;
        }
        json_object_set_new(r, "repetitions", repetitions_json(reps, i));
        json_object_set_new(r, "summary", summary_json(reps, i));
        json_array_append_new(arr, r);
    }
    json_object_set_new(doc, "runs", arr);
    json_object_set_new(doc, "comparisons", comparisons_json(reps, runs));
    const int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (rc != 0 || fputc('\n', f) == EOF)
        return -1;
    return 0;
}
