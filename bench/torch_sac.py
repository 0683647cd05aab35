"""PyTorch side of `control bench sac`: the gradient updates of a straightforward Soft Actor-Critic, in the
configuration of Control's Sac defaults, and how many of them run per second.

One update, as Control's Sac does it (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications"):
  - a batch of 256 transitions drawn uniformly from a replay buffer of 100,000 random transitions (obs_dim, act_dim);
  - twin critics Q1, Q2: MLP (obs + act) -> 256 -> 256 -> 1 with ReLU; target copies;
  - actor: MLP obs -> 256 -> 256 -> 2 act_dim (mean, log-std clamped to [-20, 2]), tanh-Gaussian with the log-det
    correction log(1 - tanh(u)^2 + 1e-6);
  - critic loss: MSE of both critics to r + gamma (1 - done) (min target Q(s', a') - alpha log pi(a'|s')), a' ~ pi(s');
    one Adam step (3e-4) over both critics;
  - actor loss: E[alpha log pi(a|s) - min Q(s, a)], a reparameterized; one Adam step;
  - temperature: loss -log_alpha (log pi + target entropy), target entropy -act_dim; one Adam step;
  - Polyak update of the target critics, tau 0.005.
Updates per second = updates / wall time after 50 untimed warm-up updates.

Usage: torch_sac.py THREADS UPDATES OBS_DIM ACT_DIM. Prints one JSON object:
{"updates_per_second": r, "updates": n, "seconds": s, "threads": t, "torch": version}.
Run with Debian's /usr/bin/python3 (python3-torch)."""
import json
import sys
import time

import torch
import torch.nn as nn

HIDDEN, BATCH, BUFFER, GAMMA, TAU, LEARNING_RATE, WARMUP = 256, 256, 100_000, 0.99, 0.005, 3e-4, 50


def mlp(inputs, outputs):
    return nn.Sequential(nn.Linear(inputs, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, outputs))


def sample_action(actor, obs, act_dim):
    out = actor(obs)
    mean, log_std = out[:, :act_dim], out[:, act_dim:].clamp(-20.0, 2.0)
    std = log_std.exp()
    u = mean + std * torch.randn_like(mean)
    a = torch.tanh(u)
    log_prob = (-0.5 * ((u - mean) / std) ** 2 - log_std - 0.5 * torch.log(torch.tensor(2 * torch.pi))).sum(1)
    log_prob = log_prob - torch.log(1 - a * a + 1e-6).sum(1)
    return a, log_prob


def main():
    threads, updates, obs_dim, act_dim = (int(x) for x in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    q1, q2, actor = mlp(obs_dim + act_dim, 1), mlp(obs_dim + act_dim, 1), mlp(obs_dim, 2 * act_dim)
    t1, t2 = mlp(obs_dim + act_dim, 1), mlp(obs_dim + act_dim, 1)
    t1.load_state_dict(q1.state_dict())
    t2.load_state_dict(q2.state_dict())
    log_alpha = torch.zeros(1, requires_grad=True)
    critic_opt = torch.optim.Adam(list(q1.parameters()) + list(q2.parameters()), lr=LEARNING_RATE)
    actor_opt = torch.optim.Adam(actor.parameters(), lr=LEARNING_RATE)
    alpha_opt = torch.optim.Adam([log_alpha], lr=LEARNING_RATE)
    target_entropy = -float(act_dim)
    obs, act = torch.randn(BUFFER, obs_dim), torch.rand(BUFFER, act_dim) * 2 - 1
    rew, nxt, done = torch.randn(BUFFER), torch.randn(BUFFER, obs_dim), (torch.rand(BUFFER) < 0.01).float()
    target_params = list(t1.parameters()) + list(t2.parameters())
    online_params = list(q1.parameters()) + list(q2.parameters())

    def update():
        i = torch.randint(0, BUFFER, (BATCH,))
        s, a, r, s2, d = obs[i], act[i], rew[i], nxt[i], done[i]
        alpha = log_alpha.exp().detach()
        with torch.no_grad():
            a2, logp2 = sample_action(actor, s2, act_dim)
            sa2 = torch.cat([s2, a2], 1)
            target = r + GAMMA * (1 - d) * (torch.min(t1(sa2), t2(sa2)).squeeze(1) - alpha * logp2)
        sa = torch.cat([s, a], 1)
        critic_loss = ((q1(sa).squeeze(1) - target) ** 2).mean() + ((q2(sa).squeeze(1) - target) ** 2).mean()
        critic_opt.zero_grad()
        critic_loss.backward()
        critic_opt.step()
        a_new, logp = sample_action(actor, s, act_dim)
        sa_new = torch.cat([s, a_new], 1)
        actor_loss = (alpha * logp - torch.min(q1(sa_new), q2(sa_new)).squeeze(1)).mean()
        actor_opt.zero_grad()
        actor_loss.backward()
        actor_opt.step()
        alpha_loss = -(log_alpha * (logp.detach() + target_entropy)).mean()
        alpha_opt.zero_grad()
        alpha_loss.backward()
        alpha_opt.step()
        with torch.no_grad():
            for tp, p in zip(target_params, online_params):
                tp.mul_(1 - TAU).add_(p, alpha=TAU)

    for _ in range(WARMUP):
        update()
    start = time.perf_counter()
    for _ in range(updates):
        update()
    seconds = time.perf_counter() - start
    print(json.dumps({"updates_per_second": updates / seconds, "updates": updates, "seconds": seconds, "threads": threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
