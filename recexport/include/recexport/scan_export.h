#pragma once
// One export of a scan's records into a format (record_sinks.h), shared by asexport and the
// Python client's Arrow output. Without a given schema, the first `batch_rows` records
// wait here until the columns are inferred from them (schema.h); then they and every later
// record go to the sink. Tombstones are skipped.
//
//   ScanExport ex(Format::Arrow, {}, {}, 10000, sink, "--schema");
//   ScanPolicy p; p.bins = ex.requested_bins();
//   client.scan(ns, set, [&](const Record& r) { return ex.add(r).ok(); }, p);
//   ex.finish();   // the rest, and the end marker

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowio/stream_writer.h"
#include "client/record.h"
#include "common/result.h"
#include "recexport/record_sinks.h"

namespace recexport {

class ScanExport {
 public:
  // `schema` empty: inferred. `only_bins`: the bins to export (empty: all). `schema_hint`
  // names, in a value-does-not-fit error, how the caller gives column types ("--schema").
  ScanExport(Format format, std::vector<arrowio::Field> schema, std::vector<std::string> only_bins,
             size_t batch_rows, ByteSink out, std::string schema_hint);

  // The bins a scan should ask for (empty: all).
  std::vector<std::string> requested_bins() const;

  // After a failure, every later call returns that failure.
  common::Status add(const client::Record& record);
  // The records still waiting (all of them when fewer than batch_rows came), then the end.
  common::Status finish();

  uint64_t rows() const { return rows_; }
  uint64_t dropped() const { return sink_ ? sink_->dropped() : 0; }
  // Known once the sink started (the first batch_rows records, or finish()).
  const std::vector<arrowio::Field>& schema() const { return schema_; }

 private:
  common::Status start();
  common::Status fail(common::Status s);

  Format format_;
  std::vector<arrowio::Field> schema_;
  bool schema_given_;
  std::vector<std::string> only_bins_;
  size_t batch_rows_;
  ByteSink out_;
  std::string schema_hint_;
  std::vector<client::Record> first_;
  std::unique_ptr<RecordSink> sink_;
  common::Status failure_;
  uint64_t rows_ = 0;
};

}  // namespace recexport
