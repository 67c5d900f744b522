// CDT entry point: payload parsing, context navigation (and creation), bin decode and
// encode, and conversion of results into bin values.

#include <cstring>

#include "base/cdt.h"
#include "base/cdt_internal.h"
#include "common/bytes.h"
#include "proto/message.h"

namespace asd::base {

namespace cdt {

ResultCode check_args(const OpSpec& spec, const Op& op) {
  // Like the server, ops without parameters ignore whatever the client sent.
  if (spec.args.empty()) return ResultCode::Ok;
  size_t n = op.args.size();
  if (n + spec.optional < spec.args.size() || n > spec.args.size()) {
    return ResultCode::Parameter;
  }
  for (size_t k = 0; k < n; ++k) {
    const Value& v = op.args[k];
    switch (spec.args[k]) {
      case Arg::Index: case Arg::Count: case Arg::Flags:
        if (!v.is_int()) return ResultCode::Parameter;
        break;
      case Arg::Storage:
        if (v.has_nonstorage()) return ResultCode::Parameter;
        break;
      case Arg::Payload:
        break;
    }
  }
  return ResultCode::Ok;
}

int64_t arg_int(const Op& op, size_t i, int64_t def) {
  if (i >= op.args.size()) return def;
  const Value& v = op.args[i];
  return v.kind == Kind::Uint ? int64_t(v.u) : v.i;
}

uint64_t arg_uint(const Op& op, size_t i, uint64_t def) {
  if (i >= op.args.size()) return def;
  const Value& v = op.args[i];
  return v.kind == Kind::Uint ? v.u : uint64_t(v.i);
}

const Value* arg_value(const Op& op, size_t i) {
  return i < op.args.size() ? &op.args[i] : nullptr;
}

// cdt_calc_delta: int + double delta truncates the delta, double + int converts it.
bool add_delta(const Value* current, const Value* delta, bool negate, Value* out) {
  bool delta_double = delta != nullptr && delta->kind == Kind::Double;
  if (delta != nullptr && !delta->is_int() && !delta_double && delta->kind != Kind::Nil) {
    return false;
  }
  int64_t incr_int = delta != nullptr && delta->kind == Kind::Int ? delta->i
                     : delta != nullptr && delta->kind == Kind::Uint ? int64_t(delta->u)
                                                                     : 1;
  double incr_double = delta_double ? delta->d : 1;
  if (negate) {
    incr_int = int64_t(0 - uint64_t(incr_int));
    incr_double = -incr_double;
  }
  if (current == nullptr) {
    *out = delta_double ? Value::real(incr_double) : Value::integer(incr_int);
    return true;
  }
  if (current->is_int()) {
    // Out-of-range (or NaN) doubles have no integer value: refuse instead of UB.
    if (delta_double && !(incr_double > -9.2e18 && incr_double < 9.2e18)) return false;
    int64_t base = current->kind == Kind::Int ? current->i : int64_t(current->u);
    int64_t step = delta_double ? int64_t(incr_double) : incr_int;
    *out = Value::integer(int64_t(uint64_t(base) + uint64_t(step)));  // wraps like C
    return true;
  }
  if (current->kind == Kind::Double) {
    *out = Value::real(current->d + (delta_double ? incr_double : double(incr_int)));
    return true;
  }
  return false;
}

static uint8_t blob_particle(const Value& v) {
  if (v.untyped) return uint8_t(proto::ParticleType::Blob);
  if (v.subtype == 4 || (v.subtype >= 7 && v.subtype <= 12)) return v.subtype;
  return uint8_t(proto::ParticleType::Blob);
}

std::optional<BinValue> to_bin(const Value& v) {
  BinValue out;
  switch (v.kind) {
    case Kind::Bool:
      out.particle = uint8_t(proto::ParticleType::Bool);
      out.bytes.assign(1, v.boolean ? '\1' : '\0');
      return out;
    case Kind::Int: case Kind::Uint:
      out.particle = uint8_t(proto::ParticleType::Integer);
      common::append_be64(out.bytes, v.kind == Kind::Int ? uint64_t(v.i) : v.u);
      return out;
    case Kind::Double: {
      uint64_t bits;
      std::memcpy(&bits, &v.d, sizeof bits);
      out.particle = uint8_t(proto::ParticleType::Float);
      common::append_be64(out.bytes, bits);
      return out;
    }
    case Kind::String:
      out.particle = uint8_t(proto::ParticleType::String);
      out.bytes = v.bytes;
      return out;
    case Kind::Blob:
      out.particle = blob_particle(v);
      out.bytes = v.bytes;
      return out;
    case Kind::GeoJson:
      out.particle = uint8_t(proto::ParticleType::GeoJson);
      out.bytes.assign(3, '\0');  // flags 0, no cells
      out.bytes += v.bytes;
      return out;
    case Kind::List: case Kind::Map:
      out.particle = uint8_t(v.kind == Kind::List ? proto::ParticleType::List
                                                  : proto::ParticleType::Map);
      proto::msgpack::encode(v, &out.bytes);
      return out;
    default:
      return std::nullopt;  // nil and non-storage values produce no result
  }
}

size_t depth_of(const Value& v) {
  size_t deepest = 0;
  for (const Value& item : v.list) deepest = std::max(deepest, depth_of(item) + 1);
  for (const Entry& e : v.map) {
    deepest = std::max({deepest, depth_of(e.first) + 1, depth_of(e.second) + 1});
  }
  return deepest;
}

}  // namespace cdt

namespace {

using namespace cdt;
using proto::msgpack::Reader;

using namespace proto::cdt::context;
using proto::cdt::kContextEval;

struct CtxItem {
  uint64_t type = 0;
  Value value;
};

// Reads [op_code, args...].
bool parse_op(Reader* r, Op* op) {
  uint32_t n;
  if (!r->read_array_header(&n) || n == 0 || !r->read_uint(&op->code)) return false;
  if (n - 1 > r->remaining().size()) return false;  // each argument takes a byte or more
  op->args.resize(n - 1);
  for (Value& arg : op->args) {
    if (!proto::msgpack::decode_one(r, &arg)) return false;
  }
  return true;
}

bool parse_context(Reader* r, std::vector<CtxItem>* items) {
  uint32_t n;
  if (!r->read_array_header(&n) || n == 0 || n % 2 != 0) return false;
  if (n > r->remaining().size()) return false;
  items->resize(n / 2);
  for (CtxItem& item : *items) {
    if (!r->read_uint(&item.type) || !proto::msgpack::decode_one(r, &item.value)) return false;
  }
  return true;
}

uint8_t map_create_flags(uint64_t type) {
  switch (type & 0xc0) {
    case 0x80: return proto::msgpack::kMapKeyOrdered;
    case 0xc0: return proto::msgpack::kMapKeyValueOrdered;
    default: return 0;
  }
}

// Turns the missing slot *slot into the container ctx item `item` addresses and returns
// the new (missing) element inside it, or nullptr when the item cannot create.
Value* create_step(Value* slot, const CtxItem& item) {
  uint64_t masked = item.type & 0x3f;
  uint64_t create = item.type & kCtxCreateMask & ~kCtxPersistIndex;
  if (masked == (kCtxMap | kCtxKey)) {
    if (item.value.has_nonstorage()) return nullptr;
    *slot = Value::make_map({{item.value, Value()}}, map_create_flags(item.type));
    return &slot->map[0].second;
  }
  if (masked != (kCtxList | kCtxIndex) || !item.value.is_int()) return nullptr;
  int64_t index = item.value.kind == Kind::Uint ? -2 : item.value.i;
  if (index < -1) return nullptr;
  index = std::max<int64_t>(index, 0);
  if (create == kCreateOrdered) {
    *slot = Value::make_list({Value()}, proto::msgpack::kListOrdered);
  } else if (create == kCreateUnbound) {
    if (index > kMaxNilPad) return nullptr;  // could never fit a record
    *slot = Value::make_list(std::vector<Value>(size_t(index) + 1));
  } else {
    if (index != 0) return nullptr;
    *slot = Value::make_list({Value()});
  }
  return &slot->list.back();
}

// Finds (or, with create flags, makes) the element `item` addresses inside the list
// *cur. Returns nullptr when it does not apply; *created reports a new element.
Value* list_step(Value* cur, const CtxItem& item, bool create_on, bool* created) {
  if ((item.type & kCtxMap) != 0) return nullptr;
  auto& items = cur->list;
  bool ordered = (cur->subtype & proto::msgpack::kListOrdered) != 0;
  Elements e = view_list(items);
  uint32_t start, count;
  switch (item.type & kCtxBaseMask) {
    case kCtxIndex: {
      if (!item.value.is_int()) return nullptr;
      int64_t index = item.value.kind == Kind::Uint ? INT64_MAX : item.value.i;
      if (resolve_range(index, 1, items.size(), false, &start, &count)) return &items[start];
      if (!create_on) return nullptr;
      uint64_t create = item.type & kCtxCreateMask & ~kCtxPersistIndex;
      size_t n = items.size();
      if (index == -1 && n == 0) index = 0;
      if (index < 0) return nullptr;
      if (uint64_t(index) > n && !ordered) {
        if (create != kCreateUnbound || index - int64_t(n) > kMaxNilPad) return nullptr;
        items.resize(size_t(index));  // nil padding up to the new element
      }
      *created = true;
      items.emplace_back();
      return &items.back();
    }
    case kCtxRank: {
      if (!item.value.is_int()) return nullptr;
      int64_t rank = item.value.kind == Kind::Uint ? INT64_MAX : item.value.i;
      if (!resolve_range(rank, 1, items.size(), false, &start, &count)) return nullptr;
      return &items[e.by_rank[start]];
    }
    case kCtxValue: {
      Selection sel = select_equal(e, item.value, false, false);
      return sel.pos.empty() ? nullptr : &items[sel.pos[0]];
    }
    default:
      return nullptr;
  }
}

Value* map_step(Value* cur, const CtxItem& item, bool create_on, bool* created) {
  if ((item.type & kCtxList) != 0) return nullptr;
  auto& entries = cur->map;
  Elements e = view_map(entries);
  uint32_t start, count;
  switch (item.type & kCtxBaseMask) {
    case kCtxIndex: case kCtxRank: {
      if (!item.value.is_int()) return nullptr;
      int64_t index = item.value.kind == Kind::Uint ? INT64_MAX : item.value.i;
      if (!resolve_range(index, 1, entries.size(), false, &start, &count)) return nullptr;
      bool by_rank = (item.type & kCtxBaseMask) == kCtxRank;
      return &entries[by_rank ? e.by_rank[start] : e.by_index[start]].second;
    }
    case kCtxKey: case kCtxValue: {
      bool by_key = (item.type & kCtxBaseMask) == kCtxKey;
      Selection sel = select_equal(e, item.value, false, by_key);
      if (!sel.pos.empty()) return &entries[sel.pos[0]].second;
      if (!by_key || !create_on || item.value.has_nonstorage()) return nullptr;
      size_t at = map_insert_position(*cur, item.value);
      entries.insert(entries.begin() + long(at), Entry{item.value, Value()});
      *created = true;
      return &entries[at].second;
    }
    default:
      return nullptr;
  }
}

// Walks the context from *root. On success *target is the addressed element (Nil and
// *exists false when it was just created) and *parents the containers passed through.
ResultCode dig(Value* root, bool root_exists, const std::vector<CtxItem>& items,
               bool is_modify, Value** target, bool* exists, std::vector<Value*>* parents) {
  Value* cur = root;
  bool present = root_exists;
  bool creating = false;
  for (const CtxItem& item : items) {
    uint64_t create = item.type & kCtxCreateMask;
    bool create_on = (create & ~kCtxPersistIndex) != 0;
    bool typed = (item.type & (kCtxList | kCtxMap)) != 0;
    if ((item.type & kCtxBaseMask) > kCtxValue || (!typed && create != 0)) {
      return ResultCode::OpNotApplicable;
    }
    if (!present) {
      // The chain below a missing element is built from the remaining items.
      if (!creating && !create_on) return ResultCode::OpNotApplicable;
      creating = true;
      parents->push_back(cur);
      cur = create_step(cur, item);
      if (cur == nullptr) return ResultCode::OpNotApplicable;
      continue;
    }
    if (cur->kind != Kind::List && cur->kind != Kind::Map) return ResultCode::OpNotApplicable;
    bool created = false;
    parents->push_back(cur);
    cur = cur->kind == Kind::List ? list_step(cur, item, create_on, &created)
                                  : map_step(cur, item, create_on, &created);
    if (cur == nullptr) return ResultCode::OpNotApplicable;
    if (created) {
      present = false;
      creating = true;
    }
  }
  if (creating && !is_modify) return ResultCode::OpNotApplicable;
  *target = cur;
  *exists = present;
  return ResultCode::Ok;
}

// After a nested change, ordered lists on the path may be out of order: re-sort them
// innermost first (sorting an outer list moves inner ones, so inner go first).
void unwind(const std::vector<Value*>& parents) {
  for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
    Value* v = *it;
    if (v->kind == Kind::List && (v->subtype & proto::msgpack::kListOrdered) != 0) {
      std::stable_sort(v->list.begin(), v->list.end(), value_less);
    }
  }
}

bool is_container_particle(uint8_t particle) {
  return particle == uint8_t(proto::ParticleType::List) ||
         particle == uint8_t(proto::ParticleType::Map);
}

const OpSpec* find_spec(uint64_t code) {
  return is_list_op(code) ? find_list_spec(code) : find_map_spec(code);
}

// Splits a payload into its optional context and the op: [op, args...] or
// [0xff, [ctx...], [op, args...]].
bool parse_payload(std::string_view payload, std::vector<CtxItem>* ctx, Op* op) {
  Reader r(payload);
  uint32_t n;
  uint64_t code;
  if (!r.read_array_header(&n) || n == 0) return false;
  Reader peek = r;
  if (!peek.read_uint(&code)) return false;
  if (code != kContextEval) {
    Reader whole(payload);
    return parse_op(&whole, op);
  }
  return n == 3 && r.read_uint(&code) && parse_context(&r, ctx) && parse_op(&r, op) &&
         ctx->size() <= proto::msgpack::kMaxDepth;
}

}  // namespace

