#pragma once

#include <chrono>
#include <thread>

namespace support {

template <typename Pred>
bool eventually(Pred pred, int timeout_ms, int interval_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
}

template <typename Pred>
bool eventually(Pred pred, int timeout_ms) {
  return eventually(pred, timeout_ms, 20);
}

}  // namespace support
