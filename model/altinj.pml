/*
 * Promela model of the Alternate Injection BUSY protocol, for spin (scripts/model-check).
 *
 *   spin -a -DSTRATEGY=HVDB_FLAG [-DHOSTILE] [-DATTACK [-DCHECK_DOUBLE_RUN]] [-DN=3]
 *        [-DMAXHOSTILE=3] [-DTRUST_FLAG | -DPROCESS_BEFORE_CLEAR] model/altinj.pml
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan -m100000
 * STRATEGY: REACTIVE, HVDB_FLAG, UNCONDITIONAL, PARAVISOR. TRUST_FLAG and PROCESS_BEFORE_CLEAR
 * are deliberately broken designs (mutants) that the checker must reject.
 *
 * Processes: a poster on another CPU (ring record, doorbell events bit, kick), the vCPU's
 * physical CPU (hypervisor exit handling per strategy, the SVSM, VMRUN and delivery, which a
 * VMEXIT may cut: EXITINTINFO + BUSY), and, with HOSTILE, a hostile hypervisor that writes the
 * doorbell after any exit (stale or lying clear-BUSY flags, garbage events bits) and omits or
 * fakes the signals a strategy expects, MAXHOSTILE times; with ATTACK, a second CPU VMRUNs the
 * same VMSA at any moment, MAXATTACK times.
 *
 * Properties (a failed assert or an invalid end state is an error):
 *   - no event injected twice: the guest never enters a handler for an event already delivered;
 *   - no lost event: the vCPU only ends (valid end state) with every posted event delivered;
 *     an event lost leaves the vCPU waiting for a kick that never comes: an invalid end state;
 *   - no VMRUN of a BUSY VMSA succeeds: VMRUN is an atomic check of BUSY (the processor); a
 *     success while BUSY is held would trip the assert in vmrun_second;
 *   - no panic: two VMEXIT_BUSY failures in a row (ALTINJ_STEP_FATAL) are an error;
 *   - no EVENTINJ/EXITINTINFO conflict (the C model's internal error);
 *   - CHECK_DOUBLE_RUN: a second CPU never enters the guest while the SVSM processes an exit.
 *     Only paravisor claims this (its BUSY hold spans the VMPL0 run); for the others spin is
 *     expected to find the counterexample, which scripts/model-check reports as expected.
 *
 * Abstractions: N events, one source, all external interrupts (the software-interrupt
 * regeneration path is covered by the C tests); the ring and the SVSM's pending queue are
 * counters (records are consumed in order); each shared read or write is one atomic step,
 * and each C atomic RMW (fetch_or of BUSY, swap of the events byte, fetch_and of the flag) is
 * one atomic block; the delivery's cut is a nondeterministic choice, at most MAXCUTS times;
 * a second-CPU VMRUN that succeeds leaves at once without taking EVENTINJ (the C model's
 * stolen-event accounting is not modelled); clocks and costs are not modelled.
 */

#ifndef STRATEGY
#define STRATEGY PARAVISOR
#endif
#define REACTIVE      1
#define HVDB_FLAG     2
#define UNCONDITIONAL 3
#define PARAVISOR     4

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
#define W_WINDOW   2
#define W_FLAG     3
#define W_EXITINFO 4
#define W_EVERY    5
#define W_BUSYFAIL 6

/* guest VMSA (0: none, else seq+1) */
bit  busy;
byte exitintinfo;
byte eventinj;
/* #HV doorbell page */
bit  db_events;    /* per_vmpl_events bit of the guest VMPL */
bit  db_flag;      /* the proposed option-A clear-BUSY status bit */
bit  kick;
/* ring and SVSM state */
byte posted;       /* records pushed by the poster */
byte drained;      /* records the SVSM has taken */
byte next_inject;  /* next record to inject */
byte inflight;     /* seq+1 of the SVSM's event in EVENTINJ/EXITINTINFO, 0 none */
bit  holds;        /* paravisor: the SVSM holds BUSY */
bit  window;       /* V_IRQ: the SVSM wants an interrupt window */
byte delivered[N];
byte cuts;
/* model-only */
bit  svsm_active;  /* the SVSM is processing an exit of this VMSA */
byte hostile_left = MAXHOSTILE;

