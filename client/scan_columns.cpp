// Client::scan_columns: the scan of scan.cpp, each record message decoded into the next
// row of one reusable buffer that is handed to the caller whenever it fills up.

#include <vector>

#include "answer_walk.h"
#include "client/client.h"
#include "client/column_decode.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

common::Status Client::scan_columns(const std::string& ns, const std::string& set, const ColumnLayout& layout,
                                    size_t batch_rows, const ColumnBatchCallback& callback,
                                    const ScanPolicy& policy) {
  if (batch_rows == 0) return {ResultCode::Parameter, "scan_columns: batch_rows must be at least 1"};
  ScanPolicy scan_policy = policy;
  scan_policy.bins = layout.bin_names();
  scan_policy.no_bins = false;

  const size_t itemsize = layout.itemsize();
  std::vector<uint8_t> rows(batch_rows * itemsize);
  std::vector<RowMeta> meta(batch_rows);
  std::vector<common::Digest> digests(batch_rows);
  size_t count = 0;
  bool caller_stopped = false;
  common::Status cell_error;

  auto deliver = [&] {
    ColumnBatch batch{&layout, rows.data(), meta.data(), digests.data(), count};
    count = 0;
    return callback(batch);
  };
  auto sink = [&](const proto::Message& msg, bool tombstone) {
    if (tombstone) return true;  // columns describe live records only
    // The clock is read per row: a long scan outlives any single "now".
    meta[count] = {msg.header.generation, ttl_from_void_time(msg.header.record_ttl, common::now_cl_sec())};
    digests[count] = message_digest(msg);
    if (auto st = decode_row(layout, msg, rows.data() + count * itemsize); !st.ok()) {
      cell_error = std::move(st);
      return false;
    }
    if (++count < batch_rows) return true;
    caller_stopped = !deliver();
    return !caller_stopped;
  };
  auto st = run_scan(*impl_, ns, set, scan_policy, sink);
  if (!cell_error.ok()) return cell_error;
  if (!st.ok()) return st;
  if (count > 0 && !caller_stopped) deliver();
  return {};
}

}  // namespace client
