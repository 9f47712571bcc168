// Lesson 04 — the time-delay neural network (TDNN).
//
// Waibel, Hanazawa, Hinton, Shikano & Lang (1989, "Phoneme recognition using time-delay neural networks")
// recognized the stop consonants /b/, /d/, /g/ in Japanese speech at 98.5%, against 93.7% for the best hidden
// Markov models of the day. Their idea: a unit looks at a short window of consecutive frames, and the SAME
// weights are applied at every position in time (a 1-d convolution over time, before the name). A feature
// (a rising formant, say) is then detected wherever it happens, so the network does not care exactly when the
// sound starts. Their network: 16 spectral channels -> 8 units over 3 frames -> 3 units over 5 frames -> the
// evidence for each class summed over time. Counting weights: 8 x (16 x 3) + 8 + 3 x (8 x 5) + 3 = 515.
//
// The experiment: synthetic /b/ /d/ /g/ tokens whose only difference is the direction in which two formants
// glide into the same vowel (lessons/common/data.cpp). Both a TDNN and an ordinary MLP (all 15 x 16 = 240
// values in, 8 hidden, 3 out) are trained on tokens whose onset is always at frame 5, then tested on tokens
// shifted by up to 3 frames either way. The MLP learned "a rising F2 at frames 5-7"; the TDNN learned "a rising
// F2", anywhere.
#include "lessons/04_tdnn.hpp"

#include <cmath>
#include <numeric>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson04 {

const LessonInfo info = {
    4, "04_tdnn", {"The time-delay neural network",
                   "시간 지연 신경망(TDNN)"},
    {"Waibel, Hanazawa, Hinton, Shikano & Lang (1989) recognized the spoken consonants /b/, /d/ and /g/ at 98.5%, "
     "beating the best hidden Markov models (93.7%), with a network that applies the same small set of weights to "
     "every window of a few frames: a feature is detected wherever in time it occurs.",
     "Waibel, Hanazawa, Hinton, Shikano & Lang(1989)은 말소리 자음 /b/, /d/, /g/를 98.5%로 인식해 당시 최고의 은닉 "
     "마르코프 모델(93.7%)을 이겼다. 그 신경망은 같은 작은 가중치 집합을 몇 프레임짜리 모든 윈도에 적용한다. 특징이 "
     "시간의 어디에 나타나든 검출되는 것이다."},
    {"Shared weights over time make a network shift invariant: a TDNN trained on aligned tokens still recognizes "
     "them shifted by 3 frames; an MLP of the same data does not.",
     "시간에 걸쳐 공유된 가중치는 신경망을 이동 불변으로 만든다: 정렬된 토큰으로 학습한 TDNN은 3프레임 밀린 토큰도 "
     "여전히 알아보지만, 같은 데이터로 학습한 MLP는 그러지 못한다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.steps = 800;
    c.test_tokens = 700;
    c.tokens_per_shift = 100;
  }
  return c;
}

namespace {

// Waibel et al.'s network: two time-delay layers, then the class evidence averaged over time.
struct TimeDelayNet : nn::Module {
  explicit TimeDelayNet(Rng& rng) : first(16, 8, 3, rng), second(8, 3, 5, rng) {
    register_module("first", first);
    register_module("second", second);
  }
  // frames [15, B, 16] -> first layer [13, B, 8] -> second layer [9, B, 3] -> mean over time [B, 3]
  Var operator()(const Var& frames) { return mean(second(tanh(first(frames))), 0); }
  nn::TDNN first, second;
};

// The same data, flattened: 240 inputs -> 8 tanh -> 3.
struct FlatNet : nn::Module {
  explicit FlatNet(Rng& rng) : hidden(240, 8, rng), output(8, 3, rng) {
    register_module("hidden", hidden);
    register_module("output", output);
  }
  Var operator()(const Var& frames) {
    const Var per_token = reshape(permute(frames, {1, 0, 2}), {static_cast<long>(frames.shape()[1]), 240});
    return output(tanh(hidden(per_token)));
  }
  nn::Linear hidden, output;
};

// The columns b of x [T, N, F] listed in `rows`, as a [T, rows.size(), F] tensor.
Tensor batch_of(const Tensor& x, const std::vector<std::size_t>& rows) {
  Tensor out({x.shape()[0], rows.size(), x.shape()[2]});
  const std::size_t n = x.shape()[1], f = x.shape()[2];
  for (std::size_t t = 0; t < x.shape()[0]; ++t)
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t c = 0; c < f; ++c) out[(t * rows.size() + i) * f + c] = x[(t * n + rows[i]) * f + c];
  return out;
}

