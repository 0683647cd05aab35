/*
 * Control's C shim over MuJoCo 2.2.2. It exists for three reasons:
 *  1. mju_error ends the process by default. Every entry point that can reach it runs under a setjmp guard, and
 *     the error handler longjmps back with MuJoCo's message, so that C# raises an exception instead.
 *  2. MuJoCo's structs are large and versioned; C# reads sizes and array pointers through small getters here
 *     rather than mirroring the struct layouts.
 *  3. One native call per simulation step: set the state and control, step, read the next state.
 * Return codes: 0 success, -1 a MuJoCo error (text in cm_last_error), -2 an argument error (text likewise).
 */
#include <mujoco/mujoco.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CM_TEXT 1024

static _Thread_local jmp_buf *cm_guard;
static _Thread_local char cm_error[CM_TEXT];
static _Thread_local char cm_warning[CM_TEXT];
static _Thread_local int cm_warnings_seen;

static void cm_copy(char *dst, const char *src) {
  strncpy(dst, src ? src : "", CM_TEXT - 1);
  dst[CM_TEXT - 1] = 0;
}

static void cm_on_error(const char *message) {
  cm_copy(cm_error, message);
  if (cm_guard) longjmp(*cm_guard, 1);
  /* Not under a guard: MuJoCo cannot continue; say why before it aborts. */
  fprintf(stderr, "MuJoCo error outside a Control guard: %s\n", message);
  abort();
}

static void cm_on_warning(const char *message) {
  cm_copy(cm_warning, message);
  cm_warnings_seen++;
}

/* Installs the handlers; idempotent. Returns the library's version (e.g. 222). */
int cm_init(void) {
  mju_user_error = cm_on_error;
  mju_user_warning = cm_on_warning;
  return mj_version();
}

const char *cm_last_error(void) { return cm_error; }
const char *cm_last_warning(void) { return cm_warning; }
int cm_warning_count(void) { return cm_warnings_seen; }

/* Runs BODY under the guard; a MuJoCo error restores the data's stack pointer (if any) and returns -1. */
#define CM_GUARDED(DATA, BODY)                                   \
  do {                                                           \
    jmp_buf here;                                                \
    jmp_buf *outer = cm_guard;                                   \
    mjData *guarded_data = (DATA);                               \
    int stack_mark = guarded_data ? guarded_data->pstack : 0;    \
    cm_error[0] = 0;                                             \
    cm_guard = &here;                                            \
    if (setjmp(here) == 0) {                                     \
      BODY;                                                      \
      cm_guard = outer;                                          \
      return 0;                                                  \
    }                                                            \
    cm_guard = outer;                                            \
    if (guarded_data) guarded_data->pstack = stack_mark;         \
    return -1;                                                   \
  } while (0)

/* ---- models ---------------------------------------------------------------------------------------------- */

static _Thread_local mjModel *cm_loaded;

static int cm_load_guarded(const char *path, const mjVFS *vfs, char *error, int error_size) {
  CM_GUARDED(NULL, cm_loaded = mj_loadXML(path, vfs, error, error_size));
}

/* Loads MJCF from a file. NULL on failure, with MuJoCo's message (it names the line) in error. */
mjModel *cm_load_file(const char *path, char *error, int error_size) {
  cm_loaded = NULL;
  if (cm_load_guarded(path, NULL, error, error_size) != 0) {
    snprintf(error, error_size, "%s", cm_error);
    return NULL;
  }
  return cm_loaded;
}

/* Loads MJCF from a string through a one-file virtual file system named after file_name. */
mjModel *cm_load_string(const char *xml, const char *file_name, char *error, int error_size) {
  mjVFS *vfs = (mjVFS *)malloc(sizeof(mjVFS));
  if (!vfs) {
    snprintf(error, error_size, "out of memory for the virtual file system");
    return NULL;
  }
  mj_defaultVFS(vfs);
  int length = (int)strlen(xml);
  if (mj_makeEmptyFileVFS(vfs, file_name, length) != 0) {
    snprintf(error, error_size, "could not make the in-memory file '%s'", file_name);
    free(vfs);
    return NULL;
  }
  memcpy(vfs->filedata[vfs->nfile - 1], xml, length);
  cm_loaded = NULL;
  int status = cm_load_guarded(file_name, vfs, error, error_size);
  mj_deleteVFS(vfs);
  free(vfs);
  if (status != 0) {
    snprintf(error, error_size, "%s", cm_error);
    return NULL;
  }
  return cm_loaded;
}

