// The info-answer helpers shared by `show xdr` and `show cluster` (contracts in fields.h).

#include "fields.h"

#include <algorithm>
#include <cctype>

namespace asadm {

Fields parse_fields(std::string_view text) {
  Fields out;
  for (const auto& item : split_list(text, ';')) {
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      out.emplace_back(item, "");
    } else {
      out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  }
  return out;
}

std::string_view field(const Fields& fields, std::string_view key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return value;
  }
  return {};
}

const std::string* find_field(const Fields& fields, std::string_view key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::vector<std::string> split_list(std::string_view text, char delimiter) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(delimiter, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_error_answer(std::string_view value) {
  if (value.size() < 5) return false;
  std::string head(value.substr(0, 5));
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return head == "error";
}

bool is_json_number(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string json_value(std::string_view value) {
  if (is_json_number(value) || value == "true" || value == "false") return std::string(value);
  return json_quote(value);
}

std::string json_or_null(std::string_view value) { return value.empty() ? "null" : json_value(value); }

std::string json_string_or_null(std::string_view value) { return value.empty() ? "null" : json_quote(value); }

std::string or_dash(std::string_view value) { return value.empty() ? "-" : std::string(value); }

}  // namespace asadm
