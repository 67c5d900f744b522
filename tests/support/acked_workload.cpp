#include "support/acked_workload.h"

namespace support {

AckedWorkload::AckedWorkload(std::function<std::unique_ptr<client::Client>()> connect, Seeder seeder,
                             AckedOptions options)
    : connect_(std::move(connect)), seeder_(std::move(seeder)), options_(options), keys_(size_t(options.keys)) {}

AckedWorkload::~AckedWorkload() { stop(); }

void AckedWorkload::start() {
  for (int t = 0; t < options_.threads; ++t) threads_.emplace_back([this, t] { run(t); });
}

void AckedWorkload::stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void AckedWorkload::apply(client::Client& c, int64_t key, int64_t version, bool remove) {
  bool ok;
  if (remove) {
    client::WritePolicy p;
    p.durable_delete = true;
    ok = c.remove(seeder_.key(key), p).ok();
  } else {
    ok = seeder_.write(c, key, version).ok();
  }
  {
    std::lock_guard lock(mu_);
    KeyState& s = keys_[size_t(key)];
    if (ok) {
      s.version = version;
      s.deleted = remove;
      s.acked = true;
      s.uncertain = false;
    } else {
      s.uncertain = true;
      s.uncertain_version = version;
      s.uncertain_delete = remove;
    }
  }
  if (!ok) {
    ++failed_;
    return;
  }
  ++acked_;
  if (remove) ++deletes_;
}

void AckedWorkload::run(int thread) {
  std::unique_ptr<client::Client> c = connect_();
  std::vector<int64_t> versions(size_t(options_.keys), 0);
  int64_t op = 0;
  for (int64_t key = thread; key < options_.keys && !stop_; key += options_.threads) {
    ++op;
    int64_t earlier = key - int64_t(options_.back) * options_.threads;
    if (earlier >= 0 && options_.delete_every > 0 && op % options_.delete_every == 0) {
      apply(*c, earlier, ++versions[size_t(earlier)], true);
    } else if (earlier >= 0 && options_.update_every > 0 && op % options_.update_every == 0) {
      apply(*c, earlier, ++versions[size_t(earlier)], false);
    }
    apply(*c, key, ++versions[size_t(key)], false);
    if (options_.pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(options_.pause_us));
  }
}

size_t AckedWorkload::certain_keys() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const KeyState& s : keys_) n += s.acked && !s.uncertain ? 1 : 0;
  return n;
}

std::string AckedWorkload::check(client::Client& c, const std::string& who) const {
  std::vector<KeyState> keys;
  {
    std::lock_guard lock(mu_);
    keys = keys_;
  }
  size_t problems = 0;
  std::string details;
  auto problem = [&](const std::string& text) {
    if (++problems <= 10) details += "  " + text + "\n";
  };
  // What `c` holds, by batches: the `v` bin of every key ever acknowledged.
  std::vector<int64_t> ids;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].acked) ids.push_back(int64_t(k));
  }
  constexpr size_t kBatch = 2000;
  for (size_t at = 0; at < ids.size(); at += kBatch) {
    std::vector<client::Key> batch;
    for (size_t i = at; i < std::min(ids.size(), at + kBatch); ++i) batch.push_back(seeder_.key(ids[i]));
    auto rows = c.batch_get(batch, client::BatchRead::selected({"v"}));
    if (!rows) return who + ": batch read failed: " + rows.error().message;
    for (size_t i = 0; i < batch.size(); ++i) {
      const int64_t id = ids[at + i];
      const KeyState& s = keys[size_t(id)];
      const client::BatchRecord& row = (*rows)[i];
      int64_t found = -1;
      if (row.found()) {
        const client::Value* v = row.record.bin("v");
        found = v && v->as_int() ? *v->as_int() : -2;
      } else if (row.result != common::ResultCode::NotFound) {
        problem("key " + std::to_string(id) + ": read failed with result " + std::to_string(int(row.result)));
        continue;
      }
      bool acked_state = s.deleted ? found == -1 : found == s.version;
      bool failed_state = s.uncertain && (s.uncertain_delete ? found == -1 : found == s.uncertain_version);
      if (acked_state || failed_state) continue;
      problem("key " + std::to_string(id) + ": acknowledged " +
              (s.deleted ? std::string("delete") : "version " + std::to_string(s.version)) + ", holds " +
              (found == -1 ? std::string("nothing") : "version " + std::to_string(found)) +
              (s.uncertain ? " (a later op failed)" : ""));
    }
  }
  if (problems == 0) return {};
  return who + ": " + std::to_string(problems) + " keys differ from what was acknowledged:\n" + details;
}

}  // namespace support
