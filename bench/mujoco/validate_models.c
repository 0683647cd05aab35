// Validates the project's MJCF models (src/Robots.MuJoCo/Models) against MuJoCo 2.2.2: each loads, simulates
// 1000 steps with zero and with seeded random controls without warnings or non-finite state; the cart-pole and
// the acrobot match our C re-implementation of the analytic equations (src/Robots/Analytic) step for step;
// hopper and cheetah settle and can be held standing by a joint PD loop; the quadrotor hovers at its hover control;
// the swimmer swims under a travelling wave; the reacher's target stays put.
// Build: cc bench/mujoco/validate_models.c -lmujoco -lm -o /tmp/validate
// Run:   /tmp/validate [models directory]   (default src/Robots.MuJoCo/Models); exit code 1 on any failure.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <mujoco/mujoco.h>

static int failures = 0;

static void fail(const char* model, const char* what) {
  printf("  FAIL %s: %s\n", model, what);
  failures++;
}

// SplitMix64: a seeded generator so the random-control runs repeat exactly.
static uint64_t rng_state;
static double uniform01(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

static int warnings(const mjData* d) {
  int count = 0;
  for (int i = 0; i < mjNWARNING; i++) count += d->warning[i].number;
  return count;
}

static int finite_state(const mjModel* m, const mjData* d) {
  for (int i = 0; i < m->nq; i++) if (!isfinite(d->qpos[i])) return 0;
  for (int i = 0; i < m->nv; i++) if (!isfinite(d->qvel[i])) return 0;
  for (int i = 0; i < m->na; i++) if (!isfinite(d->act[i])) return 0;
  return 1;
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

static void set_random_controls(const mjModel* m, mjData* d) {
  for (int i = 0; i < m->nu; i++) {
    double lo = m->actuator_ctrlrange[2 * i], hi = m->actuator_ctrlrange[2 * i + 1];
    d->ctrl[i] = lo + (hi - lo) * uniform01();
  }
}

// 1000 steps with zero or random controls; counts warnings and checks the state stays finite.
static void run(const char* name, const mjModel* m, mjData* d, int random) {
  mj_resetData(m, d);
  rng_state = 12345;
  for (int t = 0; t < 1000; t++) {
    if (random) set_random_controls(m, d);
    mj_step(m, d);
  }
  int w = warnings(d), finite = finite_state(m, d);
  printf("  %-6s controls, 1000 steps (%.1f s): warnings %d, finite %s, qpos[0..2] = (%.4f, %.4f, %.4f)\n",
         random ? "random" : "zero", 1000 * m->opt.timestep, w, finite ? "yes" : "NO",
         d->qpos[0], m->nq > 1 ? d->qpos[1] : 0.0, m->nq > 2 ? d->qpos[2] : 0.0);
  if (w) fail(name, random ? "warnings with random controls" : "warnings with zero controls");
  if (!finite) fail(name, "non-finite state");
}

// ---- cart-pole: CartPolePhysics.Derivative and Integrate.RungeKutta4 from the C# sources, state (x, xdot, theta, thetadot)
static void cartpole_derivative(const double* s, double u, double* ds) {
  const double g = 9.8, mc = 1.0, mp = 0.1, l = 0.5, total = mc + mp, pml = mp * l;
  double sn = sin(s[2]), cs = cos(s[2]);
  double temp = (u + pml * s[3] * s[3] * sn) / total;
  double theta_acc = (g * sn - cs * temp) / (l * (4.0 / 3.0 - mp * cs * cs / total));
  double x_acc = temp - pml * theta_acc * cs / total;
  ds[0] = s[1]; ds[1] = x_acc; ds[2] = s[3]; ds[3] = theta_acc;
}

// ---- acrobot: AcrobotPhysics.Derivative ("book" equations), state (theta1, theta2, dtheta1, dtheta2)
static void acrobot_derivative(const double* s, double torque, double* ds) {
  const double m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, i1 = 1, i2 = 1, g = 9.8;
  double th1 = s[0], th2 = s[1], dth1 = s[2], dth2 = s[3];
  double d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(th2)) + i1 + i2;
  double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(th2)) + i2;
  double phi2 = m2 * lc2 * g * cos(th1 + th2 - M_PI / 2);
  double phi1 = -m2 * l1 * lc2 * dth2 * dth2 * sin(th2) - 2 * m2 * l1 * lc2 * dth2 * dth1 * sin(th2)
                + (m1 * lc1 + m2 * l1) * g * cos(th1 - M_PI / 2) + phi2;
  double ddth2 = (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * dth1 * dth1 * sin(th2) - phi2)
                 / (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
  double ddth1 = -(d2 * ddth2 + phi1) / d1;
  ds[0] = dth1; ds[1] = dth2; ds[2] = ddth1; ds[3] = ddth2;
}

static void rk4(void (*f)(const double*, double, double*), const double* s, double u, double dt, double* next) {
  double k1[4], k2[4], k3[4], k4[4], y[4];
  f(s, u, k1);
  for (int i = 0; i < 4; i++) y[i] = s[i] + dt / 2 * k1[i];
  f(y, u, k2);
  for (int i = 0; i < 4; i++) y[i] = s[i] + dt / 2 * k2[i];
  f(y, u, k3);
  for (int i = 0; i < 4; i++) y[i] = s[i] + dt * k3[i];
  f(y, u, k4);
  for (int i = 0; i < 4; i++) next[i] = s[i] + dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

// Runs MuJoCo and the analytic RK4 side by side for 100 steps from s0 under a seeded control sequence.
// The analytic state is (q0, q0dot, q1, q1dot) for the cart-pole and (q0, q1, q0dot, q1dot) for the acrobot.
static void compare_analytic(const char* name, const mjModel* m, mjData* d, void (*f)(const double*, double, double*),
                             const double s0[4], int cartpole_order, double umax) {
  mj_resetData(m, d);
  double s[4] = {s0[0], s0[1], s0[2], s0[3]};
  if (cartpole_order) { d->qpos[0] = s[0]; d->qvel[0] = s[1]; d->qpos[1] = s[2]; d->qvel[1] = s[3]; }
  else { d->qpos[0] = s[0]; d->qpos[1] = s[1]; d->qvel[0] = s[2]; d->qvel[1] = s[3]; }
  rng_state = 777;
  double max_diff = 0;
  for (int t = 0; t < 100; t++) {
    double u = umax * (0.6 * sin(0.3 * t) + 0.4 * (2 * uniform01() - 1));
    d->ctrl[0] = u;
    mj_step(m, d);
    double next[4];
    rk4(f, s, u, m->opt.timestep, next);
    memcpy(s, next, sizeof s);
    double mine[4];
    if (cartpole_order) { mine[0] = d->qpos[0]; mine[1] = d->qvel[0]; mine[2] = d->qpos[1]; mine[3] = d->qvel[1]; }
    else { mine[0] = d->qpos[0]; mine[1] = d->qpos[1]; mine[2] = d->qvel[0]; mine[3] = d->qvel[1]; }
    for (int i = 0; i < 4; i++) max_diff = fmax(max_diff, fabs(mine[i] - s[i]));
  }
  printf("  analytic RK4 vs MuJoCo, 100 steps of seeded controls: max |state difference| = %.3e "
         "(final analytic state %.4f %.4f %.4f %.4f)\n", max_diff, s[0], s[1], s[2], s[3]);
  if (!(max_diff < 1e-8)) fail(name, "differs from the analytic equations");
}

static int joint_qpos(const mjModel* m, const char* joint) {
  int id = mj_name2id(m, mjOBJ_JOINT, joint);
  return id < 0 ? -1 : m->jnt_qposadr[id];
}

static double site_z(const mjModel* m, const mjData* d, const char* site) {
  int id = mj_name2id(m, mjOBJ_SITE, site);
  return id < 0 ? NAN : d->site_xpos[3 * id + 2];
}

// Zero controls for 1000 steps: the robot falls or sags and comes to rest; then a PD loop on the actuated joints
// towards the initial pose (control = -(kp (q - q0) + kd qdot) / gear, clipped) from the initial state.
static void legged(const char* name, const mjModel* m, mjData* d, double kp, double kd) {
  mj_resetData(m, d);
  for (int t = 0; t < 1000; t++) mj_step(m, d);
  double speed = 0;
  for (int i = 0; i < m->nv; i++) speed = fmax(speed, fabs(d->qvel[i]));
  printf("  zero controls, 5 s: torso height qpos[rootz] = %.4f, torso site z = %.4f, pitch %.3f, max |qvel| %.2e, ncon %d\n",
         d->qpos[joint_qpos(m, "rootz")], site_z(m, d, "torso"), d->qpos[joint_qpos(m, "rooty")], speed, d->ncon);
  if (speed > 1e-2) fail(name, "does not settle with zero controls");

  mj_resetData(m, d);
  double min_height = 1e9;
  for (int t = 0; t < 1000; t++) {
    for (int a = 0; a < m->nu; a++) {
      int j = m->actuator_trnid[2 * a];
      int qa = m->jnt_qposadr[j], va = m->jnt_dofadr[j];
      double torque = -kp * (d->qpos[qa] - m->qpos0[qa]) - kd * d->qvel[va];
      d->ctrl[a] = clampd(torque / m->actuator_gear[6 * a], -1, 1);
    }
    mj_step(m, d);
    min_height = fmin(min_height, d->qpos[joint_qpos(m, "rootz")]);
  }
  speed = 0;
  for (int i = 0; i < m->nv; i++) speed = fmax(speed, fabs(d->qvel[i]));
  printf("  PD stand (kp %.0f, kd %.0f), 5 s: torso height %.4f (min %.4f, initial %.4f), pitch %.4f, max |qvel| %.2e, warnings %d\n",
         kp, kd, d->qpos[joint_qpos(m, "rootz")], min_height, m->qpos0[joint_qpos(m, "rootz")],
         d->qpos[joint_qpos(m, "rooty")], speed, warnings(d));
  if (d->qpos[joint_qpos(m, "rootz")] < 0.9 * m->qpos0[joint_qpos(m, "rootz")]) fail(name, "cannot be held standing");
}

static void quadrotor(const char* name, const mjModel* m, mjData* d) {
  double mass = mj_getTotalmass(m), g = -m->opt.gravity[2], gear = m->actuator_gear[2];
  double hover = mass * g / 4 / gear;
  printf("  mass %.3f kg, thrust gear %.3f N: hover ctrl = mass g / 4 / gear = %.4f (%.0f%% of ctrlrange [%.1f, %.1f])\n",
         mass, gear, hover, 100 * hover / m->actuator_ctrlrange[1], m->actuator_ctrlrange[0], m->actuator_ctrlrange[1]);
  mj_resetData(m, d);
  for (int t = 0; t < 1000; t++) {
    for (int a = 0; a < 4; a++) d->ctrl[a] = hover;
    mj_step(m, d);
  }
  double drift = 0;
  for (int i = 0; i < 7; i++) drift = fmax(drift, fabs(d->qpos[i] - m->qpos0[i]));
  printf("  hover ctrl, 10 s: max |qpos - qpos0| = %.3e, warnings %d\n", drift, warnings(d));
  if (drift > 1e-6) fail(name, "does not hover at the hover control");
  // A yaw check: more thrust on rotors 1 and 3 (the +z reaction pair) turns the body towards +z.
  mj_resetData(m, d);
  for (int t = 0; t < 50; t++) {
    d->ctrl[0] = d->ctrl[2] = hover - 0.05;
    d->ctrl[1] = d->ctrl[3] = hover + 0.05;
    mj_step(m, d);
  }
  printf("  yaw check (rotors 1,3 +0.05, 0,2 -0.05, 0.5 s): body wz = %.4f rad/s, z drift %.2e\n", d->qvel[5], d->qpos[2] - 1);
  if (!(d->qvel[5] > 0)) fail(name, "yaw torque sign");
}

static void swimmer(const char* name, const mjModel* m, mjData* d) {
  mj_resetData(m, d);
  for (int t = 0; t < 1000; t++) {
    double time = d->time;
    d->ctrl[0] = sin(2 * M_PI * 1.5 * time);
    d->ctrl[1] = sin(2 * M_PI * 1.5 * time - 0.5);
    mj_step(m, d);
  }
  printf("  travelling wave (1.5 Hz, lag 0.5 rad), 10 s: head moved (%.3f, %.3f) m, heading %.3f rad, warnings %d\n",
         d->qpos[0], d->qpos[1], d->qpos[2], warnings(d));
  if (d->qpos[0] < 1.0) fail(name, "does not swim");
}

static void reacher(const char* name, const mjModel* m, mjData* d) {
  mj_resetData(m, d);
  int tx = joint_qpos(m, "target_x"), ty = joint_qpos(m, "target_y");
  d->qpos[tx] = 0.1;
  d->qpos[ty] = -0.15;
  rng_state = 99;
  for (int t = 0; t < 1000; t++) {
    set_random_controls(m, d);
    mj_step(m, d);
  }
  int target = mj_name2id(m, mjOBJ_SITE, "target"), tip = mj_name2id(m, mjOBJ_SITE, "fingertip");
  double max_speed = 0;
  for (int i = 0; i < 2; i++) max_speed = fmax(max_speed, fabs(d->qvel[i]));
  printf("  target at (0.1, -0.15), random controls 20 s: target site (%.6f, %.6f), fingertip (%.4f, %.4f), "
         "max arm speed %.2f rad/s\n", d->site_xpos[3 * target], d->site_xpos[3 * target + 1],
         d->site_xpos[3 * tip], d->site_xpos[3 * tip + 1], max_speed);
  if (fabs(d->qpos[tx] - 0.1) > 1e-12 || fabs(d->qpos[ty] + 0.15) > 1e-12) fail(name, "the target moved");
  // Full torque on both joints from rest: the speed reached after 1 s (damping bounds it).
  mj_resetData(m, d);
  for (int t = 0; t < 50; t++) { d->ctrl[0] = 1; d->ctrl[1] = 0; mj_step(m, d); }
  printf("  shoulder at full torque for 1 s: shoulder speed %.2f rad/s\n", d->qvel[0]);
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "src/Robots.MuJoCo/Models";
  const char* names[] = {"cartpole-swingup", "acrobot-swingup", "reacher", "swimmer", "hopper", "cheetah", "quadrotor"};
  const char* integrators[] = {"Euler", "RK4", "implicit"};
  printf("MuJoCo %d\n", mj_version());
  for (int k = 0; k < 7; k++) {
    char path[1024], error[1000] = "";
    snprintf(path, sizeof path, "%s/%s.xml", dir, names[k]);
    mjModel* m = mj_loadXML(path, NULL, error, sizeof error);
    printf("%s\n", names[k]);
    if (!m) {
      printf("  load error: %s\n", error);
      failures++;
      continue;
    }
    if (error[0]) printf("  load warning: %s\n", error);
    mjData* d = mj_makeData(m);
    printf("  nq %d, nv %d, nu %d, na %d, nsite %d, nsensordata %d, timestep %g, integrator %s, total mass %.4f kg\n",
           m->nq, m->nv, m->nu, m->na, m->nsite, m->nsensordata, m->opt.timestep,
           integrators[m->opt.integrator], mj_getTotalmass(m));
    run(names[k], m, d, 0);
    run(names[k], m, d, 1);
    if (k == 0) {
      const double s0[4] = {0.1, -0.2, M_PI - 0.3, 0.5};
      compare_analytic(names[k], m, d, cartpole_derivative, s0, 1, 10.0);
    } else if (k == 1) {
      const double s0[4] = {0.1, -0.2, 0.3, -0.1};
      compare_analytic(names[k], m, d, acrobot_derivative, s0, 0, 4.0);
    } else if (k == 2) reacher(names[k], m, d);
    else if (k == 3) swimmer(names[k], m, d);
    else if (k == 4) legged(names[k], m, d, 400, 20);
    else if (k == 5) legged(names[k], m, d, 200, 10);
    else quadrotor(names[k], m, d);
    mj_deleteData(d);
    mj_deleteModel(m);
  }
  printf(failures ? "%d FAILURES\n" : "all checks passed\n", failures);
  return failures ? 1 : 0;
}