/* BUSY held, EXITINTINFO into EVENTINJ, EXITINTINFO cleared (altinj_reentry_fixup). */
inline fixup() {
  if
  :: exitintinfo != 0 ->
       assert(eventinj == 0);            /* CONFLICT: a broken invariant */
       assert(exitintinfo == inflight);  /* only the SVSM's own event can be there */
       eventinj = exitintinfo;
       exitintinfo = 0
  :: else -> skip
  fi
}

/* take (fetch_or, acquire), fix up, release (altinj_reentry_repair) */
inline repair() {
  atomic { was = busy; busy = 1 };
  fixup();
  busy = 0;
  was = 0
}

inline inject_next() {
  if
  :: inflight == 0 && next_inject < drained ->
       if
       :: holds ->
            if
            :: eventinj == 0 -> next_inject++; eventinj = next_inject; inflight = next_inject
            :: else -> skip
            fi
       :: else ->
            atomic { was = busy; busy = 1 };
            if
#if STRATEGY == REACTIVE
            :: was -> skip                 /* back off: left for the VMEXIT_BUSY path */
#else
            :: was -> fixup();
                 if
                 :: eventinj == 0 -> next_inject++; eventinj = next_inject; inflight = next_inject
                 :: else -> skip
                 fi;
                 busy = 0
#endif
            :: !was ->
                 if
                 :: eventinj == 0 -> next_inject++; eventinj = next_inject; inflight = next_inject
                 :: else -> skip
                 fi;
                 busy = 0
            fi
       fi
  :: else -> skip
  fi;
  was = 0;
  window = (next_inject < drained -> 1 : 0)
}

inline consume_doorbell() {
#ifdef PROCESS_BEFORE_CLEAR
  /* MUTANT: reads the rings before clearing the events bit, so a post that lands in between
   * has its bit cleared unseen: the event waits for a kick that never comes (lost). */
  ev = db_events;
  if
  :: ev -> drained = posted
  :: else -> skip
  fi;
  db_events = 0;
#else
  atomic { ev = db_events; db_events = 0 };  /* swap(0), acquire: clear before process */
  if
  :: ev -> drained = posted                  /* every record published before the bit */
  :: else -> skip
  fi;
#endif
  ev = 0
}

inline svsm_on_entry() {
#if STRATEGY == HVDB_FLAG && defined(TRUST_FLAG)
  /* MUTANT, to show the checker can fail: trusts the flag, re-injects the last event it
   * injected and clears BUSY without reading EXITINTINFO. A lying flag duplicates an event. */
  atomic { f = db_flag; db_flag = 0 };
  if
  :: f && next_inject > 0 -> f = 0; exitintinfo = 0; eventinj = next_inject; inflight = next_inject;
       busy = 0
  :: else -> f = 0
  fi
#elif STRATEGY == HVDB_FLAG
  atomic { f = db_flag; db_flag = 0 };       /* fetch_and, acquire */
  if
  :: f -> f = 0; repair()                    /* never trusts the flag: acts on BUSY itself */
  :: else -> skip
  fi
#elif STRATEGY == UNCONDITIONAL
  if
  :: busy -> repair()                        /* relaxed peek, then the real take */
  :: else -> skip
  fi
#elif STRATEGY == PARAVISOR
  atomic { was = busy; busy = 1 };           /* test-and-set on every entry */
  holds = 1;
  was = 0;
  fixup()
#else
  skip
#endif
}

inline svsm_pre_entry() {
#if STRATEGY == PARAVISOR
  if
  :: holds && exitintinfo == 0 -> holds = 0; busy = 0   /* release before entry */
  :: else -> skip
  fi
#else
  skip
#endif
}

/* svsm_active spans what the C driver's double-vmrun hooks attack: from after the row's
 * on-entry work to before its pre-entry work (altinj_faults.c). Before the on-entry work BUSY
 * is clear in every design unless the exit cut a delivery: no row claims that window. */
inline svsm_run(why) {
  svsm_on_entry();
  svsm_active = 1;
  if
  :: why == W_BUSYFAIL && !holds -> repair()           /* the fallback every design keeps */
  :: else -> skip
  fi;
  consume_doorbell();
  inject_next();
  svsm_active = 0;
  svsm_pre_entry()
}

