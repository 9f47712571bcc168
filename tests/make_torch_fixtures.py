#!/usr/bin/python3
"""Writes tests/data/torch_*.npz: PyTorch modules' weights, inputs, outputs and gradients, so the tests can check
that rnnlab's modules compute exactly what PyTorch's do (same names, layouts and equations).
Run with Debian's python3 and python3-torch: /usr/bin/python3 tests/make_torch_fixtures.py (from the repository root).
Each archive holds the module's state_dict under its own names, plus:
  input, h0 (optional), output, h_n, projection (the vector r of the loss L = sum(r * output)), and the gradient of
  L with respect to every parameter ("grad.<name>") and to the input ("grad.input")."""
import numpy as np
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def save(path, module, x, h0, output, h_n, r):
    arrays = {name: p.detach().numpy() for name, p in module.state_dict().items()}
    arrays.update(input=x.detach().numpy(), output=output.detach().numpy(), h_n=h_n.detach().numpy(),
                  projection=r.numpy())
    if h0 is not None:
        arrays["h0"] = h0.detach().numpy()
    for name, p in module.named_parameters():
        arrays["grad." + name] = p.grad.numpy()
    arrays["grad.input"] = x.grad.numpy()
    np.savez(path, **arrays)


def rnn_case(path, nonlinearity, layers, bidirectional, with_h0):
    rnn = torch.nn.RNN(3, 4, num_layers=layers, nonlinearity=nonlinearity, bidirectional=bidirectional)
    x = torch.randn(5, 2, 3, requires_grad=True)
    directions = 2 if bidirectional else 1
    h0 = torch.randn(layers * directions, 2, 4) if with_h0 else None
    output, h_n = rnn(x, h0) if with_h0 else rnn(x)
    r = torch.randn(output.shape)
    (output * r).sum().backward()
    save(path, rnn, x, h0, output, h_n, r)


rnn_case("tests/data/torch_rnn_tanh_2layer_bidirectional.npz", "tanh", 2, True, True)
rnn_case("tests/data/torch_rnn_relu_1layer.npz", "relu", 1, False, False)
print("torch", torch.__version__, "fixtures written")
