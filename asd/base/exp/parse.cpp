// Expression::parse: msgpack -> node table (program.h). One pass, recursive to at most
// kMaxDepth levels; the first failure stops it (kBad propagates up) and becomes a
// Parameter error naming what was wrong.

#include <string>
#include <utility>

#include "base/exp/expression.h"
#include "base/exp/program.h"
#include "proto/cdt_codes.h"
#include "proto/msgpack.h"

namespace asd::exp {

namespace {

namespace mp = proto::msgpack;
using common::ResultCode;

constexpr uint32_t kBad = UINT32_MAX;
// The server's result types run to 11 (its internal remove-result type).
constexpr uint64_t kLastLoopVarType = 11;

// Operand counts (the array's length minus the op code): exact, or at least `min`.
struct Arity {
  uint8_t min;
  uint8_t max;  // 255: any number
};

bool arity_of(uint8_t op, Arity* a) {
  switch (op) {
    case kEq: case kNe: case kGt: case kGe: case kLt: case kLe: case kGeo: case kInList:
    case kPow: case kLog: case kMod: case kIntLshift: case kIntRshift: case kIntArshift:
    case kIntLscan: case kIntRscan:
      *a = {2, 2};
      return true;
    case kNot: case kAbs: case kFloor: case kCeil: case kToInt: case kToFloat: case kIntNot: case kIntCount:
    case kMapKeys: case kMapValues:
      *a = {1, 1};
      return true;
    case kAnd: case kOr: case kExclusive: case kAdd: case kSub: case kMul: case kDiv: case kIntAnd:
    case kIntOr: case kIntXor: case kMin: case kMax:
      *a = {1, 255};
      return true;
    case kUnknown: case kDeviceSize: case kLastUpdate: case kSinceUpdate: case kVoidTime: case kTtl:
    case kSetName: case kKeyExists: case kIsTombstone: case kMemorySize: case kRecordSize: case kRemoveResult:
      *a = {0, 0};
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  explicit Parser(Program& p) : p_(p), in_(p.bytes) {}

  // The root node, or kBad with error() saying why.
  uint32_t document() {
    uint32_t root = node(0);
    if (root != kBad && !in_.at_end()) return fail("trailing bytes after the expression");
    return root;
  }
  const std::string& error() const { return error_; }

 private:
  uint32_t fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return kBad;
  }

  uint32_t add(Node n) {
    if (p_.nodes.size() >= kMaxNodes) return fail("more than " + std::to_string(kMaxNodes) + " nodes");
    p_.nodes.push_back(std::move(n));
    return uint32_t(p_.nodes.size() - 1);
  }

  bool read_int(const char* what, int64_t* v) {
    if (in_.read_int(v)) return true;
    fail(std::string(what) + " must be an integer");
    return false;
  }

  // A name: a plain msgpack str (no Aerospike type byte).
  bool read_name(const char* what, std::string_view* s) {
    if (in_.peek() == mp::Type::Str && in_.read_str(s)) return true;
    fail(std::string(what) + " must be a string");
    return false;
  }

  uint32_t literal(Val v) {
    Node n;
    n.literal = v;
    return add(std::move(n));
  }

  uint32_t node(size_t depth) {
    if (depth > kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth));
    switch (in_.peek()) {
      case mp::Type::Array: return operation(depth);
      case mp::Type::Nil:
        in_.read_nil();
        return literal(Val::bytes(Type::Nil, {}));
      case mp::Type::Bool: {
        bool b = false;
        in_.read_bool(&b);
        return literal(Val::boolean(b));
      }
      case mp::Type::Int: {
        int64_t i;
        uint64_t u;
        if (in_.read_int(&i)) return literal(Val::integer(i));
        if (in_.read_uint(&u)) return literal(Val::integer(int64_t(u)));  // the C client's uint: same bits
        return fail("bad integer");
      }
      case mp::Type::Double: {
        double d;
        if (!in_.read_double(&d)) return fail("bad float");
        return literal(Val::real(d));
      }
      case mp::Type::Str: {
        std::string_view s;
        if (!in_.read_str(&s) || s.empty()) return fail("a string value needs its type byte");
        auto type = uint8_t(s[0]);
        s.remove_prefix(1);
        if (type == mp::kBytesString) return literal(Val::bytes(Type::Str, s));
        if (type == mp::kBytesGeoJson) return literal(Val::bytes(Type::Geo, s));
        if (type == mp::kBytesBlob) return literal(Val::bytes(Type::Blob, s));
        if (type == mp::kBytesHll) return literal(Val::bytes(Type::Hll, s));
        return fail("a string value of unknown type " + std::to_string(type));
      }
      case mp::Type::Map: {
        std::string_view span;
        if (!in_.skip(&span)) return fail("bad map value");
        return literal(Val::bytes(Type::Map, span));
      }
      case mp::Type::Ext: {
        std::string_view span;
        if (!in_.skip(&span)) return fail("bad ext value");
        return literal(Val::bytes(Type::Raw, span));  // wildcard / infinity, for CDT ranges
      }
      default: return fail("unexpected msgpack value");
    }
  }