void cm_delete_model(mjModel *m) { mj_deleteModel(m); }

/* Sizes: nq, nv, nu, na, nbody, njnt, ngeom, nsite, nsensor, nsensordata, nmocap, integrator. */
void cm_model_sizes(const mjModel *m, int *sizes) {
  sizes[0] = m->nq; sizes[1] = m->nv; sizes[2] = m->nu; sizes[3] = m->na;
  sizes[4] = m->nbody; sizes[5] = m->njnt; sizes[6] = m->ngeom; sizes[7] = m->nsite;
  sizes[8] = m->nsensor; sizes[9] = m->nsensordata; sizes[10] = m->nmocap; sizes[11] = m->opt.integrator;
}

double cm_model_timestep(const mjModel *m) { return m->opt.timestep; }

/* Control bounds (nu x 2); an unlimited actuator gets -inf, +inf. */
void cm_model_ctrlrange(const mjModel *m, double *range) {
  for (int i = 0; i < m->nu; i++) {
    range[2 * i] = m->actuator_ctrllimited[i] ? m->actuator_ctrlrange[2 * i] : -INFINITY;
    range[2 * i + 1] = m->actuator_ctrllimited[i] ? m->actuator_ctrlrange[2 * i + 1] : INFINITY;
  }
}

/* Joint types (njnt), and each joint's qpos and dof addresses. */
void cm_model_joints(const mjModel *m, int *type, int *qpos_address, int *dof_address) {
  for (int i = 0; i < m->njnt; i++) {
    type[i] = m->jnt_type[i]; qpos_address[i] = m->jnt_qposadr[i]; dof_address[i] = m->jnt_dofadr[i];
  }
}

/* Each sensor's address and dimension in sensordata. */
void cm_model_sensors(const mjModel *m, int *address, int *dimension) {
  for (int i = 0; i < m->nsensor; i++) { address[i] = m->sensor_adr[i]; dimension[i] = m->sensor_dim[i]; }
}

/* Reference configuration qpos0 (nq). */
void cm_model_qpos0(const mjModel *m, double *qpos0) { mju_copy(qpos0, m->qpos0, m->nq); }

double cm_model_body_mass(const mjModel *m, int body) { return m->body_mass[body]; }

int cm_name_to_id(const mjModel *m, int type, const char *name) { return mj_name2id(m, type, name); }

/* ---- data ------------------------------------------------------------------------------------------------ */

mjData *cm_make_data(const mjModel *m) {
  mjData *d = NULL;
  jmp_buf here;
  jmp_buf *outer = cm_guard;
  cm_guard = &here;
  if (setjmp(here) == 0) d = mj_makeData(m);
  cm_guard = outer;
  return d;
}

void cm_delete_data(mjData *d) { mj_deleteData(d); }

double *cm_data_qpos(mjData *d) { return d->qpos; }
double *cm_data_qvel(mjData *d) { return d->qvel; }
double *cm_data_act(mjData *d) { return d->act; }
double *cm_data_ctrl(mjData *d) { return d->ctrl; }
double *cm_data_sensordata(mjData *d) { return d->sensordata; }
double *cm_data_site_xpos(mjData *d) { return d->site_xpos; }
double *cm_data_site_xmat(mjData *d) { return d->site_xmat; }
double *cm_data_xpos(mjData *d) { return d->xpos; }
double *cm_data_xquat(mjData *d) { return d->xquat; }
double *cm_data_qacc(mjData *d) { return d->qacc; }
double cm_data_time(const mjData *d) { return d->time; }
int cm_data_ncon(const mjData *d) { return d->ncon; }

