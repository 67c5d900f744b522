#pragma once
// The info protocol (type-1 protos): ASCII commands each ended by '\n'; the answer
// repeats each command byte-exactly, then TAB, the value, LF, in request order.
//
// Command syntax: name[/arg1/arg2][:key=value;key=value]

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto {

struct InfoCommand {
  std::string_view text;    // the whole command as received (echoed in the answer)
  std::string_view name;    // up to the first '/', ':' or ';'
  std::vector<std::string_view> path;  // '/'-separated arguments after the name
  std::string_view params;  // after ':' (key=value;...)
};

// Splits a request body into commands. Only '\n'-terminated commands count (a trailing
// fragment is ignored, as the real server does). Empty lines are skipped.
std::vector<InfoCommand> parse_info_request(std::string_view body);

// "k=v;k2=v2" -> pairs. A token without '=' gets an empty value.
std::vector<std::pair<std::string_view, std::string_view>> parse_info_params(std::string_view params);
// Value of one key in params, or nullptr-equivalent (found == false).
bool find_info_param(std::string_view params, std::string_view key, std::string_view* value);

// Appends "<command>\t<value>\n".
void append_info_answer(std::string& out, std::string_view command, std::string_view value);

// Builds a complete info request proto for the given commands.
std::string make_info_request(const std::vector<std::string>& commands);

// Parses an answer body into (command, value) pairs in order.
std::vector<std::pair<std::string, std::string>> parse_info_answer(std::string_view body);

}  // namespace proto
