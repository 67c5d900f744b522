#pragma once
// msgpack as Aerospike speaks it: the encoding of list/map bins, CDT operation payloads
// and UDF arguments (wire-protocol.md §5.5).
//
// Three layers:
//   * Writer — appends msgpack to a std::string. Integers always take the smallest form
//     (non-negative values use the unsigned family), doubles are 0xcb, strings/blobs/GeoJSON
//     are msgpack *str* whose first payload byte is the Aerospike particle type.
//   * Reader — a bounds-checked cursor over a string_view. Every read returns false on
//     truncated or malformed input and leaves the cursor where it was; nothing throws and
//     nothing reads past the view. skip() is iterative, so hostile nesting costs no stack.
//   * Value — a decoded tree with encode()/decode() and compare(), the CDT total order of
//     the real server (msgpack_cmp in msgpack_in.c):
//       nil < false < true < int < string < list < map < bytes < double < geojson < ext
//       < wildcard < infinity
//     A wildcard compares equal to anything and, inside a list, ends the comparison as
//     equal (so [1, *] matches every list starting with 1).
//
// Round trip: decode() followed by encode() reproduces the bytes of every value the
// official clients produce (minimal integers, str family, ordered-map ext header kept,
// unordered maps in their stored order). Non-minimal encodings are normalised.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto::msgpack {

// Deepest list/map nesting decode() accepts; deeper input is rejected, not walked.
inline constexpr size_t kMaxDepth = 256;

// Ext type 0xff carries the non-storage comparison operands of CDT range ops.
inline constexpr uint8_t kCmpExtType = 0xff;
inline constexpr uint8_t kCmpWildcard = 0x00;
inline constexpr uint8_t kCmpInfinity = 0x01;

// Aerospike type bytes that lead a msgpack str payload.
inline constexpr uint8_t kBytesString = 3;
inline constexpr uint8_t kBytesBlob = 4;
inline constexpr uint8_t kBytesHll = 18;
inline constexpr uint8_t kBytesGeoJson = 23;

// List flags (ext type of a list's leading ext element).
inline constexpr uint8_t kListOrdered = 0x01;
// Map flags (ext type of a map's leading ext key).
inline constexpr uint8_t kMapKeyOrdered = 0x01;
inline constexpr uint8_t kMapKeyValueOrdered = 0x03;
inline constexpr uint8_t kMapPreserveOrder = 0x08;

// The wire-level family of the next value, as Reader::peek() reports it.
enum class Type : uint8_t { Invalid, Nil, Bool, Int, Double, Str, Array, Map, Ext };

class Writer {
 public:
  // Appends to *out, which must outlive the Writer.
  explicit Writer(std::string* out) : out_(out) {}

  void nil();
  void boolean(bool v);
  void integer(int64_t v);
  void uinteger(uint64_t v);
  void float64(double v);
  void string(std::string_view s) { typed_str(kBytesString, s); }
  void blob(std::string_view b, uint8_t subtype = kBytesBlob) { typed_str(subtype, b); }
  void geojson(std::string_view json) { typed_str(kBytesGeoJson, json); }
  void raw_str(std::string_view s);  // plain str, no type byte (bin names)
  void array_header(uint32_t n);
  void map_header(uint32_t n);
  void ext(uint8_t type, std::string_view data);
  void raw(std::string_view bytes) { out_->append(bytes); }
  void wildcard() { ext(kCmpExtType, std::string_view("\x00", 1)); }
  void infinity() { ext(kCmpExtType, std::string_view("\x01", 1)); }

 private:
  void typed_str(uint8_t type, std::string_view payload);
  void str_header(uint32_t n);
  std::string* out_;
};

class Reader {
 public:
  // Reads from data, which must outlive the Reader.
  explicit Reader(std::string_view data) : data_(data) {}

  Type peek() const;
  bool at_end() const { return pos_ >= data_.size(); }
  size_t offset() const { return pos_; }
  std::string_view remaining() const { return data_.substr(pos_); }

  bool read_nil();
  bool read_bool(bool* v);
  // Fails on integers outside int64 (use read_uint for those).
  bool read_int(int64_t* v);
  // Fails on negative integers.
  bool read_uint(uint64_t* v);
  // Accepts float32 (0xca) and float64 (0xcb).
  bool read_double(double* v);
  // str or bin family; *payload includes the Aerospike type byte when there is one.
  bool read_str(std::string_view* payload);
  bool read_array_header(uint32_t* n);
  bool read_map_header(uint32_t* n);
  bool read_ext(uint8_t* type, std::string_view* data);
  // Skips one whole value (containers included); *span, if given, receives its bytes.
  bool skip(std::string_view* span = nullptr);

 private:
  bool need(size_t n) const { return data_.size() - pos_ >= n; }
  bool read_int_raw(bool* negative, uint64_t* bits);
  bool header_size(uint8_t b, uint64_t* children, size_t* extra);
  std::string_view data_;
  size_t pos_ = 0;
};

enum class Kind : uint8_t {
  Nil, Bool, Int, Uint, Double, String, Blob, GeoJson, List, Map, Ext, Wildcard, Infinity
};

// A decoded msgpack value. Only the members that belong to `kind` are meaningful.
struct Value {
  Kind kind = Kind::Nil;
  bool boolean = false;
  int64_t i = 0;      // Int
  uint64_t u = 0;     // Uint: only integers above INT64_MAX
  double d = 0;       // Double
  // Blob: Aerospike bytes type (4, 7-12, ...); Ext: ext type; List/Map: order flags.
  uint8_t subtype = 0;
  // Blob from an empty str (no type byte at all).
  bool untyped = false;
  // List/Map: flags travel in a leading ext element (set whenever subtype != 0).
  bool ext_header = false;
  std::string bytes;  // String/Blob/GeoJson payload without the type byte; Ext data
  std::vector<Value> list;
  std::vector<std::pair<Value, Value>> map;

  // Declared here, defaulted below the class: clang (the fuzz build) cannot instantiate
  // std::pair<Value, Value> of libstdc++ 12 while it defines Value's implicit members.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  static Value nil() { return Value(); }
  static Value make_bool(bool v);
  static Value integer(int64_t v);
  static Value uinteger(uint64_t v);  // normalises to Int when it fits
  static Value real(double v);
  static Value string(std::string_view s);
  static Value blob(std::string_view b, uint8_t subtype = kBytesBlob);
  static Value geojson(std::string_view json);
  static Value make_list(std::vector<Value> items, uint8_t flags = 0);
  static Value make_map(std::vector<std::pair<Value, Value>> entries, uint8_t flags = 0);
  static Value ext(uint8_t type, std::string_view data);
  static Value wildcard();
  static Value infinity();

  bool is_int() const { return kind == Kind::Int || kind == Kind::Uint; }
  bool is_container() const { return kind == Kind::List || kind == Kind::Map; }
  // Wildcard and infinity may appear in CDT operands but never in stored data.
  bool has_nonstorage() const;
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

// Decodes exactly one value spanning all of `bytes`. False on malformed input, trailing
// bytes, or nesting deeper than kMaxDepth.
bool decode(std::string_view bytes, Value* out);
// Decodes one value from the reader's position, advancing it.
bool decode_one(Reader* reader, Value* out);
void encode(const Value& v, std::string* out);
std::string encode(const Value& v);

// Aerospike CDT order: negative, zero or positive like memcmp.
int compare(const Value& a, const Value& b);
inline bool operator==(const Value& a, const Value& b) { return compare(a, b) == 0; }

}  // namespace proto::msgpack
