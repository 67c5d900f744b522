// asinfo: raw access to the info protocol of one node, printing what Aerospike's asinfo
// prints (asadm's asinfo mode):
//   -v COMMAND       just the value
//   -v COMMAND -l    the value split on its first delimiter (';', else ':', else ','),
//                    one item per line
//   (no -v)          the summary: "<i> :  <name>" then "     <value>" per line
// A value that reports an error is printed and the exit code is 1; a node that cannot be
// reached gives a message on stderr naming host:port and exit code 1.
// Over TLS with the standard tool flags (tls_flags.h): `--tls-enable --tls-cafile ca.pem
// -h 10.0.0.5:asd.example:4333`. On a secured node with the login flags (login_flags.h):
// `-U admin -P` (asks for the password) or `-U admin -P secret`; a refused login, or a
// secured node asked without one, is a message naming the refusal and exit code 1.

#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "client/client.h"
#include "login_flags/login_flags.h"
#include "tls_flags/tls_flags.h"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::string value;
  bool line_separator = false;
  double timeout_s = 5.0;
};

std::string split_lines(const std::string& value) {
  char delimiter = ';';
  for (char d : {';', ':', ','}) {
    if (value.find(d) != std::string::npos) {
      delimiter = d;
      break;
    }
  }
  std::string out = value;
  std::replace(out.begin(), out.end(), delimiter, '\n');
  return out;
}

bool looks_like_error(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  return value.find("error:") != std::string::npos;
}

int print_value(const client::InfoAnswer& answer, bool line_separator) {
  if (answer.empty()) return 0;
  const std::string& value = answer.front().second;
  std::cout << (line_separator ? split_lines(value) : value) << '\n';
  return looks_like_error(value) ? 1 : 0;
}

void print_summary(const client::InfoAnswer& answer) {
  int i = 1;
  for (const auto& [name, value] : answer) {
    std::cout << i++ << " :  " << name << '\n' << "     " << value << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"asinfo: send one info command to a node and print the answer"};
  app.set_help_flag("--help", "Show program usage");
  app.add_option("-h,--host", opt.host, "Host (name, IP, host:port, host:tls-name:port or [v6]:port)")
      ->capture_default_str();
  app.add_option("-p,--port", opt.port, "Port")->capture_default_str();
  app.add_option("-v,--value", opt.value, "Info command to send (default: the summary)");
  app.add_flag("-l,--line-separator", opt.line_separator, "Print the value's items on separate lines");
  app.add_option("--timeout", opt.timeout_s, "Timeout in seconds")->capture_default_str();
  tools::TlsFlags tls;
  tls.add_to(app);
  tools::LoginFlags login;
  login.add_to(app);
  CLI11_PARSE(app, argc, argv);

  auto host = tls.host(opt.host, opt.port);
  if (!host) {
    std::cerr << "asinfo: bad host '" << opt.host << "'\n";
    return 1;
  }
  if (opt.value == "stats") opt.value = "statistics";  // the real tool's alias
  if (std::string usage = login.resolve(); !usage.empty()) {
    std::cerr << "asinfo: " << usage << '\n';
    return 1;
  }

  std::string tls_error;
  auto context = tls.context(&tls_error);
  if (!tls_error.empty()) {
    std::cerr << "asinfo: " << tls_error << '\n';
    return 1;
  }
  std::vector<std::string> commands;
  if (!opt.value.empty()) commands.push_back(opt.value);
  auto answer = client::Client::info_host(*host, commands, uint32_t(opt.timeout_s * 1000), context.get(), login.user,
                                          login.password);
  if (!answer) {
    std::cerr << "request to " << host->to_string() << " returned error: " << answer.error().message << '\n';
    return 1;
  }
  if (commands.empty()) {
    print_summary(*answer);
    return 0;
  }
  return print_value(*answer, opt.line_separator);
}
