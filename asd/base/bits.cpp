// Bit op entry point: payload parsing against the server's op table, the bin and flag
// checks, where an op lands in the blob, and the result values. The bit arithmetic
// itself is in bits_ops.cpp.

#include "base/bits.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "base/bits_internal.h"
#include "common/bytes.h"
#include "proto/msgpack.h"

namespace asd::base {

namespace {

using common::ResultCode;
using proto::msgpack::Reader;
using namespace bits;

inline constexpr uint8_t kParticleInteger = 1;
inline constexpr uint8_t kParticleBlob = 4;

// PROTO_SIZE_MAX: bounds every offset and size, and the blob an op may produce.
inline constexpr uint64_t kMaxBytes = uint64_t(128) << 20;
inline constexpr uint64_t kMaxBits = kMaxBytes * 8;

// Op codes of as_bit_operations.h: modify ops, then read ops.
enum : uint64_t {
  kResize = 0, kInsert = 1, kRemove = 2, kSet = 3, kOr = 4, kXor = 5, kAnd = 6, kNot = 7,
  kLshift = 8, kRshift = 9, kAdd = 10, kSubtract = 11, kSetInt = 12,
  kGet = 50, kCount = 51, kLscan = 52, kRscan = 53, kGetInt = 54,
};

// Policy flags (as_bit_write_flags).
inline constexpr uint64_t kCreateOnly = 1;
inline constexpr uint64_t kUpdateOnly = 2;
inline constexpr uint64_t kNoFail = 4;
inline constexpr uint64_t kPartial = 8;

// Resize subflags (as_bit_resize_flags).
inline constexpr uint64_t kFromFront = 1;
inline constexpr uint64_t kGrowOnly = 2;
inline constexpr uint64_t kShrinkOnly = 4;

// Argument kinds, each with the server's parse rule (see parse_arg).
enum class Arg : uint8_t {
  Offset, ByteOffset, Size, ByteSize, ByteSizeOrZero, IntSize, Buf, Bool, Shift, IntValue,
  Flags, ResizeSubflags, IntSubflags, GetIntSubflags,
};

struct OpSpec {
  uint64_t code;
  bool modify;
  uint8_t min_args;
  uint8_t max_args;
  std::array<Arg, 5> args;
  uint64_t flags;  // the policy flags the op accepts
};

constexpr uint64_t kWrite = kCreateOnly | kUpdateOnly | kNoFail;  // ops that may create
constexpr uint64_t kUpdate = kUpdateOnly | kNoFail | kPartial;
constexpr uint64_t kUpdateWhole = kUpdateOnly | kNoFail;

using enum Arg;
constexpr OpSpec kOps[] = {
    {kResize, true, 1, 3, {ByteSizeOrZero, Flags, ResizeSubflags}, kWrite},
    {kInsert, true, 2, 3, {ByteOffset, Buf, Flags}, kWrite},
    {kRemove, true, 2, 3, {ByteOffset, ByteSize, Flags}, kUpdate},
    {kSet, true, 3, 4, {Offset, Size, Buf, Flags}, kUpdate},
    {kOr, true, 3, 4, {Offset, Size, Buf, Flags}, kUpdate},
    {kXor, true, 3, 4, {Offset, Size, Buf, Flags}, kUpdate},
    {kAnd, true, 3, 4, {Offset, Size, Buf, Flags}, kUpdate},
    {kNot, true, 2, 3, {Offset, Size, Flags}, kUpdate},
    {kLshift, true, 3, 4, {Offset, Size, Shift, Flags}, kUpdate},
    {kRshift, true, 3, 4, {Offset, Size, Shift, Flags}, kUpdate},
    {kAdd, true, 3, 5, {Offset, IntSize, IntValue, Flags, IntSubflags}, kUpdateWhole},
    {kSubtract, true, 3, 5, {Offset, IntSize, IntValue, Flags, IntSubflags}, kUpdateWhole},
    {kSetInt, true, 3, 4, {Offset, IntSize, IntValue, Flags}, kUpdateWhole},
    {kGet, false, 2, 2, {Offset, Size}, 0},
    {kCount, false, 2, 2, {Offset, Size}, 0},
    {kLscan, false, 3, 3, {Offset, Size, Bool}, 0},
    {kRscan, false, 3, 3, {Offset, Size, Bool}, 0},
    {kGetInt, false, 2, 3, {Offset, IntSize, GetIntSubflags}, 0},
};

struct BitOp {
  uint64_t code = 0;
  int64_t offset = 0;  // bits; byte offsets are scaled on parse
  uint64_t size = 0;   // bits; byte sizes are scaled on parse
  uint64_t value = 0;  // shift count, integer operand or scan target
  std::string_view buf;
  uint64_t flags = 0;
  uint64_t subflags = 0;

