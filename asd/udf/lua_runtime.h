#pragma once
// The Lua runtime that runs record UDFs (wire-protocol §10.2) for the transactions.
//
// Each service thread keeps its own cache of sandboxed states, one per module, so calls
// take no lock. A state built before any module changed (udf-put or udf-remove, here or
// through another node) is closed and built again on its next use, and so is one whose
// call hit the memory or instruction limit (lua_state.h).

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/msgpack.h"
#include "transaction/record_udf.h"

namespace asd::udf {

class UdfModules;
class LuaState;

class LuaRuntime final : public RecordUdfRunner {
 public:
  explicit LuaRuntime(const UdfModules& modules);
  ~LuaRuntime() override;

  UdfOutcome run(std::string_view module, std::string_view function, std::string_view args,
                 const UdfTarget& target) override;
  UdfOutcome run_stream(std::string_view module, std::string_view function, std::string_view args,
                        UdfRecordSource& source, UdfValueSink& sink) override;

 private:
  // This thread's state for `module`, loading it when missing or stale; null with the
  // reason in *error.
  LuaState* state_for(std::string_view module, std::string* error);
  void drop_state(std::string_view module);
  // The state for a call, or an outcome that says why there is none (args or module).
  LuaState* prepare(std::string_view module, std::string_view args, proto::msgpack::Value* argv, UdfOutcome* out);

  const UdfModules& modules_;
  const uint64_t id_;  // tells the runtimes of a process apart in the per-thread caches
};

}  // namespace asd::udf
