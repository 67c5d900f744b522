#pragma once
// asbench command line: what to run, against what, for how long.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "login_flags/login_flags.h"
#include "tls_flags/tls_flags.h"

namespace asbench {

// One bin of the object spec: S<bytes> string, I integer, B<bytes> blob.
struct BinSpec {
  char kind = 'I';
  size_t size = 8;
};

enum class Workload { LinearInsert, RandomReadUpdate };

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::string ns = "test";
  std::string set = "testset";
  uint64_t keys = 100000;
  uint64_t start_key = 0;
  std::string object_spec = "I";
  std::vector<BinSpec> bins;
  std::string workload_spec = "RU,50";
  Workload workload = Workload::RandomReadUpdate;
  int read_pct = 50;
  uint32_t connections = 16;
  uint32_t threads = 1;  // event-loop threads, each with its own io_context
  uint32_t duration_s = 10;
  bool duration_given = false;  // -t on the command line: it also bounds I and --transactions
  uint64_t transactions = 0;  // 0: run for duration_s
  uint32_t timeout_ms = 1000;
  bool latency = false;  // more percentiles, reads and writes apart
  bool json = false;
  bool quiet = false;
  bool compressible = false;  // S and B bins hold words (like text), not random letters
  tools::TlsFlags tls;        // --tls-*: every connection over TLS
  tools::LoginFlags login;    // -U/-P: every connection admitted under a login per node
};

// "S100,I,B32" -> bins; nullopt on a bad spec.
std::optional<std::vector<BinSpec>> parse_object_spec(const std::string& spec);
// "I" or "RU,<read pct>"; false on a bad spec.
bool parse_workload(const std::string& spec, Workload* workload, int* read_pct);

// Parses argv; returns the exit code to use when the program should stop (help, error).
std::optional<int> parse_options(int argc, char** argv, Options* out);

}  // namespace asbench
