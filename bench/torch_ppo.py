"""PyTorch side of `control bench ppo`: a straightforward PPO (clipped surrogate) on CartPole, in the configuration
of src/Cli/Commands/PpoBench.cs, and its training throughput.

The work, as Control's Ppo with the same config:
  - 8 CartPole-v1 envs written here in Python (Gymnasium's equations: Euler at tau = 0.02, force 10 N, ends at
    12 degrees or 2.4 m, time limit 500 with the truncated episode bootstrapped by gamma V(final observation)),
    stepped one after another, auto-reset;
  - policy and value MLPs 4 -> 64 -> 64 -> (2 | 1) with tanh and orthogonal initialization (gains sqrt 2, 0.01, 1);
  - per iteration: 128 steps of every env, sampling from the categorical policy under no_grad; GAE(0.95) with
    gamma 0.99; then 4 epochs of 4 minibatches of 256, advantages normalized per minibatch, loss
    -L_CLIP(0.2) + 0.5 E[(V - R)^2] - 0.01 entropy, one Adam (lr 2.5e-4, eps 1e-5) over both networks,
    gradients clipped to global norm 0.5.
Steps per second = env steps / wall time of the iterations after one untimed warm-up iteration.

Usage: torch_ppo.py THREADS STEPS. Prints one JSON object:
{"steps_per_second": r, "steps": n, "seconds": s, "episode_return": mean of the last 100 episodes, "threads": t, "torch": version}.
Run with Debian's /usr/bin/python3 (python3-torch)."""
import json
import math
import random
import sys
import time

import torch
import torch.nn as nn

ENVS, STEPS, EPOCHS, MINIBATCHES = 8, 128, 4, 4
GAMMA, LAMBDA, CLIP, ENTROPY, VALUE, MAX_NORM, LEARNING_RATE = 0.99, 0.95, 0.2, 0.01, 0.5, 0.5, 2.5e-4


class CartPole:
    def __init__(self, rng):
        self.rng = rng
        self.reset()

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.length = 0
        return list(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + 0.05 * theta_dot * theta_dot * sin) / 1.1
        theta_acc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1))
        x_acc = temp - 0.05 * theta_acc * cos / 1.1
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * x_acc
        theta, theta_dot = theta + 0.02 * theta_dot, theta_dot + 0.02 * theta_acc
        self.state = [x, x_dot, theta, theta_dot]
        self.length += 1
        terminated = x < -2.4 or x > 2.4 or theta < -0.2095 or theta > 0.2095
        truncated = self.length >= 500 and not terminated
        return list(self.state), 1.0, terminated, truncated


def mlp(outputs, gain):
    layers = [nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, outputs)]
    for layer in layers:
        if isinstance(layer, nn.Linear):
            nn.init.orthogonal_(layer.weight, gain if layer.out_features == outputs else math.sqrt(2))
            nn.init.zeros_(layer.bias)
    return nn.Sequential(*layers)


def main():
    threads, total = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    envs = [CartPole(rng) for _ in range(ENVS)]
    policy, value = mlp(2, 0.01), mlp(1, 1.0)
    optimizer = torch.optim.Adam(list(policy.parameters()) + list(value.parameters()), lr=LEARNING_RATE, eps=1e-5)
    observations = torch.tensor([e.reset() for e in envs], dtype=torch.float32)
    returns_now, finished = [0.0] * ENVS, []
    batch, minibatch = ENVS * STEPS, ENVS * STEPS // MINIBATCHES

    def iterate():
        nonlocal observations
        obs_buf = torch.zeros(STEPS, ENVS, 4)
        act_buf = torch.zeros(STEPS, ENVS, dtype=torch.long)
        logp_buf, val_buf = torch.zeros(STEPS, ENVS), torch.zeros(STEPS, ENVS)
        rew_buf, end_buf = torch.zeros(STEPS, ENVS), torch.zeros(STEPS, ENVS)
        for t in range(STEPS):
            with torch.no_grad():
                dist = torch.distributions.Categorical(logits=policy(observations))
                actions = dist.sample()
                obs_buf[t], act_buf[t], logp_buf[t] = observations, actions, dist.log_prob(actions)
                val_buf[t] = value(observations).squeeze(-1)
            next_obs = []
            for i, env in enumerate(envs):
                obs, reward, terminated, truncated = env.step(int(actions[i]))
                returns_now[i] += reward
                if truncated:
                    with torch.no_grad():
                        reward += GAMMA * value(torch.tensor([obs], dtype=torch.float32)).item()
                if terminated or truncated:
                    finished.append(returns_now[i])
                    returns_now[i] = 0.0
                    obs = env.reset()
                rew_buf[t, i], end_buf[t, i] = reward, float(terminated or truncated)
                next_obs.append(obs)
            observations = torch.tensor(next_obs, dtype=torch.float32)
        with torch.no_grad():
            next_value = value(observations).squeeze(-1)
        advantages = torch.zeros(STEPS, ENVS)
        running = torch.zeros(ENVS)
        for t in reversed(range(STEPS)):
            following = next_value if t == STEPS - 1 else val_buf[t + 1]
            alive = 1.0 - end_buf[t]
            delta = rew_buf[t] + GAMMA * following * alive - val_buf[t]
            running = delta + GAMMA * LAMBDA * alive * running
            advantages[t] = running
        targets = advantages + val_buf
        b_obs, b_act, b_logp = obs_buf.reshape(batch, 4), act_buf.reshape(batch), logp_buf.reshape(batch)
        b_adv, b_ret = advantages.reshape(batch), targets.reshape(batch)
        for _ in range(EPOCHS):
            order = torch.randperm(batch)
            for start in range(0, batch, minibatch):
                rows = order[start:start + minibatch]
                dist = torch.distributions.Categorical(logits=policy(b_obs[rows]))
                ratio = (dist.log_prob(b_act[rows]) - b_logp[rows]).exp()
                adv = b_adv[rows]
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                surrogate = torch.min(ratio * adv, ratio.clamp(1 - CLIP, 1 + CLIP) * adv).mean()
                value_loss = ((value(b_obs[rows]).squeeze(-1) - b_ret[rows]) ** 2).mean()
                loss = -surrogate + VALUE * value_loss - ENTROPY * dist.entropy().mean()
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(list(policy.parameters()) + list(value.parameters()), MAX_NORM)
                optimizer.step()

    iterate()
    iterations = max(1, total // batch)
    start = time.perf_counter()
    for _ in range(iterations):
        iterate()
    seconds = time.perf_counter() - start
    recent = finished[-100:]
    print(json.dumps({"steps_per_second": iterations * batch / seconds, "steps": iterations * batch, "seconds": seconds,
                      "episode_return": sum(recent) / len(recent) if recent else None, "threads": threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
