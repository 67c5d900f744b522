// CDT op payload encoders; argument layouts mirror the C client so both send the same
// bytes (wire-protocol.md §5.6).

#include "proto/cdt_ops.h"

namespace proto::cdt {

namespace {

using namespace context;

// The context item types the encoders send (creation bits or'ed in where asked).
constexpr uint64_t kCtxListIndex = kCtxList | kCtxIndex;
constexpr uint64_t kCtxListRank = kCtxList | kCtxRank;
constexpr uint64_t kCtxListValue = kCtxList | kCtxValue;
constexpr uint64_t kCtxMapIndex = kCtxMap | kCtxIndex;
constexpr uint64_t kCtxMapRank = kCtxMap | kCtxRank;
constexpr uint64_t kCtxMapKey = kCtxMap | kCtxKey;
constexpr uint64_t kCtxMapValue = kCtxMap | kCtxValue;

// Writes the (optional) context wrapper and the op header, then takes the arguments.
class OpBuilder {
 public:
  OpBuilder(uint64_t op_code, uint32_t argc, const Context& ctx) : w_(&out_) {
    if (!ctx.empty()) {
      w_.array_header(3);
      w_.uinteger(kContextEval);
      w_.array_header(uint32_t(2 * ctx.size()));
      for (const CtxItem& item : ctx) {
        w_.uinteger(item.type);
        msgpack::encode(item.value, &out_);
      }
    }
    w_.array_header(argc + 1);
    w_.uinteger(op_code);
  }

  OpBuilder& i(int64_t v) { w_.integer(v); return *this; }
  OpBuilder& u(uint64_t v) { w_.uinteger(v); return *this; }
  OpBuilder& v(const Value& v) { msgpack::encode(v, &out_); return *this; }
  OpBuilder& list(const std::vector<Value>& items) {
    w_.array_header(uint32_t(items.size()));
    for (const Value& item : items) msgpack::encode(item, &out_);
    return *this;
  }
  std::string done() { return std::move(out_); }

