#include "proto/info.h"

#include "proto/frame.h"

namespace proto {

std::vector<InfoCommand> parse_info_request(std::string_view body) {
  std::vector<InfoCommand> commands;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    InfoCommand cmd;
    cmd.text = line;
    size_t name_end = line.find_first_of("/:;");
    cmd.name = line.substr(0, name_end);
    if (name_end != std::string_view::npos) {
      std::string_view rest = line.substr(name_end);
      size_t colon = rest.find(':');
      std::string_view path_part = rest.substr(0, colon);
      if (colon != std::string_view::npos) cmd.params = rest.substr(colon + 1);
      else if (!rest.empty() && rest[0] == ';') cmd.params = rest.substr(1);
      while (!path_part.empty() && path_part[0] == '/') {
        path_part.remove_prefix(1);
        size_t slash = path_part.find('/');
        cmd.path.push_back(path_part.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path_part = path_part.substr(slash);
      }
    }
    commands.push_back(cmd);
  }
  return commands;
}

std::vector<std::pair<std::string_view, std::string_view>> parse_info_params(std::string_view params) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view token = params.substr(0, semi);
    if (!token.empty()) {
      size_t eq = token.find('=');
      if (eq == std::string_view::npos) out.emplace_back(token, std::string_view{});
      else out.emplace_back(token.substr(0, eq), token.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return out;
}

bool find_info_param(std::string_view params, std::string_view key, std::string_view* value) {
  for (auto& [k, v] : parse_info_params(params)) {
    if (k == key) {
      *value = v;
      return true;
    }
  }
  return false;
}

void append_info_answer(std::string& out, std::string_view command, std::string_view value) {
  out.append(command);
  out.push_back('\t');
  out.append(value);
  out.push_back('\n');
}

std::string make_info_request(const std::vector<std::string>& commands) {
  std::string out;
  size_t offset = begin_proto(out, ProtoType::Info);
  for (const auto& c : commands) {
    out.append(c);
    out.push_back('\n');
  }
  end_proto(out, offset);
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_info_answer(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? body.npos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (line.empty()) continue;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) out.emplace_back(std::string(line), std::string());
    else out.emplace_back(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
  }
  return out;
}

}  // namespace proto
