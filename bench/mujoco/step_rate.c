// The C side of `control bench mujoco`: the loop of MuJoCoDynamics.Step written directly against libmujoco, to
// measure what the C# interop costs. Each thread owns an mjData, a state x = [qpos, qvel, act] and a SplitMix64
// control generator seeded with seed + thread; every step copies x into qpos/qvel/act, clears qacc_warmstart and
// time, sets ctrl uniform in ctrlrange, calls mj_step and copies the next state out (what cm_transition does,
// without its setjmp guard and warning mask, which are ours). Every `horizon` steps the state is reset to
// [qpos0, 0, 0], so robots that fall or fly away keep being simulated from a realistic state. The C# side
// (bench/Control.Bench.Runs/MuJoCoBench.cs) draws the same controls from the same generator, so both sides
// simulate the same trajectories and end in the same state: the checksum (the sum over threads of the sum of
// each thread's final state, in order) shows it.
//
// Modes: step (mj_steps per second of wall time, all threads together, after an untimed warm-up of count/4 steps
// per thread; and per second of the threads' own CPU time, which time slices lost to other processes do not count);
// fd and fdc (one thread: microseconds per mjd_transitionFD call, forward or centred differences, at the states
// of the same trajectory; only the call is timed, the step that advances the trajectory is not).
//
// Build: cc -O2 bench/mujoco/step_rate.c -lmujoco -lpthread -lm -o /tmp/step_rate
// Run:   /tmp/step_rate MODEL.xml step|fd|fdc THREADS COUNT HORIZON SEED   (prints one JSON object)
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mujoco/mujoco.h>

#define MAX_THREADS 64

typedef struct {
  const mjModel* m;
  mjData* d;
  double* x;
  double* next;
  double* ctrl_low;
  double* ctrl_high;
  uint64_t rng;
  uint64_t seed;
  long count;
  long horizon;
  int mode;  // 0 step, 1 forward differences, 2 centred differences
  double* a;
  double* b;
  double fd_seconds;
  double cpu_seconds;
  pthread_barrier_t* start;
  pthread_barrier_t* end;
} worker;

static double clock_seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

