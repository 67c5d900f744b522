// Client::batch_get_columns: the batch read of batch.cpp, with each answer body decoded
// straight into the caller's rows instead of into BatchRecords.

#include <algorithm>
#include <cstring>
#include <mutex>

#include "client/client.h"
#include "client/column_decode.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

common::Status Client::batch_get_columns(std::span<const Key> keys, const ColumnLayout& layout,
                                         const ColumnBuffer& out, const BatchPolicy& policy) {
  if (out.n_rows < keys.size() || !out.rows) {
    return {ResultCode::Parameter, "column buffer holds " + std::to_string(out.n_rows) + " rows for " +
                                       std::to_string(keys.size()) + " keys"};
  }
  if (keys.empty()) return {};
  // As batch_get: rows nobody answers must not pass for found or not found.
  std::memset(out.rows, 0, keys.size() * layout.itemsize());
  if (out.meta) std::fill(out.meta, out.meta + keys.size(), RowMeta{});
  if (out.result_codes) std::fill(out.result_codes, out.result_codes + keys.size(), int32_t(ResultCode::ServerError));

  const uint32_t now = common::now_cl_sec();
  std::mutex error_mutex;  // taken only when a cell fails
  common::Status cell_error;
  auto parse = [&](std::string_view body) {
    common::Status body_error;
    auto last = decode_batch_columns(body, layout, out, now, body_error);
    if (!body_error.ok()) {
      std::lock_guard lock(error_mutex);
      if (cell_error.ok()) cell_error = std::move(body_error);
    }
    return last;
  };
  auto st = run_batch(*impl_, keys, BatchRead::selected(layout.bin_names()), policy, parse);
  if (!st.ok()) return st;
  return cell_error;
}

}  // namespace client
