#include "transaction/filter.h"

#include "common/clock.h"
#include "index/namespace.h"

namespace asd {

common::Result<std::optional<exp::Expression>> parse_filter(const proto::Message& message) {
  const proto::Field* field = message.field(proto::FieldType::Filter);
  if (!field) return std::optional<exp::Expression>();
  auto parsed = exp::Expression::parse(field->data);
  if (!parsed) return parsed.error();
  return std::optional<exp::Expression>(std::move(*parsed));
}

exp::RecordView filter_view(Namespace& ns, const Record& record, const common::Digest& digest) {
  exp::RecordView view;
  view.record = &record;
  view.digest = &digest;
  if (SetStats* set = record.set_id ? ns.set_stats(record.set_id) : nullptr) view.set_name = set->name;
  view.device_size = record.loc.valid() ? record.loc.size : 0;
  view.memory_size = ns.data_in_memory() ? record.memory_bytes() : 0;
  view.now_ms = common::now_cl_ms();
  return view;
}

}  // namespace asd
