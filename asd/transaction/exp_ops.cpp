#include "transaction/exp_ops.h"

#include "base/exp/expression.h"
#include "index/namespace.h"
#include "transaction/filter.h"

namespace asd {

using common::ResultCode;

ResultCode exp_read(Namespace& ns, const Record& record, const common::Digest& digest, const proto::Op& op,
                    std::optional<OpResult>* result) {
  auto parsed = exp::parse_op(op.value, false);
  if (!parsed) return parsed.error().code;
  exp::Particle value;
  if (!parsed->expression.evaluate(ns.expression_view(record, digest), &value)) {
    return parsed->flags & exp::kExpEvalNoFail ? ResultCode::Ok : ResultCode::OpNotApplicable;
  }
  if (value.type != 0) *result = OpResult{op.op, std::string(op.name), value.type, std::move(value.value)};
  return ResultCode::Ok;
}

ResultCode exp_modify(Namespace& ns, Record& work, const common::Digest& digest, const proto::Op& op) {
  if (op.name.empty()) return ResultCode::BinName;
  auto parsed = exp::parse_op(op.value, true);
  if (!parsed) return parsed.error().code;
  const uint64_t flags = parsed->flags;
  const bool no_fail = flags & exp::kExpPolicyNoFail;
  Bin* bin = work.find_bin(op.name);
  if (bin && (flags & exp::kExpCreateOnly)) return no_fail ? ResultCode::Ok : ResultCode::BinExists;
  if (!bin && (flags & exp::kExpUpdateOnly)) return no_fail ? ResultCode::Ok : ResultCode::BinNotFound;
  exp::Particle value;
  if (!parsed->expression.evaluate(ns.expression_view(work, digest), &value)) {
    return flags & exp::kExpEvalNoFail ? ResultCode::Ok : ResultCode::OpNotApplicable;
  }
  if (value.type == 0) {
    if (!bin) return ResultCode::Ok;
    if (!(flags & exp::kExpAllowDelete)) return no_fail ? ResultCode::Ok : ResultCode::OpNotApplicable;
    work.remove_bin(op.name);
    return ResultCode::Ok;
  }
  if (ResultCode rc = check_bin_value(value.type, value.value); rc != ResultCode::Ok) return rc;
  if (bin) {
    bin->particle = value.type;
    bin->value = std::move(value.value);
  } else {
    work.bins.push_back(Bin{std::string(op.name), value.type, std::move(value.value)});
  }
  return ResultCode::Ok;
}

}  // namespace asd
