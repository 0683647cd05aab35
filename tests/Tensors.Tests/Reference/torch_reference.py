"""PyTorch reference computations for Control's tensor tests.

Reads one JSON request on stdin, prints one JSON answer on stdout. Run with Debian's /usr/bin/python3
(python3-torch). Tasks:
  mlp:   weights of an MLP (torch.nn.Sequential of Linear/activation), input, target -> output, MSE loss, gradients
  optim: an optimizer (sgd, adam, adamw, rmsprop), initial parameters, a least-squares problem and a step count -> parameters after each step
  distributions: log-probabilities, entropies and KL divergences of Normal, Categorical, RelaxedOneHotCategorical
"""
import json
import sys

import torch

torch.set_num_threads(1)


def tensor(values, shape, dtype):
    return torch.tensor(values, dtype=dtype).reshape(shape)


def mlp(request):
    dtype = torch.float64 if request["dtype"] == "float64" else torch.float32
    layers = []
    sizes = request["sizes"]
    activations = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "elu": torch.nn.ELU, "sigmoid": torch.nn.Sigmoid, "softplus": torch.nn.Softplus}
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]).to(dtype))
        if i < len(sizes) - 2:
            layers.append(activations[request["activation"]]())
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.copy_(tensor(request["parameters"][name], parameter.shape, dtype))
    x = tensor(request["input"], (request["batch"], sizes[0]), dtype)
    target = tensor(request["target"], (request["batch"], sizes[-1]), dtype)
    y = model(x)
    loss = torch.nn.functional.mse_loss(y, target)
    loss.backward()
    return {
        "output": y.detach().flatten().tolist(),
        "loss": loss.item(),
        "gradients": {name: p.grad.flatten().tolist() for name, p in model.named_parameters()},
    }


def optim(request):
    dtype = torch.float64
    p = torch.tensor(request["initial"], dtype=dtype, requires_grad=True)
    a = tensor(request["a"], (len(request["b"]), len(request["initial"])), dtype)
    b = torch.tensor(request["b"], dtype=dtype)
    kind = request["optimizer"]
    settings = request["settings"]
    if kind == "sgd":
        optimizer = torch.optim.SGD([p], **settings)
    elif kind == "adam":
        optimizer = torch.optim.Adam([p], **settings)
    elif kind == "rmsprop":
        optimizer = torch.optim.RMSprop([p], **settings)
    else:
        optimizer = torch.optim.AdamW([p], **settings)
    history = []
    for _ in range(request["steps"]):
        optimizer.zero_grad()
        loss = ((a @ p - b) ** 2).sum()
        loss.backward()
        optimizer.step()
        history.append(p.detach().tolist())
    return {"history": history}


def distributions(request):
    logits = tensor(request["logits"], (request["rows"], request["classes"]), torch.float64)
    values = tensor(request["values"], (request["rows"], request["classes"]), torch.float64)
    relaxed = torch.distributions.RelaxedOneHotCategorical(torch.tensor(request["temperature"], dtype=torch.float64), logits=logits)
    mean = torch.tensor(request["mean"], dtype=torch.float64)
    log_std = torch.tensor(request["log_std"], dtype=torch.float64)
    mean2 = torch.tensor(request["mean2"], dtype=torch.float64)
    log_std2 = torch.tensor(request["log_std2"], dtype=torch.float64)
    point = torch.tensor(request["point"], dtype=torch.float64)
    normal = torch.distributions.Normal(mean, log_std.exp())
    normal2 = torch.distributions.Normal(mean2, log_std2.exp())
    categorical = torch.distributions.Categorical(logits=logits)
    categorical2 = torch.distributions.Categorical(logits=logits.flip(-1))
    return {
        "relaxed_log_prob": relaxed.log_prob(values).tolist(),
        "normal_log_prob": normal.log_prob(point).sum().item(),
        "normal_entropy": normal.entropy().sum().item(),
        "normal_kl": torch.distributions.kl_divergence(normal, normal2).sum().item(),
        "categorical_entropy": categorical.entropy().tolist(),
        "categorical_kl": torch.distributions.kl_divergence(categorical, categorical2).tolist(),
    }


def main():
    request = json.load(sys.stdin)
    answer = {"mlp": mlp, "optim": optim, "distributions": distributions}[request["task"]](request)
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
