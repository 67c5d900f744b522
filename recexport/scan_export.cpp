#include "recexport/scan_export.h"

#include "recexport/schema.h"

namespace recexport {

ScanExport::ScanExport(Format format, std::vector<arrowio::Field> schema, std::vector<std::string> only_bins,
                       size_t batch_rows, ByteSink out, std::string schema_hint)
    : format_(format),
      schema_(std::move(schema)),
      schema_given_(!schema_.empty()),
      only_bins_(std::move(only_bins)),
      batch_rows_(batch_rows == 0 ? 1 : batch_rows),
      out_(std::move(out)),
      schema_hint_(std::move(schema_hint)) {}

std::vector<std::string> ScanExport::requested_bins() const {
  if (!only_bins_.empty() || !schema_given_) return only_bins_;
  std::vector<std::string> names;
  for (const arrowio::Field& f : schema_) names.push_back(f.name);
  return names;
}

common::Status ScanExport::fail(common::Status s) {
  // A value that does not fit: the types were guessed or given wrong; say how to give them.
  if (s.code() == common::ResultCode::Parameter && s.message().find(" does not fit column ") != std::string::npos) {
    s = {s.code(), s.message() + (schema_given_ ? "" : " (columns inferred from the first records)") +
                       "; give the column types with " + schema_hint_};
  }
  failure_ = s;
  return s;
}

common::Status ScanExport::start() {
  if (!schema_given_) schema_ = infer_schema(first_, only_bins_);
  sink_ = make_sink(format_, schema_, out_, batch_rows_);
  if (common::Status s = sink_->begin(); !s.ok()) return fail(s);
  for (const client::Record& r : first_) {
    if (common::Status s = sink_->add(r); !s.ok()) return fail(s);
  }
  first_.clear();
  first_.shrink_to_fit();
  return {};
}

common::Status ScanExport::add(const client::Record& record) {
  if (!failure_.ok()) return failure_;
  if (record.tombstone) return {};
  ++rows_;
  if (!sink_) {
    first_.push_back(record);
    return first_.size() < batch_rows_ ? common::Status{} : start();
  }
  if (common::Status s = sink_->add(record); !s.ok()) return fail(s);
  return {};
}

common::Status ScanExport::finish() {
  if (!failure_.ok()) return failure_;
  if (!sink_) {
    if (common::Status s = start(); !s.ok()) return s;
  }
  if (common::Status s = sink_->finish(); !s.ok()) return fail(s);
  return {};
}

}  // namespace recexport
