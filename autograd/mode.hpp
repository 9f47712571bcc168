// Switches that change how ops behave on this thread: gradient recording and anomaly detection.
#pragma once

#include <stdexcept>

namespace rnnlab {

// Whether ops record the graph (true unless a NoGradGuard is alive on this thread).
bool grad_enabled();

// Turns graph recording off for its lifetime: ops compute values only, and their results require no grad.
// Use it for evaluation and for optimizer updates. Restores the previous state when it ends.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Whether anomaly detection is on (a DetectAnomalyGuard is alive on this thread).
bool anomaly_enabled();

// While alive, every op's forward result and every gradient its backward produces is checked for NaN and Inf;
// the first one found throws AnomalyError naming the op. Slow (one extra pass over every tensor): for debugging.
class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard();
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_;
};

class AnomalyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rnnlab
