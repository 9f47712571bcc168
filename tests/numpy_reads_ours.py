"""numpy must load what rnnlab's .npy writer writes: shapes, dtype and values, exactly."""
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
print(f"{len(expected) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