common::ResultCode apply_cdt_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out) {
  *out = CdtOutcome{};
  if (is_select(payload)) return apply_select(current, payload, is_modify, out);
  std::vector<CtxItem> ctx;
  Op op;
  if (!parse_payload(payload, &ctx, &op)) return ResultCode::Parameter;
  const OpSpec* spec = find_spec(op.code);
  if (spec == nullptr) return ResultCode::Parameter;
  bool list_op = is_list_op(op.code);

  // Reads of a missing bin return nothing; modifies may create it.
  if (current == nullptr && !is_modify) return ResultCode::Ok;
  Value root;
  bool root_exists = current != nullptr;
  if (root_exists) {
    if (!is_container_particle(current->particle)) {
      return ctx.empty() ? ResultCode::IncompatibleType : ResultCode::Parameter;
    }
    if (!proto::msgpack::decode(current->bytes, &root)) return ResultCode::Parameter;
  }

  Value* slot = &root;
  bool exists = root_exists;
  std::vector<Value*> parents;
  if (!ctx.empty()) {
    ResultCode rc = dig(&root, root_exists, ctx, is_modify, &slot, &exists, &parents);
    if (rc != ResultCode::Ok) return rc;
  }
  if (exists && slot->kind != (list_op ? Kind::List : Kind::Map)) {
    return ResultCode::IncompatibleType;
  }
  if (spec->modify != is_modify) return ResultCode::Parameter;
  if (ResultCode rc = check_args(*spec, op); rc != ResultCode::Ok) return rc;

  Target target;
  target.value = slot;
  target.exists = exists;
  target.is_modify = is_modify;
  ResultCode rc = list_op ? apply_list_op(op, &target) : apply_map_op(op, &target);
  if (rc != ResultCode::Ok) return rc;
  // What we store must decode again: refuse trees past the decoder's depth limit.
  if (target.changed && depth_of(root) > proto::msgpack::kMaxDepth) return ResultCode::Parameter;

  if (target.result) out->result = to_bin(*target.result);
  if (target.changed) {
    unwind(parents);
    out->bin_changed = true;
    out->new_bin = to_bin(root);
  }
  return ResultCode::Ok;
}

namespace {

bool parse_index_context(std::string_view context, std::vector<CtxItem>* items) {
  Reader r(context);
  if (!parse_context(&r, items) || !r.at_end()) return false;
  for (const CtxItem& item : *items) {
    bool typed = (item.type & (kCtxList | kCtxMap)) != 0;
    if ((item.type & kCtxCreateMask) != 0 || (item.type & kCtxBaseMask) > kCtxValue || !typed) return false;
  }
  return true;
}

}  // namespace

bool valid_index_context(std::string_view context) {
  std::vector<CtxItem> items;
  return parse_index_context(context, &items);
}

bool context_element(std::string_view bin_msgpack, std::string_view context, proto::msgpack::Value* out) {
  std::vector<CtxItem> items;
  Value root;
  if (!parse_index_context(context, &items) || !proto::msgpack::decode(bin_msgpack, &root)) return false;
  Value* target = nullptr;
  bool exists = false;
  std::vector<Value*> parents;
  if (dig(&root, true, items, false, &target, &exists, &parents) != ResultCode::Ok || !exists) return false;
  *out = std::move(*target);
  return true;
}

}  // namespace asd::base