/* Bitmask of the warnings (1 << mjtWarning) raised since their counters were last cleared. */
int cm_data_warnings(const mjData *d) {
  int mask = 0;
  for (int i = 0; i < mjNWARNING; i++)
    if (d->warning[i].number > 0) mask |= 1 << i;
  return mask;
}

void cm_clear_warnings(mjData *d) { memset(d->warning, 0, sizeof(d->warning)); }

int cm_reset_data(const mjModel *m, mjData *d) { CM_GUARDED(d, mj_resetData(m, d)); }

int cm_forward(const mjModel *m, mjData *d) { CM_GUARDED(d, mj_forward(m, d)); }

int cm_step(const mjModel *m, mjData *d, int steps) {
  CM_GUARDED(d, for (int s = 0; s < steps; s++) mj_step(m, d));
}

/* x = [qpos, qvel, act] into the data; time and the solver's warm start cleared so a step is a function of (x, u). */
static void cm_set_state(const mjModel *m, mjData *d, const double *x) {
  mju_copy(d->qpos, x, m->nq);
  mju_copy(d->qvel, x + m->nq, m->nv);
  if (m->na) mju_copy(d->act, x + m->nq + m->nv, m->na);
  mju_zero(d->qacc_warmstart, m->nv);
  d->time = 0;
}

static void cm_get_state(const mjModel *m, const mjData *d, double *x) {
  mju_copy(x, d->qpos, m->nq);
  mju_copy(x + m->nq, d->qvel, m->nv);
  if (m->na) mju_copy(x + m->nq + m->nv, d->act, m->na);
}

/* next = f(x, u): one mj_step from state x under control u. Warnings raised by the step: *warnings (bitmask). */
int cm_transition(const mjModel *m, mjData *d, const double *x, const double *u, double *next, int *warnings) {
  cm_clear_warnings(d);
  cm_set_state(m, d, x);
  mju_copy(d->ctrl, u, m->nu);
  int status;
  {
    jmp_buf here;
    jmp_buf *outer = cm_guard;
    int stack_mark = d->pstack;
    cm_error[0] = 0;
    cm_guard = &here;
    if (setjmp(here) == 0) {
      mj_step(m, d);
      status = 0;
    } else {
      d->pstack = stack_mark;
      status = -1;
    }
    cm_guard = outer;
  }
  *warnings = cm_data_warnings(d);
  if (status == 0) cm_get_state(m, d, next);
  return status;
}

/* Sets the state x and control u, then mj_forward: positions, sensors and site frames of x. */
int cm_set_state_forward(const mjModel *m, mjData *d, const double *x, const double *u) {
  cm_set_state(m, d, x);
  if (u) mju_copy(d->ctrl, u, m->nu); else mju_zero(d->ctrl, m->nu);
  CM_GUARDED(d, mj_forward(m, d));
}

/* Sets the state x, then mj_kinematics only: body and site frames of x (no sensors, contacts or accelerations). */
int cm_set_state_kinematics(const mjModel *m, mjData *d, const double *x) {
  cm_set_state(m, d, x);
  CM_GUARDED(d, mj_kinematics(m, d));
}

/* One column of the full-step differences: the transition from x (+) dx_j (j < 2nv + na) or from u + du_j (j >= 2nv + na),
 * each step from scratch, so nothing of the base step is reused. */
static int cm_perturbed_step(const mjModel *m, mjData *d, const double *x, const double *u, int j, double delta,
                             double *xp, double *up, double *dq, double *out) {
  int nq = m->nq, nv = m->nv, na = m->na, nt = 2 * nv + na, warnings;
  mju_copy(xp, x, nq + nv + na);
  mju_copy(up, u, m->nu);
  if (j < nv) {
    mju_zero(dq, nv);
    dq[j] = delta;
    mj_integratePos(m, xp, dq, 1.0);
  } else if (j < nt) {
    xp[nq + (j - nv)] += delta;
  } else {
    up[j - nt] += delta;
  }
  return cm_transition(m, d, xp, up, out, &warnings);
}

