// Writes tensors with rnnlab's .npy and .npz writers for numpy_reads_ours.py to load with numpy.
#include <cstdio>
#include <string>

#include "tensor/npy.hpp"
#include "tensor/npz.hpp"
#include "tensor/ops.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: npy_writer FOLDER\n");
    return 2;
  }
  using rnnlab::Tensor;
  const std::string folder = argv[1];
  rnnlab::save_npy(folder + "/ours_2x3.npy", Tensor::from({2, 3}, {-1, -0.5, 0, 0.5, 1, 1.5}));
  rnnlab::save_npy(folder + "/ours_scalar.npy", Tensor::scalar(3.25));
  rnnlab::save_npy(folder + "/ours_3d.npy", Tensor::arange(0, 24).reshape({2, 3, 4}) * 0.125);
  rnnlab::save_npy(folder + "/ours_empty.npy", Tensor::zeros({0, 5}));
  rnnlab::save_npz(folder + "/ours_model.npz", {{"encoder.weight_ih_l0", Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6})},
                                                 {"encoder.bias_ih_l0", Tensor::from({2}, {-0.5, 0.25})}});
  return 0;
}
