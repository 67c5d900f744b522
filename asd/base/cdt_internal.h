#pragma once
// Private to asd/base/cdt_*.cpp: the parsed op, the target handed to the list/map
// handlers, and the selection/return-type engine shared by both.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/cdt.h"
#include "common/result_code.h"
#include "proto/cdt_codes.h"
#include "proto/msgpack.h"

namespace asd::base::cdt {

using common::ResultCode;
using proto::msgpack::Kind;
using proto::msgpack::Value;
using Entry = std::pair<Value, Value>;

// Return types (kIndex, kValue, ...) and kInverted, which selects the complement.
using namespace proto::cdt::return_type;

// "count" arguments default to "everything" as in the server (UINT32_MAX).
inline constexpr uint64_t kAllCount = 0xffffffffULL;

// Nil padding beyond this many elements could never fit a record (each nil is a byte):
// refuse it up front rather than build a huge tree.
inline constexpr int64_t kMaxNilPad = int64_t(1) << 20;

// One op after the context has been peeled off: [op_code, args...].
struct Op {
  uint64_t code = 0;
  std::vector<Value> args;
};

// Argument kinds of the server's cdt_op_table.
enum class Arg : uint8_t { Index, Count, Flags, Payload, Storage };

// Shape of one op code: its argument kinds, how many trailing ones may be omitted,
// and whether it is a modify op.
struct OpSpec {
  uint8_t code;
  bool modify;
  uint8_t optional;
  std::vector<Arg> args;
};

// Checks argument count and kinds against spec (Parameter on mismatch).
ResultCode check_args(const OpSpec& spec, const Op& op);
// Integer argument i, or def when it was omitted. Index args are int64; count and flags
// args take the bit pattern of any integer, like msgpack_get_uint64.
int64_t arg_int(const Op& op, size_t i, int64_t def);
uint64_t arg_uint(const Op& op, size_t i, uint64_t def);
// Argument i when present.
const Value* arg_value(const Op& op, size_t i);

// cdt_calc_delta: current (nullptr = missing, counts as 0) plus delta (nullptr or nil =
// 1), negated for decrement. An int element takes a double delta truncated, a double
// element an int delta converted. False when either side is not a number.
bool add_delta(const Value* current, const Value* delta, bool negate, Value* out);

// The container an op works on. value is Nil when the bin or context element does not
// exist yet; a modify op that creates it sets *value and marks changed.
struct Target {
  Value* value = nullptr;
  bool exists = false;
  bool is_modify = false;
  bool changed = false;
  std::optional<Value> result;
};

// A result value as a bin: scalars in their particle encoding, containers as msgpack;
// nullopt for nil and non-storage values.
std::optional<BinValue> to_bin(const Value& v);
// Nesting depth of a tree (a scalar is 0).
size_t depth_of(const Value& v);

// Path operations (cdt_path.cpp): is_select() tells a SELECT payload ([0xfe, ...]) from
// the others; apply_select() runs one with apply_cdt_op's contract.
bool is_select(std::string_view payload);
ResultCode apply_select(const BinValue* current, std::string_view payload, bool is_modify,
                        CdtOutcome* out);

// Op tables and handlers of cdt_list.cpp / cdt_map.cpp. find_*_spec returns nullptr for
// codes the family does not know.
const OpSpec* find_list_spec(uint64_t code);
const OpSpec* find_map_spec(uint64_t code);
ResultCode apply_list_op(const Op& op, Target* target);
ResultCode apply_map_op(const Op& op, Target* target);
// List codes are below 64, map codes from 64 up (the server's IS_CDT_LIST_OP).
inline bool is_list_op(uint64_t code) { return code < 64; }

// A list or map seen element by element. Lists: index = stored position. Maps: index is
// key order (unordered maps are stored in any order), rank is value order (ties by index).
struct Elements {
  const std::vector<Value>* list = nullptr;
  const std::vector<Entry>* map = nullptr;
  size_t n = 0;
  std::vector<uint32_t> by_index;  // logical index -> stored position
  std::vector<uint32_t> by_rank;   // rank -> stored position
  std::vector<uint32_t> index_of;  // stored position -> logical index
  std::vector<uint32_t> rank_of;   // stored position -> rank

  const Value& value(uint32_t pos) const { return list ? (*list)[pos] : (*map)[pos].second; }
  const Value& key(uint32_t pos) const { return list ? (*list)[pos] : (*map)[pos].first; }
};
Elements view_list(const std::vector<Value>& items);
Elements view_map(const std::vector<Entry>& entries);

// How a selection is ordered when returned as several values.
enum class Order : uint8_t { Index, Rank };

struct Selection {
  std::vector<uint32_t> pos;  // stored positions, in output order
  bool multi = false;
  Order order = Order::Index;
  // Present when the op selected a contiguous index / rank range: enables the
  // INDEX_RANGE / RANK_RANGE return types ([start, count]).
  std::optional<std::pair<uint32_t, uint32_t>> index_range;
  std::optional<std::pair<uint32_t, uint32_t>> rank_range;
};

// The server's calc_index_count: a negative index counts from the end; single ops
// (multi = false) fail when the index is out of range, multi ops clamp.
bool resolve_range(int64_t index, uint64_t count, size_t n, bool multi, uint32_t* start,
                   uint32_t* out_count);
// calc_rel_index_count: start at anchor + rel, trimming what falls before 0.
void resolve_relative(int64_t rel, uint64_t count, uint32_t anchor, int64_t* index,
                      uint64_t* out_count);

Selection select_index_range(const Elements& e, uint32_t start, uint32_t count, bool multi);
Selection select_rank_range(const Elements& e, uint32_t start, uint32_t count, bool multi);
// Elements whose value (by_key: map key) equals v; single (multi = false) keeps the
// first in index order.
Selection select_equal(const Elements& e, const Value& v, bool multi, bool by_key);
// [begin, end) over values or keys; end == nullptr means no upper bound.
Selection select_interval(const Elements& e, const Value& begin, const Value* end,
                          bool by_key);
Selection select_in_list(const Elements& e, const std::vector<Value>& wanted, bool by_key);
// Number of elements (values, or keys when by_key) strictly below v.
uint32_t count_below(const Elements& e, const Value& v, bool by_key);

// Where a new key goes in a map: its sorted position when the map is key-ordered, or
// while the entries before it are still in key order (the server keeps maps that
// happen to be sorted sorted); otherwise the end.
size_t map_insert_position(const Value& map, const Value& key);

// Applies the INVERTED flag to sel, then builds the result for return type rt into
// *result (nullopt = nothing). Afterwards sel->pos holds the positions a remove op drops.
ResultCode finish_selection(const Elements& e, uint64_t rt, Selection* sel,
                            std::optional<Value>* result);

// Removes the elements at the given stored positions (any order, no duplicates).
template <typename T>
void erase_positions(std::vector<T>* items, std::vector<uint32_t> positions) {
  std::sort(positions.begin(), positions.end());
  size_t out = 0;
  size_t next = 0;
  for (size_t k = 0; k < items->size(); ++k) {
    if (next < positions.size() && positions[next] == k) {
      ++next;
      continue;
    }
    if (out != k) (*items)[out] = std::move((*items)[k]);
    ++out;
  }
  items->resize(out);
}

// Total order helpers for std algorithms.
inline bool value_less(const Value& a, const Value& b) {
  return proto::msgpack::compare(a, b) < 0;
}
inline bool key_less(const Entry& a, const Entry& b) { return value_less(a.first, b.first); }

}  // namespace asd::base::cdt
