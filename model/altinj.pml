/*
 * Promela model of Alternate Injection re-entry (who clears BUSY, who re-injects a cut event),
 * for spin (scripts/model-check). It follows core/: the hypervisor and SVSM policies
 * (altinj_policy_hv.c, altinj_policy_svsm.c, altinj_reentry.h), the processor (altinj_hw.c) and
 * the world loop (altinj_vcpu.c).
 *
 *   spin -a -DSTRATEGY=UNCONDITIONAL [-DPREMISE_SOFTWARE] [-DHOSTILE] [-DATTACK
 *        [-DCHECK_DOUBLE_RUN]] [-DN=3] [-DMAXHOSTILE=3] [mutant] model/altinj.pml
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan -m100000
 * STRATEGY: REACTIVE (never + coconut), HVDB_FLAG (flag + flag-only), UNCONDITIONAL
 * (exitintinfo + coconut), PARAVISOR (every-exit + openhcl); or any pairing with
 * -DHV=HV_NEVER|HV_EXITINTINFO|HV_FLAG|HV_EVERY_EXIT -DSVSM=SVSM_COCONUT|SVSM_FLAG_ONLY|SVSM_OPENHCL.
 * Mutants (broken designs the checker must reject): MUTANT_PR881 (coconut without the
 * EXITINTINFO copy), MUTANT_PR1064 (coconut's VMSA with VGIF clear), TRUST_FLAG (flag-only that
 * re-injects its in-service event on the flag without reading the VMSA), PROCESS_BEFORE_CLEAR
 * (the doorbell descriptor read before the events bit is cleared).
 *
 * Processes: a poster on another CPU (ring record, doorbell events bit, kick); the vCPU's
 * physical CPU (hypervisor exit handling per policy, the SVSM's pass per policy, VMRUN, the
 * guest taking EVENTINJ or V_IRQ, a VMEXIT that may cut a delivery); with HOSTILE, a hostile
 * hypervisor (after an exit: omits what its policy owes after a cut exit, or lies with the
 * clear-BUSY flag and a VMPL0 run after an exit with no cut; at any moment, from another CPU:
 * replays the flag or sets a garbage events bit), MAXHOSTILE actions in all; with ATTACK, a
 * second CPU VMRUNs the same VMSA at any moment, MAXATTACK times.
 *
 * Properties (a failed assert or an invalid end state is an error):
 *   - no event delivered twice (assert at the guest's handler);
 *   - no event lost: the vCPU only ends (valid end state) with every posted event delivered
 *     and acknowledged; an event lost leaves it waiting for a kick that never comes (invalid
 *     end state);
 *   - no panic: two failed VMRUNs in a row (VMEXIT_BUSY or VMEXIT_INVALID, ALTINJ_STEP_FATAL);
 *   - no EVENTINJ/EXITINTINFO conflict when the SVSM re-injects, and EXITINTINFO, EVENTINJ and
 *     V_IRQ only ever hold the SVSM's in-service event;
 *   - CHECK_DOUBLE_RUN: a second-CPU VMRUN never enters the guest while the SVSM processes an
 *     exit (svsm_active: from its first exit-processing write to its last pre-entry write).
 *
 * Abstractions (model/README.md): N distinct events from one source, all external interrupts;
 * ring and APIC are counters (one event in service at a time, in order, each acknowledged by
 * an explicit EOI exit); the guest's IF is a nondeterministic choice (saved at each exit, and
 * whether it takes a queued V_IRQ before its next exit); each shared access is one step, each
 * atomic RMW one atomic block; at most MAXCUTS cut deliveries; no time.
 */

#define HV_NEVER       1
#define HV_EXITINTINFO 2
#define HV_FLAG        3
#define HV_EVERY_EXIT  4
#define SVSM_COCONUT   1
#define SVSM_FLAG_ONLY 2
#define SVSM_OPENHCL   3

#define REACTIVE      1
#define HVDB_FLAG     2
#define UNCONDITIONAL 3
#define PARAVISOR     4

#ifndef STRATEGY
#define STRATEGY PARAVISOR
#endif
#ifndef HV
#if STRATEGY == REACTIVE
#define HV HV_NEVER
#elif STRATEGY == HVDB_FLAG
#define HV HV_FLAG
#elif STRATEGY == UNCONDITIONAL
#define HV HV_EXITINTINFO
#else
#define HV HV_EVERY_EXIT
#endif
#endif
#ifndef SVSM
#if STRATEGY == REACTIVE || STRATEGY == UNCONDITIONAL
#define SVSM SVSM_COCONUT
#elif STRATEGY == HVDB_FLAG
#define SVSM SVSM_FLAG_ONLY
#else
#define SVSM SVSM_OPENHCL
#endif
#endif

