#pragma once
// The three output formats of asexport, fed one record at a time:
//   arrow  Arrow IPC stream: the schema, record batches of --batch-rows rows, the end marker
//   jsonl  one JSON object per record, the schema's columns that the record has
//   csv    a header line of the column names, then one line per record (RFC 4180 quoting,
//          binary as hex, null as an empty field)
// A value that does not fit its column (a string in an int64 column) stops the export with
// the record's digest, the bin and both types; an integer goes into a float64 column.

#include <memory>
#include <string>
#include <vector>

#include "arrowio/stream_writer.h"
#include "client/record.h"
#include "common/result.h"
#include "output.h"

namespace asexport {

enum class Format { Arrow, Jsonl, Csv };

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual common::Status begin() = 0;
  virtual common::Status add(const client::Record& record) = 0;
  virtual common::Status finish() = 0;
  // Values of bins outside the schema, left out.
  uint64_t dropped() const { return dropped_; }

 protected:
  uint64_t dropped_ = 0;
};

std::unique_ptr<RecordSink> make_sink(Format format, std::vector<arrowio::Field> schema, Output& out,
                                      size_t batch_rows);

}  // namespace asexport
