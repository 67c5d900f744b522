#include "recexport/record_sinks.h"

#include "common/bytes.h"
#include "recexport/json_value.h"

namespace recexport {

namespace {

using arrowio::ColumnType;

std::string particle_name(const client::Value& value) {
  if (value.as_int()) return "integer";
  if (value.as_double()) return "double";
  if (value.as_bool()) return "bool";
  if (value.as_blob()) return "blob";
  if (value.as_string()) return "string";
  if (value.as_geojson()) return "geojson";
  return "list/map";
}

bool fits(const client::Value& value, const arrowio::Field& field) {
  switch (field.type) {
    case ColumnType::Int64: return value.as_int().has_value();
    case ColumnType::Float64: return value.as_double() || value.as_int();
    case ColumnType::Bool: return value.as_bool().has_value();
    case ColumnType::Binary: return value.as_blob().has_value();
    case ColumnType::Utf8: return value.as_string() || value.as_geojson() || value.as_msgpack();
    case ColumnType::FixedSizeBinary: {
      auto bytes = value.as_blob() ? value.as_blob() : value.as_string();
      return bytes && bytes->size() <= size_t(field.byte_width);
    }
  }
  return false;
}

std::string utf8_text(const client::Value& value) {
  if (auto s = value.as_string()) return std::string(*s);
  if (auto g = value.as_geojson()) return std::string(*g);
  return json_text(value);  // a list or a map
}

// The record's value for each column (nullptr: null), after checking that each fits.
class RowReader {
 public:
  explicit RowReader(const std::vector<arrowio::Field>& schema) : schema_(schema) {}

  common::Status read(const client::Record& record, std::vector<const client::Value*>* cells, uint64_t* dropped) const {
    cells->assign(schema_.size(), nullptr);
    for (const client::Bin& bin : record.bins) {
      if (bin.value.is_nil()) continue;
      size_t i = 0;
      while (i < schema_.size() && schema_[i].name != bin.name) ++i;
      if (i == schema_.size()) {
        ++*dropped;
        continue;
      }
      if (!fits(bin.value, schema_[i])) {
        std::string what = particle_name(bin.value);
        if (schema_[i].type == ColumnType::FixedSizeBinary && (bin.value.as_blob() || bin.value.as_string())) {
          what += " of " + std::to_string(bin.value.bytes().size()) + " bytes";
        }
        return {common::ResultCode::Parameter, "record " + record.digest.hex() + " bin '" + bin.name + "': a " + what +
                                                   " does not fit column " + schema_[i].name + " (" +
                                                   arrowio::type_name(schema_[i]) + ")"};
      }
      (*cells)[i] = &bin.value;
    }
    return {};
  }

 private:
  const std::vector<arrowio::Field>& schema_;
};

class ArrowSink final : public RecordSink {
 public:
  ArrowSink(std::vector<arrowio::Field> schema, ByteSink out, size_t batch_rows)
      : schema_(std::move(schema)),
        reader_(schema_),
        batch_(schema_),
        writer_(schema_, std::move(out)),
        batch_rows_(batch_rows) {}

  common::Status begin() override { return writer_.write_schema(); }

  common::Status add(const client::Record& record) override {
    if (common::Status s = reader_.read(record, &cells_, &dropped_); !s.ok()) return s;
    for (size_t i = 0; i < cells_.size(); ++i) {
      const client::Value* v = cells_[i];
      if (v == nullptr) {
        if (common::Status s = batch_.append_null(i); !s.ok()) return s;
        continue;
      }
      switch (schema_[i].type) {
        case ColumnType::Int64: batch_.append_int(i, *v->as_int()); break;
        case ColumnType::Float64: batch_.append_double(i, v->as_double() ? *v->as_double() : double(*v->as_int())); break;
        case ColumnType::Bool: batch_.append_bool(i, *v->as_bool()); break;
        case ColumnType::Binary: batch_.append_bytes(i, *v->as_blob()); break;
        case ColumnType::FixedSizeBinary: batch_.append_bytes(i, v->bytes()); break;
        case ColumnType::Utf8: batch_.append_bytes(i, utf8_text(*v)); break;
      }
    }
    if (common::Status s = batch_.end_row(); !s.ok()) return s;
    return batch_.rows() >= batch_rows_ ? flush() : common::Status{};
  }

