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
#include <string>
#include <string_view>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "common/result.h"

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
enum class Type : uint8_t { Nil = 0, Bool = 1, Int = 2, Str = 3, List = 4, Map = 5, Blob = 6, Float = 7, Geo = 8,
                            Hll = 9, Raw = 99, Unknown = 100 };


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
