// ColumnLayout validation and the type-string builder. Everything is checked here, before
// any I/O, so the decoders can trust every offset and size.

#include "client/columns.h"

#include <algorithm>
#include <charconv>

#include "proto/message.h"

namespace client {

using common::ResultCode;

namespace {

// Bounds the arithmetic below far from overflow; no numpy row comes near it.
constexpr int64_t kMaxRowBytes = int64_t(1) << 31;

common::Error field_error(const std::string& name, const std::string& what) {
  return {ResultCode::Parameter, "column layout: field '" + name + "': " + what};
}

bool valid_item_size(ColumnKind kind, int64_t size) {
  switch (kind) {
    case ColumnKind::Int:
    case ColumnKind::Uint: return size == 1 || size == 2 || size == 4 || size == 8;
    case ColumnKind::Float: return size == 4 || size == 8;
    case ColumnKind::Bytes:
    case ColumnKind::Void: return size >= 1 && size < kMaxRowBytes;
  }
  return false;
}

bool known_kind(char c) { return c == 'i' || c == 'u' || c == 'f' || c == 'S' || c == 'V'; }

common::Result<ColumnField> check_field(const ColumnFieldSpec& spec, int64_t itemsize) {
  auto fail = [&](const std::string& what) { return field_error(spec.name, what); };
  if (spec.name.size() > proto::kMaxBinNameSize) return fail("bin name longer than 15 bytes");
  if (!known_kind(spec.kind)) {
    return fail(std::string("unsupported kind '") + spec.kind + "' (supported: i u f S V)");
  }
  const auto kind = ColumnKind(spec.kind);
  if (!valid_item_size(kind, spec.item_size)) {
    return fail("bad item size " + std::to_string(spec.item_size) + " for kind '" + spec.kind + "'");
  }
  if (spec.count < 1 || spec.count >= kMaxRowBytes) return fail("bad sub-array count " + std::to_string(spec.count));
  if (spec.offset < 0 || spec.offset >= kMaxRowBytes) return fail("bad offset " + std::to_string(spec.offset));
  const int64_t end = spec.offset + spec.item_size * spec.count;
  if (end > itemsize) {
    return fail("ends at byte " + std::to_string(end) + ", past the row itemsize " + std::to_string(itemsize));
  }
  return ColumnField{spec.name, kind, uint32_t(spec.item_size), uint32_t(spec.offset), uint32_t(spec.count)};
}

// "<f8", "|S16", "i4": byte order, kind, item size. Big-endian is refused because rows are
// written in host (little-endian) order.
common::Status parse_type(std::string_view type, const std::string& name, ColumnFieldSpec& out) {
  auto fail = [&](const std::string& what) {
    common::Error e = field_error(name, what);
    return common::Status(e.code, e.message);
  };
  if (!type.empty() && (type[0] == '<' || type[0] == '|' || type[0] == '=')) type.remove_prefix(1);
  if (!type.empty() && type[0] == '>') return fail("big-endian type '" + std::string(type) + "'");
  if (type.empty()) return fail("empty type string");
  out.kind = type[0];
  std::string_view digits = type.substr(1);
  int64_t size = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return fail("bad type string '" + std::string(type) + "'");
  }
  out.item_size = size;
  return {};
}

}  // namespace

common::Result<ColumnLayout> ColumnLayout::make(const std::vector<ColumnFieldSpec>& specs, int64_t itemsize) {
  if (specs.empty()) return common::Error{ResultCode::Parameter, "column layout: no fields"};
  if (itemsize < 1 || itemsize >= kMaxRowBytes) {
    return common::Error{ResultCode::Parameter, "column layout: bad row itemsize " + std::to_string(itemsize)};
  }
  ColumnLayout layout;
  layout.itemsize_ = size_t(itemsize);
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name.empty()) {
      return common::Error{ResultCode::Parameter, "column layout: field #" + std::to_string(i) + " has an empty name"};
    }
    auto field = check_field(specs[i], itemsize);
    if (!field) return field.error();
    if (layout.find(field->name)) {
      return common::Error{ResultCode::Parameter, "column layout: field '" + field->name + "': repeated bin name"};
    }
    layout.fields_.push_back(std::move(*field));
  }
  std::vector<const ColumnField*> by_offset;
  for (const ColumnField& f : layout.fields_) by_offset.push_back(&f);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const ColumnField* a, const ColumnField* b) { return a->offset < b->offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const ColumnField& prev = *by_offset[i - 1];
    if (prev.offset + prev.size() > by_offset[i]->offset) {
      return common::Error{ResultCode::Parameter, "column layout: field '" + by_offset[i]->name +
                                                      "' overlaps field '" + prev.name + "'"};
    }
  }
  for (const ColumnField& f : layout.fields_) layout.bin_names_.push_back(f.name);
  return layout;
}

const ColumnField* ColumnLayout::find(std::string_view bin) const {
  for (const ColumnField& f : fields_) {
    if (f.name == bin) return &f;
  }
  return nullptr;
}

ColumnLayoutBuilder& ColumnLayoutBuilder::add(std::string name, std::string_view type, int64_t count) {
  return add_at(std::move(name), type, next_offset_, count);
}

ColumnLayoutBuilder& ColumnLayoutBuilder::add_at(std::string name, std::string_view type, int64_t offset,
                                                 int64_t count) {
  ColumnFieldSpec spec{std::move(name), 0, 0, offset, count};
  if (auto st = parse_type(type, spec.name, spec); !st.ok()) {
    if (error_.ok()) error_ = st;
    return *this;
  }
  next_offset_ = offset + spec.item_size * std::max<int64_t>(count, 0);
  specs_.push_back(std::move(spec));
  return *this;
}

ColumnLayoutBuilder& ColumnLayoutBuilder::itemsize(int64_t bytes) {
  itemsize_ = bytes;
  return *this;
}

common::Result<ColumnLayout> ColumnLayoutBuilder::build() const {
  if (!error_.ok()) return common::Error{error_.code(), error_.message()};
  int64_t size = itemsize_;
  if (size < 0) {
    size = 0;
    for (const auto& s : specs_) size = std::max(size, s.offset + s.item_size * s.count);
  }
  return ColumnLayout::make(specs_, size);
}

}  // namespace client
