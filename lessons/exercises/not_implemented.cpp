#include <string>

#include "lessons/exercises/exercises.hpp"

namespace rnnlab::exercises {

NotImplemented::NotImplemented(int exercise)
    : std::logic_error("not implemented yet: exercise " + std::to_string(exercise)) {}

}  // namespace rnnlab::exercises
