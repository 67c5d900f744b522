// Path operations (server 8.1's CDT op SELECT, 0xfe): one walk down a list/map bin that,
// level by level, keeps the children a context item selects, and then either returns
// what it kept or rewrites it.
//
//   [0xfe, [ctx_type, ctx_value, ...], flags]               CDT_READ / CDT_MODIFY
//   [0xfe, [ctx_type, ctx_value, ...], flags | 4, expr]     CDT_MODIFY (apply)
//
// Beyond the ordinary context items (index, rank, key, value), a level may take every
// child (type 4, operand true), the children a filter expression accepts (type 4, operand
// the expression), or the map entries whose key is in a list (type 0x2a); an item of type
// 0x204 adds a second filter to the level before it. Unlike the ordinary context, a value
// item keeps every equal child. Filters and the modify expression run per child on loop
// variables (key, value, index) and see no record.
//
// What comes back (flags & 0xf): 0 the matching tree (containers rebuilt with only the
// kept children; a scalar met above the last level is kept as it is), 1 / 2 / 3 a flat
// list of the last level's values / keys / key-value pairs, 4 nothing, the bin rewritten
// with each last-level child replaced by the expression's value or removed. Flag 0x10
// (no-fail) turns filters that evaluate to unknown into false and skips lists where keys
// were asked for. Error codes and their order follow the server's cdt_process_state_select.

#include <optional>
#include <utility>

#include "base/cdt_internal.h"
#include "base/exp/expression.h"
#include "proto/particle.h"

namespace asd::base::cdt {

namespace {

using proto::msgpack::compare;
using proto::msgpack::Reader;
using namespace proto::cdt::context;
namespace flag = proto::cdt::path_flag;

// The server refuses contexts of more levels.
constexpr size_t kMaxLevels = 64;
// A filter may itself select by path, inside its own filters again: deeper than this is
// refused rather than risk the stack.
constexpr int kMaxNesting = 4;
// Steps one operation may take, nested ones included: a step is a byte of a container
// decoded, a child looked at, a filter or a modify expression run. A walk takes a few per
// byte of the bin at most, and bins are far smaller; filters that select by path over
// large literals could otherwise multiply the work without bound.
constexpr uint64_t kMaxSteps = uint64_t(1) << 26;
// Bytes of replacement values one apply may add: past any record's size, so refusing
// there only stops a walk that could never be stored from exhausting memory first.
constexpr uint64_t kMaxApplyBytes = uint64_t(128) << 20;

// Shared by an operation and the path operations its filters run.
struct Budget {
  int nesting = 0;
  uint64_t steps = 0;
};
thread_local Budget t_budget;

// The outermost path operation resets the budget; nested ones add to it.
class Nesting {
 public:
  Nesting() {
    if (t_budget.nesting++ == 0) t_budget.steps = 0;
  }
  ~Nesting() { --t_budget.nesting; }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;
  bool too_deep() const { return t_budget.nesting > kMaxNesting; }
};

// Takes n steps; false once the operation is over budget.
bool charge(uint64_t n) {
  t_budget.steps += n;
  return t_budget.steps <= kMaxSteps;
}

struct Level {
  uint32_t type = 0;  // the server keeps 32 bits of it
  int64_t index = 0;                          // index, rank
  Value operand;                              // key, value, key list
  std::optional<exp::Expression> filter;      // type 4; none: every child
  std::optional<exp::Expression> and_filter;  // from a following 0x204 item
  bool has_and = false;

