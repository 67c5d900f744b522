// Selections (which elements an op addresses) and the return-type engine shared by list
// and map ops. Mirrors the server's calc_index_count and result_data_set_* rules.

#include <numeric>

#include "base/cdt_internal.h"

namespace asd::base::cdt {

using proto::msgpack::compare;

//----------------------------------------------------------------------------
// Views
//----------------------------------------------------------------------------

// Fills by_rank by a stable sort on the values, then the inverse tables.
static void fill_orders(Elements* e) {
  e->by_rank.resize(e->n);
  std::iota(e->by_rank.begin(), e->by_rank.end(), 0u);
  std::stable_sort(e->by_rank.begin(), e->by_rank.end(), [&](uint32_t a, uint32_t b) {
    int c = compare(e->value(a), e->value(b));
    return c != 0 ? c < 0 : e->index_of[a] < e->index_of[b];
  });
  e->rank_of.resize(e->n);
  for (uint32_t r = 0; r < e->n; ++r) e->rank_of[e->by_rank[r]] = r;
}

Elements view_list(const std::vector<Value>& items) {
  Elements e;
  e.list = &items;
  e.n = items.size();
  e.by_index.resize(e.n);
  std::iota(e.by_index.begin(), e.by_index.end(), 0u);
  e.index_of = e.by_index;
  fill_orders(&e);
  return e;
}

Elements view_map(const std::vector<Entry>& entries) {
  Elements e;
  e.map = &entries;
  e.n = entries.size();
  e.by_index.resize(e.n);
  std::iota(e.by_index.begin(), e.by_index.end(), 0u);
  std::stable_sort(e.by_index.begin(), e.by_index.end(), [&](uint32_t a, uint32_t b) {
    return value_less(entries[a].first, entries[b].first);
  });
  e.index_of.resize(e.n);
  for (uint32_t k = 0; k < e.n; ++k) e.index_of[e.by_index[k]] = k;
  fill_orders(&e);
  return e;
}

//----------------------------------------------------------------------------
// Ranges
//----------------------------------------------------------------------------

bool resolve_range(int64_t index, uint64_t count, size_t n, bool multi, uint32_t* start,
                   uint32_t* out_count) {
  int64_t size = int64_t(n);
  if (index >= size) {
    if (!multi) return false;
    *start = uint32_t(n);
    *out_count = 0;
    return true;
  }
  if (index < 0) index += size;
  if (index < 0) {
    if (!multi) return false;
    // The range starts before the list: keep only the part that overlaps it.
    uint64_t before = uint64_t(-index);
    *start = 0;
    *out_count = count > before ? uint32_t(std::min<uint64_t>(count - before, n)) : 0;
    return true;
  }
  *start = uint32_t(index);
  *out_count = uint32_t(std::min<uint64_t>(count, uint64_t(size - index)));
  return true;
}

void resolve_relative(int64_t rel, uint64_t count, uint32_t anchor, int64_t* index,
                      uint64_t* out_count) {
  int64_t start = rel + int64_t(anchor);
  if (start < 0) {
    uint64_t before = uint64_t(-start);
    count = count > before ? count - before : 0;
    start = 0;
  }
  *index = start;
  *out_count = count;
}

Selection select_index_range(const Elements& e, uint32_t start, uint32_t count, bool multi) {
  Selection sel;
  sel.multi = multi;
  sel.order = Order::Index;
  for (uint32_t k = start; k < start + count; ++k) sel.pos.push_back(e.by_index[k]);
  sel.index_range = {start, count};
  return sel;
}

Selection select_rank_range(const Elements& e, uint32_t start, uint32_t count, bool multi) {
  Selection sel;
  sel.multi = multi;
  sel.order = Order::Rank;
  for (uint32_t r = start; r < start + count; ++r) sel.pos.push_back(e.by_rank[r]);
  sel.rank_range = {start, count};
  return sel;
}

uint32_t count_below(const Elements& e, const Value& v, bool by_key) {
  uint32_t below = 0;
  for (uint32_t p = 0; p < e.n; ++p) {
    if (compare(by_key ? e.key(p) : e.value(p), v) < 0) ++below;
  }
  return below;
}

// Walks elements in index order, keeping those `match` accepts; single ops stop at the
// first. The rank range [elements below `low`, count] enables the RANK_RANGE results.
template <typename Match>
static Selection select_matching(const Elements& e, const Value& low, bool multi,
                                 bool by_key, Match match) {
  Selection sel;
  sel.multi = multi;
  sel.order = Order::Index;
  for (uint32_t k = 0; k < e.n; ++k) {
    uint32_t p = e.by_index[k];
    if (!match(by_key ? e.key(p) : e.value(p))) continue;
    sel.pos.push_back(p);
    if (!multi) break;
  }
  uint32_t below = count_below(e, low, by_key);
  std::pair<uint32_t, uint32_t> range{below, uint32_t(sel.pos.size())};
  if (by_key) {
    sel.index_range = range;
  } else {
    sel.rank_range = range;
  }
  return sel;
}

Selection select_equal(const Elements& e, const Value& v, bool multi, bool by_key) {
  return select_matching(e, v, multi, by_key,
                         [&](const Value& x) { return compare(x, v) == 0; });
}

Selection select_interval(const Elements& e, const Value& begin, const Value* end,
                          bool by_key) {
  return select_matching(e, begin, true, by_key, [&](const Value& x) {
    return compare(x, begin) >= 0 && (end == nullptr || compare(x, *end) < 0);
  });
}

Selection select_in_list(const Elements& e, const std::vector<Value>& wanted, bool by_key) {
  Selection sel;
  sel.multi = true;
  sel.order = Order::Index;
  for (uint32_t k = 0; k < e.n; ++k) {
    uint32_t p = e.by_index[k];
    const Value& v = by_key ? e.key(p) : e.value(p);
    for (const Value& w : wanted) {
      if (compare(v, w) == 0) {
        sel.pos.push_back(p);
        break;
      }
    }
  }
  return sel;
}

size_t map_insert_position(const Value& map, const Value& key) {
  const auto& entries = map.map;
  if ((map.subtype & proto::msgpack::kMapKeyOrdered) != 0) {
    auto it = std::lower_bound(
        entries.begin(), entries.end(), key,
        [](const Entry& e, const Value& k) { return value_less(e.first, k); });
    return size_t(it - entries.begin());
  }
  for (size_t k = 0; k < entries.size(); ++k) {
    if (k > 0 && compare(entries[k - 1].first, entries[k].first) > 0) break;  // unsorted
    if (compare(key, entries[k].first) < 0) return k;
  }
  return entries.size();
}

//----------------------------------------------------------------------------
// Results
//----------------------------------------------------------------------------

namespace {

void invert(const Elements& e, Selection* sel) {
  std::vector<bool> chosen(e.n, false);
  for (uint32_t p : sel->pos) chosen[p] = true;
  sel->pos.clear();
  for (uint32_t k = 0; k < e.n; ++k) {
    if (!chosen[e.by_index[k]]) sel->pos.push_back(e.by_index[k]);
  }
  sel->order = Order::Index;
}

// Index or rank of each selected element; ascending unless the op walked index order
// and asks for ranks (the server then reports them element by element).
Value numbers(const Elements& e, const Selection& sel, bool rank, bool reverse) {
  std::vector<int64_t> out;
  for (uint32_t p : sel.pos) out.push_back(rank ? e.rank_of[p] : e.index_of[p]);
  if (!(rank && sel.order == Order::Index && sel.index_range)) std::sort(out.begin(), out.end());
  std::vector<Value> items;
  for (int64_t x : out) items.push_back(Value::integer(reverse ? int64_t(e.n) - 1 - x : x));
  return Value::make_list(std::move(items));
}

Value single_number(const Elements& e, const Selection& sel, bool rank, bool reverse) {
  if (sel.pos.empty()) return Value::integer(-1);
  int64_t x = rank ? e.rank_of[sel.pos[0]] : e.index_of[sel.pos[0]];
  return Value::integer(reverse ? int64_t(e.n) - 1 - x : x);
}

std::optional<Value> elements_of(const Elements& e, const Selection& sel, bool keys) {
  if (!sel.multi) {
    if (sel.pos.empty()) return std::nullopt;
    const Value& v = keys ? e.key(sel.pos[0]) : e.value(sel.pos[0]);
    if (v.kind == Kind::Nil) return std::nullopt;
    return v;
  }
  std::vector<Value> items;
  for (uint32_t p : sel.pos) items.push_back(keys ? e.key(p) : e.value(p));
  return Value::make_list(std::move(items));
}

Value entries_of(const Elements& e, const Selection& sel, uint32_t rt) {
  std::vector<Entry> entries;
  for (uint32_t p : sel.pos) entries.push_back((*e.map)[p]);
  if (rt == kOrderedMap) std::stable_sort(entries.begin(), entries.end(), key_less);
  uint8_t flags = rt == kKeyValue ? proto::msgpack::kMapPreserveOrder
                  : rt == kOrderedMap ? proto::msgpack::kMapKeyOrdered
                                        : 0;
  return Value::make_map(std::move(entries), flags);
}

Value range_pair(uint32_t start, uint32_t count, size_t n, bool reverse) {
  int64_t first = reverse ? int64_t(n) - start - count : start;
  return Value::make_list({Value::integer(first), Value::integer(count)});
}

}  // namespace

ResultCode finish_selection(const Elements& e, uint64_t rt, Selection* sel,
                            std::optional<Value>* result) {
  bool inverted = (rt & kInverted) != 0;
  uint32_t type = uint32_t(rt & 0xffff);
  bool is_map = e.map != nullptr;
  if (inverted) {
    if (!sel->multi) return ResultCode::OpNotApplicable;
    if (type >= kIndexRange && type <= kReverseRankRange) return ResultCode::OpNotApplicable;
    invert(e, sel);
  }
  result->reset();
  switch (type) {
    case kNone: return ResultCode::Ok;
    case kIndex: case kReverseIndex: case kRank: case kReverseRank: {
      bool rank = type == kRank || type == kReverseRank;
      bool reverse = type == kReverseIndex || type == kReverseRank;
      *result = sel->multi ? numbers(e, *sel, rank, reverse)
                           : single_number(e, *sel, rank, reverse);
      return ResultCode::Ok;
    }
    case kCount: *result = Value::integer(int64_t(sel->pos.size())); return ResultCode::Ok;
    case kExists: *result = Value::make_bool(!sel->pos.empty()); return ResultCode::Ok;
    case kKey:
      if (!is_map) return ResultCode::OpNotApplicable;
      *result = elements_of(e, *sel, true);
      return ResultCode::Ok;
    case kValue: *result = elements_of(e, *sel, false); return ResultCode::Ok;
    case kKeyValue: case kUnorderedMap: case kOrderedMap:
      if (!is_map) return ResultCode::OpNotApplicable;
      *result = entries_of(e, *sel, type);
      return ResultCode::Ok;
    case kIndexRange: case kReverseIndexRange:
      if (!sel->index_range) return ResultCode::OpNotApplicable;
      *result = range_pair(sel->index_range->first, sel->index_range->second, e.n,
                           type == kReverseIndexRange);
      return ResultCode::Ok;
    case kRankRange: case kReverseRankRange:
      if (!sel->rank_range) return ResultCode::OpNotApplicable;
      *result = range_pair(sel->rank_range->first, sel->rank_range->second, e.n,
                           type == kReverseRankRange);
      return ResultCode::Ok;
    default:
      return ResultCode::OpNotApplicable;
  }
}

}  // namespace asd::base::cdt
