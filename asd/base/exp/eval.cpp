// Expression::matches: evaluates the node table against one record. Recursion depth is
// bounded by the parser (kMaxDepth); values point into the program or the record, so
// nothing is allocated except for list/map comparisons and GeoJSON shapes.

#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <string>

#include "base/bits.h"
#include "base/cdt.h"
#include "base/hll.h"
#include "base/exp/expression.h"
#include "base/exp/program.h"
#include "base/geojson.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

namespace asd::exp {

namespace {

namespace mp = proto::msgpack;
using proto::ParticleType;

constexpr int64_t kNsPerMs = 1000000;
// The Aerospike bytes type of an HLL inside msgpack.
constexpr uint8_t kBytesHll = 18;

// A stored value (particle type and bytes) as an expression value; nil for particle 0.
Val particle_value(uint8_t particle, std::string_view value) {
  switch (ParticleType(particle)) {
    case ParticleType::Null: return Val::bytes(Type::Nil, {});
    case ParticleType::Integer:
      return value.size() == 8 ? Val::integer(int64_t(common::load_be64(common::as_bytes(value)))) : Val{};
    case ParticleType::Float:
      return value.size() == 8 ? Val::real(std::bit_cast<double>(common::load_be64(common::as_bytes(value)))) : Val{};
    case ParticleType::Bool: return Val::boolean(!value.empty() && value[0] != 0);
    case ParticleType::String: return Val::bytes(Type::Str, value);
    case ParticleType::List: return Val::bytes(Type::List, value);
    case ParticleType::Map: return Val::bytes(Type::Map, value);
    case ParticleType::Hll: return Val::bytes(Type::Hll, value);
    case ParticleType::GeoJson: {
      auto text = base::geojson_particle_text(value);
      return text ? Val::bytes(Type::Geo, *text) : Val{};
    }
    default:
      // Blobs of every language flavour (4, 7-12).
      return proto::is_blob_particle(particle) ? Val::bytes(Type::Blob, value) : Val{};
  }
}

Val bin_value(const Bin& bin) { return particle_value(bin.particle, bin.value); }

bool known(const Val& v) { return v.type != Type::Unknown; }

// A value as a CDT operation argument (strings and blobs with their type byte).
bool append_arg(const Val& v, std::string* out) {
  mp::Writer w(out);
  switch (v.type) {
    case Type::Nil: w.nil(); return true;
    case Type::Bool: w.boolean(v.b); return true;
    case Type::Int: w.integer(v.i); return true;
    case Type::Float: w.float64(v.f); return true;
    case Type::Str: w.string(v.s); return true;
    case Type::Blob: w.blob(v.s); return true;
    case Type::Hll: w.blob(v.s, mp::kBytesHll); return true;
    case Type::Geo: w.geojson(v.s); return true;
    case Type::List:
    case Type::Map:
    case Type::Raw: w.raw(v.s); return true;
    default: return false;
  }
}

// A value as a msgpack tree, for list/map comparisons and in-list.
bool to_tree(const Val& v, mp::Value* out) {
  switch (v.type) {
    case Type::Nil: *out = mp::Value::nil(); return true;
    case Type::Bool: *out = mp::Value::make_bool(v.b); return true;
    case Type::Int: *out = mp::Value::integer(v.i); return true;
    case Type::Float: *out = mp::Value::real(v.f); return true;
    case Type::Str: *out = mp::Value::string(v.s); return true;
    case Type::Blob: *out = mp::Value::blob(v.s); return true;
    case Type::Geo: *out = mp::Value::geojson(v.s); return true;
    case Type::Hll: *out = mp::Value::blob(v.s, kBytesHll); return true;
    case Type::List:
    case Type::Map:
    case Type::Raw: return mp::decode(v.s, out);
    default: return false;
  }
}

// A loop variable's element as a value. Like the server, only what an expression can
// type is readable: blobs of the language flavours (7-12), integers past INT64_MAX and
// the comparison ext values read as unknown.
Val element_val(const mp::Value& v, std::deque<std::string>* owned) {
  switch (v.kind) {
    case mp::Kind::Nil: return Val::bytes(Type::Nil, {});
    case mp::Kind::Bool: return Val::boolean(v.boolean);
    case mp::Kind::Int: return Val::integer(v.i);
    case mp::Kind::Double: return Val::real(v.d);
    case mp::Kind::String: return Val::bytes(Type::Str, v.bytes);
    case mp::Kind::GeoJson: return Val::bytes(Type::Geo, v.bytes);
    case mp::Kind::Blob:
      if (v.untyped) return Val{};
      if (v.subtype == mp::kBytesBlob) return Val::bytes(Type::Blob, v.bytes);
      return v.subtype == kBytesHll ? Val::bytes(Type::Hll, v.bytes) : Val{};
    case mp::Kind::List:
    case mp::Kind::Map:
      owned->push_back(mp::encode(v));
      return Val::bytes(v.kind == mp::Kind::List ? Type::List : Type::Map, owned->back());
    default: return Val{};
  }
}

// <0, 0, >0; `comparable` false when the two cannot be ordered (different types).
int compare(const Val& a, const Val& b, bool* comparable) {
  *comparable = a.type == b.type;
  if (!*comparable) return 0;
  switch (a.type) {
    case Type::Nil: return 0;
    case Type::Bool: return int(a.b) - int(b.b);
    case Type::Int: return a.i < b.i ? -1 : a.i > b.i;
    case Type::Float: return a.f < b.f ? -1 : a.f > b.f;
    case Type::Str:
    case Type::Blob:
    case Type::Geo:
    case Type::Hll: return a.s.compare(b.s);
    case Type::List:
    case Type::Map: {
      mp::Value x, y;
      if (!to_tree(a, &x) || !to_tree(b, &y)) {
        *comparable = false;
        return 0;
      }
      return mp::compare(x, y);
    }
    default: *comparable = false; return 0;
  }
}

class Evaluator {
 public:
  Evaluator(const Program& p, const RecordView& view, const LoopVars* loop = nullptr)
      : p_(p), view_(view), loop_(loop), vars_(p.slots) {}