/* The hypervisor enables virtual GIF (KVM: never, exitintinfo, flag); Hyper-V under OpenHCL
 * does not (altinj_policy.h, ASSUMPTION). */
#if HV == HV_EVERY_EXIT
#define VGIF_ENABLED 0
#else
#define VGIF_ENABLED 1
#endif
/* VIntrCtrl.VGIF as the SVSM creates the VMSA; nothing writes it later. COCONUT sets it
 * (init_guest_vmsa, svsm PR #1064), OpenHCL never does. */
#if SVSM == SVSM_OPENHCL || defined(MUTANT_PR1064)
#define VGIF 0
#else
#define VGIF 1
#endif
/* OpenHCL creates the VMSA with BUSY and EFER.SVME set; COCONUT with both clear (SVME is set
 * by the first vmsa.enable()). */
#if SVSM == SVSM_OPENHCL
#define INIT_BUSY 1
#define INIT_SVME 1
#else
#define INIT_BUSY 0
#define INIT_SVME 0
#endif

#ifndef N
#define N 2
#endif
#ifndef MAXCUTS
#define MAXCUTS 2
#endif
#ifndef MAXHOSTILE
#define MAXHOSTILE 2
#endif
#ifndef MAXATTACK
#define MAXATTACK 2
#endif

/* why the hypervisor runs VMPL0 */
#define W_NONE     0
#define W_DOORBELL 1
#define W_REQUEST  2
#define W_FLAG     3
#define W_EXITINFO 4
#define W_EVERY    5
#define W_LIE      6

/* VMRUN results */
#define RC_OK      0
#define RC_BUSY    1
#define RC_INVALID 2

/* Shared with another CPU. Events are seq+1, 0 none. */
bit  busy = INIT_BUSY;   /* VIntrCtrl.BUSY of the guest VMSA */
bit  svme = INIT_SVME;   /* EFER.SVME of the guest VMSA */
bit  db_events;          /* #HV doorbell: per_vmpl_events bit of the guest VMPL */
bit  db_flag;            /* #HV doorbell: the proposed option-A clear-BUSY status bit */
bit  kick;               /* the poster's IPI */
byte posted;             /* records (and descriptor vectors) the poster has published */
bit  svsm_active;        /* model-only: the SVSM is processing an exit of this VMSA */
byte hostile_left = MAXHOSTILE;

/* ---- the guest's IF, as the processor saves it at an exit ---- */

inline save_if() {
#if SVSM != SVSM_OPENHCL
  if
  :: sif = 1
  :: sif = 0
  fi
#else
  skip                     /* OpenHCL presents through V_IRQ whatever IF is */
#endif
}

/* ---- the processor ---- */

/* The guest starts delivering event e (from EVENTINJ or V_IRQ): either a VMEXIT cuts the
 * delivery (altinj_hw_vmexit_in_delivery) or the handler runs and ends with its EOI, an exit to
 * VMPL0 (VMGEXIT with the CAA's call pending), which writes EXITINTINFO = 0. */
inline deliver(e) {
  if
  :: cuts < MAXCUTS ->
       cuts++;
#ifdef PREMISE_SOFTWARE
       exitintinfo = e;                      /* BUSY left as it was */
#else
       atomic { exitintinfo = e; busy = 1 }  /* the hardware premise: BUSY left set */
#endif
       exit_cut = 1
  :: true ->
       assert(!delivered[e - 1]);            /* DUPLICATE: this event was delivered before */
       assert(e == isr);                     /* only the SVSM's in-service event */
       delivered[e - 1] = 1;
       call_pending = 1;
       exitintinfo = 0
  fi;
  e = 0;
  save_if()
}

/* ---- the SVSM (VMPL0), on the vCPU's CPU ---- */

/* Clear before process: the events bit swapped to 0, then the descriptor and rings read
 * (COCONUT consume_host_interrupts). */
inline consume_doorbell() {
#ifdef PROCESS_BEFORE_CLEAR
  /* MUTANT: the descriptor read first (altinj_vcpu.c consume_doorbell, descriptor_first); a
   * post that lands in between has its bit swapped away unseen and waits for a later pass. */
  drained = posted;
  db_events = 0
#else
  atomic { ev = db_events; db_events = 0 };
  if
  :: ev -> ev = 0; drained = posted
  :: else -> skip
  fi
#endif
}

