// Target info: the text of info requests (type-1 bodies) and of their answers. Beyond
// not crashing: a command never spans a line, its name and parameters lie inside it,
// every parameter parse_info_params lists is found by find_info_param, and an answer
// built with append_info_answer reads back as written (command, value) pairs.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz.h"
#include "proto/info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string answer;
  std::vector<std::pair<std::string_view, std::string_view>> written;
  for (const proto::InfoCommand& cmd : proto::parse_info_request(body)) {
    FUZZ_CHECK(!cmd.text.empty() && cmd.text.find('\n') == std::string_view::npos);
    FUZZ_CHECK(cmd.text.substr(0, cmd.name.size()) == cmd.name);
    FUZZ_CHECK(cmd.name.find_first_of("/:;") == std::string_view::npos);
    for (std::string_view arg : cmd.path) FUZZ_CHECK(arg.find('/') == std::string_view::npos);
    for (const auto& [key, value] : proto::parse_info_params(cmd.params)) {
      std::string_view found;
      FUZZ_CHECK(proto::find_info_param(cmd.params, key, &found));
      FUZZ_CHECK(key.find(';') == std::string_view::npos && found.find(';') == std::string_view::npos);
    }
    // The answer echoes the command, a TAB, then the value. A TAB inside the command
    // would make the echo ambiguous; asd answers only commands it knows, which have none.
    if (cmd.text.find('\t') != std::string_view::npos) continue;
    proto::append_info_answer(answer, cmd.text, cmd.params);
    written.emplace_back(cmd.text, cmd.params);
  }
  auto read_back = proto::parse_info_answer(answer);
  FUZZ_CHECK(read_back.size() == written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    FUZZ_CHECK(read_back[i].first == written[i].first && read_back[i].second == written[i].second);
  }
  (void)proto::parse_info_answer(body);
  return 0;
}
