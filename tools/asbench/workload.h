#pragma once
// The load engine: N connections spread over a few event-loop threads (one io_context
// each), every connection with one request in flight. Requests are prebuilt templates with
// the key's digest patched in, so the client side spends almost no CPU per operation (the
// benchmark shares two cores with the server it measures).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "histogram.h"
#include "options.h"

namespace asbench {

struct Stats {
  Histogram read_latency;
  Histogram write_latency;
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t not_found = 0;  // reads of absent keys: counted, not errors
  uint64_t network_errors = 0;
  std::array<uint64_t, 256> errors{};  // by result code

  void merge(const Stats& other);
  uint64_t error_count() const;
};

struct RunResult {
  Stats stats;
  double elapsed_s = 0;
  size_t nodes = 1;  // nodes the requests were spread over
  // Opening every connection before the run (TCP connect, and the TLS handshake with
  // --tls-enable): connections opened and the wall time it took.
  size_t connections = 0;
  double connect_s = 0;
};

// Connects every connection, runs until the workload ends (duration, transaction count, or
// all keys inserted), and drains in-flight requests. Blocks; prints per-second progress to
// stderr unless quiet. nullopt with *error set when the server cannot be reached.
std::optional<RunResult> run_workload(const Options& options, std::string* error);

}  // namespace asbench