// SplitMix64, the same generator as MuJoCoBench.Controls in C#.
static double uniform01(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

static void reset_state(worker* w) {
  const mjModel* m = w->m;
  mju_copy(w->x, m->qpos0, m->nq);
  mju_zero(w->x + m->nq, m->nv + m->na);
}

static void draw_controls(worker* w) {
  for (int i = 0; i < w->m->nu; i++)
    w->d->ctrl[i] = w->ctrl_low[i] + (w->ctrl_high[i] - w->ctrl_low[i]) * uniform01(&w->rng);
}

// x into the data, time and warm start cleared: the step is a function of (x, u).
static void set_state(worker* w) {
  const mjModel* m = w->m;
  mjData* d = w->d;
  mju_copy(d->qpos, w->x, m->nq);
  mju_copy(d->qvel, w->x + m->nq, m->nv);
  if (m->na) mju_copy(d->act, w->x + m->nq + m->nv, m->na);
  mju_zero(d->qacc_warmstart, m->nv);
  d->time = 0;
}

static void step_and_copy_out(worker* w) {
  const mjModel* m = w->m;
  mjData* d = w->d;
  mj_step(m, d);
  mju_copy(w->next, d->qpos, m->nq);
  mju_copy(w->next + m->nq, d->qvel, m->nv);
  if (m->na) mju_copy(w->next + m->nq + m->nv, d->act, m->na);
  double* swap = w->x;
  w->x = w->next;
  w->next = swap;
}

// `steps` iterations of the loop from a fresh state and generator; in the fd modes each iteration also times
// mjd_transitionFD at (x, u) before the step.
static void run(worker* w, long steps) {
  w->rng = w->seed;
  w->fd_seconds = 0;
  for (long s = 0; s < steps; s++) {
    if (s % w->horizon == 0) reset_state(w);
    set_state(w);
    draw_controls(w);
    if (w->mode != 0) {
      double t0 = now();
      mjd_transitionFD(w->m, w->d, 1e-6, (mjtByte)(w->mode == 2), w->a, w->b, NULL, NULL);
      w->fd_seconds += now() - t0;
      set_state(w);
    }
    step_and_copy_out(w);
  }
}

static void* thread_main(void* argument) {
  worker* w = (worker*)argument;
  run(w, w->count / 4 > 1 ? w->count / 4 : 1);
  pthread_barrier_wait(w->start);
  double cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  run(w, w->count);
  w->cpu_seconds = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
  pthread_barrier_wait(w->end);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s MODEL.xml step|fd|fdc THREADS COUNT HORIZON SEED\n", argv[0]);
    return 2;
  }
  int mode = strcmp(argv[2], "step") == 0 ? 0 : strcmp(argv[2], "fd") == 0 ? 1 : strcmp(argv[2], "fdc") == 0 ? 2 : -1;
  int threads = atoi(argv[3]);
  long count = atol(argv[4]), horizon = atol(argv[5]);
  uint64_t seed = strtoull(argv[6], NULL, 10);
  if (mode < 0 || threads < 1 || threads > MAX_THREADS || count < 1 || horizon < 1 || (mode != 0 && threads != 1)) {
    fprintf(stderr, "expected mode step, fd or fdc (fd modes on 1 thread), 1..%d threads, count >= 1, horizon >= 1; got %s %s %s %s\n",
            MAX_THREADS, argv[2], argv[3], argv[4], argv[5]);
    return 2;
  }
  char error[1000] = "";
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) {
    fprintf(stderr, "could not load %s: %s\n", argv[1], error);
    return 1;
  }
  int n = m->nq + m->nv + m->na, nt = 2 * m->nv + m->na;
  double* ctrl_low = (double*)malloc(sizeof(double) * (m->nu + 1));
  double* ctrl_high = (double*)malloc(sizeof(double) * (m->nu + 1));
  for (int i = 0; i < m->nu; i++) {
    int limited = m->actuator_ctrllimited[i];
    ctrl_low[i] = limited ? m->actuator_ctrlrange[2 * i] : -1;
    ctrl_high[i] = limited ? m->actuator_ctrlrange[2 * i + 1] : 1;
  }
  pthread_barrier_t start, end;
  pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&end, NULL, (unsigned)threads + 1);
  worker workers[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  for (int t = 0; t < threads; t++) {
    worker* w = &workers[t];
    memset(w, 0, sizeof(*w));
    w->m = m;
    w->d = mj_makeData(m);
    w->x = (double*)malloc(sizeof(double) * n);
    w->next = (double*)malloc(sizeof(double) * n);
    w->a = (double*)malloc(sizeof(double) * nt * nt);
    w->b = (double*)malloc(sizeof(double) * (nt * m->nu + 1));
    w->ctrl_low = ctrl_low;
    w->ctrl_high = ctrl_high;
    w->seed = seed + (uint64_t)t;
    w->count = count;
    w->horizon = horizon;
    w->mode = mode;
    w->start = &start;
    w->end = &end;
    pthread_create(&ids[t], NULL, thread_main, w);
  }
  pthread_barrier_wait(&start);
  double t0 = now();
  pthread_barrier_wait(&end);
  double seconds = now() - t0;
  double checksum = 0, fd_seconds = 0, cpu_seconds = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += workers[t].x[i];
    checksum += sum;
    fd_seconds += workers[t].fd_seconds;
    cpu_seconds += workers[t].cpu_seconds;
  }
  printf("{\"mode\": \"%s\", \"threads\": %d, \"count\": %ld, \"seconds\": %.9g, \"steps_per_second\": %.9g, "
         "\"steps_per_cpu_second\": %.9g, \"us_per_jacobian\": %.9g, \"checksum\": %.17g, \"mujoco\": %d}\n",
         argv[2], threads, count, seconds, (double)count * threads / seconds, (double)count * threads / cpu_seconds, mode ? 1e6 * fd_seconds / (double)count : 0.0,
         checksum, mj_version());
  for (int t = 0; t < threads; t++) {
    mj_deleteData(workers[t].d);
    free(workers[t].x);
    free(workers[t].next);
    free(workers[t].a);
    free(workers[t].b);
  }
  free(ctrl_low);
  free(ctrl_high);
  mj_deleteModel(m);
  return 0;
}
