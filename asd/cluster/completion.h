#pragma once
// Something a request's answer waits for besides the local work: the replicas' acks of a
// write, or the answer of the node a request was proxied to. Thread-safe; completes once,
// when every expected part has finished. A part that fails fails the whole (the client
// gets a timeout: the write may or may not have reached every copy, as with a real
// server whose replica stops answering).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace asd {

class Completion {
 public:
  explicit Completion(int parts) : pending_(parts) {}

  // One part finished.
  void finish(bool ok);
  // A proxied request's answer (whole protos): replaces the local answer.
  void finish_with_answer(std::string answer);
  // Runs `fn` once complete: at once when already complete, else on the finishing thread.
  void then(std::function<void()> fn);

  bool ok() const;
  bool has_answer() const;
  std::string take_answer();

 private:
  mutable std::mutex mu_;
  int pending_;
  bool ok_ = true;
  bool has_answer_ = false;
  std::string answer_;
  std::vector<std::function<void()>> then_;
};

using CompletionPtr = std::shared_ptr<Completion>;

// Runs `fn(all_ok)` once every completion is complete (at once for none).
void when_all(const std::vector<CompletionPtr>& parts, std::function<void(bool all_ok)> fn);

}  // namespace asd