  uint32_t base() const { return type & uint32_t(kCtxBaseMask); }
};

struct Path {
  std::vector<Level> levels;
  uint64_t mode = 0;
  bool no_fail = false;
  std::optional<exp::Expression> modify;
};

// msgpack_get_uint64: any integer, as its 64-bit pattern.
bool read_bits(Reader* r, uint64_t* v) {
  int64_t i;
  if (r->read_uint(v)) return true;
  if (!r->read_int(&i)) return false;
  *v = uint64_t(i);
  return true;
}

bool read_expression(Reader* r, std::optional<exp::Expression>* out) {
  std::string_view span;
  if (!r->skip(&span)) return false;
  auto parsed = exp::Expression::parse(span);
  if (!parsed) return false;
  out->emplace(std::move(*parsed));
  return true;
}

// A type-4 operand: true (every child) or an expression (an array).
bool read_filter(Reader* r, std::optional<exp::Expression>* out) {
  bool all = false;
  if (r->peek() == proto::msgpack::Type::Array) return read_expression(r, out);
  return r->read_bool(&all) && all;
}

// One [ctx_type, ctx_value] pair: a new level, or the and-filter of the last one.
bool read_level(Reader* r, std::vector<Level>* levels) {
  uint64_t type;
  if (!read_bits(r, &type)) return false;
  Level* level;
  if ((type & kCtxAnd) != 0) {
    if (type != (kCtxAnd | kCtxExp) || levels->empty()) return false;
    level = &levels->back();
    if (level->has_and || level->base() == kCtxExp) return false;
    level->has_and = true;
    return read_filter(r, &level->and_filter);
  }
  level = &levels->emplace_back();
  level->type = uint32_t(type);
  switch (level->base()) {
    case kCtxIndex: case kCtxRank: {
      uint64_t bits;
      if (!read_bits(r, &bits)) return false;
      level->index = int64_t(bits);
      return true;
    }
    case kCtxKey: case kCtxValue: case kCtxKeyList:
      return proto::msgpack::decode_one(r, &level->operand);
    case kCtxExp: return read_filter(r, &level->filter);
    default: return false;
  }
}

ResultCode parse_path(std::string_view payload, bool is_modify, Path* path) {
  Reader r(payload);
  uint32_t n = 0, items = 0;
  uint64_t code = 0, flags = 0;
  if (!r.read_array_header(&n) || !r.read_uint(&code) || n < 2 ||
      !r.read_array_header(&items) || items == 0 || items % 2 != 0 || items / 2 > kMaxLevels) {
    return ResultCode::Parameter;
  }
  for (uint32_t k = 0; k < items / 2; ++k) {
    if (!read_level(&r, &path->levels)) return ResultCode::Parameter;
  }
  if (!read_bits(&r, &flags)) return ResultCode::Parameter;
  path->mode = flags & flag::kTypeMask;
  path->no_fail = (flags & flag::kNoFail) != 0;
  if (path->mode > flag::kApply) return ResultCode::Parameter;
  bool apply = path->mode == flag::kApply;
  if (n - 1 != (apply ? 3u : 2u) || (apply && !is_modify)) return ResultCode::Parameter;
  if (apply && !read_expression(&r, &path->modify)) return ResultCode::Parameter;
  return ResultCode::Ok;
}

uint32_t raw_count(const Value& v) {
  return uint32_t((v.kind == Kind::List ? v.list.size() : v.map.size()) + (v.ext_header ? 1 : 0));
}

// The walk. Read modes fill tree_ (mode 0) or leaves_ (modes 1-3); apply rewrites the
// bin in place.
class Walker {
 public:
  explicit Walker(const Path& path) : path_(path) {}

  ResultCode run(Value* root) { return visit(*root, 0, path_.mode == flag::kTree ? &tree_ : nullptr); }
  Value result() {
    return path_.mode == flag::kTree ? std::move(tree_) : Value::make_list(std::move(leaves_));
  }

 private:
  bool leaf_level(size_t level) const { return level + 1 == path_.levels.size(); }

  ResultCode test(const std::optional<exp::Expression>& e, const exp::LoopVars& vars, exp::Truth* truth) {
    if (!e) {
      *truth = exp::Truth::True;
      return ResultCode::Ok;
    }
    if (!charge(1)) return ResultCode::Parameter;
    *truth = e->filter(vars);
    return ResultCode::Ok;
  }