/* d(next) between two successor states, in tangent coordinates: positions by mj_differentiatePos. */
static void cm_state_difference(const mjModel *m, const double *from, const double *to, double *dx) {
  int nq = m->nq, nv = m->nv, na = m->na;
  mj_differentiatePos(m, dx, 1.0, from, to);
  for (int i = 0; i < nv + na; i++) dx[nv + i] = to[nq + i] - from[nq + i];
}

/* Jacobians by full steps from perturbed states and controls (forward, or centred when asked; a control at its limit
 * is perturbed into its range). Used for RK4: MuJoCo 2.2.2's mjd_transitionFD skips the position (and velocity)
 * stages of perturbed steps, but RK4's intermediate stages overwrite the quantities those stages computed, so its
 * velocity and control columns come out wrong. */
static int cm_transition_fd_full(const mjModel *m, mjData *d, const double *x, const double *u, double epsilon, int centered,
                                 const double *next, double *a, double *b) {
  int n = m->nq + m->nv + m->na, nv = m->nv, nu = m->nu, nt = 2 * nv + m->na;
  double buffer[3 * n + nu + nv + 2 * nt]; /* a few hundred doubles at most: no heap allocation per Jacobian */
  double *xp = buffer, *plus = xp + n, *minus = plus + n, *up = minus + n, *dq = up + nu, *dplus = dq + nv, *dminus = dplus + nt;
  int status = 0;
  for (int j = 0; j < nt + nu && status == 0; j++) {
    double forward = epsilon, backward = centered ? -epsilon : 0;
    if (j >= nt && m->actuator_ctrllimited[j - nt]) {
      const double *range = m->actuator_ctrlrange + 2 * (j - nt);
      if (u[j - nt] + forward > range[1]) forward = 0, backward = -epsilon;
      if (u[j - nt] + backward < range[0]) backward = 0;
    }
    if (forward != 0) status = cm_perturbed_step(m, d, x, u, j, forward, xp, up, dq, plus);
    else mju_copy(plus, next, n);
    if (status == 0 && backward != 0) status = cm_perturbed_step(m, d, x, u, j, backward, xp, up, dq, minus);
    else if (status == 0) mju_copy(minus, next, n);
    if (status != 0) break;
    cm_state_difference(m, next, plus, dplus);
    cm_state_difference(m, next, minus, dminus);
    double width = forward - backward;
    for (int i = 0; i < nt; i++) {
      double slope = (dplus[i] - dminus[i]) / width;
      if (j < nt) a[i * nt + j] = slope; else b[i * nu + (j - nt)] = slope;
    }
  }
  return status;
}

/* Jacobians of the transition at (x, u): A (2nv+na)^2 and B (2nv+na) x nu, row-major, tangent coordinates, by
 * mjd_transitionFD (by full-step differences for RK4, see above). Writes next = f(x, u) and the warnings of that step. */
int cm_transition_fd(const mjModel *m, mjData *d, const double *x, const double *u, double epsilon, int centered,
                     double *next, double *a, double *b, int *warnings) {
  int status = cm_transition(m, d, x, u, next, warnings);
  if (status != 0) return status;
  if (m->opt.integrator == mjINT_RK4) {
    int base = *warnings;
    status = cm_transition_fd_full(m, d, x, u, epsilon, centered, next, a, b);
    *warnings = base;
    return status;
  }
  cm_set_state(m, d, x);
  mju_copy(d->ctrl, u, m->nu);
  CM_GUARDED(d, mjd_transitionFD(m, d, epsilon, (mjtByte)(centered != 0), a, b, NULL, NULL));
}

/* qpos <- qpos (+) qvel (dt = 1): the manifold's Integrate on positions (quaternions stay unit). */
void cm_integrate_pos(const mjModel *m, double *qpos, const double *qvel) { mj_integratePos(m, qpos, qvel, 1.0); }

/* qvel <- qpos1 (-) qpos0 (dt = 1): the manifold's Difference on positions. */
void cm_differentiate_pos(const mjModel *m, double *qvel, const double *qpos0, const double *qpos1) {
  mj_differentiatePos(m, qvel, 1.0, qpos0, qpos1);
}
