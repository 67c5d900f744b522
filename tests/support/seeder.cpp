#include "support/seeder.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include "support/process.h"
#include "support/xdr_dc.h"

namespace support {

namespace {

constexpr size_t kMaxDetailLines = 20;

std::string blob_for(int64_t i, int64_t version) {
  std::string out;
  uint64_t x = uint64_t(i) * 0x9E3779B97F4A7C15ull ^ uint64_t(version) * 0xC2B2AE3D27D4EB4Full;
  size_t len = 1 + size_t(i % 64);
  for (size_t k = 0; k < len; ++k) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    out.push_back(char(x >> 56));
  }
  return out;
}

std::vector<client::Bin> sorted_bins(const client::Record& r) {
  std::vector<client::Bin> bins = r.bins;
  std::sort(bins.begin(), bins.end(), [](const client::Bin& a, const client::Bin& b) {
    return a.name < b.name;
  });
  return bins;
}

std::string render_bins(const client::Record& r) {
  std::string out = "{";
  for (const auto& b : sorted_bins(r)) {
    if (out.size() > 1) out += ", ";
    out += b.name + "=" + b.value.to_string();
  }
  return out + "}";
}

std::string describe(const client::Record& r) {
  std::string text = "set=" + r.set + " void_time=" + std::to_string(r.void_time) + " bins=" +
                     render_bins(r);
  return text.size() > 300 ? text.substr(0, 300) + "..." : text;
}

}  // namespace

std::vector<client::Bin> Seeder::bins(int64_t i, int64_t version) {
  std::string text = "rec-" + std::to_string(i) + "-v" + std::to_string(version) + "-";
  text.append(size_t(i % 50), char('a' + i % 26));
  std::string list;
  list.push_back(char(0x92));  // msgpack fixarray of 2 positive fixints
  list.push_back(char(i % 100));
  list.push_back(char(version % 100));
  return {{"i", client::Value(i)},
          {"v", client::Value(version)},
          {"s", client::Value(text)},
          {"b", client::Value::blob(blob_for(i, version))},
          {"d", client::Value(double(i) + double(version) / 1000.0)},
          {"l", client::Value::list_msgpack(list)}};
}

common::Status Seeder::write(client::Client& c, int64_t i, int64_t version, uint32_t ttl) const {
  client::WritePolicy policy;
  policy.exists = client::ExistsAction::Replace;
  policy.ttl = ttl;
  policy.timeout_ms = 5000;
  return c.put(key(i), bins(i, version), policy);
}

size_t Seeder::write_range(client::Client& c, int64_t from, int64_t to, int64_t version,
                           uint32_t ttl, int threads) const {
  std::atomic<size_t> failed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int64_t i = from + t; i < to; i += threads) {
        if (!write(c, i, version, ttl).ok()) ++failed;
      }
    });
  }
  for (auto& w : workers) w.join();
  return failed;
}

size_t Seeder::remove_range(client::Client& c, int64_t from, int64_t to, int64_t step) const {
  size_t failed = 0;
  client::WritePolicy policy;
  policy.timeout_ms = 5000;
  for (int64_t i = from; i < to; ++i) {
    if (i % step != 0) continue;
    if (!c.remove(key(i), policy).ok()) ++failed;
  }
  return failed;
}

int64_t Seeder::version_of(client::Client& c, const client::Key& key) {
  auto r = c.get(key, {"v"});
  if (r.code() == common::ResultCode::NotFound) return -1;
  if (!r.ok()) return -2;
  const client::Value* v = r->bin("v");
  return v && v->as_int() ? *v->as_int() : -2;
}

std::string DcDiff::summary() const {
  std::ostringstream out;
  out << a_name << " has " << a_records << " records, " << b_name << " has " << b_records
      << "; only in " << a_name << ": " << only_a << ", only in " << b_name << ": " << only_b
      << ", different: " << different;
  if (!error.empty()) out << "\nerror: " << error;
  if (!details.empty()) out << "\n" << details;
  return out.str();
}

