#pragma once
// The three output formats of an export, fed one record at a time:
//   arrow  Arrow IPC stream: the schema, record batches of batch_rows rows, the end marker
//   jsonl  one JSON object per record, the schema's columns that the record has
//   csv    a header line of the column names, then one line per record (RFC 4180 quoting,
//          binary as hex, null as an empty field)
// A value that does not fit its column (a string in an int64 column, a blob longer than a
// fixed_size_binary column) stops the export with the record's digest, the bin and both
// types; an integer goes into a float64 column, a string or blob shorter than a
// fixed_size_binary column is zero-padded.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arrowio/stream_writer.h"
#include "client/record.h"
#include "common/result.h"

namespace recexport {

enum class Format { Arrow, Jsonl, Csv };

// Receives the output, piece by piece, in order; a failure stops the export.
using ByteSink = std::function<common::Status(std::string_view)>;

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

std::unique_ptr<RecordSink> make_sink(Format format, std::vector<arrowio::Field> schema, ByteSink out,
                                      size_t batch_rows);

}  // namespace recexport
