#pragma once
// Internal to udf/: one sandboxed Lua 5.4 state with one UDF module loaded.
//
// The sandbox:
//   - only the base, table, string, math and utf8 libraries; no os, io, debug or
//     package, and no load, loadfile, dofile or print;
//   - `require` finds only modules registered with udf-put;
//   - an allocator that refuses to grow the state past kMaxStateBytes, so a memory bomb
//     is an error in that call and not the node's memory;
//   - a count hook that ends a call past kMaxInstructions VM instructions, so a loop
//     cannot hold its record's partition forever.
// Every Lua API call that can raise an error runs inside a protected call: an
// unprotected error would abort the process.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct lua_State;

namespace asd::udf {

class UdfModules;

inline constexpr size_t kMaxStateBytes = 64u << 20;
inline constexpr uint64_t kMaxInstructions = 50'000'000;

class LuaState {
 public:
  // Builds the sandbox and runs `module`'s file (by name, without ".lua"). On failure
  // returns null and says why in *error (module not registered, or its top level
  // failed or ran past a limit).
  static std::unique_ptr<LuaState> open(const UdfModules& modules, std::string_view module, std::string* error);
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* L() const { return L_; }
  uint64_t generation() const { return generation_; }
  // Starts a call's instruction budget.
  void begin_call();
  // A call hit the memory or instruction limit: the state may hold its garbage or a
  // half-done global, so it is not used again.
  bool spent() const;

  struct Limits {
    size_t used = 0;
    uint64_t instructions = 0;
    bool exceeded = false;
  };

 private:
  LuaState() = default;
  lua_State* L_ = nullptr;
  uint64_t generation_ = 0;
  std::unique_ptr<Limits> limits_;
};

// Runs `fn(L, arg)` as a protected call; false with the error message in *error when
// it raised one. `fn` must keep its C++ objects in `arg`, not on its own stack.
bool protected_run(lua_State* L, int (*fn)(lua_State*), void* arg, std::string* error);

}  // namespace asd::udf