  Val eval(uint32_t index) {
    const Node& n = p_.nodes[index];
    switch (n.op) {
      case kLiteral: return n.literal;
      case kUnknown: return Val{};
      case kEq: case kNe: case kGt: case kGe: case kLt: case kLe: return comparison(n);
      case kRegex: return regex(n);
      case kGeo: return geo(n);
      case kInList: return in_list(n);
      case kAnd: case kOr: case kExclusive: return logic(n);
      case kNot: {
        Val v = eval(n.kids[0]);
        return v.type == Type::Bool ? Val::boolean(!v.b) : Val{};
      }
      case kAdd: case kSub: case kMul: case kDiv: case kMin: case kMax: return arithmetic(n);
      case kPow: case kLog: case kMod: return binary_math(n);
      case kAbs: case kFloor: case kCeil: case kToInt: case kToFloat: return unary_math(n);
      case kIntAnd: case kIntOr: case kIntXor: case kIntNot: case kIntLshift: case kIntRshift:
      case kIntArshift: case kIntCount: case kIntLscan: case kIntRscan: return bits(n);
      case kBin: return bin(n);
      case kBinType: {
        const Bin* b = view_.record ? view_.record->find_bin(n.name) : nullptr;
        return Val::integer(b ? b->particle : 0);
      }
      case kKey: return key(n);
      case kCond: return cond(n);
      case kLet: {
        for (size_t i = 0; i < n.slots.size(); ++i) vars_[n.slots[i]] = eval(n.kids[i]);
        return eval(n.kids.back());
      }
      case kVar: return vars_[size_t(n.arg)];
      case kCall: return call(n);
      case kPathSelect: return path_select(n);
      case kLoopVar: return loop_var(n);
      case kRemoveResult: return Val::bytes(Type::Remove, {});
      case kMapKeys: case kMapValues: return map_keys_or_values(n);
      default: return meta(n);
    }
  }

 private:
  Val comparison(const Node& n) {
    Val a = eval(n.kids[0]);
    Val b = eval(n.kids[1]);
    if (!known(a) || !known(b)) return Val{};
    bool comparable = false;
    int c = compare(a, b, &comparable);
    if (!comparable) return Val{};
    switch (n.op) {
      case kEq: return Val::boolean(c == 0);
      case kNe: return Val::boolean(c != 0);
      case kGt: return Val::boolean(c > 0);
      case kGe: return Val::boolean(c >= 0);
      case kLt: return Val::boolean(c < 0);
      default: return Val::boolean(c <= 0);
    }
  }

