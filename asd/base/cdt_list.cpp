// List CDT ops (codes 0-13, 16-27, 32-40), following particle_list.c: write flags,
// ordered lists kept sorted, negative indexes, nil padding past the end.

#include <algorithm>

#include "base/cdt_internal.h"

namespace asd::base::cdt {

namespace {

using namespace proto::cdt::list_op;
constexpr uint8_t kRemoveOffset = kRemoveByIndex - kGetByIndex;  // 32-40 mirror 19-27

using namespace proto::cdt::list_write;
// Sort flags.
constexpr uint64_t kSortDescending = 1, kSortDropDuplicates = 2;

const std::vector<OpSpec>& base_specs() {
  using A = Arg;
  static const std::vector<OpSpec> table = {
      {kSetType, true, 0, {A::Flags}},
      {kAppend, true, 2, {A::Storage, A::Flags, A::Flags}},
      {kAppendItems, true, 2, {A::Storage, A::Flags, A::Flags}},
      {kInsert, true, 1, {A::Index, A::Storage, A::Flags}},
      {kInsertItems, true, 1, {A::Index, A::Storage, A::Flags}},
      {kPop, true, 0, {A::Index}},
      {kPopRange, true, 1, {A::Index, A::Count}},
      {kRemove, true, 0, {A::Index}},
      {kRemoveRange, true, 1, {A::Index, A::Count}},
      {kSet, true, 1, {A::Index, A::Storage, A::Flags}},
      {kTrim, true, 0, {A::Index, A::Count}},
      {kClear, true, 0, {}},
      {kIncrement, true, 3, {A::Index, A::Payload, A::Flags, A::Flags}},
      {kSort, true, 1, {A::Flags}},
      {kSize, false, 0, {}},
      {kGet, false, 0, {A::Index}},
      {kGetRange, false, 1, {A::Index, A::Count}},
      {kGetByIndex, false, 0, {A::Flags, A::Index}},
      {kGetByValue, false, 0, {A::Flags, A::Payload}},
      {kGetByRank, false, 0, {A::Flags, A::Index}},
      {kGetAllByValue, false, 0, {A::Flags, A::Payload}},
      {kGetAllByValueList, false, 0, {A::Flags, A::Payload}},
      {kGetByIndexRange, false, 1, {A::Flags, A::Index, A::Count}},
      {kGetByValueInterval, false, 1, {A::Flags, A::Payload, A::Payload}},
      {kGetByRankRange, false, 1, {A::Flags, A::Index, A::Count}},
      {kGetByValueRelRankRange, false, 1, {A::Flags, A::Payload, A::Index, A::Count}},
  };
  return table;
}

// The op table plus REMOVE_BY_* (32-40), which take GET_BY_*'s arguments but modify.
const std::vector<OpSpec>& specs() {
  static const std::vector<OpSpec> all = [] {
    std::vector<OpSpec> out = base_specs();
    for (const OpSpec& spec : base_specs()) {
      if (spec.code < kGetByIndex) continue;
      OpSpec removal = spec;
      removal.code = uint8_t(spec.code + kRemoveOffset);
      removal.modify = true;
      out.push_back(removal);
    }
    return out;
  }();
  return all;
}

bool is_ordered(const Value& list) { return (list.subtype & proto::msgpack::kListOrdered) != 0; }

void set_flags(Value* list, uint8_t flags) {
  list->subtype = flags;
  list->ext_header = flags != 0;
}

// A missing list becomes an empty one with the creation order; the server then writes
// the bin even when the op itself changes nothing.
void ensure_list(Target* t, uint64_t create_flags) {
  if (t->exists) return;
  bool ordered = (create_flags & ~uint64_t(0x11)) == 0 && (create_flags & 1) != 0;
  *t->value = Value::make_list({}, ordered ? proto::msgpack::kListOrdered : 0);
  t->exists = true;
  t->changed = true;
}

bool contains(const std::vector<Value>& items, const Value& v) {
  for (const Value& item : items) {
    if (proto::msgpack::compare(item, v) == 0) return true;
  }
  return false;
}

void set_size_result(Target* t) { t->result = Value::integer(int64_t(t->value->list.size())); }

// Add-unique refusal: no-fail turns it into a successful no-op.
ResultCode exists_outcome(Target* t, uint64_t flags) {
  set_size_result(t);
  return (flags & kNoFail) != 0 ? ResultCode::Ok : ResultCode::ElementExists;
}

// Drops values already present (or repeated within vals) under add-unique, applying
// the no-fail / partial rules of packed_list_insert. *done is set when the op must stop
// with the returned code.
ResultCode filter_unique(Target* t, std::vector<Value>* vals, uint64_t flags, bool* done) {
  bool no_fail = (flags & kNoFail) != 0;
  bool partial = no_fail && (flags & kPartial) != 0;
  std::vector<Value> kept;
  *done = true;
  for (size_t k = 0; k < vals->size(); ++k) {
    const Value& v = (*vals)[k];
    if (contains(t->value->list, v)) {
      if (!partial) return exists_outcome(t, flags);
      continue;
    }
    bool repeated = false;
    for (size_t j = 0; j < k && !repeated; ++j) {
      repeated = proto::msgpack::compare((*vals)[j], v) == 0;
    }
    if (repeated) {
      if (!no_fail) return ResultCode::OpNotApplicable;
      if (!partial) {
        set_size_result(t);
        return ResultCode::Ok;
      }
      continue;
    }
    kept.push_back(v);
  }
  if (kept.empty()) return exists_outcome(t, flags);
  *vals = std::move(kept);
  *done = false;
  return ResultCode::Ok;
}

// Unordered insert at index (nil-padding past the end); sets the new size as result.
ResultCode insert_values(Target* t, int64_t index, std::vector<Value> vals, uint64_t flags,
                         bool set_result) {
  auto& items = t->value->list;
  int64_t n = int64_t(items.size());
  if (vals.empty()) {
    if (set_result) set_size_result(t);
    return ResultCode::Ok;
  }
  if (index > INT32_MAX || (index < 0 && index + n < 0)) return ResultCode::OpNotApplicable;
  if (index < 0) index += n;
  if ((flags & kInsertBounded) != 0 && index > n) {
    if ((flags & kNoFail) == 0) return ResultCode::OpNotApplicable;
    if (set_result) set_size_result(t);
    return ResultCode::Ok;
  }
  if ((flags & kAddUnique) != 0) {
    std::optional<Value> saved = t->result;  // list_set/increment keep their own result
    bool done;
    ResultCode rc = filter_unique(t, &vals, flags, &done);
    if (done) {
      if (!set_result) t->result = std::move(saved);
      return rc;
    }
  }
  if (index - n > kMaxNilPad) return ResultCode::RecordTooBig;
  if (index > n) items.resize(size_t(index));
  items.insert(items.begin() + index, std::make_move_iterator(vals.begin()),
               std::make_move_iterator(vals.end()));
  t->changed = true;
  if (set_result) set_size_result(t);
  return ResultCode::Ok;
}

void insert_sorted(std::vector<Value>* items, Value v) {
  auto at = std::upper_bound(items->begin(), items->end(), v, value_less);
  items->insert(at, std::move(v));
}

// Ordered append of one or more values (packed_list_add_ordered / add_items_ordered).
ResultCode add_ordered(Target* t, std::vector<Value> vals, uint64_t flags) {
  if (vals.empty()) {
    set_size_result(t);
    return ResultCode::Ok;
  }
  if ((flags & kAddUnique) != 0) {
    std::stable_sort(vals.begin(), vals.end(), value_less);
    bool done;
    ResultCode rc = filter_unique(t, &vals, flags, &done);
    if (done) return rc;
  }
  for (Value& v : vals) insert_sorted(&t->value->list, std::move(v));
  t->changed = true;
  set_size_result(t);
  return ResultCode::Ok;
}

ResultCode append(const Op& op, Target* t) {
  ensure_list(t, arg_uint(op, 1, 0));
  uint64_t flags = arg_uint(op, 2, 0);
  std::vector<Value> vals;
  if (op.code == kAppendItems) {
    if (op.args[0].kind != Kind::List) return ResultCode::Parameter;
    vals = op.args[0].list;
  } else {
    vals.push_back(op.args[0]);
  }
  if (is_ordered(*t->value)) return add_ordered(t, std::move(vals), flags);
  return insert_values(t, int64_t(t->value->list.size()), std::move(vals), flags, true);
}

ResultCode insert(const Op& op, Target* t) {
  ensure_list(t, 0);
  if (is_ordered(*t->value)) return ResultCode::OpNotApplicable;
  std::vector<Value> vals;
  if (op.code == kInsertItems) {
    if (op.args[1].kind != Kind::List) return ResultCode::Parameter;
    vals = op.args[1].list;
  } else {
    vals.push_back(op.args[1]);
  }
  return insert_values(t, arg_int(op, 0, 0), std::move(vals), arg_uint(op, 2, 0), true);
}

// Overwrites index (list_set): past the end it inserts with nil padding, no result.
ResultCode set_at(Target* t, int64_t index, const Value& v, uint64_t flags) {
  auto& items = t->value->list;
  int64_t n = int64_t(items.size());
  if (index >= n) return insert_values(t, index, {v}, flags, false);
  if (index < 0) index += n;
  if (index < 0) return ResultCode::OpNotApplicable;
  if ((flags & kAddUnique) != 0) {
    for (int64_t k = 0; k < n; ++k) {
      if (k != index && proto::msgpack::compare(items[size_t(k)], v) == 0) {
        return (flags & kNoFail) != 0 ? ResultCode::Ok : ResultCode::ElementExists;
      }
    }
  }
  items[size_t(index)] = v;
  t->changed = true;
  return ResultCode::Ok;
}

ResultCode set(const Op& op, Target* t) {
  ensure_list(t, 0);
  if (is_ordered(*t->value)) return ResultCode::OpNotApplicable;
  return set_at(t, arg_int(op, 0, 0), op.args[1], arg_uint(op, 2, 0));
}

ResultCode increment(const Op& op, Target* t) {
  ensure_list(t, arg_uint(op, 2, 0));
  auto& items = t->value->list;
  int64_t n = int64_t(items.size());
  int64_t index = arg_int(op, 0, 0);
  if (index > INT32_MAX || (index < 0 && index + n < 0)) return ResultCode::OpNotApplicable;
  if (index < 0) index += n;
  Value updated;
  const Value* current = index < n ? &items[size_t(index)] : nullptr;
  if (!add_delta(current, arg_value(op, 1), false, &updated)) return ResultCode::Parameter;
  t->result = updated;
  uint64_t flags = arg_uint(op, 3, 0);
  if (!is_ordered(*t->value)) return set_at(t, index, updated, flags);
  if (index > n) return ResultCode::OpNotApplicable;
  if ((flags & kAddUnique) != 0 && contains(items, updated)) {
    bool same = index < n && proto::msgpack::compare(items[size_t(index)], updated) == 0;
    if (same || (flags & kNoFail) != 0) return ResultCode::Ok;
    return ResultCode::ElementExists;
  }
  if (index < n) items.erase(items.begin() + index);
  insert_sorted(&items, std::move(updated));
  t->changed = true;
  return ResultCode::Ok;
}

ResultCode set_type(const Op& op, Target* t) {
  ensure_list(t, 0);
  uint64_t flags = arg_uint(op, 0, 0);
  if ((flags & ~uint64_t(0x11)) != 0) return ResultCode::OpNotApplicable;
  uint8_t order = uint8_t(flags & proto::msgpack::kListOrdered);  // persist index: ignored
  if (order == t->value->subtype) return ResultCode::Ok;
  if (order != 0) std::stable_sort(t->value->list.begin(), t->value->list.end(), value_less);
  set_flags(t->value, order);
  t->changed = true;
  return ResultCode::Ok;
}

ResultCode sort(const Op& op, Target* t) {
  if (!t->exists) return ResultCode::IncompatibleType;
  auto& items = t->value->list;
  uint64_t flags = arg_uint(op, 0, 0);
  if (items.size() <= 1) return ResultCode::Ok;
  if (!is_ordered(*t->value)) {
    if ((flags & kSortDescending) != 0) {
      std::stable_sort(items.begin(), items.end(),
                       [](const Value& a, const Value& b) { return value_less(b, a); });
    } else {
      std::stable_sort(items.begin(), items.end(), value_less);
    }
  }
  if ((flags & kSortDropDuplicates) != 0) {
    auto same = [](const Value& a, const Value& b) { return proto::msgpack::compare(a, b) == 0; };
    items.erase(std::unique(items.begin(), items.end(), same), items.end());
  }
  t->changed = true;
  return ResultCode::Ok;
}

// In an ordered list index and rank coincide, so either range result type applies.
void mirror_ranges(const Value& list, Selection* sel) {
  if (!is_ordered(list)) return;
  if (!sel->index_range) sel->index_range = sel->rank_range;
  if (!sel->rank_range) sel->rank_range = sel->index_range;
}

// The get/remove-by family: `code` is the GET_BY code (19-27) or a plain get/pop.
ResultCode select_and_apply(const Op& op, Target* t, uint8_t code, uint64_t rt,
                            size_t first_arg, bool remove) {
  if (!t->exists) return ResultCode::Ok;  // removing from a missing list: no-op
  const auto& items = t->value->list;
  Elements e = view_list(items);
  bool multi = true;
  Selection sel;
  uint32_t start, count;
  switch (code) {
    case kGetByIndex: case kGetByIndexRange: case kGetByRank: case kGetByRankRange: {
      multi = code == kGetByIndexRange || code == kGetByRankRange;
      uint64_t want = multi ? arg_uint(op, first_arg + 1, kAllCount) : 1;
      if (!resolve_range(arg_int(op, first_arg, 0), want, e.n, multi, &start, &count)) {
        return ResultCode::OpNotApplicable;
      }
      bool by_rank = code == kGetByRank || code == kGetByRankRange;
      sel = by_rank ? select_rank_range(e, start, count, multi)
                    : select_index_range(e, start, count, multi);
      // The server selects an unordered list's rank range with a heap: for a range nearer
      // the low end it pops the lowest values first, and the values come back highest
      // first ([83, 39, 49, 20, 42, 41, 98] ranks 2-3 read [42, 41]); nearer the high end
      // they come back in rank order.
      if (by_rank && (rt & 0xffff) == kValue && !(rt & kInverted) && !is_ordered(*t->value) &&
          start <= e.n - start - count) {
        std::reverse(sel.pos.begin(), sel.pos.end());
      }
      break;
    }
    case kGetByValue: case kGetAllByValue:
      sel = select_equal(e, op.args[first_arg], code == kGetAllByValue, false);
      break;
    case kGetAllByValueList:
      if (op.args[first_arg].kind != Kind::List) return ResultCode::Parameter;
      sel = select_in_list(e, op.args[first_arg].list, false);
      break;
    case kGetByValueInterval:
      sel = select_interval(e, op.args[first_arg], arg_value(op, first_arg + 1), false);
      break;
    case kGetByValueRelRankRange: {
      int64_t rank;
      uint64_t want;
      resolve_relative(arg_int(op, first_arg + 1, 0), arg_uint(op, first_arg + 2, kAllCount),
                       count_below(e, op.args[first_arg], false), &rank, &want);
      resolve_range(rank, want, e.n, true, &start, &count);
      sel = select_rank_range(e, start, count, true);
      break;
    }
    default:
      return ResultCode::Parameter;
  }
  mirror_ranges(*t->value, &sel);
  ResultCode rc = finish_selection(e, rt, &sel, &t->result);
  if (rc != ResultCode::Ok || !remove || sel.pos.empty()) return rc;
  erase_positions(&t->value->list, sel.pos);
  t->changed = true;
  return ResultCode::Ok;
}

ResultCode by_index_op(const Op& op, Target* t) {
  switch (op.code) {
    case kPop: return select_and_apply(op, t, kGetByIndex, kValue, 0, true);
    case kPopRange: return select_and_apply(op, t, kGetByIndexRange, kValue, 0, true);
    case kRemove: return select_and_apply(op, t, kGetByIndex, kCount, 0, true);
    case kRemoveRange: return select_and_apply(op, t, kGetByIndexRange, kCount, 0, true);
    case kGet: return select_and_apply(op, t, kGetByIndex, kValue, 0, false);
    case kGetRange: return select_and_apply(op, t, kGetByIndexRange, kValue, 0, false);
    case kTrim:  // keeps [index, index+count): removes the complement
      return select_and_apply(op, t, kGetByIndexRange, kCount | kInverted, 0, true);
    default: return ResultCode::Parameter;
  }
}

}  // namespace

const OpSpec* find_list_spec(uint64_t code) {
  for (const OpSpec& spec : specs()) {
    if (spec.code == code) return &spec;
  }
  return nullptr;
}

ResultCode apply_list_op(const Op& op, Target* t) {
  switch (op.code) {
    case kSetType: return set_type(op, t);
    case kAppend: case kAppendItems: return append(op, t);
    case kInsert: case kInsertItems: return insert(op, t);
    case kSet: return set(op, t);
    case kIncrement: return increment(op, t);
    case kSort: return sort(op, t);
    case kClear:
      if (!t->exists) return ResultCode::Ok;
      t->value->list.clear();
      t->changed = true;
      return ResultCode::Ok;
    case kSize:
      t->result = Value::integer(int64_t(t->value->list.size()));
      return ResultCode::Ok;
    case kPop: case kPopRange: case kRemove: case kRemoveRange: case kGet: case kGetRange:
    case kTrim:
      return by_index_op(op, t);
    default:
      break;
  }
  bool remove = op.code >= kRemoveByIndex;
  uint8_t code = uint8_t(remove ? op.code - kRemoveOffset : op.code);
  return select_and_apply(op, t, code, arg_uint(op, 0, 0), 1, remove);
}

}  // namespace asd::base::cdt
