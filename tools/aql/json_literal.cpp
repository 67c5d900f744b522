#include "json_literal.h"

#include <cctype>
#include <charconv>

namespace aql {

namespace msgpack = proto::msgpack;

namespace {

constexpr int kMaxJsonDepth = 64;

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  common::Result<msgpack::Value> parse_document() {
    msgpack::Value v;
    if (!value(&v, 0)) return failure();
    skip_space();
    if (pos_ != s_.size()) {
      error_ = "trailing text";
      return failure();
    }
    return v;
  }

 private:
  common::Error failure() const {
    return {common::ResultCode::Parameter, "Invalid JSON at offset " + std::to_string(pos_) + ": " + error_};
  }

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  bool expect(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    error_ = std::string("expected '") + c + "'";
    return false;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool value(msgpack::Value* out, int depth) {
    if (depth > kMaxJsonDepth) {
      error_ = "nested too deep";
      return false;
    }
    skip_space();
    if (pos_ >= s_.size()) {
      error_ = "unexpected end";
      return false;
    }
    char c = s_[pos_];
    if (c == '[') return array(out, depth);
    if (c == '{') return object(out, depth);
    if (c == '"') {
      std::string text;
      if (!string(&text)) return false;
      *out = msgpack::Value::string(text);
      return true;
    }
    if (literal("true")) return *out = msgpack::Value::make_bool(true), true;
    if (literal("false")) return *out = msgpack::Value::make_bool(false), true;
    if (literal("null")) return *out = msgpack::Value::nil(), true;
    return number(out);
  }

  bool array(msgpack::Value* out, int depth) {
    ++pos_;
    std::vector<msgpack::Value> items;
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
    } else {
      for (;;) {
        msgpack::Value item;
        if (!value(&item, depth + 1)) return false;
        items.push_back(std::move(item));
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (!expect(']')) return false;
        break;
      }
    }
    *out = msgpack::Value::make_list(std::move(items));
    return true;
  }

  bool object(msgpack::Value* out, int depth) {
    ++pos_;
    std::vector<std::pair<msgpack::Value, msgpack::Value>> entries;
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
    } else {
      for (;;) {
        skip_space();
        std::string key;
        if (pos_ >= s_.size() || s_[pos_] != '"') {
          error_ = "expected a string key";
          return false;
        }
        if (!string(&key) || !expect(':')) return false;
        msgpack::Value item;
        if (!value(&item, depth + 1)) return false;
        entries.emplace_back(msgpack::Value::string(key), std::move(item));
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (!expect('}')) return false;
        break;
      }
    }
    *out = msgpack::Value::make_map(std::move(entries));
    return true;
  }

  // \uXXXX is kept to the Basic Multilingual Plane, written as UTF-8.
  bool string(std::string* out) {
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'u': {
          unsigned cp = 0;
          if (pos_ + 4 > s_.size() ||
              std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, cp, 16).ptr != s_.data() + pos_ + 4) {
            error_ = "bad \\u escape";
            return false;
          }
          pos_ += 4;
          if (cp < 0x80) {
            out->push_back(char(cp));
          } else if (cp < 0x800) {
            out->push_back(char(0xC0 | (cp >> 6)));
            out->push_back(char(0x80 | (cp & 0x3F)));
          } else {
            out->push_back(char(0xE0 | (cp >> 12)));
            out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out->push_back(char(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default: out->push_back(e); break;  // \" \\ \/
      }
    }
    error_ = "unterminated string";
    return false;
  }

  bool number(msgpack::Value* out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    bool is_float = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && is_float)) {
        is_float = true;
        ++pos_;
      } else {
        break;
      }
    }
    std::string_view text = s_.substr(start, pos_ - start);
    const char* end = text.data() + text.size();
    if (!is_float) {
      int64_t i = 0;
      if (!text.empty() && std::from_chars(text.data(), end, i).ptr == end) {
        *out = msgpack::Value::integer(i);
        return true;
      }
    } else {
      double d = 0;
      if (std::from_chars(text.data(), end, d).ptr == end) {
        *out = msgpack::Value::real(d);
        return true;
      }
    }
    pos_ = start;
    error_ = "expected a value";
    return false;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

common::Result<msgpack::Value> parse_json(std::string_view text) { return JsonParser(text).parse_document(); }

}  // namespace aql
