// Map CDT ops (codes 64-70, 73-79, 81-89, 96-110), following particle_map.c: write
// flags, key-ordered maps kept sorted, index = key order, rank = value order.

#include "base/cdt_internal.h"

namespace asd::base::cdt {

namespace {

using namespace proto::cdt::map_op;

// Each REMOVE_BY_* code and the GET_BY_* code whose selection it removes.
constexpr std::pair<uint8_t, uint8_t> kRemoveToGet[] = {
    {kRemoveByKey, kGetByKey}, {kRemoveByIndex, kGetByIndex},
    {kRemoveByValue, kGetByValue}, {kRemoveByRank, kGetByRank},
    {kRemoveByKeyList, kGetByKeyList}, {kRemoveAllByValue, kGetAllByValue},
    {kRemoveByValueList, kGetByValueList}, {kRemoveByKeyInterval, kGetByKeyInterval},
    {kRemoveByIndexRange, kGetByIndexRange}, {kRemoveByValueInterval, kGetByValueInterval},
    {kRemoveByRankRange, kGetByRankRange},
    {kRemoveByKeyRelIndexRange, kGetByKeyRelIndexRange},
    {kRemoveByValueRelRankRange, kGetByValueRelRankRange},
};

// GET_BY_* code for a REMOVE_BY_* code, or 0.
uint8_t get_code_of(uint64_t remove_code) {
  for (const auto& [remove, get] : kRemoveToGet) {
    if (remove == remove_code) return get;
  }
  return 0;
}

using namespace proto::cdt::map_write;

const std::vector<OpSpec>& base_specs() {
  using A = Arg;
  static const std::vector<OpSpec> table = {
      {kSetType, true, 0, {A::Flags}},
      {kAdd, true, 1, {A::Storage, A::Storage, A::Flags}},
      {kAddItems, true, 1, {A::Storage, A::Flags}},
      {kPut, true, 2, {A::Storage, A::Storage, A::Flags, A::Flags}},
      {kPutItems, true, 2, {A::Storage, A::Flags, A::Flags}},
      {kReplace, true, 0, {A::Storage, A::Storage}},
      {kReplaceItems, true, 0, {A::Storage}},
      {kIncrement, true, 2, {A::Payload, A::Payload, A::Flags}},
      {kDecrement, true, 2, {A::Payload, A::Payload, A::Flags}},
      {kClear, true, 0, {}},
      {kSize, false, 0, {}},
      {kGetByKey, false, 0, {A::Index, A::Payload}},
      {kGetByIndex, false, 0, {A::Index, A::Index}},
      {kGetByValue, false, 0, {A::Index, A::Payload}},
      {kGetByRank, false, 0, {A::Index, A::Index}},
      {kGetAllByValue, false, 0, {A::Index, A::Payload}},
      {kGetByKeyInterval, false, 1, {A::Index, A::Payload, A::Payload}},
      {kGetByIndexRange, false, 1, {A::Index, A::Index, A::Count}},
      {kGetByValueInterval, false, 1, {A::Index, A::Payload, A::Payload}},
      {kGetByRankRange, false, 1, {A::Index, A::Index, A::Count}},
      {kGetByKeyList, false, 0, {A::Index, A::Payload}},
      {kGetByValueList, false, 0, {A::Index, A::Payload}},
      {kGetByKeyRelIndexRange, false, 1, {A::Index, A::Payload, A::Index, A::Count}},
      {kGetByValueRelRankRange, false, 1, {A::Index, A::Payload, A::Index, A::Count}},
  };
  return table;
}

// The table plus REMOVE_BY_* (76-89), which take GET_BY_*'s arguments but modify.
const std::vector<OpSpec>& specs() {
  static const std::vector<OpSpec> all = [] {
    std::vector<OpSpec> out = base_specs();
    for (const auto& [remove, get] : kRemoveToGet) {
      for (const OpSpec& spec : base_specs()) {
        if (spec.code != get) continue;
        OpSpec removal = spec;
        removal.code = remove;
        removal.modify = true;
        out.push_back(removal);
      }
    }
    return out;
  }();
  return all;
}

// Valid map order attributes (0, 1, 3); the persist-index bit is accepted and ignored.
bool order_from_attributes(uint64_t attributes, uint8_t* order) {
  if ((attributes & ~uint64_t(0x13)) != 0 || (attributes & 0x03) == 0x02) return false;
  *order = uint8_t(attributes & 0x03);
  return true;
}

// A missing map becomes an empty one with the creation order (the bin is then written
// even when the op changes nothing, as the server does).
void ensure_map(Target* t, uint64_t attributes) {
  if (t->exists) return;
  uint8_t order = 0;
  if (!order_from_attributes(attributes, &order)) order = 0;
  *t->value = Value::make_map({}, order);
  t->exists = true;
  t->changed = true;
}

void set_size_result(Target* t) { t->result = Value::integer(int64_t(t->value->map.size())); }

// map_is_key: integers, strings and (typed, plain) blobs.
bool valid_key(const Value& key) {
  return key.is_int() || key.kind == Kind::String ||
         (key.kind == Kind::Blob && !key.untyped && key.subtype == proto::msgpack::kBytesBlob);
}

int find_key(const std::vector<Entry>& entries, const Value& key) {
  for (size_t k = 0; k < entries.size(); ++k) {
    if (proto::msgpack::compare(entries[k].first, key) == 0) return int(k);
  }
  return -1;
}

struct WriteControl {
  bool allow_overwrite = true;
  bool allow_create = true;
  bool no_fail = false;
  bool partial = false;
};

WriteControl control_from_flags(uint64_t flags) {
  WriteControl c;
  c.allow_overwrite = (flags & kCreateOnly) == 0;
  c.allow_create = (flags & kUpdateOnly) == 0;
  c.no_fail = (flags & kNoFail) != 0;
  c.partial = (flags & kPartial) != 0;
  return c;
}

// Outcome of a refused item: no-fail makes it a successful no-op reporting the size.
ResultCode refuse(Target* t, const WriteControl& c, ResultCode code) {
  if (!c.no_fail) return code;
  set_size_result(t);
  return ResultCode::Ok;
}

ResultCode put_one(Target* t, const Value& key, const Value& value, const WriteControl& c,
                   bool set_result) {
  if (!valid_key(key)) return ResultCode::Parameter;
  auto& entries = t->value->map;
  int at = find_key(entries, key);
  if (at >= 0 && !c.allow_overwrite) return refuse(t, c, ResultCode::ElementExists);
  if (at < 0 && !c.allow_create) return refuse(t, c, ResultCode::ElementNotFound);
  if (at >= 0) {
    entries[size_t(at)].second = value;
  } else {
    size_t pos = map_insert_position(*t->value, key);
    entries.insert(entries.begin() + long(pos), Entry{key, value});
  }
  t->changed = true;
  if (set_result) set_size_result(t);
  return ResultCode::Ok;
}

// map_add_items: items go in key order, and an unordered map is rewritten in key order
// first (the server's "iko" conversion).
ResultCode put_items(Target* t, const Value& items, const WriteControl& c) {
  if (items.kind != Kind::Map) return ResultCode::Parameter;
  std::vector<Entry> adds = items.map;
  for (const Entry& e : adds) {
    if (!valid_key(e.first)) return ResultCode::Parameter;
  }
  if (adds.empty()) {
    set_size_result(t);
    return ResultCode::Ok;
  }
  std::stable_sort(adds.begin(), adds.end(), key_less);
  std::vector<Entry> kept;
  for (Entry& e : adds) {
    bool found = find_key(t->value->map, e.first) >= 0;
    bool refused = found ? !c.allow_overwrite : !c.allow_create;
    if (!refused) {
      kept.push_back(std::move(e));
    } else if (!(c.no_fail && c.partial)) {
      return refuse(t, c, found ? ResultCode::ElementExists : ResultCode::ElementNotFound);
    }
  }
  std::stable_sort(t->value->map.begin(), t->value->map.end(), key_less);
  WriteControl put_all;
  for (Entry& e : kept) put_one(t, e.first, e.second, put_all, false);
  t->changed = true;
  set_size_result(t);
  return ResultCode::Ok;
}

ResultCode set_type(const Op& op, Target* t) {
  ensure_map(t, 0);
  uint8_t order;
  if (!order_from_attributes(arg_uint(op, 0, 0), &order)) return ResultCode::OpNotApplicable;
  if (order == t->value->subtype) return ResultCode::Ok;
  if ((order & proto::msgpack::kMapKeyOrdered) != 0) {
    std::stable_sort(t->value->map.begin(), t->value->map.end(), key_less);
  }
  t->value->subtype = order;
  t->value->ext_header = order != 0;
  t->changed = true;
  return ResultCode::Ok;
}

// Increment/decrement (a missing key counts as 0); the result is the new value.
ResultCode increment(const Op& op, Target* t) {
  ensure_map(t, arg_uint(op, 2, 0));
  const Value& key = op.args[0];
  if (!valid_key(key)) return ResultCode::Parameter;
  int at = find_key(t->value->map, key);
  const Value* current = at >= 0 ? &t->value->map[size_t(at)].second : nullptr;
  Value updated;
  if (!add_delta(current, arg_value(op, 1), op.code == kDecrement, &updated)) {
    return ResultCode::Parameter;
  }
  t->result = updated;
  return put_one(t, key, updated, WriteControl{}, false);
}

ResultCode write_op(const Op& op, Target* t) {
  switch (op.code) {
    case kSetType: return set_type(op, t);
    case kAdd:
      ensure_map(t, arg_uint(op, 2, 0));
      return put_one(t, op.args[0], op.args[1], control_from_flags(kCreateOnly), true);
    case kAddItems:
      ensure_map(t, arg_uint(op, 1, 0));
      return put_items(t, op.args[0], control_from_flags(kCreateOnly));
    case kPut:
      ensure_map(t, arg_uint(op, 2, 0));
      return put_one(t, op.args[0], op.args[1], control_from_flags(arg_uint(op, 3, 0)), true);
    case kPutItems:
      ensure_map(t, arg_uint(op, 1, 0));
      return put_items(t, op.args[0], control_from_flags(arg_uint(op, 2, 0)));
    case kReplace:
      ensure_map(t, 0);
      return put_one(t, op.args[0], op.args[1], control_from_flags(kUpdateOnly), true);
    case kReplaceItems:
      if (!t->exists) return ResultCode::ElementNotFound;
      return put_items(t, op.args[0], control_from_flags(kUpdateOnly));
    case kIncrement: case kDecrement: return increment(op, t);
    case kClear:
      if (!t->exists) return ResultCode::Ok;
      t->value->map.clear();
      t->changed = true;
      return ResultCode::Ok;
    default: return ResultCode::Parameter;
  }
}

// Builds the selection of a GET_BY_* code (97-110); args start after the return type.
ResultCode select(const Op& op, const Elements& e, uint8_t code, Selection* sel) {
  const Value& first = op.args[1];
  uint32_t start, count;
  switch (code) {
    case kGetByKey: *sel = select_equal(e, first, false, true); return ResultCode::Ok;
    case kGetByValue: *sel = select_equal(e, first, false, false); return ResultCode::Ok;
    case kGetAllByValue: *sel = select_equal(e, first, true, false); return ResultCode::Ok;
    case kGetByKeyInterval: case kGetByValueInterval:
      *sel = select_interval(e, first, arg_value(op, 2), code == kGetByKeyInterval);
      return ResultCode::Ok;
    case kGetByKeyList: case kGetByValueList:
      if (first.kind != Kind::List) return ResultCode::Parameter;
      *sel = select_in_list(e, first.list, code == kGetByKeyList);
      return ResultCode::Ok;
    case kGetByIndex: case kGetByRank: case kGetByIndexRange: case kGetByRankRange: {
      bool multi = code == kGetByIndexRange || code == kGetByRankRange;
      uint64_t want = multi ? arg_uint(op, 2, kAllCount) : 1;
      if (!resolve_range(arg_int(op, 1, 0), want, e.n, multi, &start, &count)) {
        return ResultCode::OpNotApplicable;
      }
      bool by_rank = code == kGetByRank || code == kGetByRankRange;
      *sel = by_rank ? select_rank_range(e, start, count, multi)
                     : select_index_range(e, start, count, multi);
      return ResultCode::Ok;
    }
    case kGetByKeyRelIndexRange: case kGetByValueRelRankRange: {
      bool by_key = code == kGetByKeyRelIndexRange;
      int64_t index;
      uint64_t want;
      resolve_relative(arg_int(op, 2, 0), arg_uint(op, 3, kAllCount),
                       count_below(e, first, by_key), &index, &want);
      resolve_range(index, want, e.n, true, &start, &count);
      *sel = by_key ? select_index_range(e, start, count, true)
                    : select_rank_range(e, start, count, true);
      return ResultCode::Ok;
    }
    default:
      return ResultCode::Parameter;
  }
}

ResultCode select_and_apply(const Op& op, Target* t, uint8_t code, bool remove) {
  if (!t->exists) return ResultCode::Ok;  // removing from a missing map: no-op
  Elements e = view_map(t->value->map);
  Selection sel;
  ResultCode rc = select(op, e, code, &sel);
  if (rc == ResultCode::Ok) rc = finish_selection(e, arg_uint(op, 0, 0), &sel, &t->result);
  if (rc != ResultCode::Ok || !remove || sel.pos.empty()) return rc;
  erase_positions(&t->value->map, sel.pos);
  t->changed = true;
  return ResultCode::Ok;
}

}  // namespace

const OpSpec* find_map_spec(uint64_t code) {
  for (const OpSpec& spec : specs()) {
    if (spec.code == code) return &spec;
  }
  return nullptr;
}

ResultCode apply_map_op(const Op& op, Target* t) {
  if (op.code == kSize) {
    set_size_result(t);
    return ResultCode::Ok;
  }
  if (uint8_t get = get_code_of(op.code); get != 0) return select_and_apply(op, t, get, true);
  if (op.code >= kGetByKey) return select_and_apply(op, t, uint8_t(op.code), false);
  return write_op(op, t);
}

}  // namespace asd::base::cdt