template <class Net>
void train(Net& net, const data::Tokens& tokens, const Config& c, const std::string& label, Rng& rng) {
  optim::Adam adam(net.parameters(), c.learning_rate);
  Progress progress(label, c.steps);
  std::vector<std::size_t> rows(c.batch);
  std::vector<std::size_t> targets(c.batch);
  for (std::size_t step = 1; step <= c.steps; ++step) {
    for (std::size_t i = 0; i < c.batch; ++i) {
      rows[i] = rng.below(tokens.labels.size());
      targets[i] = tokens.labels[rows[i]];
    }
    adam.zero_grad();
    const Var loss = cross_entropy(net(Var(batch_of(tokens.frames, rows))), targets);
    backward(loss);
    adam.step();
    progress.update(step, loss.item());
  }
}

template <class Net>
double accuracy(Net& net, const data::Tokens& tokens) {
  NoGradGuard no_grad;
  const Tensor predicted = argmax(net(Var(tokens.frames)).value(), 1);
  double right = 0;
  for (std::size_t i = 0; i < tokens.labels.size(); ++i) right += static_cast<std::size_t>(predicted[i]) == tokens.labels[i];
  return right / static_cast<double>(tokens.labels.size());
}

}  // namespace

Result experiment(const Config& c) {
  Rng data_rng(c.seed);
  const data::Tokens train_set = data::stop_consonants(c.train_tokens, 0, data_rng);
  const data::Tokens aligned = data::stop_consonants(c.test_tokens, 0, data_rng);
  const data::Tokens shifted = data::stop_consonants(c.test_tokens, 3, data_rng);

  Rng init(c.seed + 1), batches(c.seed + 2);
  TimeDelayNet tdnn(init);
  FlatNet mlp(init);
  train(tdnn, train_set, c, "TDNN", batches);
  train(mlp, train_set, c, "MLP 240-8-3", batches);

  Result r;
  r.tdnn_parameters = tdnn.num_parameters();
  r.mlp_parameters = mlp.num_parameters();
  r.tdnn_aligned = accuracy(tdnn, aligned);
  r.mlp_aligned = accuracy(mlp, aligned);
  r.tdnn_shifted = accuracy(tdnn, shifted);
  r.mlp_shifted = accuracy(mlp, shifted);
  for (int shift = -3; shift <= 3; ++shift) {
    const data::Tokens at = data::stop_consonants_shifted_by(c.tokens_per_shift, shift, data_rng);
    r.tdnn_by_shift.push_back(accuracy(tdnn, at));
    r.mlp_by_shift.push_back(accuracy(mlp, at));
  }

  // Pictures: one token of each class (a column of NaN between them), and the first layer's response to one.
  Rng picture_rng(c.seed + 3);
  std::vector<Tensor> examples;
  for (std::size_t label = 0; label < 3; ++label) {
    data::Tokens t;
    do t = data::stop_consonants_shifted_by(1, 0, picture_rng, 0.0); while (t.labels[0] != label);  // noise-free
    examples.push_back(t.frames);
  }
  for (std::size_t ch = 0; ch < data::token_channels; ++ch) {
    for (std::size_t label = 0; label < 3; ++label) {
      for (std::size_t f = 0; f < data::token_frames; ++f) r.example_tokens.push_back(examples[label].at({f, 0, ch}));
      if (label < 2) r.example_tokens.push_back(std::nan(""));
    }
  }
  NoGradGuard no_grad;
  const Tensor h = tanh(tdnn.first(Var(examples[1]))).value();  // [13, 1, 8], the /d/ token
  for (std::size_t unit = 0; unit < 8; ++unit)
    for (std::size_t f = 0; f < h.shape()[0]; ++f) r.layer1_activations.push_back(h.at({f, 0, unit}));
  return r;
}

