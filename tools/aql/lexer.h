#pragma once
// Tokens of one aql statement. Keywords are ordinary words here; the parser compares
// them case-insensitively. Columns are 1-based, for error messages.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aql {

enum class TokenKind : uint8_t {
  Word,     // identifiers and keywords: a letter or '_' first, then letters, digits, _ - $
  Integer,  // [+-]digits
  Float,    // [+-]digits.digits, with an optional exponent
  String,   // '...' or "...", text without the quotes, \-escapes resolved
  Punct,    // one of ( ) , . = * [ ]
  End,      // after the last token
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // the word, the number as written, the string's content, the punct
  size_t column = 0;
};

// Parameter error naming the column of an unterminated string or a stray character.
common::Result<std::vector<Token>> tokenize(std::string_view statement);

// Splits input on ';' outside quotes; trims each piece and drops empty ones.
std::vector<std::string> split_statements(std::string_view input);

}  // namespace aql
