#pragma once
// ScanStream: a scan on its own thread that hands its batches to one consumer (the Python
// generator behind Query.batches()) through a one-slot handoff.
//
// Backpressure, not buffering: the scan thread publishes a batch and blocks until the
// consumer has taken it (copied it out) or closed the stream, so at most one batch of
// `batch_rows` records exists at a time whatever the scan's size. Columnar batches are
// the client's own reusable buffer (scan_columns), handed over by pointer; record
// batches are collected here, up to batch_rows, and cleared after each handoff.
//
// Consumer protocol (one consumer thread): wait() blocks until a batch is ready (true)
// or the scan ended (false; status() then says how). After a true wait(), read
// column_batch() or record_batch(), then release(). close() stops the scan (its
// callback returns false at the next batch) and joins the thread; the destructor calls it.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "client/columns.h"
#include "client/record.h"
#include "common/result.h"

namespace asclient {

class ScanStream {
 public:
  // Rows of `layout` from client.scan_columns. Parameter when batch_rows is 0.
  static std::unique_ptr<ScanStream> columns(std::shared_ptr<client::Client> client, std::string ns,
                                             std::string set, client::ColumnLayout layout, size_t batch_rows,
                                             client::ScanPolicy policy);
  // Whole records from client.scan (policy.bins selects bins).
  static std::unique_ptr<ScanStream> records(std::shared_ptr<client::Client> client, std::string ns,
                                             std::string set, size_t batch_rows, client::ScanPolicy policy);
  ~ScanStream();
  ScanStream(const ScanStream&) = delete;
  ScanStream& operator=(const ScanStream&) = delete;

  bool wait();
  // Valid between a true wait() and release(); null for the other mode.
  const client::ColumnBatch* column_batch() const { return columns_; }
  const std::vector<client::Record>* record_batch() const { return records_; }
  void release();
  // How the scan ended; meaningful once wait() returned false.
  common::Status status() const;
  void close();

 private:
  explicit ScanStream(std::shared_ptr<client::Client> client) : client_(std::move(client)) {}
  // Scan thread: publish a batch, block until taken or closed. False once closed.
  bool offer(const client::ColumnBatch* columns, const std::vector<client::Record>* records);
  void finish(common::Status status);

  std::shared_ptr<client::Client> client_;  // keeps the client alive while the scan runs
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;  // a batch is published
  bool done_ = false;   // the scan returned
  bool stop_ = false;   // the consumer closed the stream
  const client::ColumnBatch* columns_ = nullptr;
  const std::vector<client::Record>* records_ = nullptr;
  common::Status status_;
  std::thread thread_;
};

}  // namespace asclient