std::vector<Claim> claims(const Result& r) {
  return {
      {"the TDNN has Waibel et al.'s 515 parameters", static_cast<double>(r.tdnn_parameters), "= 515", r.tdnn_parameters == 515},
      {"TDNN accuracy on aligned tokens", r.tdnn_aligned, ">= 0.95", r.tdnn_aligned >= 0.95},
      {"MLP accuracy on aligned tokens", r.mlp_aligned, ">= 0.95", r.mlp_aligned >= 0.95},
      {"TDNN accuracy on tokens shifted by up to 3 frames", r.tdnn_shifted, ">= 0.90", r.tdnn_shifted >= 0.90},
      {"MLP accuracy on tokens shifted by up to 3 frames", r.mlp_shifted, "<= 0.60", r.mlp_shifted <= 0.60},
  };
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"Each token is 15 frames of 16 frequency channels. Silence until the onset; then two formants glide for "
             "3 frames into the same vowel. /b/: both rise; /d/: the first rises, the second falls; /g/: the first "
             "falls, the second rises. Noise of standard deviation 0.3 on every value. Both networks train on " +
             std::to_string(c.train_tokens) + " tokens with the onset at frame 5 (Adam, " + std::to_string(c.steps) +
             " steps of " + std::to_string(c.batch) + "), and are tested on fresh tokens, aligned and shifted.",
              "토큰 하나는 주파수 채널 16개짜리 프레임 15개다. 시작점까지는 무음, 그다음 두 포먼트가 3프레임 동안 미끄러지며 같은 "
             "모음으로 들어간다. /b/: 둘 다 올라간다. /d/: 첫째는 올라가고 둘째는 내려간다. /g/: 첫째는 내려가고 둘째는 "
             "올라간다. 모든 값에 표준 편차 0.3의 잡음. 두 신경망 모두 시작점이 프레임 5에 있는 토큰 " +
             std::to_string(c.train_tokens) + "개로 학습하고(Adam, " + std::to_string(c.batch) + "개씩 " +
             std::to_string(c.steps) + " 스텝), 정렬된 새 토큰과 밀린 새 토큰으로 시험한다."});
  const Result r = experiment(c);

  plot::HeatMap tokens;
  tokens.title = "/b/, /d/, /g/ without the noise (onset at frame 5)";
  tokens.x_label = "frame (three tokens side by side: b | d | g)";
  tokens.y_label = "frequency channel";
  tokens.value_label = "energy";
  tokens.rows = data::token_channels;
  tokens.cols = 3 * data::token_frames + 2;
  tokens.values = r.example_tokens;
  tokens.x_first = 0;
  tokens.x_last = static_cast<double>(tokens.cols - 1);
  tokens.y_first = 0;
  tokens.y_last = data::token_channels - 1;
  report.plot("tokens.svg", tokens.svg(860, 360),
              {"The consonants differ only in the direction of the formant glides right after the onset; the vowel is "
              "the same. (Drawn without noise; every training and test token has noise of standard deviation 0.3.)",
               "자음들은 시작점 직후 포먼트가 미끄러지는 방향만 다르고, 모음은 같다. (잡음 없이 그렸다. 학습과 시험의 모든 토큰에는 "
              "표준 편차 0.3의 잡음이 있다.)"});

  report.figure("TDNN parameters", static_cast<double>(r.tdnn_parameters));
  report.figure("MLP parameters", static_cast<double>(r.mlp_parameters));
  report.figure("TDNN accuracy, aligned", r.tdnn_aligned);
  report.figure("MLP accuracy, aligned", r.mlp_aligned);
  report.figure("TDNN accuracy, shifted by -3..+3", r.tdnn_shifted);
  report.figure("MLP accuracy, shifted by -3..+3", r.mlp_shifted);

  plot::LineChart by_shift;
  by_shift.title = "Accuracy when the sound starts earlier or later than in training";
  by_shift.x_label = "shift of the onset (frames)";
  by_shift.y_label = "test accuracy";
  by_shift.y_min = 0;
  by_shift.y_max = 1.02;
  plot::Series tdnn_line{"TDNN (515 weights)", {}, r.tdnn_by_shift, "", true, false};
  plot::Series mlp_line{"MLP 240-8-3 (" + std::to_string(r.mlp_parameters) + " weights)", {}, r.mlp_by_shift, "", true, false};
  for (int shift = -3; shift <= 3; ++shift) {
    tdnn_line.x.push_back(shift);
    mlp_line.x.push_back(shift);
  }
  by_shift.series = {tdnn_line, mlp_line};
  by_shift.reference_lines = {{1.0 / 3, "chance: 1/3"}};
  report.plot("accuracy_by_shift.svg", by_shift.svg(),
              {"Trained only at shift 0, the TDNN keeps its accuracy at every shift; the MLP falls towards chance.",
               "밀림 0에서만 학습했는데도 TDNN은 모든 밀림에서 정확도를 유지하고, MLP는 우연 수준으로 떨어진다."},
              by_shift.text(56, 10));

  plot::HeatMap layer1;
  layer1.title = "First TDNN layer on the /d/ token: 8 units x 13 positions";
  layer1.x_label = "position of the 3-frame window (frame of its first frame)";
  layer1.y_label = "unit";
  layer1.value_label = "tanh activation";
  layer1.rows = 8;
  layer1.cols = r.layer1_activations.size() / 8;
  layer1.values = r.layer1_activations;
  layer1.x_first = 0;
  layer1.x_last = static_cast<double>(layer1.cols - 1);
  layer1.y_first = 0;
  layer1.y_last = 7;
  report.plot("layer1.svg", layer1.svg(760, 360),
              {"The units respond where the glide is (windows around frames 3-7), whatever its absolute time.",
               "유닛들은 절대 시간이 언제든 미끄러짐이 있는 곳(프레임 3-7 주변의 윈도)에서 반응한다."});

  report.say({"The TDNN's units are feature detectors swept along time: the same 48 weights look at frames 0-2, 1-3, "
             "..., 12-14, and the second layer's evidence is averaged over all positions. Shifting the sound moves "
             "where the detectors fire, not whether they fire. The MLP has a separate weight for every (frame, "
             "channel) pair, so what it learned at frames 5-7 means nothing at frames 2-4. This is the convolution "
             "that image networks later made famous, applied to time; and its window is still fixed: 3 + 5 - 1 = 7 "
             "frames. Memory of unbounded length needs a state, which is where the next lessons go.",
              "TDNN의 유닛은 시간을 따라 쓸고 지나가는 특징 검출기다: 같은 48개의 가중치가 프레임 0-2, 1-3, ..., 12-14를 보고, "
             "두 번째 레이어의 증거는 모든 위치에 걸쳐 평균된다. 소리를 밀면 검출기가 반응하는 위치가 움직일 뿐, 반응 "
             "여부는 바뀌지 않는다. MLP는 (프레임, 채널) 쌍마다 따로 가중치를 가지므로, 프레임 5-7에서 배운 것이 "
             "프레임 2-4에서는 아무 의미가 없다. 이것은 훗날 이미지 신경망이 유명하게 만든 합성곱을 시간에 적용한 것이다. "
             "그리고 그 윈도는 여전히 고정되어 있다: 3 + 5 - 1 = 7 프레임. 길이에 제한이 없는 기억에는 상태가 필요하며, "
             "다음 레슨들이 그리로 간다."});
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson04
