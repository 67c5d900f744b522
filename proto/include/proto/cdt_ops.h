#pragma once
// Client-side encoders for CDT (list/map) operation payloads (wire-protocol.md §5.6).
//
// Each function returns the msgpack value of one CDT_READ (3) / CDT_MODIFY (4) op, sent
// with particle type 4 (blob). Layouts follow the C client (as_list_operations.c,
// as_map_operations.c, as_cdt_internal.c), so our client sends the same bytes:
//
//   without context:  [op_code, args...]
//   with context:     [0xff, [ctx_type, ctx_value, ...], [op_code, args...]]
//
// Optional trailing arguments are sent only when they differ from the server default,
// exactly as the C client decides.

#include <cstdint>
#include <string>
#include <vector>

#include "proto/cdt_codes.h"
#include "proto/msgpack.h"

namespace proto::cdt {

using msgpack::Value;

// order: 0 unordered, 1 ordered. flags: list_write bits.
struct ListPolicy {
  uint64_t order = 0;
  uint64_t flags = 0;
};

// attributes: map order (0 unordered, 1 key-ordered, 3 key-value-ordered).
// flags: map_write bits.
struct MapPolicy {
  uint64_t attributes = 0;
  uint64_t flags = 0;
};

// One context step: ctx type (with creation flags or'ed in) and its operand.
struct CtxItem {
  uint64_t type = 0;
  Value value;
};
using Context = std::vector<CtxItem>;

CtxItem ctx_list_index(int64_t index);
// order 0/1; pad: allow creating past the end (nil-padded).
CtxItem ctx_list_index_create(int64_t index, uint64_t order, bool pad);
CtxItem ctx_list_rank(int64_t rank);
CtxItem ctx_list_value(Value value);
CtxItem ctx_map_index(int64_t index);
CtxItem ctx_map_rank(int64_t rank);
CtxItem ctx_map_key(Value key);
// order 0 unordered, 1 key-ordered, 3 key-value-ordered.
CtxItem ctx_map_key_create(Value key, uint64_t order);
CtxItem ctx_map_value(Value value);

// Lists.
std::string list_set_order(uint64_t order, const Context& ctx = {});
std::string list_append(const Value& value, const ListPolicy* policy = nullptr,
                        const Context& ctx = {});
std::string list_append_items(const std::vector<Value>& items,
                              const ListPolicy* policy = nullptr, const Context& ctx = {});
std::string list_insert(int64_t index, const Value& value, const ListPolicy* policy = nullptr,
                        const Context& ctx = {});
std::string list_insert_items(int64_t index, const std::vector<Value>& items,
                              const ListPolicy* policy = nullptr, const Context& ctx = {});
std::string list_pop(int64_t index, const Context& ctx = {});
std::string list_pop_range(int64_t index, uint64_t count, const Context& ctx = {});
std::string list_remove(int64_t index, const Context& ctx = {});
std::string list_remove_range(int64_t index, uint64_t count, const Context& ctx = {});
std::string list_set(int64_t index, const Value& value, const ListPolicy* policy = nullptr,
                     const Context& ctx = {});
std::string list_trim(int64_t index, uint64_t count, const Context& ctx = {});
std::string list_clear(const Context& ctx = {});
std::string list_increment(int64_t index, const Value& delta,
                           const ListPolicy* policy = nullptr, const Context& ctx = {});
std::string list_sort(uint64_t sort_flags, const Context& ctx = {});
std::string list_size(const Context& ctx = {});
std::string list_get(int64_t index, const Context& ctx = {});
std::string list_get_range(int64_t index, uint64_t count, const Context& ctx = {});
std::string list_get_by_index(int64_t index, uint64_t rt, const Context& ctx = {});
std::string list_get_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                    const Context& ctx = {});
std::string list_get_by_rank(int64_t rank, uint64_t rt, const Context& ctx = {});
std::string list_get_by_rank_range(int64_t rank, uint64_t count, uint64_t rt,
                                   const Context& ctx = {});
std::string list_get_by_value(const Value& value, uint64_t rt, const Context& ctx = {});
// end == nullptr means "to infinity".
std::string list_get_by_value_range(const Value& begin, const Value* end, uint64_t rt,
                                    const Context& ctx = {});
std::string list_remove_by_index(int64_t index, uint64_t rt, const Context& ctx = {});
std::string list_remove_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                       const Context& ctx = {});
std::string list_remove_by_rank(int64_t rank, uint64_t rt, const Context& ctx = {});
std::string list_remove_by_value(const Value& value, uint64_t rt, const Context& ctx = {});
std::string list_remove_by_value_list(const std::vector<Value>& values, uint64_t rt,
                                      const Context& ctx = {});
std::string list_remove_by_value_range(const Value& begin, const Value* end, uint64_t rt,
                                       const Context& ctx = {});

// Maps.
std::string map_set_policy(uint64_t attributes, const Context& ctx = {});
std::string map_put(const Value& key, const Value& value, const MapPolicy& policy = {},
                    const Context& ctx = {});
std::string map_put_items(const Value& map, const MapPolicy& policy = {},
                          const Context& ctx = {});
std::string map_increment(const Value& key, const Value& delta, const MapPolicy& policy = {},
                          const Context& ctx = {});
std::string map_clear(const Context& ctx = {});
std::string map_size(const Context& ctx = {});
std::string map_remove_by_key(const Value& key, uint64_t rt, const Context& ctx = {});
std::string map_remove_by_key_list(const std::vector<Value>& keys, uint64_t rt,
                                   const Context& ctx = {});
std::string map_remove_by_index(int64_t index, uint64_t rt, const Context& ctx = {});
std::string map_remove_by_rank(int64_t rank, uint64_t rt, const Context& ctx = {});
std::string map_get_by_key(const Value& key, uint64_t rt, const Context& ctx = {});
std::string map_get_by_key_list(const std::vector<Value>& keys, uint64_t rt,
                                const Context& ctx = {});
std::string map_get_by_key_range(const Value& begin, const Value* end, uint64_t rt,
                                 const Context& ctx = {});
std::string map_get_by_index(int64_t index, uint64_t rt, const Context& ctx = {});
std::string map_get_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                   const Context& ctx = {});
std::string map_get_by_rank(int64_t rank, uint64_t rt, const Context& ctx = {});
std::string map_get_by_value(const Value& value, uint64_t rt, const Context& ctx = {});

// Escape hatch for ops without a named encoder: [op_code, args...] with optional context.
std::string raw_op(uint64_t op_code, const std::vector<Value>& args, const Context& ctx = {});

}  // namespace proto::cdt