  bool no_fail() const { return (flags & kNoFail) != 0; }
};

// The server reads every integer argument as its raw 64 bits, so a negative size is a
// huge size and an unsigned value above INT64_MAX is a negative offset.
bool read_raw(Reader* r, uint64_t* v) {
  if (r->read_uint(v)) return true;
  int64_t s;
  if (!r->read_int(&s)) return false;
  *v = uint64_t(s);
  return true;
}

// |v| <= limit. INT64_MIN slips through the server's labs(); here it is refused.
bool within(int64_t v, uint64_t limit) {
  return v != INT64_MIN && uint64_t(v < 0 ? -v : v) <= limit;
}

bool parse_buf(Reader* r, BitOp* op) {
  std::string_view payload;
  // The leading byte is the Aerospike type, which the server ignores. An empty string
  // has no type byte; the server misreads it, here it is refused like a lone type byte.
  if (!r->read_str(&payload) || payload.size() <= 1) return false;
  op->buf = payload.substr(1);
  uint64_t bits = op->buf.size() * 8;
  if (op->size == 0) {
    op->size = bits;  // insert: the whole buffer
    return true;
  }
  return bits >= op->size;
}

bool parse_arg(Reader* r, Arg arg, const OpSpec& spec, BitOp* op) {
  if (arg == Buf) return parse_buf(r, op);
  if (arg == Bool) {
    bool b;
    if (!r->read_bool(&b)) return false;
    op->value = b ? 1 : 0;
    return true;
  }
  uint64_t v;
  if (!read_raw(r, &v)) return false;
  switch (arg) {
    case Offset:
      op->offset = int64_t(v);
      return within(op->offset, kMaxBits);
    case ByteOffset:
      if (!within(int64_t(v), kMaxBytes)) return false;
      op->offset = int64_t(v) * 8;
      return true;
    case Size:
      op->size = v;
      return v != 0 && v <= kMaxBits;
    case ByteSize:
    case ByteSizeOrZero:
      if ((v == 0 && arg == ByteSize) || v > kMaxBytes) return false;
      op->size = v * 8;
      return true;
    case IntSize:
      op->size = v;
      return v != 0 && v <= 64;
    case Shift:
      op->value = v;
      return v <= kMaxBits;
    case IntValue:
      op->value = v;
      return true;
    case Flags:
      op->flags = v;
      return (v & ~spec.flags) == 0 &&
             (v & (kCreateOnly | kUpdateOnly)) != (kCreateOnly | kUpdateOnly);
    case ResizeSubflags:
      op->subflags = v;
      return (v & ~(kFromFront | kGrowOnly | kShrinkOnly)) == 0 &&
             (v & (kGrowOnly | kShrinkOnly)) != (kGrowOnly | kShrinkOnly);
    case IntSubflags:
      op->subflags = v;
      return (v & ~(kIntSigned | kIntSaturate | kIntWrap)) == 0 &&
             (v & (kIntSaturate | kIntWrap)) != (kIntSaturate | kIntWrap);
    case GetIntSubflags:
      op->subflags = v;
      return (v & ~kIntSigned) == 0;
    default:
      return false;
  }
}

// Reads [op_code, args...]; anything after the last argument is ignored, as the server
// does. Returns the op's table entry, or nullptr when the payload is refused.
const OpSpec* parse_op(std::string_view payload, bool is_modify, BitOp* op) {
  Reader r(payload);
  uint32_t n;
  if (!r.read_array_header(&n) || n == 0 || !read_raw(&r, &op->code)) return nullptr;
  const OpSpec* spec = nullptr;
  for (const OpSpec& s : kOps) {
    if (s.code == op->code) spec = &s;
  }
  if (spec == nullptr || spec->modify != is_modify) return nullptr;
  uint32_t n_args = n - 1;
  if (n_args < spec->min_args || n_args > spec->max_args) return nullptr;
  for (uint32_t i = 0; i < n_args; ++i) {
    if (!parse_arg(&r, spec->args[i], *spec, op)) return nullptr;
  }
  return spec;
}

// Where the op lands: a negative offset counts back from the blob's end.
struct Place {
  uint64_t byte = 0;  // first byte touched
  uint64_t start = 0;  // first bit
  uint64_t span = 0;  // bytes from `byte` that the op's bits touch
};

bool place(const BitOp& op, uint64_t blob_size, Place* p) {
  int64_t offset = op.offset;
  if (offset < 0) {
    if (uint64_t(-offset) > blob_size * 8) return false;
    offset += int64_t(blob_size * 8);
  }
  p->start = uint64_t(offset);
  p->byte = p->start / 8;
  p->span = (p->start % 8 + op.size + 7) / 8;
  return true;
}

// A refusal that the no-fail flag turns into a quiet no-op.
ResultCode refuse(const BitOp& op, ResultCode rc) { return op.no_fail() ? ResultCode::Ok : rc; }

BinValue integer_result(int64_t v) {
  BinValue b{kParticleInteger, std::string(8, '\0')};
  common::store_be64(reinterpret_cast<uint8_t*>(b.bytes.data()), uint64_t(v));
  return b;
}

// resize: the new byte count, padding with or dropping bytes at the end (or the front).
ResultCode resize(const BitOp& op, std::string_view old, std::optional<std::string>* blob) {
  uint64_t target = op.size / 8;
  bool front = (op.subflags & kFromFront) != 0;
  if (target == old.size()) return ResultCode::Ok;
  if (target < old.size()) {
    if ((op.subflags & kGrowOnly) != 0) return refuse(op, ResultCode::Parameter);
    *blob = std::string(front ? old.substr(old.size() - target) : old.substr(0, target));
    return ResultCode::Ok;
  }
  if ((op.subflags & kShrinkOnly) != 0) return refuse(op, ResultCode::Parameter);
  if (target >= kMaxBytes) return ResultCode::Parameter;
  std::string pad(target - old.size(), '\0');
  *blob = front ? pad.append(old) : std::string(old).append(pad);
  return ResultCode::Ok;
}

// insert: the buffer goes in at the byte offset; past the end, zeros fill the gap.
ResultCode insert(const BitOp& op, std::string_view old, const Place& p,
                  std::optional<std::string>* blob) {
  uint64_t head = std::min<uint64_t>(p.byte, old.size());
  uint64_t gap = p.byte - head;
  if (head + gap + op.buf.size() + (old.size() - head) >= kMaxBytes) return ResultCode::Parameter;
  std::string out(old.substr(0, head));
  out.append(gap, '\0');
  out.append(op.buf);
  out.append(old.substr(head));
  *blob = std::move(out);
  return ResultCode::Ok;
}

ResultCode remove(const BitOp& op, std::string_view old, const Place& p,
                  std::optional<std::string>* blob) {
  if (p.byte >= old.size()) return refuse(op, ResultCode::Parameter);
  uint64_t count = p.span;
  if (p.byte + count > old.size()) {
    if ((op.flags & kPartial) == 0) return refuse(op, ResultCode::Parameter);
    count = old.size() - p.byte;
  }
  std::string out(old.substr(0, p.byte));
  out.append(old.substr(p.byte + count));
  *blob = std::move(out);
  return ResultCode::Ok;
}

// or, xor, and, not, lshift, rshift on the packed region bits.
void transform(const BitOp& op, std::string* region) {
  if (op.code == kLshift || op.code == kRshift) {
    return shift(region, op.size, op.value, op.code == kLshift);
  }
  for (size_t i = 0; i < region->size(); ++i) {
    uint8_t a = uint8_t((*region)[i]);
    uint8_t b = i < op.buf.size() ? uint8_t(op.buf[i]) : 0;
    uint8_t r = op.code == kOr ? a | b : op.code == kXor ? a ^ b : op.code == kAnd ? a & b : ~a;
    (*region)[i] = char(r);
  }
}

// set and the transforms rewrite the region in place. With the partial flag a region
// running past the end is cut at the end.
ResultCode rewrite(BitOp op, std::string_view old, const Place& p,
                   std::optional<std::string>* blob) {
  if (p.byte >= old.size()) return refuse(op, ResultCode::OpNotApplicable);
  if (p.byte + p.span > old.size()) {
    if ((op.flags & kPartial) == 0) return refuse(op, ResultCode::OpNotApplicable);
    op.size = old.size() * 8 - p.start;
  }
  std::string out(old);
  if (op.code == kSet) {
    deposit(&out, p.start, op.size, op.buf);
  } else {
    std::string region = extract(out, p.start, op.size);
    transform(op, &region);
    deposit(&out, p.start, op.size, region);
  }
  *blob = std::move(out);
  return ResultCode::Ok;
}

// add, subtract, set_int: an integer field that must lie wholly inside the blob.
ResultCode integer(const BitOp& op, std::string_view old, const Place& p,
                   std::optional<std::string>* blob) {
  if (p.byte >= old.size() || p.byte + p.span > old.size()) {
    return refuse(op, ResultCode::OpNotApplicable);
  }
  unsigned n = unsigned(op.size);
  uint64_t value = op.value & (~uint64_t(0) >> (64 - n));
  if (op.code != kSetInt) {
    uint64_t load = load_uint(old, p.start, n);
    if (!add_int(load, op.value, n, op.code == kSubtract, op.subflags, &value)) {
      return refuse(op, ResultCode::OpNotApplicable);
    }
  }
  std::string out(old);
  store_uint(&out, p.start, n, value);
  *blob = std::move(out);
  return ResultCode::Ok;
}

ResultCode modify(const BinValue* current, const BitOp& op, CdtOutcome* out) {
  std::string_view old;
  if (current != nullptr) {
    if ((op.flags & kCreateOnly) != 0) return refuse(op, ResultCode::BinExists);
    if (current->particle != kParticleBlob) return ResultCode::IncompatibleType;
    old = current->bytes;
  } else {
    bool creates = op.code == kResize || op.code == kInsert;
    if (!creates || (op.flags & kUpdateOnly) != 0) return refuse(op, ResultCode::BinNotFound);
    if (op.offset < 0) return ResultCode::Parameter;
  }
  Place p;
  if (!place(op, old.size(), &p)) return ResultCode::Parameter;

  std::optional<std::string> blob;
  ResultCode rc;
  switch (op.code) {
    case kResize: rc = resize(op, old, &blob); break;
    case kInsert: rc = insert(op, old, p, &blob); break;
    case kRemove: rc = remove(op, old, p, &blob); break;
    case kAdd: case kSubtract: case kSetInt: rc = integer(op, old, p, &blob); break;
    default: rc = rewrite(op, old, p, &blob); break;
  }
  if (rc != ResultCode::Ok || !blob) return rc;
  // No blob may reach PROTO_SIZE_MAX; resize and insert check before they build one.
  if (blob->size() >= kMaxBytes) return ResultCode::Parameter;
  out->bin_changed = true;
  out->new_bin = BinValue{kParticleBlob, std::move(*blob)};
  return ResultCode::Ok;
}

ResultCode read(const BinValue& current, const BitOp& op, CdtOutcome* out) {
  if (current.particle != kParticleBlob) return ResultCode::IncompatibleType;
  std::string_view blob = current.bytes;
  Place p;
  if (!place(op, blob.size(), &p)) return ResultCode::Parameter;
  if (p.byte >= blob.size() || p.byte + p.span > blob.size()) return ResultCode::OpNotApplicable;
  switch (op.code) {
    case kGet:
      out->result = BinValue{kParticleBlob, extract(blob, p.start, op.size)};
      break;
    case kCount:
      out->result = integer_result(int64_t(count_ones(blob, p.start, op.size)));
      break;
    case kLscan:
      out->result = integer_result(scan_left(blob, p.start, op.size, op.value != 0));
      break;
    case kRscan:
      out->result = integer_result(scan_right(blob, p.start, op.size, op.value != 0));
      break;
    default: {
      unsigned n = unsigned(op.size);
      uint64_t v = load_uint(blob, p.start, n);
      bool is_signed = (op.subflags & kIntSigned) != 0;
      out->result = integer_result(is_signed ? sign_extend(v, n) : int64_t(v));
      break;
    }
  }
  return ResultCode::Ok;
}

}  // namespace

common::ResultCode apply_bit_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out) {
  *out = CdtOutcome{};
  // The server answers a read of a missing bin before it looks at the payload.
  if (!is_modify && current == nullptr) return ResultCode::Ok;
  BitOp op;
  if (parse_op(payload, is_modify, &op) == nullptr) return ResultCode::Parameter;
  ResultCode rc = is_modify ? modify(current, op, out) : read(*current, op, out);
  if (rc != ResultCode::Ok) *out = CdtOutcome{};
  return rc;
}

}  // namespace asd::base
