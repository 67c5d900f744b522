#pragma once
// The decoded form of an expression (internal to asd/base/exp): a table of nodes, each an
// operation code with its children's indexes, or a literal. Strings point into the
// program's own copy of the msgpack bytes.

#include <regex.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/exp/expression.h"

namespace asd::exp {

// Wire operation codes (the C client's as_exp.h).
enum Op : uint8_t {
  kUnknown = 0,
  kEq = 1, kNe = 2, kGt = 3, kGe = 4, kLt = 5, kLe = 6, kRegex = 7, kGeo = 8, kInList = 9,
  kAnd = 16, kOr = 17, kNot = 18, kExclusive = 19,
  kAdd = 20, kSub = 21, kMul = 22, kDiv = 23, kPow = 24, kLog = 25, kMod = 26, kAbs = 27,
  kFloor = 28, kCeil = 29, kToInt = 30, kToFloat = 31,
  kIntAnd = 32, kIntOr = 33, kIntXor = 34, kIntNot = 35, kIntLshift = 36, kIntRshift = 37,
  kIntArshift = 38, kIntCount = 39, kIntLscan = 40, kIntRscan = 41,
  kMin = 50, kMax = 51,
  kDigestModulo = 64, kDeviceSize = 65, kLastUpdate = 66, kSinceUpdate = 67, kVoidTime = 68,
  kTtl = 69, kSetName = 70, kKeyExists = 71, kIsTombstone = 72, kMemorySize = 73, kRecordSize = 74,
  kKey = 80, kBin = 81, kBinType = 82,
  kRemoveResult = 100, kMapKeys = 101, kMapValues = 102,
  kLoopVar = 122,
  kCond = 123, kVar = 124, kLet = 125, kQuote = 126, kCall = 127,
  kPathSelect = 254,  // not on the wire: a call whose op is SELECT (name: its raw op array)
  kLiteral = 255,  // not on the wire: a constant node
};

struct Val {
  Type type = Type::Unknown;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string_view s;  // Str, Blob, Geo (JSON text), Hll; List, Map and Raw: their msgpack

  static Val unknown() { return {}; }
  static Val boolean(bool v) { return {Type::Bool, v, 0, 0, {}}; }
  static Val integer(int64_t v) { return {Type::Int, false, v, 0, {}}; }
  static Val real(double v) { return {Type::Float, false, 0, v, {}}; }
  static Val bytes(Type t, std::string_view v) { return {t, false, 0, 0, v}; }
};

struct Regex {
  regex_t re{};
  bool compiled = false;
  ~Regex() {
    if (compiled) regfree(&re);
  }
};

struct Node {
  uint8_t op = kLiteral;
  Val literal;                  // kLiteral
  std::vector<uint32_t> kids;   // operand nodes, in order
  int64_t arg = 0;              // kBin/kKey: wanted type; kRegex: flags; kVar: slot; kCall: CDT op;
                                // kLoopVar: the part (0 key, 1 value, 2 index)
  std::string_view name;        // kBin, kBinType: bin name; kCall: the CDT context (msgpack), if any;
                                // kPathSelect: the op array [0xfe, context, flags, ...]
  uint8_t system = 0;           // kCall: 0 CDT, 1 bits, 2 HLL (| 0x40: modify a local copy)
  Type result = Type::Unknown;  // kCall, kPathSelect, kLoopVar: the type the client declared
  std::vector<uint32_t> slots;  // kLet: the slot each binding fills (kids: values..., result)
  std::unique_ptr<Regex> regex; // kRegex
};

struct Program {
  std::string bytes;        // the msgpack the string literals point into
  std::vector<Node> nodes;  // nodes[root] is evaluated
  uint32_t root = 0;
  uint32_t slots = 0;       // let variables
};

}  // namespace asd::exp
