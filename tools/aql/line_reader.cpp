#include "line_reader.h"

#include <cstdlib>

// libedit's readline-compatible interface; C declarations.
#include <editline/readline.h>

namespace aql {

namespace {

constexpr int kHistoryLines = 1000;

}  // namespace

LineReader::LineReader() {
  using_history();
  stifle_history(kHistoryLines);
  if (const char* home = std::getenv("HOME"); home && *home) {
    history_path_ = std::string(home) + "/.aql_history";
    read_history(history_path_.c_str());
  }
}

LineReader::~LineReader() {
  if (!history_path_.empty()) write_history(history_path_.c_str());
}

std::optional<std::string> LineReader::read(const std::string& prompt) {
  char* line = readline(prompt.c_str());
  if (!line) return std::nullopt;
  std::string text(line);
  std::free(line);
  if (text.find_first_not_of(" \t") != std::string::npos) add_history(text.c_str());
  return text;
}

}  // namespace aql