/* COCONUT present_interrupts, abstracted: the next event once nothing is in service; EVENTINJ
 * when it is free and the guest's saved IF was set, else V_IRQ. */
inline present() {
  if
  :: isr == 0 && next < drained ->
       next++;
       isr = next;
       if
       :: eventinj == 0 && sif -> eventinj = next
       :: else -> assert(virq == 0); virq = next
       fi
  :: else -> skip
  fi
}

/* OpenHCL poll_apic / handle_interrupt: V_IRQ only. */
inline present_virq() {
  if
  :: isr == 0 && next < drained -> next++; isr = next; assert(virq == 0); virq = next
  :: else -> skip
  fi
}

/* The guest's request (COCONUT get_svsm_request_message): its EOI takes the event out of
 * service. */
inline guest_request() {
  if
  :: call_pending -> call_pending = 0; assert(isr != 0); isr = 0
  :: else -> skip
  fi
}

/* A re-injection from EXITINTINFO into EVENTINJ, and what must hold then. */
inline reinject() {
  assert(exitintinfo == isr);                     /* only the SVSM's own event is there */
  assert(eventinj == 0 || eventinj == exitintinfo);   /* CONFLICT otherwise */
  eventinj = exitintinfo
}

/* COCONUT ai_handle_intercepts: EXITINTINFO.V -> copy into EVENTINJ (EXITINTINFO left as it
 * is); then BUSY -> clear (a plain read-modify-write). MUTANT_PR881: the pass before svsm PR
 * #881 (commit 6557794b added ai_handle_intercepts whole), neither copy nor BUSY clear. */
inline ai_handle_intercepts() {
#ifndef MUTANT_PR881
  if
  :: exitintinfo != 0 -> reinject()
  :: else -> skip
  fi;
  if
  :: busy -> busy = 0
  :: else -> skip
  fi
#else
  skip
#endif
}

/* On every return to VMPL0 after the guest ran or failed to run (not for the first entry). */
inline on_entry() {
#if SVSM == SVSM_COCONUT
  atomic { svme = 0; svsm_active = 1 };          /* vmsa.disable(): COCONUT's lock */
  ai_handle_intercepts();
  guest_request()
#elif SVSM == SVSM_FLAG_ONLY
  atomic { svme = 0; svsm_active = 1 };
  atomic { f = db_flag; db_flag = 0 };           /* peek, then the fetch_and */
  if
  :: f ->
       f = 0;
#ifdef TRUST_FLAG
       /* MUTANT: re-injects the event it last presented (still in service) and clears BUSY,
        * without reading EXITINTINFO. A lying flag duplicates an event. */
       if
       :: isr != 0 -> eventinj = isr
       :: else -> skip
       fi;
       busy = 0
#else
       ai_handle_intercepts()                    /* the flag only says where to look */
#endif
  :: else -> skip
  fi;
  guest_request()
#else
  atomic { busy = 1; svsm_active = 1 };          /* guest_busy_bit_test_and_set: OpenHCL's lock */
  if
  :: exitintinfo != 0 -> reinject(); exitintinfo = 0   /* external interrupts: re-injected */
  :: else -> skip
  fi;
  if
  :: virq != 0 ->                                /* set_irq(false): an untaken V_IRQ back */
       assert(virq == isr && isr == next);
       virq = 0; next--; isr = 0
  :: else -> skip
  fi;
  guest_request()
#endif
}

/* Before the switch to the guest: doorbell, presentation, the policy's last write. */
inline pre_entry() {
  consume_doorbell();
#if SVSM == SVSM_OPENHCL
  present_virq();
  atomic { busy = 0; svsm_active = 0 }           /* "Clear the guest busy bit unconditionally" */
#else
  present();
  atomic { svme = 1; svsm_active = 0 }           /* vmsa.enable() */
#endif
}

/* ---- the hypervisor ---- */

/* After a guest exit: what the policy owes, or, HOSTILE, what a liar does instead; then the
 * reasons every hypervisor shares (the guest's request, doorbell work). */
