#include "info_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/base64.h"

namespace aql {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

client::Value typed(std::string_view text) {
  int64_t i = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size()) return client::Value(i);
  return client::Value(std::string(text));
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

// `key` of a `k=v;k=v` list.
std::string param(std::string_view text, std::string_view key) {
  for (std::string_view part : split(text, ';')) {
    if (part.substr(0, key.size()) == key && part.size() > key.size() && part[key.size()] == '=') {
      return std::string(part.substr(key.size() + 1));
    }
  }
  return {};
}

}  // namespace

ResultSet info_items(std::string_view value, char pair_separator) {
  ResultSet set;
  for (std::string_view item : split(value, ';')) {
    if (item.empty()) continue;
    std::vector<std::optional<client::Value>> row(set.columns.size());
    for (std::string_view pair : split(item, pair_separator)) {
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(pair.substr(0, eq));
      auto it = std::find(set.columns.begin(), set.columns.end(), key);
      size_t column = size_t(it - set.columns.begin());
      if (it == set.columns.end()) set.columns.push_back(key);
      if (row.size() < set.columns.size()) row.resize(set.columns.size());
      row[column] = typed(pair.substr(eq + 1));
    }
    set.rows.push_back(std::move(row));
  }
  for (auto& row : set.rows) row.resize(set.columns.size());
  return set;
}

ResultSet info_list(std::string_view value, const std::string& column) {
  ResultSet set;
  set.columns = {column};
  for (std::string_view item : split(value, ';')) {
    if (!item.empty()) set.rows.push_back({client::Value(std::string(item))});
  }
  return set;
}

ResultSet info_bin_names(std::string_view value) {
  ResultSet set;
  set.columns = {"namespace", "bin"};
  for (std::string_view item : split(value, ';')) {
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    std::string ns(item.substr(0, colon));
    for (std::string_view name : split(item.substr(colon + 1), ',')) {
      if (!name.empty() && name.find('=') == std::string_view::npos) {
        set.rows.push_back({client::Value(ns), client::Value(std::string(name))});
      }
    }
  }
  return set;
}

std::optional<Failure> info_failure(std::string_view value) {
  if (starts_with_nocase(value, "ERROR:")) {
    std::string_view rest = value.substr(6);
    size_t colon = rest.find(':');
    int code = 0;
    std::string_view number = rest.substr(0, colon);
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), code);
    if (ec != std::errc() || ptr != number.data() + number.size() || code < 0 || code > 255) {
      return server_failure(common::ResultCode::ServerError, std::string(rest));
    }
    std::string message = colon == std::string_view::npos ? std::string() : std::string(rest.substr(colon + 1));
    auto rc = common::ResultCode(code);
    if (message.empty()) message = std::string(result_code_symbol(rc));
    return server_failure(rc, std::move(message));
  }
  if (value.starts_with("error=")) {
    std::string reason = param(value, "error");
    if (reason == "compile_error") {
      auto decoded = common::base64_decode(param(value, "message"));
      reason = param(value, "file") + ":" + param(value, "line") + ": " + (decoded ? *decoded : "compile error");
    }
    return server_failure(common::ResultCode::UdfExecution, std::move(reason));
  }
  return std::nullopt;
}

}  // namespace aql
