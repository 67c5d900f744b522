#include "common/loop_end.h"

namespace common {

namespace {
thread_local LoopEnd::Post t_post;
}

void LoopEnd::install(Post post) { t_post = std::move(post); }

void LoopEnd::uninstall() { t_post = nullptr; }

bool LoopEnd::defer(std::function<void()>& fn) {
  if (!t_post) return false;
  t_post(std::move(fn));
  return true;
}

}  // namespace common