  uint32_t operation(size_t depth) {
    uint32_t n = 0;
    in_.read_array_header(&n);
    if (n == 0) return fail("empty expression array");
    int64_t code = 0;
    if (!read_int("an operation code", &code)) return kBad;
    if (code < 0 || code > 255) return fail("unknown operation " + std::to_string(code));
    uint8_t op = uint8_t(code);
    uint32_t operands = n - 1;
    Node node;
    node.op = op;
    switch (op) {
      case kQuote: {
        if (operands != 1) return fail("quote takes one value");
        std::string_view span;
        bool list = in_.peek() == mp::Type::Array;
        if (!list) return this->node(depth + 1);
        if (!in_.skip(&span)) return fail("bad quoted list");
        return literal(Val::bytes(Type::List, span));
      }
      case kCall: return call(std::move(node), operands, depth);
      case kBin:
        if (operands != 2) return fail("bin takes a type and a name");
        if (!read_int("bin type", &node.arg) || !read_name("bin name", &node.name)) return kBad;
        return add(std::move(node));
      case kBinType:
        if (operands != 1) return fail("bin_type takes a name");
        if (!read_name("bin name", &node.name)) return kBad;
        return add(std::move(node));
      case kKey:
        if (operands != 1) return fail("key takes a type");
        if (!read_int("key type", &node.arg)) return kBad;
        return add(std::move(node));
      case kDigestModulo:
        if (operands != 1) return fail("digest_modulo takes a divisor");
        if (!read_int("digest_modulo divisor", &node.arg)) return kBad;
        node.arg = int32_t(node.arg);
        if (node.arg == 0) return fail("digest_modulo by zero");
        return add(std::move(node));
      case kRegex: return regex(std::move(node), operands, depth);
      case kVar: {
        if (operands != 1) return fail("var takes a name");
        std::string_view name;
        if (!read_name("var name", &name)) return kBad;
        for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
          if (it->first == name) {
            node.arg = it->second;
            return add(std::move(node));
          }
        }
        return fail("var '" + std::string(name) + "' is not defined by an enclosing let");
      }
      case kLet: return let(std::move(node), operands, depth);
      case kLoopVar: return loop_var(std::move(node), operands);
      case kCond:
        if (operands < 3 || operands % 2 == 0) return fail("cond takes condition/value pairs and a default");
        break;
      default: {
        Arity a;
        if (!arity_of(op, &a)) return fail("unknown operation " + std::to_string(op));
        if (operands < a.min || (a.max != 255 && operands > a.max)) {
          return fail("operation " + std::to_string(op) + " takes " + std::to_string(a.min) +
                      (a.max == a.min ? "" : " or more") + " operands, got " + std::to_string(operands));
        }
      }
    }
    for (uint32_t i = 0; i < operands; ++i) {
      uint32_t kid = this->node(depth + 1);
      if (kid == kBad) return kBad;
      node.kids.push_back(kid);
    }
    return add(std::move(node));
  }

