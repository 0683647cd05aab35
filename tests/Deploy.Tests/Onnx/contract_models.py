# Writes small ONNX policies that follow (or break, one rule at a time) Control's ONNX policy contract
# (src/Deploy/Onnx/OnnxContract.cs), built with the python onnx package, so the runtime is tested without
# Control's exporter. Usage: contract_models.py DIR. Writes DIR/*.onnx and DIR/weights.json (the float32 weights,
# for the tests' own forward pass). Every conforming model passes onnx.checker.check_model(full_check=True).
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
rng = np.random.default_rng(7)


def weights(shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# Box policy: action = clip(W2 tanh(W1 x + b1) + b2, -CLIP, CLIP); action_mean = the pre-clip value; log_std a row.
OBS, HIDDEN, ACT, CLIP = 3, 5, 2, 1.5
W1, B1 = weights((HIDDEN, OBS), 0.8), weights((HIDDEN,), 0.3)
W2, B2 = weights((ACT, HIDDEN), 1.5), weights((ACT,), 0.3)
LOG_STD = np.array([[-0.5, 0.25]], dtype=np.float32)

# Discrete policy: q_values = W x + b; action = argmax q_values (int64).
D_OBS, D_N = 4, 3
WQ, BQ = weights((D_N, D_OBS), 1.0), weights((D_N,), 0.2)

OBS_SPACE = {"type": "box", "shape": [OBS], "low": ["-inf", -1.0, -8.0], "high": ["inf", 1.0, 8.0]}
ACT_SPACE = {"type": "box", "shape": [ACT], "low": [-CLIP, -CLIP], "high": [CLIP, CLIP]}
D_OBS_SPACE = {"type": "box", "shape": [D_OBS], "low": ["-inf"] * D_OBS, "high": ["inf"] * D_OBS}
D_ACT_SPACE = {"type": "discrete", "n": D_N}


def metadata(obs_space, act_space, algorithm, **changes):
    props = {
        "control.contract_version": "1",
        "control.env": "test-env",
        "control.algorithm": algorithm,
        "control.observation_space": json.dumps(obs_space),
        "control.action_space": json.dumps(act_space),
    }
    for key, value in changes.items():
        key = "control." + key
        if value is None:
            props.pop(key, None)
        else:
            props[key] = value
    return props


def model(nodes, inputs, outputs, initializers, props, check=True):
    graph = helper.make_graph(nodes, "policy", inputs, outputs, initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                          producer_name="contract_models.py")
    helper.set_model_props(m, props)
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m


def box(batch="batch", props=None, input_name="observation", input_type=TensorProto.FLOAT, obs_dim=OBS,
        action_name="action", action_type=TensorProto.FLOAT, extra_output=None, check=True):
    w1 = W1 if obs_dim == OBS else weights((HIDDEN, obs_dim), 0.8)
    nodes = [
        helper.make_node("Cast", [input_name], ["x"], to=TensorProto.FLOAT),
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Tanh", ["z1"], ["h1"]),
        helper.make_node("Gemm", ["h1", "w2", "b2"], ["action_mean"], transB=1),
        helper.make_node("Clip", ["action_mean", "clip_low", "clip_high"], ["clipped"]),
        helper.make_node("Cast", ["clipped"], [action_name], to=action_type),
        helper.make_node("Identity", ["log_std_row"], ["log_std"]),
    ]
    outputs = [
        helper.make_tensor_value_info(action_name, action_type, [batch, ACT]),
        helper.make_tensor_value_info("action_mean", TensorProto.FLOAT, [batch, ACT]),
        helper.make_tensor_value_info("log_std", TensorProto.FLOAT, [1, ACT]),
    ]
    if extra_output is not None:
        nodes.append(helper.make_node("Identity", ["action_mean"], [extra_output]))
        outputs.append(helper.make_tensor_value_info(extra_output, TensorProto.FLOAT, [batch, ACT]))
    initializers = [
        numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(B1, "b1"),
        numpy_helper.from_array(W2, "w2"), numpy_helper.from_array(B2, "b2"),
        numpy_helper.from_array(np.array(-CLIP, dtype=np.float32), "clip_low"),
        numpy_helper.from_array(np.array(CLIP, dtype=np.float32), "clip_high"),
        numpy_helper.from_array(LOG_STD, "log_std_row"),
    ]
    inputs = [helper.make_tensor_value_info(input_name, input_type, [batch, obs_dim])]
    return model(nodes, inputs, outputs, initializers,
                 metadata(OBS_SPACE, ACT_SPACE, "ppo") if props is None else props, check)


def discrete(props=None, action_type=TensorProto.INT64):
    nodes = [
        helper.make_node("Gemm", ["observation", "wq", "bq"], ["q_values"], transB=1),
        helper.make_node("ArgMax", ["q_values"], ["index"], axis=1, keepdims=0),
        helper.make_node("Cast", ["index"], ["action"], to=action_type),
    ]
    inputs = [helper.make_tensor_value_info("observation", TensorProto.FLOAT, ["batch", D_OBS])]
    outputs = [
        helper.make_tensor_value_info("action", action_type, ["batch"]),
        helper.make_tensor_value_info("q_values", TensorProto.FLOAT, ["batch", D_N]),
    ]
    initializers = [numpy_helper.from_array(WQ, "wq"), numpy_helper.from_array(BQ, "bq")]
    return model(nodes, inputs, outputs, initializers,
                 metadata(D_OBS_SPACE, D_ACT_SPACE, "dqn") if props is None else props)


def indexed():
    # A Discrete(4) observation (a gridworld cell) carried as one float: action = argmax over 2 of w * cell + b.
    nodes = [
        helper.make_node("Gemm", ["observation", "w", "b"], ["q_values"], transB=1),
        helper.make_node("ArgMax", ["q_values"], ["action"], axis=1, keepdims=0),
    ]
    inputs = [helper.make_tensor_value_info("observation", TensorProto.FLOAT, ["batch", 1])]
    outputs = [helper.make_tensor_value_info("action", TensorProto.INT64, ["batch"]),
               helper.make_tensor_value_info("q_values", TensorProto.FLOAT, ["batch", 2])]
    initializers = [numpy_helper.from_array(np.array([[1.0], [-1.0]], dtype=np.float32), "w"),
                    numpy_helper.from_array(np.array([-1.5, 1.5], dtype=np.float32), "b")]
    return model(nodes, inputs, outputs, initializers,
                 metadata({"type": "discrete", "n": 4}, {"type": "discrete", "n": 2}, "dqn"))


def main(directory):
    box_props = lambda **changes: metadata(OBS_SPACE, ACT_SPACE, "ppo", **changes)
    models = {
        "box": box(),
        "static": box(batch=1),
        "discrete": discrete(),
        "indexed": indexed(),
        "no_metadata": box(props={}),
        "no_version": box(props=box_props(contract_version=None)),
        "wrong_version": box(props=box_props(contract_version="2")),
        "no_observation_space": box(props=box_props(observation_space=None)),
        "bad_space_json": box(props=box_props(observation_space='{"type": "box", "shape": [3]')),
        "wrong_input_name": box(input_name="obs"),
        "wrong_input_type": box(input_type=TensorProto.DOUBLE),
        "wrong_obs_dim": box(props=box_props(observation_space=json.dumps(
            {"type": "box", "shape": [5], "low": ["-inf"] * 5, "high": ["inf"] * 5}))),
        "wrong_action_dim": box(props=box_props(action_space=json.dumps(
            {"type": "box", "shape": [3], "low": [-1.0] * 3, "high": [1.0] * 3}))),
        "box_action_int64": box(action_type=TensorProto.INT64),
        "discrete_space_float_action": box(props=box_props(action_space=json.dumps(D_ACT_SPACE))),
        "discrete_action_float": discrete(action_type=TensorProto.FLOAT),
        "no_action_output": box(action_name="actions"),
        "unknown_output": box(extra_output="value"),
        "box_with_logits": box(extra_output="logits"),
    }
    for name, m in models.items():
        onnx.save(m, f"{directory}/{name}.onnx")
    with open(f"{directory}/weights.json", "w") as f:
        json.dump({
            "box": {"w1": W1.tolist(), "b1": B1.tolist(), "w2": W2.tolist(), "b2": B2.tolist(),
                    "clip": CLIP, "log_std": LOG_STD[0].tolist()},
            "discrete": {"w": WQ.tolist(), "b": BQ.tolist()},
        }, f)


if __name__ == "__main__":
    main(sys.argv[1])
