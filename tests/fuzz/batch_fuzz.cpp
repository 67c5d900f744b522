// Target batch: the batch-index field of a batch request (parse_batch_field), then each
// row as asd forwards it to the node that serves its partition (single_record_message).
// Beyond not crashing: the forwarded message parses, whole, to the row's own fields plus
// the digest (and the parent's filter when the row has none) and to the row's ops.

#include <string>
#include <string_view>

#include "fuzz.h"
#include "proto/batch.h"

namespace {

// A parent filter as a client sends it: eq(1, 1), msgpack [1, 1, 1].
constexpr std::string_view kParentFilter = "\x93\x01\x01\x01";

void check_forwarded(const proto::BatchRow& row) {
  std::string forwarded = proto::single_record_message(row, kParentFilter);
  proto::Message msg;
  common::Result<size_t> used = proto::parse_message(forwarded, &msg);
  FUZZ_CHECK(used.ok() && *used == forwarded.size());
  FUZZ_CHECK(!(msg.header.info1 & proto::info1::kBatch));
  const bool adds_filter = row.field(proto::FieldType::Filter) == nullptr;
  FUZZ_CHECK(msg.fields.size() == row.fields.size() + 1 + (adds_filter ? 1 : 0));
  for (size_t i = 0; i < row.fields.size(); ++i) {
    FUZZ_CHECK(msg.fields[i].type == row.fields[i].type && msg.fields[i].data == row.fields[i].data);
  }
  FUZZ_CHECK(msg.fields[row.fields.size()].data == row.digest.view());
  FUZZ_CHECK(msg.ops.size() == row.ops.size());
  for (size_t i = 0; i < row.ops.size(); ++i) {
    const proto::Op& a = row.ops[i];
    const proto::Op& b = msg.ops[i];
    FUZZ_CHECK(a.op == b.op && a.particle == b.particle && a.name == b.name && a.value == b.value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view field(reinterpret_cast<const char*>(data), size);
  proto::BatchRequest request;
  common::Status parsed = proto::parse_batch_field(field, &request);
  // Rows before an error are kept; asd answers the whole batch with the error, but they
  // must be sound all the same.
  for (const proto::BatchRow& row : request.rows) {
    FUZZ_CHECK(row.fields.size() == row.header.n_fields && row.ops.size() == row.header.n_ops);
    if (parsed.ok()) check_forwarded(row);
  }
  return 0;
}