  // [call, result type, system, op, bin expression]; op is [code, args...] or, with a
  // context, [0xff, context, [code, args...]]. The arguments are expressions.
  uint32_t call(Node node, uint32_t operands, size_t depth) {
    if (operands != 4) return fail("call takes a result type, a system, an operation and a bin");
    int64_t rtype = 0, system = 0;
    if (!read_int("call result type", &rtype) || !read_int("call system", &system)) return kBad;
    if (rtype < 0 || rtype > int64_t(Type::Hll)) return fail("bad call result type " + std::to_string(rtype));
    node.result = Type(rtype);
    if ((system & ~int64_t(0x40)) < 0 || (system & ~int64_t(0x40)) > 2) return fail("unknown call system");
    node.system = uint8_t(system);
    uint32_t n = 0;
    mp::Reader op_start = in_;
    if (in_.peek() != mp::Type::Array || !in_.read_array_header(&n) || n == 0) return fail("call needs an operation array");
    int64_t code = 0;
    if (!read_int("call operation code", &code)) return kBad;
    if (uint64_t(code) == proto::cdt::kSelect) return path_select(std::move(node), op_start, depth);
    if (code == 0xff) {
      if (n != 3) return fail("a call context is [0xff, context, operation]");
      std::string_view ctx;
      if (in_.peek() != mp::Type::Array || !in_.skip(&ctx)) return fail("bad call context");
      node.name = ctx;
      if (in_.peek() != mp::Type::Array || !in_.read_array_header(&n) || n == 0) return fail("call needs an operation array");
      if (!read_int("call operation code", &code)) return kBad;
    }
    if (code < 0 || code > 255) return fail("bad CDT operation code " + std::to_string(code));
    node.arg = code;
    for (uint32_t k = 1; k < n; ++k) {
      uint32_t kid = this->node(depth + 1);
      if (kid == kBad) return kBad;
      node.kids.push_back(kid);
    }
    uint32_t bin = this->node(depth + 1);
    if (bin == kBad) return kBad;
    node.kids.push_back(bin);
    return add(std::move(node));
  }

  // [call, type, system, [0xfe, context, flags(, modify expression)], bin]. As in the
  // server, only the op array's shape is checked here: the context, the flags and the
  // modify expression are the CDT layer's to read, when the call runs.
  uint32_t path_select(Node node, mp::Reader op_start, size_t depth) {
    in_ = op_start;
    std::string_view op;
    mp::Reader shape = in_;
    uint32_t n = 0;
    uint64_t code = 0;
    if (!shape.read_array_header(&n) || n < 3 || n > 4 || !shape.read_uint(&code) ||
        shape.peek() != mp::Type::Array || !shape.skip() || shape.peek() != mp::Type::Int || !shape.skip() ||
        (n == 4 && !shape.skip())) {
      return fail("a path call is [0xfe, context, flags, modify expression]");
    }
    in_.skip(&op);
    node.op = kPathSelect;
    node.name = op;
    uint32_t bin = this->node(depth + 1);
    if (bin == kBad) return kBad;
    node.kids.push_back(bin);
    return add(std::move(node));
  }

  // [loop_var, type, part]: the part is 0 key, 1 value or 2 index (an integer, so only
  // type int may read it). Types past HLL parse, as in the server, but match nothing.
  uint32_t loop_var(Node node, uint32_t operands) {
    uint64_t type = 0, part = 0;
    if (operands != 2 || !in_.read_uint(&type) || !in_.read_uint(&part)) {
      return fail("loop_var takes a type and a part");
    }
    if (type > kLastLoopVarType || part > 2) return fail("bad loop_var type or part");
    if (part == 2 && type != uint64_t(Type::Int)) return fail("a loop_var index is an integer");
    node.result = type <= uint64_t(Type::Hll) ? Type(type) : Type::Unknown;
    node.arg = int64_t(part);
    return add(std::move(node));
  }

  uint32_t regex(Node node, uint32_t operands, size_t depth) {
    if (operands != 3) return fail("regex takes flags, a pattern and a string");
    int64_t flags = 0;
    std::string_view text;
    if (!read_int("regex flags", &flags) || !read_name("regex pattern", &text)) return kBad;
    std::string pattern(text);
    // The clients' flags (as_regex_flags): 1 extended, 2 icase, 4 nosub, 8 newline.
    int cflags = REG_NOSUB;
    if (flags & 1) cflags |= REG_EXTENDED;
    if (flags & 2) cflags |= REG_ICASE;
    if (flags & 8) cflags |= REG_NEWLINE;
    node.regex = std::make_unique<Regex>();
    if (regcomp(&node.regex->re, pattern.c_str(), cflags) != 0) return fail("regex does not compile: " + pattern);
    node.regex->compiled = true;
    uint32_t kid = this->node(depth + 1);
    if (kid == kBad) return kBad;
    node.kids.push_back(kid);
    return add(std::move(node));
  }

