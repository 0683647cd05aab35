"""PyTorch side of `control bench models`: trains the same probabilistic ensemble as Control's
ProbabilisticEnsemble.Fit (PETS) on the same synthetic pendulum transitions, for a fixed number of epochs, and
reports its training throughput.

The work, matching Control's fit with HoldoutFraction 0 (no holdout, hence no early stopping and no evaluation):
  - data: N transitions (x, u, x') of a pendulum (n = 2, m = 1) from a fixed formula (no randomness; the same
    formula as src/Cli/Commands/ModelBench.cs), in float64;
  - inside the timed part: inputs (x, u) and targets x' - x standardized per dimension over the training rows
    (population std, floored at 1e-6), converted to float32; one bootstrap resample (with replacement) per member;
  - 5 independent members, each an MLP 3 -> 200 -> 200 -> 200 -> 4 with tanh (PyTorch's default Linear
    initialization, which Control's Linear copies), whose output is the mean and a raw log-variance; the
    log-variance is kept between learned bounds (initially 0.5 and -10) by the PETS soft clamps
    logvar = max - softplus(max - raw), logvar = min + softplus(logvar - min);
  - loss: 0.5 mean_b sum_i [(mean - y)^2 exp(-logvar) + logvar] + 0.01 (sum max - sum min), AdamW with lr 1e-3,
    weight decay 1e-5 (PyTorch's decoupled form p *= 1 - lr wd, as Control's AdamW), batch 256;
  - every epoch each member's resample is reshuffled and walked in minibatches, members interleaved per batch,
    and every batch loss read back (loss.item()), as Control does.
A transition counts once per epoch however many members trained on it (Control's FitReport.TransitionsPerSecond):
transitions/s = epochs x N / wall time of the fit. One untimed 1-epoch fit on a separate ensemble warms up first.

Usage: torch_ensemble.py THREADS EPOCHS [TRANSITIONS]. Prints one JSON object:
{"transitions_per_second": r, "threads": t, "epochs": e, "transitions": N, "seconds": s, "final_loss": l, "torch": version}.
Run with Debian's /usr/bin/python3 (python3-torch)."""
import json
import math
import sys
import time

import torch

MEMBERS = 5
HIDDEN = 200
BATCH = 256
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-5
BOUND_PENALTY = 0.01
MINIMUM_STD = 1e-6


def pendulum_transitions(count):
    """Row i: theta = 3 sin(0.731 i + 0.3), omega = 6 sin(1.37 i + 1.1), u = 2 sin(2.17 i + 0.5), then one
    semi-implicit Euler step (dt 0.05) of the gym pendulum omega' = omega + dt (15 sin theta + 3 u)."""
    states, controls, next_states = [], [], []
    for i in range(count):
        theta = 3.0 * math.sin(0.731 * i + 0.3)
        omega = 6.0 * math.sin(1.37 * i + 1.1)
        u = 2.0 * math.sin(2.17 * i + 0.5)
        omega_next = omega + 0.05 * (15.0 * math.sin(theta) + 3.0 * u)
        states.append([theta, omega])
        controls.append([u])
        next_states.append([theta + 0.05 * omega_next, omega_next])
    as_tensor = lambda rows: torch.tensor(rows, dtype=torch.float64)
    return as_tensor(states), as_tensor(controls), as_tensor(next_states)


class GaussianMember(torch.nn.Module):
    def __init__(self, n, m):
        super().__init__()
        self.n = n
        self.network = torch.nn.Sequential(
            torch.nn.Linear(n + m, HIDDEN), torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, 2 * n))
        self.max_log_variance = torch.nn.Parameter(torch.full((1, n), 0.5))
        self.min_log_variance = torch.nn.Parameter(torch.full((1, n), -10.0))

    def forward(self, z):
        output = self.network(z)
        mean, raw = output[:, :self.n], output[:, self.n:]
        upper = self.max_log_variance - torch.nn.functional.softplus(self.max_log_variance - raw)
        return mean, self.min_log_variance + torch.nn.functional.softplus(upper - self.min_log_variance)

    def bound_width(self):
        return self.max_log_variance.sum() - self.min_log_variance.sum()


def standardize(values):
    mean = values.mean(0)
    std = values.std(0, unbiased=False)
    std = torch.where(std < MINIMUM_STD, torch.ones_like(std), std)
    return ((values - mean) / std).to(torch.float32)


def fit(states, controls, next_states, epochs, generator):
    """Builds a fresh ensemble (untimed), then times the fit: standardization, resamples, epochs."""
    n, m = states.shape[1], controls.shape[1]
    members = [GaussianMember(n, m) for _ in range(MEMBERS)]
    optimizers = [torch.optim.AdamW(member.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY) for member in members]
    start = time.perf_counter()
    inputs = standardize(torch.cat([states, controls], 1))
    targets = standardize(next_states - states)
    count = inputs.shape[0]
    resamples = [torch.randint(count, (count,), generator=generator) for _ in range(MEMBERS)]
    loss_sum = 0.0
    for _ in range(epochs):
        orders = [resample[torch.randperm(count, generator=generator)] for resample in resamples]
        loss_sum = 0.0
        for begin in range(0, count, BATCH):
            for member, optimizer, order in zip(members, optimizers, orders):
                rows = order[begin:begin + BATCH]
                z, y = inputs[rows], targets[rows]
                mean, log_variance = member(z)
                nll = 0.5 * ((mean - y).square() * torch.exp(-log_variance) + log_variance).sum() / z.shape[0]
                loss = nll + BOUND_PENALTY * member.bound_width()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * z.shape[0]
    seconds = time.perf_counter() - start
    return seconds, loss_sum / (count * MEMBERS)


def main():
    threads = int(sys.argv[1])
    epochs = int(sys.argv[2])
    transitions = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    states, controls, next_states = pendulum_transitions(transitions)
    fit(states, controls, next_states, 1, generator)
    seconds, final_loss = fit(states, controls, next_states, epochs, generator)
    print(json.dumps({"transitions_per_second": epochs * transitions / seconds, "threads": threads, "epochs": epochs,
                      "transitions": transitions, "seconds": seconds, "final_loss": final_loss, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