  Val regex(const Node& n) {
    Val s = eval(n.kids[0]);
    if (s.type != Type::Str) return Val{};
    subject_.assign(s.s);  // regexec needs a terminated string
    return Val::boolean(regexec(&n.regex->re, subject_.c_str(), 0, nullptr, 0) == 0);
  }

  Val geo(const Node& n) {
    Val a = eval(n.kids[0]);
    Val b = eval(n.kids[1]);
    if (a.type != Type::Geo || b.type != Type::Geo) return Val{};
    auto ga = base::parse_geometry(a.s);
    auto gb = base::parse_geometry(b.s);
    if (!ga || !gb) return Val{};
    if (!ga->is_region() && gb->is_region()) return Val::boolean(base::region_contains(*gb, ga->point));
    if (ga->is_region() && !gb->is_region()) return Val::boolean(base::region_contains(*ga, gb->point));
    return Val::boolean(false);
  }

  Val in_list(const Node& n) {
    Val v = eval(n.kids[0]);
    Val list = eval(n.kids[1]);
    if (!known(v) || list.type != Type::List) return Val{};
    mp::Value needle, items;
    if (!to_tree(v, &needle) || !to_tree(list, &items) || items.kind != mp::Kind::List) return Val{};
    for (const mp::Value& item : items.list) {
      if (mp::compare(item, needle) == 0) return Val::boolean(true);
    }
    return Val::boolean(false);
  }

  // Three-valued: a false decides `and`, a true decides `or`; otherwise unknown wins.
  Val logic(const Node& n) {
    bool any_unknown = false;
    int trues = 0;
    for (uint32_t kid : n.kids) {
      Val v = eval(kid);
      if (v.type != Type::Bool) {
        any_unknown = true;
        continue;
      }
      if (n.op == kAnd && !v.b) return Val::boolean(false);
      if (n.op == kOr && v.b) return Val::boolean(true);
      trues += v.b;
    }
    if (any_unknown) return Val{};
    if (n.op == kAnd) return Val::boolean(true);
    if (n.op == kOr) return Val::boolean(false);
    return Val::boolean(trues == 1);  // exclusive
  }

  // Every operand of the first operand's numeric type, else unknown.
  Val arithmetic(const Node& n) {
    Val acc = eval(n.kids[0]);
    if (acc.type != Type::Int && acc.type != Type::Float) return Val{};
    bool is_int = acc.type == Type::Int;
    if (n.kids.size() == 1) {
      if (n.op == kSub) return is_int ? Val::integer(int64_t(0 - uint64_t(acc.i))) : Val::real(-acc.f);
      if (n.op == kDiv) {
        if (is_int) return acc.i == 0 ? Val{} : Val::integer(1 / acc.i);
        return Val::real(1 / acc.f);
      }
      return acc;
    }
    for (size_t k = 1; k < n.kids.size(); ++k) {
      Val v = eval(n.kids[k]);
      if (v.type != acc.type) return Val{};
      if (is_int) {
        auto a = uint64_t(acc.i), b = uint64_t(v.i);  // wrap on overflow, as the server's C does
        switch (n.op) {
          case kAdd: acc.i = int64_t(a + b); break;
          case kSub: acc.i = int64_t(a - b); break;
          case kMul: acc.i = int64_t(a * b); break;
          case kDiv:
            if (v.i == 0 || (acc.i == std::numeric_limits<int64_t>::min() && v.i == -1)) return Val{};
            acc.i /= v.i;
            break;
          case kMin: acc.i = std::min(acc.i, v.i); break;
          default: acc.i = std::max(acc.i, v.i); break;
        }
      } else {
        switch (n.op) {
          case kAdd: acc.f += v.f; break;
          case kSub: acc.f -= v.f; break;
          case kMul: acc.f *= v.f; break;
          case kDiv: acc.f /= v.f; break;
          case kMin: acc.f = std::min(acc.f, v.f); break;
          default: acc.f = std::max(acc.f, v.f); break;
        }
      }
    }
    return acc;
  }

