#include "options.h"

#include <charconv>
#include <iostream>

#include <CLI/CLI.hpp>

namespace asbench {

namespace {

bool parse_size(std::string_view text, size_t* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && *out > 0;
}

}  // namespace

std::optional<std::vector<BinSpec>> parse_object_spec(const std::string& spec) {
  std::vector<BinSpec> bins;
  std::string_view rest = spec;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) return std::nullopt;
    BinSpec bin{item[0], 8};
    std::string_view size = item.substr(1);
    switch (bin.kind) {
      case 'I':  // I, I4, I8: always sent as an 8-byte integer particle
        if (!size.empty() && !parse_size(size, &bin.size)) return std::nullopt;
        bin.size = 8;
        break;
      case 'S':
      case 'B':
        if (!parse_size(size, &bin.size)) return std::nullopt;
        break;
      default:
        return std::nullopt;
    }
    bins.push_back(bin);
  }
  if (bins.empty()) return std::nullopt;
  return bins;
}

bool parse_workload(const std::string& spec, Workload* workload, int* read_pct) {
  if (spec == "I") {
    *workload = Workload::LinearInsert;
    *read_pct = 0;
    return true;
  }
  if (spec.rfind("RU", 0) != 0) return false;
  *workload = Workload::RandomReadUpdate;
  if (spec == "RU") {
    *read_pct = 50;
    return true;
  }
  if (spec.size() < 4 || spec[2] != ',') return false;
  std::string_view pct = std::string_view(spec).substr(3);
  auto [ptr, ec] = std::from_chars(pct.data(), pct.data() + pct.size(), *read_pct);
  return ec == std::errc() && ptr == pct.data() + pct.size() && *read_pct >= 0 && *read_pct <= 100;
}

std::optional<int> parse_options(int argc, char** argv, Options* o) {
  CLI::App app{"asbench: Aerospike load generator (async, N connections, one request in flight each)"};
  app.set_help_flag("--help", "Show usage");
  app.add_option("-h,--hosts", o->host, "Server host (HOST, HOST:PORT or HOST:TLS-NAME:PORT)")->capture_default_str();
  app.add_option("-p,--port", o->port, "Server port")->capture_default_str();
  app.add_option("-n,--namespace", o->ns, "Namespace")->capture_default_str();
  app.add_option("-s,--set", o->set, "Set")->capture_default_str();
  app.add_option("-k,--keys", o->keys, "Number of keys")->capture_default_str();
  app.add_option("-K,--start-key", o->start_key, "First key")->capture_default_str();
  app.add_option("-o,--object-spec", o->object_spec,
                 "Bins: S<bytes> string, I integer, B<bytes> blob, comma-separated; S and B hold random "
                 "lowercase letters (zstd: about 60% of the size) unless --compressible; every record "
                 "gets the same values")
      ->capture_default_str();
  app.add_flag("--compressible", o->compressible,
               "S and B bins hold words from a small vocabulary and some numbers, which compress like text "
               "(zstd: about a third of the size) instead of random letters");
  app.add_option("-w,--workload", o->workload_spec, "I (linear insert) or RU,<read pct> (random read/update)")
      ->capture_default_str();
  app.add_option("-z,--connections", o->connections, "Concurrent connections (one request in flight each)")
      ->capture_default_str();
  app.add_option("-W,--event-loops", o->threads, "Event-loop threads")->capture_default_str();
  app.add_option("-t,--duration", o->duration_s, "Seconds to run (RU)")->capture_default_str();
  app.add_option("--transactions", o->transactions, "Stop after this many transactions");
  app.add_option("-T,--timeout", o->timeout_ms, "Transaction timeout sent to the server (ms)")->capture_default_str();
  app.add_flag("--latency", o->latency, "Print more percentiles, reads and writes apart");
  app.add_flag("--json", o->json, "Print the summary as one JSON object");
  app.add_flag("-q,--quiet", o->quiet, "No per-second progress on stderr");
  o->tls.add_to(app);
  o->login.add_to(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  o->duration_given = app.count("-t") > 0;
  if (std::string usage = o->login.resolve(); !usage.empty()) {
    std::cerr << "asbench: " << usage << '\n';
    return 2;
  }
  auto bins = parse_object_spec(o->object_spec);
  if (!bins) {
    std::cerr << "asbench: bad object spec '" << o->object_spec << "'\n";
    return 2;
  }
  o->bins = *bins;
  if (!parse_workload(o->workload_spec, &o->workload, &o->read_pct)) {
    std::cerr << "asbench: bad workload '" << o->workload_spec << "'\n";
    return 2;
  }
  if (o->connections == 0 || o->threads == 0 || o->keys == 0) {
    std::cerr << "asbench: connections, event loops and keys must be positive\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace asbench