 private:
  std::string out_;
  msgpack::Writer w_;
};

std::string range_op(uint64_t op, uint64_t rt, const Value& begin, const Value* end,
                     const Context& ctx) {
  OpBuilder b(op, end != nullptr ? 3 : 2, ctx);
  b.u(rt).v(begin);
  if (end != nullptr) b.v(*end);
  return b.done();
}

std::string index_count_op(uint64_t op, uint64_t rt, int64_t index, uint64_t count,
                           const Context& ctx) {
  return OpBuilder(op, 3, ctx).u(rt).i(index).u(count).done();
}

}  // namespace

//----------------------------------------------------------------------------
// Context items
//----------------------------------------------------------------------------

CtxItem ctx_list_index(int64_t index) { return {kCtxListIndex, Value::integer(index)}; }

CtxItem ctx_list_index_create(int64_t index, uint64_t order, bool pad) {
  uint64_t flag = order != 0 ? kCreateOrdered : pad ? kCreateUnbound : kCreateUnordered;
  return {kCtxListIndex | flag, Value::integer(index)};
}

CtxItem ctx_list_rank(int64_t rank) { return {kCtxListRank, Value::integer(rank)}; }
CtxItem ctx_list_value(Value value) { return {kCtxListValue, std::move(value)}; }
CtxItem ctx_map_index(int64_t index) { return {kCtxMapIndex, Value::integer(index)}; }
CtxItem ctx_map_rank(int64_t rank) { return {kCtxMapRank, Value::integer(rank)}; }
CtxItem ctx_map_key(Value key) { return {kCtxMapKey, std::move(key)}; }

CtxItem ctx_map_key_create(Value key, uint64_t order) {
  // For a map the creation bits 0x80 and 0xc0 mean key-ordered and key-value-ordered.
  uint64_t flag = order == 3 ? kCreateOrdered
                  : order == 1 ? kCreateUnbound
                               : kCreateUnordered;
  return {kCtxMapKey | flag, std::move(key)};
}

CtxItem ctx_map_value(Value value) { return {kCtxMapValue, std::move(value)}; }

//----------------------------------------------------------------------------
// Lists
//----------------------------------------------------------------------------

std::string list_set_order(uint64_t order, const Context& ctx) {
  return OpBuilder(list_op::kSetType, 1, ctx).u(order).done();
}

std::string list_append(const Value& value, const ListPolicy* policy, const Context& ctx) {
  OpBuilder b(list_op::kAppend, policy != nullptr ? 3 : 1, ctx);
  b.v(value);
  if (policy != nullptr) b.u(policy->order).u(policy->flags);
  return b.done();
}

std::string list_append_items(const std::vector<Value>& items, const ListPolicy* policy,
                              const Context& ctx) {
  OpBuilder b(list_op::kAppendItems, policy != nullptr ? 3 : 1, ctx);
  b.list(items);
  if (policy != nullptr) b.u(policy->order).u(policy->flags);
  return b.done();
}

// Insert and set never send the order: they are refused on ordered lists anyway.
std::string list_insert(int64_t index, const Value& value, const ListPolicy* policy,
                        const Context& ctx) {
  OpBuilder b(list_op::kInsert, policy != nullptr ? 3 : 2, ctx);
  b.i(index).v(value);
  if (policy != nullptr) b.u(policy->flags);
  return b.done();
}

std::string list_insert_items(int64_t index, const std::vector<Value>& items,
                              const ListPolicy* policy, const Context& ctx) {
  OpBuilder b(list_op::kInsertItems, policy != nullptr ? 3 : 2, ctx);
  b.i(index).list(items);
  if (policy != nullptr) b.u(policy->flags);
  return b.done();
}

std::string list_pop(int64_t index, const Context& ctx) {
  return OpBuilder(list_op::kPop, 1, ctx).i(index).done();
}

std::string list_pop_range(int64_t index, uint64_t count, const Context& ctx) {
  return OpBuilder(list_op::kPopRange, 2, ctx).i(index).u(count).done();
}

std::string list_remove(int64_t index, const Context& ctx) {
  return OpBuilder(list_op::kRemove, 1, ctx).i(index).done();
}

std::string list_remove_range(int64_t index, uint64_t count, const Context& ctx) {
  return OpBuilder(list_op::kRemoveRange, 2, ctx).i(index).u(count).done();
}

std::string list_set(int64_t index, const Value& value, const ListPolicy* policy,
                     const Context& ctx) {
  OpBuilder b(list_op::kSet, policy != nullptr ? 3 : 2, ctx);
  b.i(index).v(value);
  if (policy != nullptr) b.u(policy->flags);
  return b.done();
}

std::string list_trim(int64_t index, uint64_t count, const Context& ctx) {
  return OpBuilder(list_op::kTrim, 2, ctx).i(index).u(count).done();
}

std::string list_clear(const Context& ctx) { return OpBuilder(list_op::kClear, 0, ctx).done(); }

std::string list_increment(int64_t index, const Value& delta, const ListPolicy* policy,
                           const Context& ctx) {
  OpBuilder b(list_op::kIncrement, policy != nullptr ? 4 : 2, ctx);
  b.i(index).v(delta);
  if (policy != nullptr) b.u(policy->order).u(policy->flags);
  return b.done();
}

std::string list_sort(uint64_t sort_flags, const Context& ctx) {
  return OpBuilder(list_op::kSort, 1, ctx).u(sort_flags).done();
}

std::string list_size(const Context& ctx) { return OpBuilder(list_op::kSize, 0, ctx).done(); }

std::string list_get(int64_t index, const Context& ctx) {
  return OpBuilder(list_op::kGet, 1, ctx).i(index).done();
}

std::string list_get_range(int64_t index, uint64_t count, const Context& ctx) {
  return OpBuilder(list_op::kGetRange, 2, ctx).i(index).u(count).done();
}

std::string list_get_by_index(int64_t index, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kGetByIndex, 2, ctx).u(rt).i(index).done();
}

std::string list_get_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                    const Context& ctx) {
  return index_count_op(list_op::kGetByIndexRange, rt, index, count, ctx);
}

std::string list_get_by_rank(int64_t rank, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kGetByRank, 2, ctx).u(rt).i(rank).done();
}

std::string list_get_by_rank_range(int64_t rank, uint64_t count, uint64_t rt,
                                   const Context& ctx) {
  return index_count_op(list_op::kGetByRankRange, rt, rank, count, ctx);
}

// The C client always asks for *all* matches (GET_ALL_BY_VALUE), never op 20.
std::string list_get_by_value(const Value& value, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kGetAllByValue, 2, ctx).u(rt).v(value).done();
}

std::string list_get_by_value_range(const Value& begin, const Value* end, uint64_t rt,
                                    const Context& ctx) {
  return range_op(list_op::kGetByValueInterval, rt, begin, end, ctx);
}

std::string list_remove_by_index(int64_t index, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kRemoveByIndex, 2, ctx).u(rt).i(index).done();
}

