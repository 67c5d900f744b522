// asbench: a load generator in the spirit of Aerospike's asbench.
//
//   asbench -h 127.0.0.1 -p 3000 -n test -s testset -k 100000 -o S100 -w RU,50 -z 50 -t 10
//
// Workloads: I (insert keys start..start+k-1 once each) or RU,<read pct> (random keys,
// reads of all bins vs. whole-record writes). At the end it prints ops/s, latency
// percentiles and errors by result code (or one JSON line with --json). -h/-p is the
// seed: its peers are found at start and each key goes to its partition's master.

#include <iostream>

#include "options.h"
#include "report.h"
#include "workload.h"

int main(int argc, char** argv) {
  asbench::Options options;
  if (auto exit_code = asbench::parse_options(argc, argv, &options)) return *exit_code;
  std::string error;
  auto result = asbench::run_workload(options, &error);
  if (!result) {
    std::cerr << "asbench: " << error << '\n';
    return 1;
  }
  if (options.json) asbench::print_json(options, *result, std::cout);
  else asbench::print_text(options, *result, std::cout);
  return 0;
}