  common::Status finish() override {
    if (common::Status s = flush(); !s.ok()) return s;
    return writer_.finish();
  }

 private:
  common::Status flush() {
    if (batch_.rows() == 0) return {};
    common::Status s = writer_.write_batch(batch_);
    batch_.clear();
    return s;
  }

  std::vector<arrowio::Field> schema_;
  RowReader reader_;
  arrowio::BatchBuilder batch_;
  arrowio::StreamWriter writer_;
  size_t batch_rows_;
  std::vector<const client::Value*> cells_;
};

// jsonl and csv: text lines, written a few hundred KB at a time.
class TextSink : public RecordSink {
 public:
  TextSink(std::vector<arrowio::Field> schema, ByteSink out)
      : schema_(std::move(schema)), reader_(schema_), out_(std::move(out)) {}

  common::Status add(const client::Record& record) override {
    if (common::Status s = reader_.read(record, &cells_, &dropped_); !s.ok()) return s;
    line(cells_, &pending_);
    return pending_.size() >= kFlushBytes ? flush() : common::Status{};
  }

  common::Status finish() override { return flush(); }

 protected:
  static constexpr size_t kFlushBytes = 256 * 1024;

  virtual void line(const std::vector<const client::Value*>& cells, std::string* out) const = 0;

  common::Status flush() {
    common::Status s = out_(pending_);
    pending_.clear();
    return s;
  }

  std::vector<arrowio::Field> schema_;
  RowReader reader_;
  ByteSink out_;
  std::string pending_;
  std::vector<const client::Value*> cells_;
};

class JsonlSink final : public TextSink {
 public:
  using TextSink::TextSink;
  common::Status begin() override { return {}; }

 private:
  void line(const std::vector<const client::Value*>& cells, std::string* out) const override {
    out->push_back('{');
    bool first = true;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i] == nullptr) continue;
      if (!first) out->push_back(',');
      first = false;
      *out += json_quote(schema_[i].name) + ":" + json_text(*cells[i]);
    }
    *out += "}\n";
  }
};

std::string csv_field(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

class CsvSink final : public TextSink {
 public:
  using TextSink::TextSink;

  common::Status begin() override {
    std::string header;
    for (size_t i = 0; i < schema_.size(); ++i) header += (i ? "," : "") + csv_field(schema_[i].name);
    return out_(header + "\r\n");
  }

 private:
  void line(const std::vector<const client::Value*>& cells, std::string* out) const override {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out->push_back(',');
      const client::Value* v = cells[i];
      if (v == nullptr) continue;
      switch (schema_[i].type) {
        case ColumnType::Int64:
        case ColumnType::Float64:
        case ColumnType::Bool: *out += json_text(*v); break;
        case ColumnType::Binary:
        case ColumnType::FixedSizeBinary: *out += common::to_hex(v->bytes()); break;
        case ColumnType::Utf8: *out += csv_field(utf8_text(*v)); break;
      }
    }
    *out += "\r\n";
  }
};

}  // namespace

std::unique_ptr<RecordSink> make_sink(Format format, std::vector<arrowio::Field> schema, ByteSink out,
                                      size_t batch_rows) {
  switch (format) {
    case Format::Arrow: return std::make_unique<ArrowSink>(std::move(schema), std::move(out), batch_rows);
    case Format::Jsonl: return std::make_unique<JsonlSink>(std::move(schema), std::move(out));
    case Format::Csv: return std::make_unique<CsvSink>(std::move(schema), std::move(out));
  }
  return nullptr;
}

}  // namespace recexport
