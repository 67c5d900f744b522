#include "asclient/scan_stream.h"

#include <utility>

namespace asclient {

std::unique_ptr<ScanStream> ScanStream::columns(std::shared_ptr<client::Client> client, std::string ns,
                                                std::string set, client::ColumnLayout layout,
                                                size_t batch_rows, client::ScanPolicy policy) {
  std::unique_ptr<ScanStream> s(new ScanStream(std::move(client)));
  ScanStream* self = s.get();
  s->thread_ = std::thread([self, ns = std::move(ns), set = std::move(set), layout = std::move(layout),
                            batch_rows, policy = std::move(policy)] {
    common::Status st = self->client_->scan_columns(
        ns, set, layout, batch_rows,
        [self](const client::ColumnBatch& batch) { return self->offer(&batch, nullptr); }, policy);
    self->finish(std::move(st));
  });
  return s;
}

std::unique_ptr<ScanStream> ScanStream::records(std::shared_ptr<client::Client> client, std::string ns,
                                                std::string set, size_t batch_rows, client::ScanPolicy policy) {
  std::unique_ptr<ScanStream> s(new ScanStream(std::move(client)));
  if (batch_rows == 0) {
    s->finish({common::ResultCode::Parameter, "client: batch_rows must be at least 1"});
    return s;
  }
  ScanStream* self = s.get();
  s->thread_ = std::thread([self, ns = std::move(ns), set = std::move(set), batch_rows,
                            policy = std::move(policy)] {
    std::vector<client::Record> pending;
    pending.reserve(batch_rows);
    bool open = true;
    common::Status st = self->client_->scan(
        ns, set,
        [&](const client::Record& r) {
          if (r.tombstone) return true;
          pending.push_back(r);
          if (pending.size() < batch_rows) return true;
          open = self->offer(nullptr, &pending);
          pending.clear();
          return open;
        },
        policy);
    if (st.ok() && open && !pending.empty()) self->offer(nullptr, &pending);
    self->finish(std::move(st));
  });
  return s;
}

ScanStream::~ScanStream() { close(); }

bool ScanStream::offer(const client::ColumnBatch* columns, const std::vector<client::Record>* records) {
  std::unique_lock lock(mu_);
  if (stop_) return false;
  columns_ = columns;
  records_ = records;
  ready_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return !ready_ || stop_; });
  ready_ = false;
  columns_ = nullptr;
  records_ = nullptr;
  return !stop_;
}

void ScanStream::finish(common::Status status) {
  std::lock_guard lock(mu_);
  status_ = std::move(status);
  done_ = true;
  cv_.notify_all();
}

bool ScanStream::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return ready_ || done_ || stop_; });
  return ready_ && !stop_;
}

void ScanStream::release() {
  std::lock_guard lock(mu_);
  ready_ = false;
  cv_.notify_all();
}

common::Status ScanStream::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void ScanStream::close() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace asclient
