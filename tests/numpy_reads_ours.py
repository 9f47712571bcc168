"""numpy must load what rnnlab's .npy and .npz writers write: names, shapes, dtype and values, exactly."""
import sys
import numpy as np

folder = sys.argv[1]
expected = {
    "ours_2x3.npy": np.array([[-1, -0.5, 0], [0.5, 1, 1.5]]),
    "ours_scalar.npy": np.array(3.25),
    "ours_3d.npy": np.arange(24.0).reshape(2, 3, 4) * 0.125,
    "ours_empty.npy": np.zeros((0, 5)),
}
failed = 0
for name, want in expected.items():
    got = np.load(f"{folder}/{name}")
    ok = got.dtype == np.float64 and got.shape == want.shape and np.array_equal(got, want)
    print(f"{'OK' if ok else 'NOT OK'}  {name}: dtype {got.dtype}, shape {got.shape}")
    failed += not ok
archive = np.load(f"{folder}/ours_model.npz")
want = {"encoder.weight_ih_l0": np.arange(1.0, 7.0).reshape(2, 3), "encoder.bias_ih_l0": np.array([-0.5, 0.25])}
ok = list(archive.keys()) == list(want) and all(np.array_equal(archive[k], v) and archive[k].dtype == np.float64 for k, v in want.items())
print(f"{'OK' if ok else 'NOT OK'}  ours_model.npz: {list(archive.keys())}")
failed += not ok
print(f"{len(expected) + 1 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