  Val binary_math(const Node& n) {
    Val a = eval(n.kids[0]);
    Val b = eval(n.kids[1]);
    if (n.op == kMod) {
      if (a.type != Type::Int || b.type != Type::Int || b.i == 0) return Val{};
      if (a.i == std::numeric_limits<int64_t>::min() && b.i == -1) return Val::integer(0);
      return Val::integer(a.i % b.i);
    }
    if (a.type != Type::Float || b.type != Type::Float) return Val{};
    if (n.op == kPow) return Val::real(std::pow(a.f, b.f));
    return Val::real(std::log(a.f) / std::log(b.f));
  }

  Val unary_math(const Node& n) {
    Val a = eval(n.kids[0]);
    switch (n.op) {
      case kAbs:
        if (a.type == Type::Int) return Val::integer(a.i < 0 ? int64_t(0 - uint64_t(a.i)) : a.i);
        return a.type == Type::Float ? Val::real(std::fabs(a.f)) : Val{};
      case kFloor: return a.type == Type::Float ? Val::real(std::floor(a.f)) : Val{};
      case kCeil: return a.type == Type::Float ? Val::real(std::ceil(a.f)) : Val{};
      case kToFloat: return a.type == Type::Int ? Val::real(double(a.i)) : Val{};
      default:  // to_int
        if (a.type != Type::Float || !std::isfinite(a.f) || a.f >= 9.2233720368547758e18 || a.f < -9.2233720368547758e18) {
          return Val{};
        }
        return Val::integer(int64_t(a.f));
    }
  }

  Val bits(const Node& n) {
    Val a = eval(n.kids[0]);
    if (a.type != Type::Int) return Val{};
    auto u = uint64_t(a.i);
    switch (n.op) {
      case kIntNot: return Val::integer(int64_t(~u));
      case kIntCount: return Val::integer(std::popcount(u));
      case kIntAnd: case kIntOr: case kIntXor:
        for (size_t k = 1; k < n.kids.size(); ++k) {
          Val v = eval(n.kids[k]);
          if (v.type != Type::Int) return Val{};
          if (n.op == kIntAnd) u &= uint64_t(v.i);
          else if (n.op == kIntOr) u |= uint64_t(v.i);
          else u ^= uint64_t(v.i);
        }
        return Val::integer(int64_t(u));
      default: break;
    }
    Val b = eval(n.kids[1]);
    if (n.op == kIntLscan || n.op == kIntRscan) {
      // Bit positions count from the most significant bit (0); -1 when none matches.
      if (b.type != Type::Bool) return Val{};
      uint64_t w = b.b ? u : ~u;
      if (w == 0) return Val::integer(-1);
      return Val::integer(n.op == kIntLscan ? std::countl_zero(w) : 63 - std::countr_zero(w));
    }
    if (b.type != Type::Int) return Val{};
    unsigned shift = unsigned(uint64_t(b.i) & 63);
    if (n.op == kIntLshift) return Val::integer(int64_t(u << shift));
    if (n.op == kIntRshift) return Val::integer(int64_t(u >> shift));
    return Val::integer(a.i >> shift);  // arithmetic
  }

  Val bin(const Node& n) {
    const Bin* b = view_.record ? view_.record->find_bin(n.name) : nullptr;
    if (!b) return Val{};
    Val v = bin_value(*b);
    return int64_t(v.type) == n.arg ? v : Val{};
  }

  // A CDT, bit or HLL read (or, with the modify-local flag, a modify returning the changed
  // copy) on the value the last operand gives, through the same code as the operations.
  Val call(const Node& n) {
    Val target = eval(n.kids.back());
    uint8_t system = n.system & 0x3F;
    base::BinValue current;
    bool exists = target.type != Type::Nil;  // nil: a modify starts from no bin, as the server does
    if (system == 0) {
      if (target.type != Type::List && target.type != Type::Map) return Val{};
      current = {uint8_t(target.type == Type::List ? ParticleType::List : ParticleType::Map), std::string(target.s)};
    } else if (system == 1) {
      if (target.type != Type::Blob && target.type != Type::Nil) return Val{};
      current = {uint8_t(ParticleType::Blob), std::string(target.s)};
    } else {
      if (target.type != Type::Hll && target.type != Type::Nil) return Val{};
      current = {uint8_t(ParticleType::Hll), std::string(target.s)};
    }
    std::string payload;
    mp::Writer w(&payload);
    if (!n.name.empty()) {
      w.array_header(3);
      w.integer(0xff);
      w.raw(n.name);
    }
    w.array_header(uint32_t(n.kids.size()));  // the op code and every argument
    w.integer(n.arg);
    for (size_t k = 0; k + 1 < n.kids.size(); ++k) {
      if (!append_arg(eval(n.kids[k]), &payload)) return Val{};
    }
    base::CdtOutcome outcome;
    bool modify = n.system & 0x40;
    auto apply = system == 0 ? base::apply_cdt_op : system == 1 ? base::apply_bit_op : base::apply_hll_op;
    if (apply(exists ? &current : nullptr, payload, modify, &outcome) != common::ResultCode::Ok) return Val{};
    if (!modify) return outcome.result ? keep(std::move(*outcome.result)) : Val::bytes(Type::Nil, {});
    if (!outcome.bin_changed) return target;
    return outcome.new_bin ? keep(std::move(*outcome.new_bin)) : Val{};
  }

