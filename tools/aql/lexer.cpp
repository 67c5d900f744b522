#include "lexer.h"

#include <cctype>

namespace aql {

namespace {

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
}
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

std::string trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// A number starting at `i` (sign included); returns its end.
size_t scan_number(std::string_view s, size_t i, bool* is_float) {
  if (s[i] == '+' || s[i] == '-') ++i;
  while (i < s.size() && digit(s[i])) ++i;
  *is_float = false;
  if (i + 1 < s.size() && s[i] == '.' && digit(s[i + 1])) {
    *is_float = true;
    for (++i; i < s.size() && digit(s[i]);) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && digit(s[j])) {
      *is_float = true;
      for (i = j; i < s.size() && digit(s[i]);) ++i;
    }
  }
  return i;
}

}  // namespace

common::Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.column = i + 1;
    if (word_start(c)) {
      size_t j = i + 1;
      while (j < s.size() && word_char(s[j])) ++j;
      t.kind = TokenKind::Word;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (digit(c) || ((c == '-' || c == '+') && i + 1 < s.size() && digit(s[i + 1]))) {
      bool is_float = false;
      size_t j = scan_number(s, i, &is_float);
      t.kind = is_float ? TokenKind::Float : TokenKind::Integer;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      bool closed = false;
      for (; j < s.size(); ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          t.text.push_back(s[++j]);
        } else if (s[j] == c) {
          closed = true;
          break;
        } else {
          t.text.push_back(s[j]);
        }
      }
      if (!closed) {
        return common::Error{common::ResultCode::Parameter,
                             "Unterminated string starting at column " + std::to_string(t.column)};
      }
      t.kind = TokenKind::String;
      i = j + 1;
    } else if (std::string_view("(),.=*[]").find(c) != std::string_view::npos) {
      t.kind = TokenKind::Punct;
      t.text = std::string(1, c);
      ++i;
    } else {
      return common::Error{common::ResultCode::Parameter,
                           "Unexpected character '" + std::string(1, c) + "' at column " + std::to_string(t.column)};
    }
    tokens.push_back(std::move(t));
  }
  Token end;
  end.column = s.size() + 1;
  tokens.push_back(end);
  return tokens;
}

std::vector<std::string> split_statements(std::string_view input) {
  std::vector<std::string> out;
  char quote = 0;
  size_t start = 0;
  auto flush = [&](size_t end) {
    std::string piece = trimmed(input.substr(start, end - start));
    if (!piece.empty()) out.push_back(std::move(piece));
    start = end + 1;
  };
  for (size_t i = 0; i < input.size(); ++i) {
    char c = input[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      flush(i);
    }
  }
  flush(input.size());
  return out;
}

}  // namespace aql
