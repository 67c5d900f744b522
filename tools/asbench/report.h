#pragma once
// The end-of-run summary: text for people, one-line JSON for scripts (bench/kv/run).

#include <ostream>

#include "options.h"
#include "workload.h"

namespace asbench {

void print_text(const Options& options, const RunResult& result, std::ostream& out);
void print_json(const Options& options, const RunResult& result, std::ostream& out);

}  // namespace asbench