  // A path call: the op array goes to the CDT layer as the client sent it (its context
  // filters and modify expression are programs of their own), and the answer must have
  // the type the call declares, as in the server.
  Val path_select(const Node& n) {
    Val target = eval(n.kids.back());
    if (target.type != Type::List && target.type != Type::Map) return Val{};
    base::BinValue current{uint8_t(target.type == Type::List ? ParticleType::List : ParticleType::Map),
                           std::string(target.s)};
    base::CdtOutcome outcome;
    bool modify = n.system & 0x40;
    if (base::apply_cdt_op(&current, n.name, modify, &outcome) != common::ResultCode::Ok) return Val{};
    Val v = target;
    if (!modify) {
      v = outcome.result ? keep(std::move(*outcome.result)) : Val::bytes(Type::Nil, {});
    } else if (outcome.bin_changed) {
      v = outcome.new_bin ? keep(std::move(*outcome.new_bin)) : Val{};
    }
    return v.type == n.result ? v : Val{};
  }

  // Key and value are converted once per evaluation: a program may read them thousands
  // of times, and a list or map element is encoded to be read.
  Val loop_var(const Node& n) {
    if (loop_ == nullptr) return Val{};
    Val v;
    if (n.arg == 2) {
      if (loop_->index) v = Val::integer(*loop_->index);
    } else {
      std::optional<Val>& cached = loop_parts_[n.arg == 0 ? 0 : 1];
      const mp::Value* part = n.arg == 0 ? loop_->key : loop_->value;
      if (!cached) cached = part != nullptr ? element_val(*part, &owned_) : Val{};
      v = *cached;
    }
    return v.type == n.result ? v : Val{};
  }

  // The keys or values of a map, in stored order, as a list.
  Val map_keys_or_values(const Node& n) {
    Val m = eval(n.kids[0]);
    mp::Value tree;
    if (m.type != Type::Map || !mp::decode(m.s, &tree)) return Val{};
    std::vector<mp::Value> items;
    for (auto& [key, value] : tree.map) items.push_back(std::move(n.op == kMapKeys ? key : value));
    owned_.push_back(mp::encode(mp::Value::make_list(std::move(items))));
    return Val::bytes(Type::List, owned_.back());
  }

  // A value the evaluation produced: its bytes live as long as the evaluation.
  Val keep(base::BinValue v) {
    owned_.push_back(std::move(v.bytes));
    return particle_value(v.particle, owned_.back());
  }

  Val key(const Node& n) {
    if (!view_.record || view_.record->key.empty()) return Val{};
    std::string_view stored = view_.record->key;
    auto particle = ParticleType(uint8_t(stored[0]));
    stored.remove_prefix(1);
    Val v;
    if (particle == ParticleType::Integer && stored.size() == 8) {
      v = Val::integer(int64_t(common::load_be64(common::as_bytes(stored))));
    } else if (particle == ParticleType::String) {
      v = Val::bytes(Type::Str, stored);
    } else if (proto::is_blob_particle(uint8_t(particle))) {
      v = Val::bytes(Type::Blob, stored);
    }
    return int64_t(v.type) == n.arg ? v : Val{};
  }

  Val cond(const Node& n) {
    for (size_t k = 0; k + 1 < n.kids.size(); k += 2) {
      Val c = eval(n.kids[k]);
      if (c.type != Type::Bool) return Val{};
      if (c.b) return eval(n.kids[k + 1]);
    }
    return eval(n.kids.back());
  }

