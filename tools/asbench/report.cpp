#include "report.h"

#include <cstdio>
#include <string>

#include "common/result_code.h"

namespace asbench {

namespace {

std::string ms(uint64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", double(micros) / 1000.0);
  return buf;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

Histogram combined(const Stats& s) {
  Histogram all = s.read_latency;
  all.merge(s.write_latency);
  return all;
}

void print_latency_line(const char* label, const Histogram& h, bool detailed, std::ostream& out) {
  out << label << " p50 " << ms(h.percentile(0.50));
  if (detailed) out << " p90 " << ms(h.percentile(0.90));
  out << " p99 " << ms(h.percentile(0.99));
  if (detailed) out << " p99.9 " << ms(h.percentile(0.999));
  out << " max " << ms(h.max()) << '\n';
}

}  // namespace

void print_text(const Options& o, const RunResult& r, std::ostream& out) {
  const Stats& s = r.stats;
  double secs = r.elapsed_s > 0 ? r.elapsed_s : 1;
  out << "workload " << o.workload_spec << " object " << o.object_spec << " keys " << o.keys << " connections "
      << o.connections << " seconds " << fixed(r.elapsed_s, 2) << '\n';
  out << "ops/s " << fixed(double(s.reads + s.writes) / secs, 1) << " (reads " << fixed(double(s.reads) / secs, 1)
      << " writes " << fixed(double(s.writes) / secs, 1) << ")\n";
  print_latency_line("latency ms", combined(s), o.latency, out);
  if (r.connections > 0) {
    out << "connect " << r.connections << (o.tls.enable ? " tls" : " plain") << " connections in "
        << fixed(r.connect_s * 1000, 1) << " ms (" << fixed(r.connect_s * 1000 / double(r.connections), 3)
        << " ms each)\n";
  }
  if (o.latency) {
    if (s.reads) print_latency_line("read latency ms", s.read_latency, true, out);
    if (s.writes) print_latency_line("write latency ms", s.write_latency, true, out);
  }
  if (s.not_found) out << "reads not found " << s.not_found << '\n';
  if (s.error_count() == 0) {
    out << "errors none\n";
    return;
  }
  out << "errors";
  for (size_t code = 0; code < s.errors.size(); ++code) {
    if (s.errors[code] == 0) continue;
    out << " " << code << " (" << common::result_code_name(common::ResultCode(code)) << ")=" << s.errors[code];
  }
  if (s.network_errors) out << " network=" << s.network_errors;
  out << '\n';
}

void print_json(const Options& o, const RunResult& r, std::ostream& out) {
  const Stats& s = r.stats;
  double secs = r.elapsed_s > 0 ? r.elapsed_s : 1;
  Histogram all = combined(s);
  out << "{\"workload\":\"" << o.workload_spec << "\",\"nodes\":" << r.nodes << ",\"connections\":" << o.connections
      << ",\"seconds\":" << fixed(r.elapsed_s, 3) << ",\"ops\":" << (s.reads + s.writes)
      << ",\"ops_per_sec\":" << fixed(double(s.reads + s.writes) / secs, 1)
      << ",\"reads\":" << s.reads << ",\"writes\":" << s.writes << ",\"p50_ms\":" << ms(all.percentile(0.50))
      << ",\"p90_ms\":" << ms(all.percentile(0.90)) << ",\"p99_ms\":" << ms(all.percentile(0.99))
      << ",\"p999_ms\":" << ms(all.percentile(0.999)) << ",\"max_ms\":" << ms(all.max())
      << ",\"connect_ms_each\":" << fixed(r.connections ? r.connect_s * 1000 / double(r.connections) : 0, 3)
      << ",\"not_found\":" << s.not_found << ",\"network_errors\":" << s.network_errors << ",\"errors\":{";
  bool first = true;
  for (size_t code = 0; code < s.errors.size(); ++code) {
    if (s.errors[code] == 0) continue;
    out << (first ? "" : ",") << "\"" << code << "\":" << s.errors[code];
    first = false;
  }
  out << "}}\n";
}

}  // namespace asbench
