// HLL op entry point: payload parsing, the create/update/no-fail flags, and each op's
// bit-count rules and result, in the order particle_hll.c checks them (op code, then
// the bin, then the arguments, then the flags, then the op's own preconditions), so the
// same bad request gets the same code here as there.

#include "base/hll.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <vector>

#include "base/hll_estimate.h"
#include "base/hll_sketch.h"
#include "common/bytes.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

namespace asd::base {

namespace {

using common::ResultCode;
using hll::Sketch;
using hll::SketchView;
using proto::msgpack::Reader;
using proto::msgpack::Writer;

// Op codes (as_hll_operations.h / the server's as_hll_op_type).
enum : uint64_t {
  kInit = 0,
  kAdd = 1,
  kSetUnion = 2,
  kRefreshCount = 3,
  kFold = 4,
  kCount = 50,
  kGetUnion = 51,
  kUnionCount = 52,
  kIntersectCount = 53,
  kSimilarity = 54,
  kDescribe = 55,
  kMayContain = 56,
};

enum : uint64_t {
  kCreateOnly = 1,
  kUpdateOnly = 2,
  kNoFail = 4,
  kAllowFold = 8,
};

// Bit counts an op left out (sent as -1, or not sent at all).
constexpr uint8_t kUnset = 0xff;

enum class Arg : uint8_t { IndexBits, MinhashBits, Flags, Elements, Sketches, SketchesIntersect };

// One row of the server's op tables: the arguments in order (trailing ones optional down
// to min_args) and the flags the op accepts.
struct OpDef {
  uint64_t code;
  uint32_t min_args;
  std::vector<Arg> args;
  uint64_t flags = 0;
};

const OpDef* find_op(uint64_t code, bool is_modify) {
  using A = Arg;
  static const std::array<OpDef, 5> modify_ops = {{
      {kInit, 0, {A::IndexBits, A::MinhashBits, A::Flags}, kCreateOnly | kUpdateOnly | kNoFail},
      {kAdd, 1, {A::Elements, A::IndexBits, A::MinhashBits, A::Flags}, kCreateOnly | kNoFail},
      {kSetUnion, 1, {A::Sketches, A::Flags}, kCreateOnly | kUpdateOnly | kAllowFold | kNoFail},
      {kRefreshCount, 0, {}},
      {kFold, 1, {A::IndexBits}},
  }};
  static const std::array<OpDef, 7> read_ops = {{
      {kCount, 0, {}},
      {kGetUnion, 1, {A::Sketches}},
      {kUnionCount, 1, {A::Sketches}},
      {kIntersectCount, 1, {A::SketchesIntersect}},
      {kSimilarity, 1, {A::SketchesIntersect}},
      {kDescribe, 0, {}},
      {kMayContain, 1, {A::Elements}},
  }};
  if (is_modify) return code < modify_ops.size() ? &modify_ops[code] : nullptr;
  return code >= kCount && code - kCount < read_ops.size() ? &read_ops[code - kCount] : nullptr;
}

struct ParsedOp {
  uint8_t index_bits = kUnset;
  uint8_t minhash_bits = kUnset;
  uint64_t flags = 0;
  std::vector<std::string> elements;  // compacted msgpack, as hashed
  std::vector<SketchView> sketches;   // views into the payload
};

// Any msgpack integer as its 64-bit pattern, as msgpack_get_uint64 reads it (so -1 is
// 0xffff...).
bool read_bits(Reader* r, uint64_t* v) {
  int64_t i;
  if (r->read_uint(v)) return true;
  if (!r->read_int(&i)) return false;
  *v = uint64_t(i);
  return true;
}

bool starts_container(const Reader& r) {
  return r.peek() == proto::msgpack::Type::Array || r.peek() == proto::msgpack::Type::Map;
}

// msgpack_compactify on a scalar: integers and str/ext headers re-packed in their
// smallest form. Its quirks are kept, since they decide the hash: a bin-family blob is
// rewritten as str only when it fits a smaller header, and ext8 is shrunk only to fixext.
std::string compact_element(std::string_view element) {
  Reader r(element);
  std::string out;
  Writer w(&out);
  uint8_t b = uint8_t(element[0]);
  uint64_t u;
  int64_t i;
  std::string_view data;
  uint8_t ext_type;
  if (b >= 0xcc && b <= 0xcf && r.read_uint(&u)) {
    w.uinteger(u);
  } else if (b >= 0xd0 && b <= 0xd3 && r.read_int(&i)) {
    w.integer(i);
  } else if (b >= 0xd9 && b <= 0xdb && r.read_str(&data)) {
    w.raw_str(data);
  } else if (b >= 0xc4 && b <= 0xc6 && r.read_str(&data) &&
             data.size() <= (b == 0xc4 ? 31u : b == 0xc5 ? 0xffu : 0xffffu)) {
    w.raw_str(data);
  } else if (b >= 0xc7 && b <= 0xc9 && r.read_ext(&ext_type, &data) &&
             (b == 0xc7 ? data.size() != 0 && data.size() <= 16 && std::has_single_bit(data.size())
                        : data.size() <= (b == 0xc8 ? 0xffu : 0xffffu))) {
    w.ext(ext_type, data);
  } else {
    out.assign(element);
  }
  return out;
}

bool parse_elements(Reader* r, ParsedOp* op) {
  uint32_t n;
  if (!r->read_array_header(&n) || n == 0) return false;
  op->elements.reserve(std::min<size_t>(n, r->remaining().size()));
  for (uint32_t k = 0; k < n; ++k) {
    std::string_view element;
    // Lists and maps are refused: their encodings are not canonical enough to hash.
    if (starts_container(*r) || !r->skip(&element)) return false;
    op->elements.push_back(compact_element(element));
  }
  return true;
}

// One sketch as a client sends it: a blob whose first byte (the Aerospike bytes type) is
// ignored. Bit counts are checked one by one, not combined, as the server does.
bool parse_sketch(Reader* r, ParsedOp* op) {
  std::string_view blob;
  if (!r->read_str(&blob) || blob.size() < hll::kHeaderSize + 1) return false;
  std::string_view bytes = blob.substr(1);
  if (bytes[0] != 0 || !hll::well_sized(bytes)) return false;
  op->sketches.emplace_back(bytes);
  return true;
}

bool parse_sketches(Reader* r, ParsedOp* op, bool for_intersect) {
  uint32_t n = 1;  // a lone blob is a list of one
  if (r->peek() == proto::msgpack::Type::Array && (!r->read_array_header(&n) || n == 0)) {
    return false;
  }
  op->sketches.reserve(std::min<size_t>(n, r->remaining().size()));
  for (uint32_t k = 0; k < n; ++k) {
    if (!parse_sketch(r, op)) return false;
  }
  // Beyond two sketches only the minhash estimate can intersect, so all need it.
  if (!for_intersect || n <= 2) return true;
  uint8_t minhash_bits = op->sketches[0].minhash_bits();
  if (minhash_bits == 0) return false;
  for (const SketchView& s : op->sketches) {
    if (s.minhash_bits() != minhash_bits) return false;
  }
  return true;
}

bool parse_arg(Reader* r, Arg arg, const OpDef& def, ParsedOp* op) {
  uint64_t v;
  switch (arg) {
    case Arg::IndexBits:
      if (!read_bits(r, &v) || (v != ~uint64_t(0) && !hll::valid_index_bits(v))) return false;
      op->index_bits = uint8_t(v);
      return true;
    case Arg::MinhashBits:
      if (!read_bits(r, &v)) return false;
      if (v != ~uint64_t(0)) {
        if (!hll::valid_minhash_bits(v)) return false;
        if (op->index_bits != kUnset && !hll::valid_bits(op->index_bits, v)) return false;
      }
      op->minhash_bits = uint8_t(v);
      return true;
    case Arg::Flags:
      if (!read_bits(r, &op->flags) || (op->flags & ~def.flags) != 0) return false;
      return (op->flags & (kCreateOnly | kUpdateOnly)) != (kCreateOnly | kUpdateOnly);
    case Arg::Elements:
      return parse_elements(r, op);
    case Arg::Sketches:
      return parse_sketches(r, op, false);
    case Arg::SketchesIntersect:
      return parse_sketches(r, op, true);
  }
  return false;
}

bool parse_args(Reader* r, const OpDef& def, uint32_t n_args, ParsedOp* op) {
  if (n_args < def.min_args || n_args > def.args.size()) return false;
  for (uint32_t k = 0; k < n_args; ++k) {
    if (!parse_arg(r, def.args[k], def, op)) return false;
  }
  return true;
}

// hll_verify_bin: another type is the caller's mistake; a malformed HLL bin is the
// server's own corruption, hence the generic error.
ResultCode verify_bin(const BinValue& bin) {
  if (bin.particle != uint8_t(proto::ParticleType::Hll)) return ResultCode::IncompatibleType;
  return hll::valid_sketch(bin.bytes) ? ResultCode::Ok : ResultCode::ServerError;
}

BinValue int_result(uint64_t v) {
  BinValue out{uint8_t(proto::ParticleType::Integer), {}};
  common::append_be64(out.bytes, v);
  return out;
}

BinValue double_result(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  BinValue out{uint8_t(proto::ParticleType::Float), {}};
  common::append_be64(out.bytes, bits);
  return out;
}

BinValue sketch_bin(Sketch sketch) {
  return {uint8_t(proto::ParticleType::Hll), sketch.release()};
}

// set_union writes the union's own bit counts (compatible_bits over the sketches and
// the bin). Without allow-fold those must be the bin's: it may not lose index bits, nor
// minhash bits the incoming sketches do not share.
ResultCode check_union_bits(const ParsedOp& op, const std::optional<SketchView>& old) {
  if (!old || (op.flags & kAllowFold) != 0) return ResultCode::Ok;
  hll::Bits incoming = hll::compatible_bits(op.sketches);
  if (old->index_bits() > incoming.index) return ResultCode::OpNotApplicable;
  if (old->minhash_bits() != 0 && old->minhash_bits() != incoming.minhash) {
    return ResultCode::OpNotApplicable;
  }
  return ResultCode::Ok;
}

// The bit counts init and add write with. Creating needs the index bits; on an existing
// bin init fills in what it was not given from the bin, and add always keeps the bin's.
ResultCode settle_bits(uint64_t code, ParsedOp& op, const std::optional<SketchView>& old) {
  if (!old) {
    if (op.index_bits == kUnset) return ResultCode::OpNotApplicable;
    if (op.minhash_bits == kUnset) op.minhash_bits = 0;
    return ResultCode::Ok;
  }
  if (code == kAdd || op.index_bits == kUnset) op.index_bits = old->index_bits();
  if (code == kAdd || op.minhash_bits == kUnset) op.minhash_bits = old->minhash_bits();
  return hll::valid_bits(op.index_bits, op.minhash_bits) ? ResultCode::Ok
                                                         : ResultCode::OpNotApplicable;
}

ResultCode modify(uint64_t code, ParsedOp& op, const std::optional<SketchView>& old,
                  CdtOutcome* out) {
  if (old && (op.flags & kCreateOnly) != 0) {
    return (op.flags & kNoFail) != 0 ? ResultCode::Ok : ResultCode::BinExists;
  }
  if (!old && (op.flags & kUpdateOnly) != 0) {
    return (op.flags & kNoFail) != 0 ? ResultCode::Ok : ResultCode::BinNotFound;
  }
  if ((code == kRefreshCount || code == kFold) && !old) return ResultCode::BinNotFound;
  std::optional<Sketch> result;
  switch (code) {
    case kInit:
      if (ResultCode rc = settle_bits(code, op, old); rc != ResultCode::Ok) return rc;
      result.emplace(op.index_bits, op.minhash_bits);
      break;
    case kAdd: {
      if (ResultCode rc = settle_bits(code, op, old); rc != ResultCode::Ok) return rc;
      result = old ? Sketch(*old) : Sketch(op.index_bits, op.minhash_bits);
      uint64_t n_added = 0;
      for (const std::string& e : op.elements) n_added += result->add(e) ? 1 : 0;
      out->result = int_result(n_added);
      break;
    }
    case kSetUnion:
      if (ResultCode rc = check_union_bits(op, old); rc != ResultCode::Ok) return rc;
      if (old) op.sketches.push_back(*old);
      result = hll::union_of(op.sketches);
      break;
    case kRefreshCount:
      result.emplace(*old);
      result->set_cache(hll::estimate_count(result->view()));
      out->result = int_result(result->view().cache());
      break;
    case kFold:
      if (old->minhash_bits() > 0 || old->index_bits() < op.index_bits) {
        return ResultCode::OpNotApplicable;
      }
      if (op.index_bits == old->index_bits()) {
        result.emplace(*old);
      } else {
        result.emplace(op.index_bits, 0);
        result->union_with(*old);
      }
      break;
    default:
      return ResultCode::Parameter;
  }
  out->bin_changed = true;
  out->new_bin = sketch_bin(std::move(*result));
  return ResultCode::Ok;
}

ResultCode read(uint64_t code, ParsedOp& op, SketchView bin, CdtOutcome* out) {
  if (code == kIntersectCount || code == kSimilarity) {
    // More than two sketches were parsed only with equal, non-zero minhash bits; the
    // bin must match them too.
    uint8_t minhash_bits = op.sketches[0].minhash_bits();
    if (op.sketches.size() > 2 && (bin.minhash_bits() == 0 || bin.minhash_bits() != minhash_bits)) {
      return ResultCode::OpNotApplicable;
    }
  }
  op.sketches.push_back(bin);  // the bin comes last, as in the server
  switch (code) {
    case kCount:
      out->result = int_result(hll::estimate_count(bin));
      break;
    case kGetUnion:
      out->result = sketch_bin(hll::union_of(op.sketches));
      break;
    case kUnionCount:
      out->result = int_result(hll::estimate_union_count(op.sketches));
      break;
    case kIntersectCount:
      out->result = int_result(hll::estimate_intersect_count(op.sketches));
      break;
    case kSimilarity:
      out->result = double_result(hll::estimate_similarity(op.sketches));
      break;
    case kDescribe: {
      BinValue list{uint8_t(proto::ParticleType::List), {}};
      Writer w(&list.bytes);
      w.array_header(2);
      w.uinteger(bin.index_bits());
      w.uinteger(bin.minhash_bits());
      out->result = std::move(list);
      break;
    }
    case kMayContain: {
      bool all = true;
      for (const std::string& e : op.elements) {
        if (!bin.may_contain(e)) {
          all = false;
          break;
        }
      }
      out->result = int_result(all ? 1 : 0);
      break;
    }
    default:
      return ResultCode::Parameter;
  }
  return ResultCode::Ok;
}

}  // namespace

ResultCode apply_hll_op(const BinValue* current, std::string_view payload, bool is_modify,
                        CdtOutcome* out) {
  *out = CdtOutcome{};
  // The server only reaches HLL code for a read when the bin exists: a read of a missing
  // bin returns nothing, whatever the payload.
  if (!is_modify && current == nullptr) return ResultCode::Ok;

  Reader r(payload);
  uint32_t n;
  uint64_t code;
  if (!r.read_array_header(&n) || n == 0 || !read_bits(&r, &code)) return ResultCode::Parameter;
  const OpDef* def = find_op(code, is_modify);
  if (def == nullptr) return ResultCode::Parameter;
  if (current != nullptr) {
    if (ResultCode rc = verify_bin(*current); rc != ResultCode::Ok) return rc;
  }
  ParsedOp op;
  if (!parse_args(&r, *def, n - 1, &op)) return ResultCode::Parameter;

  CdtOutcome result;
  ResultCode rc;
  if (is_modify) {
    std::optional<SketchView> old;
    if (current != nullptr) old.emplace(current->bytes);
    rc = modify(code, op, old, &result);
  } else {
    rc = read(code, op, SketchView(current->bytes), &result);
  }
  if (rc == ResultCode::Ok) *out = std::move(result);
  return rc;
}

}  // namespace asd::base