  // [let, name1, value1, ..., result]: each binding sees the ones before it.
  uint32_t let(Node node, uint32_t operands, size_t depth) {
    if (operands < 3 || operands % 2 == 0) return fail("let takes name/value pairs and a result");
    size_t outer = scope_.size();
    for (uint32_t i = 0; i + 1 < operands; i += 2) {
      std::string_view name;
      if (!read_name("let name", &name)) return kBad;
      uint32_t value = this->node(depth + 1);
      if (value == kBad) return kBad;
      node.kids.push_back(value);
      node.slots.push_back(p_.slots);
      scope_.emplace_back(name, p_.slots++);
    }
    uint32_t result = this->node(depth + 1);
    if (result == kBad) return kBad;
    node.kids.push_back(result);
    scope_.resize(outer);
    return add(std::move(node));
  }

  Program& p_;
  mp::Reader in_;
  std::vector<std::pair<std::string_view, uint32_t>> scope_;
  std::string error_;
};

}  // namespace

common::Result<Expression> Expression::parse(std::string_view msgpack) {
  auto program = std::make_unique<Program>();
  program->bytes.assign(msgpack);  // literals point into this copy; Program never moves it
  Parser parser(*program);
  program->root = parser.document();
  if (program->root == kBad) {
    return common::Error{ResultCode::Parameter,
                         "filter expression: " + parser.error()};
  }
  return Expression(std::move(program));
}

common::Result<ExpOp> parse_op(std::string_view payload, bool modify) {
  mp::Reader in(payload);
  uint32_t n = 0;
  std::string_view program;
  if (!in.read_array_header(&n) || n == 0 || n > 2 || !in.skip(&program)) {
    return common::Error{ResultCode::Parameter, "expression op: expected [expression, flags]"};
  }
  uint64_t flags = 0;
  if (n == 2 && !in.read_uint(&flags)) return common::Error{ResultCode::Parameter, "expression op: bad flags"};
  uint64_t allowed = modify ? (kExpCreateOnly | kExpUpdateOnly | kExpAllowDelete | kExpPolicyNoFail | kExpEvalNoFail)
                            : kExpEvalNoFail;
  if (flags & ~allowed) return common::Error{ResultCode::Parameter, "expression op: flags not allowed here"};
  auto expression = Expression::parse(program);
  if (!expression) return expression.error();
  return ExpOp{std::move(*expression), flags};
}

namespace {

// What a node evaluates to when it is known before evaluation (as the server computes an
// expression's type when it builds it); Unknown when it depends on the record.
Type static_type(const Program& p, uint32_t index) {
  const Node& n = p.nodes[index];
  switch (n.op) {
    case kLiteral: return n.literal.type;
    case kBin: case kKey: return n.arg >= 0 && n.arg <= int64_t(Type::Hll) ? Type(n.arg) : Type::Unknown;
    case kCall: case kPathSelect: case kLoopVar: return n.result;
    case kMapKeys: case kMapValues: return Type::List;
    case kRemoveResult: return Type::Unknown;
    case kEq: case kNe: case kGt: case kGe: case kLt: case kLe: case kRegex: case kGeo: case kInList:
    case kAnd: case kOr: case kNot: case kExclusive: case kKeyExists: case kIsTombstone:
      return Type::Bool;
    case kAdd: case kSub: case kMul: case kDiv: case kAbs: case kFloor: case kCeil: case kMin: case kMax:
      return n.kids.empty() ? Type::Unknown : static_type(p, n.kids[0]);
    case kPow: case kLog: case kToFloat: return Type::Float;
    case kSetName: return Type::Str;
    case kCond: return n.kids.size() < 2 ? Type::Unknown : static_type(p, n.kids[1]);
    case kLet: return static_type(p, n.kids.back());
    case kVar:
      for (const Node& let : p.nodes) {
        for (size_t k = 0; k < let.slots.size(); ++k) {
          if (int64_t(let.slots[k]) == n.arg) return static_type(p, let.kids[k]);
        }
      }
      return Type::Unknown;
    case kUnknown: return Type::Unknown;
    default: return Type::Int;  // the remaining operations all produce integers
  }
}

}  // namespace

Type Expression::result_type() const { return static_type(*program_, program_->root); }

Expression::Expression(std::unique_ptr<Program> program) : program_(std::move(program)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

}  // namespace asd::exp
