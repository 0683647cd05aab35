"""PyTorch side of `control bench tensors`: times one training step (forward, backward, Adam) of an MLP
17 -> 256 -> 256 -> 6 (tanh, MSE) at the given batches, and batch-1 inference, on the given number of threads.
Usage: torch_mlp.py THREADS BATCHES [SECONDS]. Prints one JSON object: {"threads": t, "train_us": {batch: us}, "infer_us": us, "torch": version}.
Run with Debian's /usr/bin/python3 (python3-torch)."""
import json
import sys
import time

import torch


def best_of(fn, min_seconds, repeats=5):
    for _ in range(10):
        fn()
    per_call = []
    for _ in range(repeats):
        count = 0
        start = time.perf_counter()
        while True:
            fn()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds / repeats:
                break
        per_call.append(elapsed / count)
    return sorted(per_call)[len(per_call) // 2] * 1e6


def main():
    threads = int(sys.argv[1])
    batches = [int(b) for b in sys.argv[2].split(",")]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(17, 256), torch.nn.Tanh(), torch.nn.Linear(256, 256), torch.nn.Tanh(), torch.nn.Linear(256, 6))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-5)
    train = {}
    for batch in batches:
        # A ring of 8 batches and a small step, as on the Control side (keeps gradients out of subnormal floats).
        xs = [torch.randn(batch, 17) for _ in range(8)]
        ys = [torch.randn(batch, 6) for _ in range(8)]
        counter = [0]

        def step():
            k = counter[0] % 8
            counter[0] += 1
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xs[k]), ys[k])
            loss.backward()
            optimizer.step()

        train[batch] = best_of(step, seconds)
    x1 = torch.randn(1, 17)

    def infer():
        with torch.no_grad():
            model(x1)

    print(json.dumps({"threads": threads, "train_us": train, "infer_us": best_of(infer, seconds), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