Snapshot snapshot(client::Client& c, const std::string& ns, const std::string& set) {
  Snapshot out;
  client::ScanPolicy policy;
  policy.total_timeout_ms = 60000;
  auto status = c.scan(ns, set, [&](const client::Record& r) {
    out.emplace(r.digest, r);
    return true;
  }, policy);
  if (!status.ok()) throw std::runtime_error("scan " + ns + "/" + set + " failed: " + status.message());
  return out;
}

DcDiff compare_snapshots(const Snapshot& a, const Snapshot& b, uint32_t tolerance,
                         const std::string& a_name, const std::string& b_name) {
  DcDiff diff;
  diff.a_name = a_name;
  diff.b_name = b_name;
  diff.a_records = a.size();
  diff.b_records = b.size();
  size_t lines = 0;
  auto note = [&](const std::string& line) {
    if (lines++ < kMaxDetailLines) diff.details += line + "\n";
  };
  for (const auto& [digest, ra] : a) {
    auto it = b.find(digest);
    if (it == b.end()) {
      ++diff.only_a;
      note("only in " + diff.a_name + ": " + digest.hex() + " " + describe(ra));
      continue;
    }
    const client::Record& rb = it->second;
    bool void_ok = (ra.void_time == 0) == (rb.void_time == 0) &&
                   (ra.void_time > rb.void_time ? ra.void_time - rb.void_time
                                                : rb.void_time - ra.void_time) <= tolerance;
    if (ra.set != rb.set || sorted_bins(ra) != sorted_bins(rb) || !void_ok) {
      ++diff.different;
      note("differs: " + digest.hex() + "\n   " + diff.a_name + ": " + describe(ra) + "\n   " +
           diff.b_name + ": " + describe(rb));
    }
  }
  for (const auto& [digest, rb] : b) {
    if (a.count(digest) == 0) {
      ++diff.only_b;
      note("only in " + diff.b_name + ": " + digest.hex() + " " + describe(rb));
    }
  }
  if (lines > kMaxDetailLines) diff.details += "... " + std::to_string(lines - kMaxDetailLines) + " more\n";
  return diff;
}

DcDiff compare_dcs(client::Client& a, client::Client& b, const std::string& ns,
                   const std::string& set, uint32_t tolerance, const std::string& a_name,
                   const std::string& b_name) {
  try {
    return compare_snapshots(snapshot(a, ns, set), snapshot(b, ns, set), tolerance, a_name, b_name);
  } catch (const std::exception& e) {
    DcDiff diff;
    diff.a_name = a_name;
    diff.b_name = b_name;
    diff.error = e.what();
    return diff;
  }
}

DcDiff compare_dcs(Dc& a, Dc& b, const std::string& ns, const std::string& set,
                   uint32_t tolerance) {
  auto ca = a.connect();
  auto cb = b.connect();
  return compare_dcs(*ca, *cb, ns, set, tolerance, a.name(), b.name());
}

DcDiff converge(Dc& a, Dc& b, const std::string& ns, const std::string& set, int timeout_ms) {
  DcDiff last;
  eventually([&] { return (last = compare_dcs(a, b, ns, set)).equal(); }, timeout_ms, 500);
  return last;
}

BackgroundWriter::BackgroundWriter(client::Client& c, Seeder seeder, int64_t keys,
                                   int64_t first_version, int pause_us) {
  last_full_version_ = first_version - 1;
  thread_ = std::thread([this, &c, seeder, keys, first_version, pause_us] {
    for (int64_t version = first_version; !stop_; ++version) {
      for (int64_t i = 0; i < keys && !stop_; ++i) {
        if (seeder.write(c, i, version).ok()) {
          ++writes_;
        } else {
          ++errors_;
        }
        if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
      }
      if (!stop_) last_full_version_ = version;
    }
  });
}

void BackgroundWriter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace support