std::string list_remove_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                       const Context& ctx) {
  return index_count_op(list_op::kRemoveByIndexRange, rt, index, count, ctx);
}

std::string list_remove_by_rank(int64_t rank, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kRemoveByRank, 2, ctx).u(rt).i(rank).done();
}

std::string list_remove_by_value(const Value& value, uint64_t rt, const Context& ctx) {
  return OpBuilder(list_op::kRemoveAllByValue, 2, ctx).u(rt).v(value).done();
}

std::string list_remove_by_value_list(const std::vector<Value>& values, uint64_t rt,
                                      const Context& ctx) {
  return OpBuilder(list_op::kRemoveAllByValueList, 2, ctx).u(rt).list(values).done();
}

std::string list_remove_by_value_range(const Value& begin, const Value* end, uint64_t rt,
                                       const Context& ctx) {
  return range_op(list_op::kRemoveByValueInterval, rt, begin, end, ctx);
}

//----------------------------------------------------------------------------
// Maps
//----------------------------------------------------------------------------

std::string map_set_policy(uint64_t attributes, const Context& ctx) {
  return OpBuilder(map_op::kSetType, 1, ctx).u(attributes).done();
}

// Write flags are sent only when set (C client: as_operations_map_put).
std::string map_put(const Value& key, const Value& value, const MapPolicy& policy,
                    const Context& ctx) {
  OpBuilder b(map_op::kPut, policy.flags != 0 ? 4 : 3, ctx);
  b.v(key).v(value).u(policy.attributes);
  if (policy.flags != 0) b.u(policy.flags);
  return b.done();
}

std::string map_put_items(const Value& map, const MapPolicy& policy, const Context& ctx) {
  OpBuilder b(map_op::kPutItems, policy.flags != 0 ? 3 : 2, ctx);
  b.v(map).u(policy.attributes);
  if (policy.flags != 0) b.u(policy.flags);
  return b.done();
}

std::string map_increment(const Value& key, const Value& delta, const MapPolicy& policy,
                          const Context& ctx) {
  return OpBuilder(map_op::kIncrement, 3, ctx).v(key).v(delta).u(policy.attributes).done();
}

std::string map_clear(const Context& ctx) { return OpBuilder(map_op::kClear, 0, ctx).done(); }

std::string map_size(const Context& ctx) { return OpBuilder(map_op::kSize, 0, ctx).done(); }

std::string map_remove_by_key(const Value& key, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kRemoveByKey, 2, ctx).u(rt).v(key).done();
}

std::string map_remove_by_key_list(const std::vector<Value>& keys, uint64_t rt,
                                   const Context& ctx) {
  return OpBuilder(map_op::kRemoveByKeyList, 2, ctx).u(rt).list(keys).done();
}

std::string map_remove_by_index(int64_t index, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kRemoveByIndex, 2, ctx).u(rt).i(index).done();
}

std::string map_remove_by_rank(int64_t rank, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kRemoveByRank, 2, ctx).u(rt).i(rank).done();
}

std::string map_get_by_key(const Value& key, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kGetByKey, 2, ctx).u(rt).v(key).done();
}

std::string map_get_by_key_list(const std::vector<Value>& keys, uint64_t rt,
                                const Context& ctx) {
  return OpBuilder(map_op::kGetByKeyList, 2, ctx).u(rt).list(keys).done();
}

std::string map_get_by_key_range(const Value& begin, const Value* end, uint64_t rt,
                                 const Context& ctx) {
  return range_op(map_op::kGetByKeyInterval, rt, begin, end, ctx);
}

std::string map_get_by_index(int64_t index, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kGetByIndex, 2, ctx).u(rt).i(index).done();
}

std::string map_get_by_index_range(int64_t index, uint64_t count, uint64_t rt,
                                   const Context& ctx) {
  return index_count_op(map_op::kGetByIndexRange, rt, index, count, ctx);
}

std::string map_get_by_rank(int64_t rank, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kGetByRank, 2, ctx).u(rt).i(rank).done();
}

std::string map_get_by_value(const Value& value, uint64_t rt, const Context& ctx) {
  return OpBuilder(map_op::kGetAllByValue, 2, ctx).u(rt).v(value).done();
}

std::string raw_op(uint64_t op_code, const std::vector<Value>& args, const Context& ctx) {
  OpBuilder b(op_code, uint32_t(args.size()), ctx);
  for (const Value& arg : args) b.v(arg);
  return b.done();
}

}  // namespace proto::cdt
