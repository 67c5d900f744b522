#include "recexport/schema.h"

#include <algorithm>

namespace recexport {

common::Result<std::vector<arrowio::Field>> parse_schema(const std::string& text) {
  std::vector<arrowio::Field> fields;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0) {
      return common::Error{common::ResultCode::Parameter, "bad schema item '" + item + "': expected name:type"};
    }
    arrowio::Field field;
    field.name = item.substr(0, colon);
    if (!arrowio::parse_type(item.substr(colon + 1), &field)) {
      return common::Error{common::ResultCode::Parameter,
                           "bad schema type '" + item.substr(colon + 1) + "' for " + field.name +
                               ": expected int64, float64, bool, utf8, binary or fixed_size_binary[N] (N 1.." +
                               std::to_string(arrowio::kMaxByteWidth) + ")"};
    }
    if (std::any_of(fields.begin(), fields.end(), [&](const arrowio::Field& f) { return f.name == field.name; })) {
      return common::Error{common::ResultCode::Parameter, "the schema names column " + field.name + " twice"};
    }
    fields.push_back(std::move(field));
    start = comma + 1;
  }
  return fields;
}

arrowio::ColumnType column_type_of(const client::Value& value) {
  using proto::ParticleType;
  if (value.as_int()) return arrowio::ColumnType::Int64;
  if (value.as_double()) return arrowio::ColumnType::Float64;
  if (value.as_bool()) return arrowio::ColumnType::Bool;
  if (value.as_blob()) return arrowio::ColumnType::Binary;
  return arrowio::ColumnType::Utf8;  // strings, GeoJSON, and lists and maps as JSON text
}

std::vector<arrowio::Field> infer_schema(const std::vector<client::Record>& records,
                                         const std::vector<std::string>& only_bins) {
  std::vector<arrowio::Field> fields;
  for (const client::Record& record : records) {
    for (const client::Bin& bin : record.bins) {
      if (bin.value.is_nil()) continue;
      if (!only_bins.empty() && std::find(only_bins.begin(), only_bins.end(), bin.name) == only_bins.end()) continue;
      if (std::any_of(fields.begin(), fields.end(), [&](const arrowio::Field& f) { return f.name == bin.name; })) continue;
      fields.push_back(arrowio::Field{bin.name, column_type_of(bin.value), true});
    }
  }
  // The bin list keeps its own order.
  if (!only_bins.empty()) {
    std::vector<arrowio::Field> ordered;
    for (const std::string& name : only_bins) {
      auto it = std::find_if(fields.begin(), fields.end(), [&](const arrowio::Field& f) { return f.name == name; });
      if (it != fields.end()) ordered.push_back(*it);
    }
    fields = std::move(ordered);
  }
  return fields;
}

}  // namespace recexport
