// asexport: a scan of one namespace/set written as an Apache Arrow IPC stream, JSON lines
// or CSV, to a file or standard output.
//
//   asexport -h HOST[:PORT] -n NS [-s SET] [--bins a,b] [--schema 'name:type,...']
//            [--batch-rows N] --format arrow|jsonl|csv -o FILE|-
//            [-U USER -P [PASSWORD]]
//
// The columns are --schema's, or inferred from the first --batch-rows records
// (recexport/schema.h). A progress line goes to stderr once a second and at the end. Exit
// status 0 only when every record was written and the file flushed; on any error the
// message names the cause (unreachable host, unknown namespace, a value that does not fit
// its column, a full disk, a closed pipe), a partly written file is removed, and the
// status is 1. On a cluster with security the login flags (login_flags.h) log the scan
// in; a refused login, or a secured cluster without one, is "cannot connect to HOST:
// not authenticated (80) from HOST" and status 1, before any file is created.

#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/client.h"
#include "client/host.h"
#include "login_flags/login_flags.h"
#include "output.h"
#include "recexport/scan_export.h"
#include "recexport/schema.h"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string ns;
  std::string set;
  std::string bins;
  std::string schema;
  size_t batch_rows = 10000;
  std::string format = "arrow";
  std::string output;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int fail(const std::string& message) {
  std::cerr << "asexport: " << message << "\n";
  return 1;
}

// Counts and the once-a-second progress line.
class Progress {
 public:
  void record() {
    ++records_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ >= std::chrono::seconds(1)) {
      last_ = now;
      print(false);
    }
  }
  void print(bool done) const {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::cerr << "asexport: " << records_ << " records" << (done ? " written" : "") << ", "
              << uint64_t(secs > 0 ? double(records_) / secs : 0) << " records/s\n";
  }
  uint64_t records() const { return records_; }

 private:
  uint64_t records_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"asexport: export a scan as an Arrow IPC stream, JSON lines or CSV"};
  Options o;
  app.set_help_flag("--help", "print this help");  // -h is the host, as in the other tools
  app.add_option("-h,--host", o.host, "a node: HOST or HOST:PORT (default port 3000)");
  app.add_option("-n,--namespace", o.ns, "namespace")->required();
  app.add_option("-s,--set", o.set, "set (default: every set)");
  app.add_option("--bins", o.bins, "the bins to export, comma-separated (default: all)");
  app.add_option("--schema", o.schema,
                 "columns as name:type,... (int64, float64, bool, utf8, binary, fixed_size_binary[N])");
  app.add_option("--batch-rows", o.batch_rows, "rows per Arrow record batch, and records used to infer the schema")
      ->check(CLI::Range(size_t(1), size_t(10000000)));
  app.add_option("--format", o.format, "arrow, jsonl or csv")->check(CLI::IsMember({"arrow", "jsonl", "csv"}));
  app.add_option("-o,--output", o.output, "output file, or - for standard output")->required();
  tools::LoginFlags login;
  login.add_to(app);
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, reported

  auto host = client::Host::parse(o.host);
  if (!host) return fail("bad host '" + o.host + "': expected HOST or HOST:PORT");
  if (std::string usage = login.resolve(); !usage.empty()) return fail(usage);
  std::vector<arrowio::Field> schema;
  if (!o.schema.empty()) {
    auto parsed = recexport::parse_schema(o.schema);
    if (!parsed.ok()) return fail("--schema: " + parsed.error().message);
    schema = std::move(*parsed);
  }
  recexport::Format format = o.format == "jsonl" ? recexport::Format::Jsonl
                             : o.format == "csv" ? recexport::Format::Csv
                                                 : recexport::Format::Arrow;

  client::ClientConfig config;
  config.seeds.push_back(*host);
  login.apply(config);
  auto connected = client::Client::connect(config);
  if (!connected.ok()) return fail("cannot connect to " + host->to_string() + ": " + connected.error().message);
  auto& db = *connected;
  auto namespaces = db->info("namespaces");
  if (namespaces.ok() && (";" + *namespaces + ";").find(";" + o.ns + ";") == std::string::npos) {
    return fail("unknown namespace '" + o.ns + "' (the cluster has: " + *namespaces + ")");
  }

  auto out = asexport::Output::open(o.output);
  if (!out.ok()) return fail(out.error().message);
  asexport::Output& file = *out;
  recexport::ScanExport exporter(
      format, std::move(schema), split_commas(o.bins), o.batch_rows,
      [&file](std::string_view bytes) { return file.write(bytes); }, "--schema");
  client::ScanPolicy policy;
  policy.bins = exporter.requested_bins();
  common::Status failure;
  Progress progress;
  common::Status scanned = db->scan(
      o.ns, o.set,
      [&](const client::Record& record) {
        if (record.tombstone) return true;
        progress.record();
        failure = exporter.add(record);
        return failure.ok();
      },
      policy);
  if (scanned.ok() && failure.ok()) failure = exporter.finish();
  if (scanned.ok() && failure.ok()) failure = out->close();
  if (!scanned.ok() || !failure.ok()) {
    out->discard();
    return fail((scanned.ok() ? failure.message() : "scan failed: " + scanned.message()) +
                (out->is_file() ? " (" + o.output + " removed)" : ""));
  }
  progress.print(true);
  if (exporter.dropped() > 0) {
    std::cerr << "asexport: " << exporter.dropped() << " values of bins outside the schema were left out\n";
  }
  return 0;
}
