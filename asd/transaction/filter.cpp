#include "transaction/filter.h"


namespace asd {

common::Result<std::optional<exp::Expression>> parse_filter(const proto::Message& message) {
  const proto::Field* field = message.field(proto::FieldType::Filter);
  if (!field) return std::optional<exp::Expression>();
  auto parsed = exp::Expression::parse(field->data);
  if (!parsed) return parsed.error();
  return std::optional<exp::Expression>(std::move(*parsed));
}


}  // namespace asd
