// Switches that change how ops behave on this thread: gradient recording and anomaly detection.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

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

// Says where the ops recorded while it is alive come from, for anomaly messages: AnomalyScope("time step", 37).
// With anomaly detection on, every node remembers the scopes open when it was recorded, outermost first
// ("training step 12, time step 37"), and an AnomalyError names them: the place the first NaN or Inf appeared,
// not only the op. With anomaly detection off it does nothing, so loops can open one per step at no cost.
class AnomalyScope {
 public:
  AnomalyScope(const char* what, std::size_t index);
  ~AnomalyScope();
  AnomalyScope(const AnomalyScope&) = delete;
  AnomalyScope& operator=(const AnomalyScope&) = delete;

 private:
  bool opened_;
};

// The open scopes, outermost first ("training step 12, time step 37"); empty when none is open.
std::string anomaly_scopes();

class AnomalyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rnnlab
