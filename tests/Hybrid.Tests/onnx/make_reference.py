#!/usr/bin/python3
"""Writes the PyTorch reference models for Hybrid's ONNX import tests (tests/Hybrid.Tests/OnnxImportTests.cs).

Run once with Debian's python3 (python3-torch 1.13; torch.onnx.export needs no `onnx` module):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/Hybrid.Tests/onnx/make_reference.py
For each model it writes NAME.onnx and NAME.json: the input rows, PyTorch's outputs for them
(computed by PyTorch in the model's own precision) and the dtype. Fixed seeds: the same torch
version writes the same files.
"""
import json
import os
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class AffineThenAtan(nn.Module):
    """x @ W + b written out, so that the exporter emits MatMul + Add instead of Gemm."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 4) * 0.8)
        self.b = nn.Parameter(torch.randn(4) * 0.5)
        self.w2 = nn.Parameter(torch.randn(4, 2) * 0.8)

    def forward(self, x):
        return torch.relu(torch.atan(x @ self.w + self.b) @ self.w2)


def models():
    torch.manual_seed(11)
    yield "relu_sigmoid", 13, nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3), nn.Sigmoid()), 4
    yield "flatten_tanh_dropout_softmax", 17, nn.Sequential(nn.Flatten(), nn.Linear(3, 6), nn.Tanh(), nn.Dropout(0.2), nn.Linear(6, 4), nn.Softmax(dim=1)), 3
    yield "leaky_elu_softplus", 14, nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.1), nn.Linear(4, 4), nn.ELU(0.7), nn.Linear(4, 2), nn.Softplus()), 3
    yield "prelu_float64", 17, nn.Sequential(nn.Linear(3, 4), nn.PReLU(init=0.3), nn.Linear(4, 2)).double(), 3
    yield "matmul_add_atan", 13, AffineThenAtan(), 3
    yield "logsoftmax", 13, nn.Sequential(nn.Linear(3, 2), nn.LogSoftmax(dim=1)), 3
    yield "tanh_logsoftmax_float64", 17, nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.LogSoftmax(dim=-1)).double(), 3


def main():
    for name, opset, model, inputs in models():
        model.eval()
        dtype = next(model.parameters()).dtype
        x = torch.randn(5, inputs, dtype=dtype)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(HERE, name + ".onnx"), opset_version=opset,
                          input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump({"producer": "torch " + torch.__version__, "opset": opset,
                       "dtype": "float64" if dtype == torch.float64 else "float32",
                       "input": x.tolist(), "output": y.tolist()}, f, indent=1)
        print(name, "opset", opset, dtype)


if __name__ == "__main__":
    main()