  ResultCode visit(Value& node, size_t level, Value* tree) {
    bool is_list = node.kind == Kind::List;
    const Level& lv = path_.levels[level];
    if (raw_count(node) == 0) {
      if (tree) *tree = is_list ? Value::make_list({}) : Value::make_map({});
      return ResultCode::Ok;
    }
    // Keys were asked for, and a list has none.
    if (is_list && leaf_level(level) && (path_.mode & flag::kLeafKey) != 0) {
      return path_.no_fail ? ResultCode::Ok : ResultCode::IncompatibleType;
    }
    if (is_list ? node.list.empty() : node.map.empty()) {
      // Only the order header: the tree keeps the empty container with its flags.
      if (tree) {
        *tree = is_list ? Value::make_list({}, node.subtype) : Value::make_map({}, node.subtype);
        tree->ext_header = node.ext_header;
      }
      return ResultCode::Ok;
    }
    // The server masks list items with 0x30 but map items with 0xf0 (create flags too).
    uint32_t kind = lv.type & (is_list ? 0x30u : 0xf0u);
    if (kind != 0 && kind != (is_list ? kCtxList : kCtxMap)) return ResultCode::Parameter;
    if (!charge(raw_count(node))) return ResultCode::Parameter;
    if (tree) *tree = is_list ? Value::make_list({}) : Value::make_map({});
    removed_.emplace_back();
    ResultCode rc = is_list ? walk_list(node, level, tree) : walk_map(node, level, tree);
    std::vector<uint32_t> removed = std::move(removed_.back());
    removed_.pop_back();
    if (rc != ResultCode::Ok || path_.mode != flag::kApply) return rc;
    if (is_list) {
      erase_positions(&node.list, std::move(removed));
      if ((node.subtype & proto::msgpack::kListOrdered) != 0) {
        std::stable_sort(node.list.begin(), node.list.end(), value_less);
      }
    } else {
      erase_positions(&node.map, std::move(removed));
    }
    return ResultCode::Ok;
  }

  // The filter verdict for one child of a looping level (every child, a filter, a value,
  // a key list); Parameter when it is unknown and no-fail is off.
  ResultCode decide(exp::Truth truth, const Level& lv, const exp::LoopVars& vars, bool* take) {
    if (truth == exp::Truth::True && lv.and_filter) {
      if (ResultCode rc = test(lv.and_filter, vars, &truth); rc != ResultCode::Ok) return rc;
    }
    if (truth == exp::Truth::Unknown && !path_.no_fail) return ResultCode::Parameter;
    *take = truth == exp::Truth::True;
    return ResultCode::Ok;
  }

  // An index or rank item picks one child; its and-filter only narrows: unknown drops the
  // child, even without no-fail.
  ResultCode take_picked(Value& node, uint32_t pos, size_t level, Value* tree, const exp::LoopVars& vars) {
    exp::Truth truth = exp::Truth::True;
    if (ResultCode rc = test(path_.levels[level].and_filter, vars, &truth); rc != ResultCode::Ok) return rc;
    if (truth != exp::Truth::True) return ResultCode::Ok;
    return node.kind == Kind::List ? take_list(node, pos, level, tree) : take_map(node, pos, level, tree);
  }

