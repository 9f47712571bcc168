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


def save(path, module, x, h0, output, h_n, r, c0=None, c_n=None):
    arrays = {name: p.detach().numpy() for name, p in module.state_dict().items()}
    arrays.update(input=x.detach().numpy(), output=output.detach().numpy(), h_n=h_n.detach().numpy(),
                  projection=r.numpy())
    if h0 is not None:
        arrays["h0"] = h0.detach().numpy()
    if c0 is not None:
        arrays["c0"] = c0.detach().numpy()
    if c_n is not None:
        arrays["c_n"] = c_n.detach().numpy()
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


def lstm_case(path, layers, bidirectional, with_state):
    lstm = torch.nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional)
    x = torch.randn(5, 2, 3, requires_grad=True)
    shape = (layers * (2 if bidirectional else 1), 2, 4)
    h0, c0 = (torch.randn(shape), torch.randn(shape)) if with_state else (None, None)
    output, (h_n, c_n) = lstm(x, (h0, c0)) if with_state else lstm(x)
    r = torch.randn(output.shape)
    (output * r).sum().backward()
    save(path, lstm, x, h0, output, h_n, r, c0, c_n)


def gru_case(path, layers, bidirectional, with_state):
    gru = torch.nn.GRU(3, 4, num_layers=layers, bidirectional=bidirectional)
    x = torch.randn(5, 2, 3, requires_grad=True)
    h0 = torch.randn(layers * (2 if bidirectional else 1), 2, 4) if with_state else None
    output, h_n = gru(x, h0) if with_state else gru(x)
    r = torch.randn(output.shape)
    (output * r).sum().backward()
    save(path, gru, x, h0, output, h_n, r)


def cell_case(path, kind):
    # A cell run by hand for 5 steps from a given state; "output" stacks the hidden states.
    cell = torch.nn.LSTMCell(3, 4) if kind == "lstm" else torch.nn.GRUCell(3, 4)
    x = torch.randn(5, 2, 3, requires_grad=True)
    h0, c0 = torch.randn(1, 2, 4), torch.randn(1, 2, 4)
    h, c, states = h0[0], c0[0], []
    for t in range(5):
        if kind == "lstm":
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        states.append(h)
    output = torch.stack(states)
    r = torch.randn(output.shape)
    (output * r).sum().backward()
    save(path, cell, x, h0, output, h.unsqueeze(0), r, c0 if kind == "lstm" else None, c.unsqueeze(0) if kind == "lstm" else None)


rnn_case("tests/data/torch_rnn_tanh_2layer_bidirectional.npz", "tanh", 2, True, True)
rnn_case("tests/data/torch_rnn_relu_1layer.npz", "relu", 1, False, False)
lstm_case("tests/data/torch_lstm_2layer_bidirectional.npz", 2, True, True)
lstm_case("tests/data/torch_lstm_1layer.npz", 1, False, False)
gru_case("tests/data/torch_gru_2layer_bidirectional.npz", 2, True, True)
gru_case("tests/data/torch_gru_1layer.npz", 1, False, False)
cell_case("tests/data/torch_lstm_cell.npz", "lstm")
cell_case("tests/data/torch_gru_cell.npz", "gru")
print("torch", torch.__version__, "fixtures written")
