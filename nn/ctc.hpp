// Reading a CTC network's output (Graves, Fernandez, Gomez & Schmidhuber 2006, section 3.2): from the per-frame
// log-probabilities [T, C] of one sequence to a label sequence. The loss itself is autograd's ctc_loss.
#pragma once

#include <cstddef>
#include <vector>

#include "tensor/tensor.hpp"

namespace rnnlab::nn {

// Best path decoding: the most likely symbol at every frame, repeats merged, blanks dropped. Fast, but not always
// the most likely labelling: many paths can add up for a labelling whose own best path loses.
std::vector<std::size_t> ctc_greedy_decode(const Tensor& log_probs, std::size_t blank = 0);

// Prefix beam search: keeps the `beam` most likely label prefixes after each frame, each with two probabilities,
// of its paths that end in a blank and of those that end in its last label; they must be kept apart because the
// next frame's label k extends "..a" to "..ak" after a blank, but merges into "..a" when k = a directly follows.
// With a beam as wide as the number of prefixes it is exact: it returns the most likely labelling.
std::vector<std::size_t> ctc_beam_search(const Tensor& log_probs, std::size_t beam, std::size_t blank = 0);

// The Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`. Divided
// by b's length it is the label (letter, word) error rate.
std::size_t edit_distance(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b);

}  // namespace rnnlab::nn