inline hv_decide() {
#if HV == HV_EXITINTINFO
  if
  :: exit_cut -> why = W_EXITINFO
  :: else -> skip
  fi;
#elif HV == HV_FLAG
  if
  :: exit_cut -> why = W_FLAG
  :: else -> skip
  fi;
#elif HV == HV_EVERY_EXIT
  why = W_EVERY;
#endif
#ifdef HOSTILE
  if
  :: atomic { exit_cut && why != W_NONE && hostile_left > 0 -> hostile_left-- };
       why = W_NONE                               /* omit the flag and the VMPL0 run */
  :: atomic { !exit_cut && hostile_left > 0 -> hostile_left-- };
       why = W_LIE                                /* a clear-BUSY flag with no cut */
  :: true -> skip
  fi;
#endif
  if
  :: why == W_FLAG || why == W_LIE -> db_flag = 1; db_events = 1
  :: else -> skip
  fi;
  exit_cut = 0;
  if
  :: why == W_NONE && call_pending -> why = W_REQUEST
  :: else -> skip
  fi;
  if
  :: why == W_NONE && db_events -> why = W_DOORBELL
  :: else -> skip
  fi
}

proctype poster() {
  do
  :: posted < N ->
       posted++;           /* the record, and its vector in the descriptor */
       db_events = 1;      /* release fetch_or of the events bit */
       kick = 1            /* the IPI */
  :: else -> break
  od
}

#ifdef HOSTILE
/* The hostile hypervisor's asynchronous doorbell writes, from another CPU. */
proctype hostile() {
  do
  :: atomic { hostile_left > 0 -> hostile_left-- }; db_flag = 1; db_events = 1   /* stale flag */
  :: atomic { hostile_left > 0 -> hostile_left-- }; db_events = 1                /* garbage */
  :: hostile_left == 0 -> break
  od
}
#endif

#ifdef ATTACK
/* A VMRUN of the same VMSA from a second CPU, at any moment: the processor's atomic checks.
 * One that enters changes nothing in the model (it is the lock that is tested). */
proctype attacker() {
  byte left = MAXATTACK;
  do
  :: left > 0 ->
       left--;
       atomic {
         if
         :: busy || !svme -> skip            /* VMEXIT_BUSY or VMEXIT_INVALID: kept out */
         :: else ->
#ifdef CHECK_DOUBLE_RUN
              assert(!svsm_active)           /* DOUBLE RUN during exit processing */
#else
              skip
#endif
         fi
       }
  :: else -> break
  od
}
#endif

/* The vCPU's physical CPU: hypervisor, VMPL0 and the guest, one after the other. Everything
 * here but the globals above is touched only by this CPU, so it is local. */
active proctype vcpu() {
  /* guest VMSA (events: seq+1, 0 none) */
  byte exitintinfo, eventinj, virq;
  bit  sif;                /* RFLAGS.IF as saved at the last exit */
  /* the SVSM's view: ring and APIC as counters */
  byte drained;            /* descriptor vectors (records) the SVSM has taken */
  byte next;               /* events presented so far */
  byte isr;                /* the event in service (presented, not yet EOI'd), 0 none */
  bit  call_pending;       /* the guest's EOI request in the CAA */
  /* bookkeeping */
  bit  delivered[N];
  byte cuts, why, rc, failures, e;
  bit  ev, f, exit_cut;

  svsm_active = 1;         /* the first entry (START): no exit to process */
  pre_entry();
  do
  :: failures = 0;
vmrun:
     atomic {
       if
       :: busy -> rc = RC_BUSY
       :: else ->
            if
            :: !svme -> rc = RC_INVALID
            :: else -> rc = RC_OK; e = eventinj; eventinj = 0
            fi
       fi
     };
     if
     :: rc != RC_OK ->
          failures++;
          assert(failures < 2);              /* PANIC: the guest could not be made runnable */
#if HV == HV_FLAG
          if
          :: rc == RC_BUSY -> db_flag = 1; db_events = 1
          :: else -> skip
          fi;
#endif
          rc = RC_OK;
          on_entry();
          pre_entry();
          goto vmrun
     :: else -> failures = 0
     fi;
     /* the guest runs until an exit */
     if
     :: e != 0 -> deliver(e)                 /* EVENTINJ, taken by VMRUN */
     :: else ->
          if
          :: atomic { virq != 0 && (VGIF || !VGIF_ENABLED) -> e = virq; virq = 0 };
             deliver(e)                      /* the guest opens IF: the processor takes V_IRQ */
          :: atomic { kick -> kick = 0; exitintinfo = 0 };
             save_if()                       /* an ordinary exit */
          :: posted == N && next == N && isr == 0 -> break
          fi
     fi;
     hv_decide();
     if
     :: why != W_NONE -> why = W_NONE; on_entry(); pre_entry()
     :: else -> skip
     fi
  od;
  e = 0;
  do
  :: e < N -> assert(delivered[e]); e++
  :: else -> break
  od
}

init {
  atomic {
    run poster();
#ifdef HOSTILE
    run hostile();
#endif
#ifdef ATTACK
    run attacker();
#endif
  }
}
