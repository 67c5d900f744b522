#include "cluster/completion.h"

#include <atomic>

namespace asd {

void Completion::finish(bool ok) {
  std::vector<std::function<void()>> run;
  {
    std::lock_guard lock(mu_);
    if (pending_ == 0) return;
    if (!ok) ok_ = false;
    if (--pending_ > 0) return;
    run.swap(then_);
  }
  for (auto& fn : run) fn();
}

void Completion::finish_with_answer(std::string answer) {
  {
    std::lock_guard lock(mu_);
    if (pending_ == 0) return;
    answer_ = std::move(answer);
    has_answer_ = true;
  }
  finish(true);
}

void Completion::then(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (pending_ > 0) {
      then_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

bool Completion::ok() const {
  std::lock_guard lock(mu_);
  return ok_;
}

bool Completion::has_answer() const {
  std::lock_guard lock(mu_);
  return has_answer_;
}

std::string Completion::take_answer() {
  std::lock_guard lock(mu_);
  return std::move(answer_);
}

void when_all(const std::vector<CompletionPtr>& parts, std::function<void(bool all_ok)> fn) {
  if (parts.empty()) return fn(true);
  struct State {
    std::atomic<size_t> left;
    std::atomic<bool> ok{true};
    std::function<void(bool)> fn;
  };
  auto state = std::make_shared<State>();
  state->left = parts.size();
  state->fn = std::move(fn);
  for (const CompletionPtr& c : parts) {
    c->then([state, c] {
      if (!c->ok()) state->ok = false;
      if (state->left.fetch_sub(1) == 1) state->fn(state->ok.load());
    });
  }
}

}  // namespace asd
