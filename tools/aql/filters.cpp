#include "filters.h"

namespace aql {

std::optional<client::Key> make_key(const Target& target, const client::Value& pk) {
  if (auto i = pk.as_int()) return client::Key(target.ns, target.set, *i);
  if (auto s = pk.as_string()) return client::Key(target.ns, target.set, *s);
  return std::nullopt;
}

client::IndexRange index_filter(const Predicate& predicate, client::IndexCollection collection) {
  client::IndexRange range;
  range.bin = predicate.bin;
  range.collection = collection;
  switch (predicate.kind) {
    case Predicate::Kind::Equals:
      if (auto s = predicate.value.as_string()) {
        range.kind = client::IndexRange::Kind::String;
        range.text = std::string(*s);
      } else {
        range.begin = range.end = predicate.value.as_int().value_or(0);
      }
      break;
    case Predicate::Kind::Between:
      range.begin = predicate.value.as_int().value_or(0);
      range.end = predicate.upper.as_int().value_or(0);
      break;
    case Predicate::Kind::Geo:
      range.kind = client::IndexRange::Kind::GeoJson;
      range.text = std::string(predicate.value.as_geojson().value_or(""));
      break;
  }
  return range;
}

}  // namespace aql