/* The hypervisor after an exit: what the row does, or, HOSTILE, what a liar does instead. */
inline hv_decide() {
  why = W_NONE;
  if
  :: exit_pending ->
       exit_pending = 0;
#if STRATEGY == HVDB_FLAG
       if
       :: exit_cut -> db_flag = 1; db_events = 1; why = W_FLAG
       :: else -> skip
       fi;
#elif STRATEGY == UNCONDITIONAL
       if
       :: exit_cut -> why = W_EXITINFO
       :: else -> skip
       fi;
#elif STRATEGY == PARAVISOR
       why = W_EVERY;
#endif
#ifdef HOSTILE
       if
       :: hostile_left > 0 -> hostile_left--; why = W_NONE   /* omit the signal / VMPL0 run */
       :: hostile_left > 0 -> hostile_left--; db_flag = 1; db_events = 1; why = W_FLAG  /* lie */
       :: hostile_left > 0 -> hostile_left--; db_flag = 1; db_events = 1   /* stale flag */
       :: hostile_left > 0 -> hostile_left--; db_events = 1                /* garbage */
       :: true -> skip
       fi;
#endif
       if
       :: why == W_NONE && exit_vintr -> why = W_WINDOW
       :: else -> skip
       fi
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
       posted++;           /* the record, into the ring */
       db_events = 1;      /* release fetch_or of irr and the events bit */
       kick = 1            /* the IPI */
  :: else -> break
  od
}

/* A VMRUN of the same VMSA from a second CPU: one atomic check of BUSY, as the processor. */
inline vmrun_second() {
  atomic {
    if
    :: busy -> skip        /* VMEXIT_BUSY: prevented */
    :: else ->
#ifdef CHECK_DOUBLE_RUN
         assert(!svsm_active);
#endif
         assert(!holds)    /* BUSY is clear, so nobody can be holding it */
    fi
  }
}

/* ATTACK: the hypervisor VMRUNs the VMSA from a second CPU, at any moment, MAXATTACK times. */
proctype attacker() {
  byte left = MAXATTACK;
  do
  :: left > 0 -> left--; vmrun_second()
  :: left == 0 -> break
  od
}

active proctype vcpu() {
  byte why, injected, failures;
  bit was, ev, f, ok;
  bit exit_pending, exit_cut, exit_vintr;
  do
  :: hv_decide();
     if
     :: why != W_NONE -> svsm_run(why); why = W_NONE
     :: else -> skip
     fi;
     failures = 0;
vmrun:
     atomic {
       if
       :: busy -> ok = 0
       :: else -> ok = 1; injected = eventinj; eventinj = 0
       fi
     };
     if
     :: !ok ->
          ok = 0;
          failures++;
          assert(failures < 2);             /* the SVSM could not make the guest runnable */
          svsm_run(W_BUSYFAIL);
          goto vmrun
     :: else -> ok = 0; failures = 0
     fi;
     exit_cut = 0;
     exit_vintr = 0;
     if
     :: injected != 0 ->
          assert(injected == inflight);
          if
          :: cuts < MAXCUTS ->             /* a VMEXIT interrupts the delivery */
               cuts++;
               atomic { exitintinfo = injected; busy = 1 };
               exit_pending = 1;
               exit_cut = 1
          :: true ->                       /* the guest's handler runs */
               assert(delivered[injected - 1] == 0);
               delivered[injected - 1]++;
               inflight = 0
          fi;
          injected = 0
     :: else -> skip
     fi;
     if
     :: exit_cut -> skip
     :: !exit_cut ->
          /* the guest runs until an exit */
          if
          :: window -> exit_vintr = 1; window = 0
          :: atomic { kick -> kick = 0 }
          :: posted == N && next_inject == N && inflight == 0 -> break
          fi;
          exit_pending = 1
     fi
  od;
  assert(delivered[0] == 1 && (N < 2 || delivered[N - 1] == 1))
}

init {
  atomic {
    run poster();
#ifdef ATTACK
    run attacker();
#endif
  }
}
