#pragma once
// Aerospike expressions (wire-protocol.md §5.8): the msgpack program clients send as a
// filter (field 43), decoded once per request into a node table and evaluated per record
// without allocating.
//
// What is evaluated: literals (nil, bool, int, float, string, blob, GeoJSON, quoted lists
// and maps), comparisons (eq, ne, gt, ge, lt, le, regex, geo, in-list), and/or/not/
// exclusive, arithmetic (add, sub, mul, div, pow, log, mod, abs, floor, ceil, to-int,
// to-float, min, max), integer bit operations (and, or, xor, not, lshift, rshift, arshift,
// count, lscan, rscan), record metadata (digest-modulo, device/memory/record size,
// last-update, since-update, void-time, ttl, set-name, key-exists, is-tombstone), the key,
// bins and bin types, cond, let/var and unknown, and calls (op 127): list/map (system 0,
// through asd/base/cdt, with contexts), bit (system 1, asd/base/bits) and HLL (system 2,
// asd/base/hll) reads, and modify ops on a local copy (flag 0x40), with arguments that
// are themselves expressions.
//
// Path operations (server 8.1): a call whose op is SELECT ([0xfe, context, flags,
// modify expression]) hands its operands to asd/base/cdt unevaluated, the way the server
// does; the context's filters and the modify expression are programs of their own, run
// per element with loop variables (op 122: key, value, index), and a modify expression
// may answer remove-result (op 100). map_keys / map_values (101, 102) list a map's keys
// or values in stored order.
//
// Values carry a type; a bin or key of another type, a missing bin, a type mismatch in an
// operation, an integer division by zero and `unknown` itself evaluate to "unknown", which
// propagates (and/or use three-valued logic). As a filter, only true passes: false and
// unknown filter the record out (result 27).
//
// Bad programs (unknown op, wrong arity, a bad literal, a name that is not a string, a var
// outside its let, nesting deeper than kMaxDepth, more than kMaxNodes nodes, a regex that
// does not compile, an unknown call system) are Parameter (4) at parse time, never a crash.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "common/result.h"

namespace proto::msgpack {
struct Value;
}

namespace asd::exp {

inline constexpr size_t kMaxDepth = 64;
inline constexpr size_t kMaxNodes = 4096;

// What an expression may read of one record.
struct RecordView {
  const Record* record = nullptr;
  const common::Digest* digest = nullptr;
  std::string_view set_name;
  uint64_t device_size = 0;  // bytes on the device; 0 for memory namespaces
  uint64_t memory_size = 0;  // bytes of data held in memory
  uint64_t now_ms = 0;       // ms since the CL epoch (2010-01-01)
};

struct Program;

// Value types, numbered as the wire's expression types (AS_EXP_TYPE_*) where they exist.
// Raw: a literal only a CDT call's arguments take (wildcard, infinity: msgpack ext).
// Remove: remove-result, which only a path modify expression may yield.
enum class Type : uint8_t { Nil = 0, Bool = 1, Int = 2, Str = 3, List = 4, Map = 5, Blob = 6, Float = 7, Geo = 8,
                            Hll = 9, Remove = 98, Raw = 99, Unknown = 100 };

// Loop variables of path operations: the element a context filter or a modify expression
// is evaluated on. A part left unset (a list element's key, a map entry's index) reads as
// unknown, as every loop variable does outside a path operation.
struct LoopVars {
  const proto::msgpack::Value* key = nullptr;    // a map entry's key
  const proto::msgpack::Value* value = nullptr;  // a list element, or a map entry's value
  std::optional<int64_t> index;                  // a list element's position
};

enum class Truth : uint8_t { False, True, Unknown };

// What a modify expression makes of one element.
enum class ElementResult : uint8_t { Value, Remove, Unknown };


// A value as a bin holds it: particle type and stored bytes (0 and empty for nil).
struct Particle {
  uint8_t type = 0;
  std::string value;
};

class Expression {
 public:
  static common::Result<Expression> parse(std::string_view msgpack);

  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  // True only when the program evaluates to boolean true for this record.
  bool matches(const RecordView& view) const;
  // The program's value as a bin particle; false when it evaluates to unknown.
  bool evaluate(const RecordView& view, Particle* out) const;
  // The type the program yields, known from its shape (a bin read's declared type, a
  // call's result type, a comparison's boolean...): what an expression index checks
  // against its type at creation. Type::Unknown when it depends on the record.
  Type result_type() const;

  // Path operations evaluate without a record (bins read as unknown), on loop variables.
  // filter(): a boolean result decides, unknown stays unknown, any other value is false.
  Truth filter(const LoopVars& vars) const;
  // element_value(): the replacement for the element (*out), remove-result, or unknown
  // (also for values no element can hold).
  ElementResult element_value(const LoopVars& vars, proto::msgpack::Value* out) const;

 private:
  explicit Expression(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

// The expression operations of operate (EXP_READ 7, EXP_MODIFY 8): payload
// `[expression, flags]`.
inline constexpr uint64_t kExpCreateOnly = 1;
inline constexpr uint64_t kExpUpdateOnly = 2;
inline constexpr uint64_t kExpAllowDelete = 4;
inline constexpr uint64_t kExpPolicyNoFail = 8;
inline constexpr uint64_t kExpEvalNoFail = 16;

struct ExpOp {
  Expression expression;
  uint64_t flags = 0;
};

// Parameter for a payload that is not a 1- or 2-element list, flags outside those a read
// (eval-no-fail) or a modify takes, or a malformed expression.
common::Result<ExpOp> parse_op(std::string_view payload, bool modify);

}  // namespace asd::exp