  Val meta(const Node& n) {
    const Record* r = view_.record;
    if (!r) return Val{};
    switch (n.op) {
      case kDigestModulo: {
        uint32_t low = 0;
        std::memcpy(&low, view_.digest->bytes.data() + 16, 4);  // as the server reads it
        return Val::integer(int64_t(low) % n.arg);
      }
      case kDeviceSize: return Val::integer(int64_t(view_.device_size));
      case kMemorySize: return Val::integer(int64_t(view_.memory_size));
      case kRecordSize: return Val::integer(int64_t(r->record_size()));
      case kLastUpdate: return Val::integer(int64_t(r->lut + common::kClEpochUnixSec * 1000) * kNsPerMs);
      case kSinceUpdate: return Val::integer(view_.now_ms >= r->lut ? int64_t(view_.now_ms - r->lut) : 0);
      case kVoidTime:
        if (r->void_time == 0) return Val::integer(-1);
        return Val::integer(int64_t(r->void_time + common::kClEpochUnixSec) * 1000 * kNsPerMs);
      case kTtl: {
        if (r->void_time == 0) return Val::integer(-1);
        uint64_t now_sec = view_.now_ms / 1000;
        return Val::integer(r->void_time > now_sec ? int64_t(r->void_time - now_sec) : 0);
      }
      case kSetName: return Val::bytes(Type::Str, view_.set_name);
      case kKeyExists: return Val::boolean(!r->key.empty());
      case kIsTombstone: return Val::boolean(r->tombstone);
      default: return Val{};
    }
  }

  const Program& p_;
  const RecordView& view_;
  const LoopVars* loop_;  // nullptr outside path operations
  std::optional<Val> loop_parts_[2];  // key, value
  std::vector<Val> vars_;
  std::string subject_;
  std::deque<std::string> owned_;  // stable addresses for produced values
};

}  // namespace

bool Expression::evaluate(const RecordView& view, Particle* out) const {
  Evaluator e(*program_, view);
  Val v = e.eval(program_->root);
  out->value.clear();
  auto be64 = [&](uint64_t bits) {
    out->value.resize(8);
    common::store_be64(reinterpret_cast<uint8_t*>(out->value.data()), bits);
  };
  switch (v.type) {
    case Type::Unknown:
    case Type::Remove:
    case Type::Raw: return false;
    case Type::Nil: out->type = 0; return true;
    case Type::Bool:
      out->type = uint8_t(ParticleType::Bool);
      out->value.assign(1, v.b ? '\1' : '\0');
      return true;
    case Type::Int: out->type = uint8_t(ParticleType::Integer); be64(uint64_t(v.i)); return true;
    case Type::Float: out->type = uint8_t(ParticleType::Float); be64(std::bit_cast<uint64_t>(v.f)); return true;
    case Type::Str: out->type = uint8_t(ParticleType::String); break;
    case Type::Blob: out->type = uint8_t(ParticleType::Blob); break;
    case Type::List: out->type = uint8_t(ParticleType::List); break;
    case Type::Map: out->type = uint8_t(ParticleType::Map); break;
    case Type::Hll: out->type = uint8_t(ParticleType::Hll); break;
    case Type::Geo:
      // The GeoJSON particle: flags, a cell count of 0, then the text.
      out->type = uint8_t(ParticleType::GeoJson);
      out->value.assign(3, '\0');
      break;
  }
  out->value.append(v.s);
  return true;
}

Truth Expression::filter(const LoopVars& vars) const {
  RecordView none;
  Evaluator e(*program_, none, &vars);
  Val v = e.eval(program_->root);
  if (v.type == Type::Unknown) return Truth::Unknown;
  return v.type == Type::Bool && v.b ? Truth::True : Truth::False;
}

ElementResult Expression::element_value(const LoopVars& vars, mp::Value* out) const {
  RecordView none;
  Evaluator e(*program_, none, &vars);
  Val v = e.eval(program_->root);
  if (v.type == Type::Remove) return ElementResult::Remove;
  return to_tree(v, out) ? ElementResult::Value : ElementResult::Unknown;
}

bool Expression::matches(const RecordView& view) const {
  Evaluator e(*program_, view);
  Val v = e.eval(program_->root);
  return v.type == Type::Bool && v.b;
}

}  // namespace asd::exp
