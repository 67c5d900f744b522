#include "base/geojson.h"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace asd::base {

namespace {

// A tiny JSON tree: enough to check a geometry's shape, bounded in depth.
struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json* member(std::string_view name) const {
    for (const auto& [k, v] : members) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool parse_document(Json* out) {
    if (!value(out, 0)) return false;
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 32;

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool string(std::string* out) {
    if (!eat('"')) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        char e = s_[pos_++];
        if (e == 'u') {
          if (pos_ + 4 > s_.size()) return false;
          pos_ += 4;
          out->push_back('?');
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return false;
        out->push_back(e);
        continue;
      }
      out->push_back(c);
    }
    return false;
  }

  bool number(Json* out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
      ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    if (text.empty() || text == "-") return false;
    char* end = nullptr;
    out->number = std::strtod(text.c_str(), &end);
    out->kind = Json::Kind::Number;
    return end == text.c_str() + text.size() && std::isfinite(out->number);
  }

  bool value(Json* out, int depth) {
    if (depth > kMaxDepth) return false;
    skip_ws();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      out->kind = Json::Kind::Object;
      if (eat('}')) return true;
      do {
        std::string key;
        Json v;
        if (!string(&key) || !eat(':') || !value(&v, depth + 1)) return false;
        out->members.emplace_back(std::move(key), std::move(v));
      } while (eat(','));
      return eat('}');
    }
    if (c == '[') {
      ++pos_;
      out->kind = Json::Kind::Array;
      if (eat(']')) return true;
      do {
        Json v;
        if (!value(&v, depth + 1)) return false;
        out->items.push_back(std::move(v));
      } while (eat(','));
      return eat(']');
    }
    if (c == '"') {
      out->kind = Json::Kind::String;
      return string(&out->text);
    }
    if (literal("true") || literal("false")) return out->kind = Json::Kind::Bool, true;
    if (literal("null")) return true;
    return number(out);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool is_position(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.size() < 2) return false;
  for (const Json& n : j.items) {
    if (n.kind != Json::Kind::Number) return false;
  }
  return std::fabs(j.items[0].number) <= 180.0 && std::fabs(j.items[1].number) <= 90.0;
}

// A closed ring of at least 4 positions, first equal to last.
bool is_ring(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.size() < 4) return false;
  for (const Json& p : j.items) {
    if (!is_position(p)) return false;
  }
  const Json& first = j.items.front();
  const Json& last = j.items.back();
  return first.items[0].number == last.items[0].number && first.items[1].number == last.items[1].number;
}

bool is_polygon(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.empty()) return false;
  for (const Json& ring : j.items) {
    if (!is_ring(ring)) return false;
  }
  return true;
}

}  // namespace

bool is_valid_geojson(std::string_view text) {
  Json doc;
  if (!Parser(text).parse_document(&doc) || doc.kind != Json::Kind::Object) return false;
  const Json* type = doc.member("type");
  const Json* coords = doc.member("coordinates");
  if (!type || type->kind != Json::Kind::String || !coords) return false;
  if (type->text == "Point") return is_position(*coords);
  if (type->text == "Polygon") return is_polygon(*coords);
  if (type->text == "MultiPolygon") {
    if (coords->kind != Json::Kind::Array || coords->items.empty()) return false;
    for (const Json& poly : coords->items) {
      if (!is_polygon(poly)) return false;
    }
    return true;
  }
  if (type->text == "AeroCircle") {
    return coords->kind == Json::Kind::Array && coords->items.size() == 2 && is_position(coords->items[0]) &&
           coords->items[1].kind == Json::Kind::Number && coords->items[1].number >= 0;
  }
  return false;
}

}  // namespace asd::base
