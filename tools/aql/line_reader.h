#pragma once
// Interactive input through libedit (BSD editline): line editing, history search and a
// history kept across sessions in ~/.aql_history. Only for a terminal; main reads
// pipes and files with plain getline.

#include <optional>
#include <string>

namespace aql {

class LineReader {
 public:
  LineReader();   // loads the history file
  ~LineReader();  // saves it
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // One line without its newline; nullopt at end of input (Ctrl-D). Non-blank lines
  // go into the history.
  std::optional<std::string> read(const std::string& prompt);

 private:
  std::string history_path_;
};

}  // namespace aql