  ResultCode walk_list(Value& node, size_t level, Value* tree) {
    const Level& lv = path_.levels[level];
    auto& items = node.list;
    uint32_t start, count;
    if (lv.base() == kCtxIndex || lv.base() == kCtxRank) {
      if (!resolve_range(lv.index, 1, items.size(), false, &start, &count)) return ResultCode::Ok;
      uint32_t pos = lv.base() == kCtxIndex ? start : view_list(items).by_rank[start];
      exp::LoopVars vars{nullptr, &items[pos], int64_t(pos)};
      return take_picked(node, pos, level, tree, vars);
    }
    for (uint32_t pos = 0; pos < items.size(); ++pos) {
      exp::LoopVars vars{nullptr, &items[pos], int64_t(pos)};
      exp::Truth truth = exp::Truth::Unknown;  // key and key-list items mean nothing in a list
      if (lv.base() == kCtxExp) {
        if (ResultCode rc = test(lv.filter, vars, &truth); rc != ResultCode::Ok) return rc;
      } else if (lv.base() == kCtxValue) {
        truth = compare(items[pos], lv.operand) == 0 ? exp::Truth::True : exp::Truth::False;
      }
      bool take = false;
      if (ResultCode rc = decide(truth, lv, vars, &take); rc != ResultCode::Ok) return rc;
      if (take) {
        if (ResultCode rc = take_list(node, pos, level, tree); rc != ResultCode::Ok) return rc;
      }
    }
    return ResultCode::Ok;
  }

  ResultCode walk_map(Value& node, size_t level, Value* tree) {
    const Level& lv = path_.levels[level];
    auto& entries = node.map;
    uint32_t start, count;
    if (lv.base() == kCtxIndex || lv.base() == kCtxRank) {
      if (!resolve_range(lv.index, 1, entries.size(), false, &start, &count)) return ResultCode::Ok;
      Elements e = view_map(entries);
      uint32_t pos = lv.base() == kCtxIndex ? e.by_index[start] : e.by_rank[start];
      exp::LoopVars vars{&entries[pos].first, &entries[pos].second, std::nullopt};
      return take_picked(node, pos, level, tree, vars);
    }
    if (lv.base() == kCtxKeyList && !valid_key_list(lv.operand)) return ResultCode::Parameter;
    bool found_key = false;
    for (uint32_t pos = 0; pos < entries.size(); ++pos) {
      const auto& [key, value] = entries[pos];
      exp::LoopVars vars{&key, &value, std::nullopt};
      exp::Truth truth = exp::Truth::False;
      switch (lv.base()) {
        case kCtxExp:
          if (ResultCode rc = test(lv.filter, vars, &truth); rc != ResultCode::Ok) return rc;
          break;
        case kCtxKey:
          if (!found_key && compare(key, lv.operand) == 0) truth = exp::Truth::True;
          found_key = found_key || truth == exp::Truth::True;
          break;
        case kCtxValue:
          if (compare(value, lv.operand) == 0) truth = exp::Truth::True;
          break;
        default:  // key list
          for (const Value& k : lv.operand.list) {
            if (compare(key, k) == 0) {
              truth = exp::Truth::True;
              break;
            }
          }
      }
      bool take = false;
      if (ResultCode rc = decide(truth, lv, vars, &take); rc != ResultCode::Ok) return rc;
      if (take) {
        if (ResultCode rc = take_map(node, pos, level, tree); rc != ResultCode::Ok) return rc;
      }
    }
    return ResultCode::Ok;
  }

  // A key list must be a list, and in order when it says it is ordered.
  static bool valid_key_list(const Value& keys) {
    if (keys.kind != Kind::List) return false;
    if ((keys.subtype & proto::msgpack::kListOrdered) == 0) return true;
    return std::is_sorted(keys.list.begin(), keys.list.end(), value_less);
  }

  // Keeps list element pos: descends into a container above the last level, else takes
  // the element as this mode does.
  ResultCode take_list(Value& node, uint32_t pos, size_t level, Value* tree) {
    Value& child = node.list[pos];
    if (!leaf_level(level) && child.is_container()) {
      if (!tree) return visit(child, level + 1, nullptr);
      Value sub;
      ResultCode rc = visit(child, level + 1, &sub);
      tree->list.push_back(std::move(sub));
      return rc;
    }
    if (tree) {
      tree->list.push_back(child);
    } else if (leaf_level(level)) {
      if (path_.mode != flag::kApply) {
        leaves_.push_back(child);
        return ResultCode::Ok;
      }
      return apply(&child, exp::LoopVars{nullptr, &child, int64_t(pos)}, pos);
    }
    return ResultCode::Ok;
  }

  ResultCode take_map(Value& node, uint32_t pos, size_t level, Value* tree) {
    auto& [key, value] = node.map[pos];
    if (!leaf_level(level) && value.is_container()) {
      if (!tree) return visit(value, level + 1, nullptr);
      Value sub;
      ResultCode rc = visit(value, level + 1, &sub);
      tree->map.emplace_back(key, std::move(sub));
      return rc;
    }
    if (tree) {
      tree->map.emplace_back(key, value);
    } else if (leaf_level(level)) {
      if (path_.mode == flag::kApply) return apply(&value, exp::LoopVars{&key, &value, std::nullopt}, pos);
      if ((path_.mode & flag::kLeafKey) != 0) leaves_.push_back(key);
      if ((path_.mode & flag::kLeafValue) != 0) leaves_.push_back(value);
    }
    return ResultCode::Ok;
  }

  // Replaces *element with the modify expression's value, or marks it for removal.
  // Unknown is the server's AS_ERR_UNKNOWN unless no-fail keeps the element.
  ResultCode apply(Value* element, const exp::LoopVars& vars, uint32_t pos) {
    if (!charge(1)) return ResultCode::Parameter;
    Value replacement;
    switch (path_.modify->element_value(vars, &replacement)) {
      case exp::ElementResult::Unknown:
        return path_.no_fail ? ResultCode::Ok : ResultCode::ServerError;
      case exp::ElementResult::Remove:
        removed_.back().push_back(pos);
        return ResultCode::Ok;
      case exp::ElementResult::Value:
        break;
    }
    if (replacement.has_nonstorage()) return ResultCode::IncompatibleType;
    added_bytes_ += proto::msgpack::encode(replacement).size();
    if (added_bytes_ > kMaxApplyBytes) return ResultCode::RecordTooBig;
    *element = std::move(replacement);
    return ResultCode::Ok;
  }

  const Path& path_;
  Value tree_;
  std::vector<Value> leaves_;
  std::vector<std::vector<uint32_t>> removed_;  // per container being walked
  uint64_t added_bytes_ = 0;
};

}  // namespace

bool is_select(std::string_view payload) {
  Reader r(payload);
  uint32_t n = 0;
  uint64_t code = 0;
  return r.read_array_header(&n) && n > 0 && r.read_uint(&code) && code == proto::cdt::kSelect;
}

ResultCode apply_select(const BinValue* current, std::string_view payload, bool is_modify,
                        CdtOutcome* out) {
  // Reads of a missing bin answer nothing before the payload is looked at; a path write
  // needs a list or map there.
  if (current == nullptr && !is_modify) return ResultCode::Ok;
  if (current == nullptr || (current->particle != uint8_t(proto::ParticleType::List) &&
                             current->particle != uint8_t(proto::ParticleType::Map))) {
    return ResultCode::IncompatibleType;
  }
  Nesting nesting;
  if (nesting.too_deep() || !charge(current->bytes.size())) return ResultCode::Parameter;
  Path path;
  if (ResultCode rc = parse_path(payload, is_modify, &path); rc != ResultCode::Ok) return rc;
  Value root;
  if (!proto::msgpack::decode(current->bytes, &root) || !root.is_container()) return ResultCode::Parameter;

  Walker walker(path);
  if (ResultCode rc = walker.run(&root); rc != ResultCode::Ok) return rc;
  if (path.mode != proto::cdt::path_flag::kApply) {
    out->result = to_bin(walker.result());
    return ResultCode::Ok;
  }
  // What we store must decode again.
  if (depth_of(root) > proto::msgpack::kMaxDepth) return ResultCode::Parameter;
  out->bin_changed = true;
  out->new_bin = to_bin(root);
  return ResultCode::Ok;
}

}  // namespace asd::base::cdt
