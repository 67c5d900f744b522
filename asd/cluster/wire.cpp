#include "cluster/wire.h"

#include "common/bytes.h"

namespace asd::cluster {

namespace {

enum RecordFlags : uint8_t { kTombstone = 1, kErased = 2 };

}  // namespace

Writer::Writer(MsgType type, NodeId from, uint64_t cluster_key) {
  u8(kWireVersion);
  u8(uint8_t(type));
  u64(from);
  u64(cluster_key);
}

void Writer::u16(uint16_t v) { common::append_be16(out_, v); }
void Writer::u32(uint32_t v) { common::append_be32(out_, v); }
void Writer::u64(uint64_t v) { common::append_be64(out_, v); }

void Writer::bytes(std::string_view v) {
  u32(uint32_t(v.size()));
  out_.append(v);
}

void Writer::nodes(const std::vector<NodeId>& v) {
  u32(uint32_t(v.size()));
  for (NodeId n : v) u64(n);
}

bool Reader::need(size_t n) {
  if (bad_ || in_.size() - pos_ < n) {
    bad_ = true;
    return false;
  }
  return true;
}

bool Reader::head(MsgHead* h) {
  if (u8() != kWireVersion) bad_ = true;
  h->type = MsgType(u8());
  h->from = u64();
  h->cluster_key = u64();
  return !bad_;
}

uint8_t Reader::u8() {
  if (!need(1)) return 0;
  return uint8_t(in_[pos_++]);
}

uint16_t Reader::u16() {
  if (!need(2)) return 0;
  uint16_t v = common::load_be16(common::as_bytes(in_.substr(pos_)));
  pos_ += 2;
  return v;
}

uint32_t Reader::u32() {
  if (!need(4)) return 0;
  uint32_t v = common::load_be32(common::as_bytes(in_.substr(pos_)));
  pos_ += 4;
  return v;
}

uint64_t Reader::u64() {
  if (!need(8)) return 0;
  uint64_t v = common::load_be64(common::as_bytes(in_.substr(pos_)));
  pos_ += 8;
  return v;
}

std::string_view Reader::bytes() { return raw(u32()); }

std::string_view Reader::raw(size_t n) {
  if (!need(n)) return {};
  std::string_view v = in_.substr(pos_, n);
  pos_ += n;
  return v;
}

std::vector<NodeId> Reader::nodes() {
  uint32_t n = u32();
  std::vector<NodeId> v;
  if (!need(size_t(n) * 8)) return v;
  v.reserve(n);
  for (uint32_t i = 0; i < n; ++i) v.push_back(u64());
  return v;
}

void write_record(Writer& w, const WireRecord& r) {
  w.raw(r.digest.view());
  w.u8(uint8_t((r.tombstone ? kTombstone : 0) | (r.erased ? kErased : 0)));
  w.u16(r.generation);
  w.u32(r.void_time);
  w.u64(r.lut);
  w.u8(r.origin_src_id);
  w.bytes(r.set);
  w.bytes(r.key);
  w.u16(uint16_t(r.bins.size()));
  for (const Bin& b : r.bins) {
    w.bytes(b.name);
    w.u8(b.particle);
    w.bytes(b.value);
  }
}

bool read_record(Reader& r, WireRecord* out) {
  std::string_view d = r.raw(common::kDigestSize);
  if (r.bad()) return false;
  out->digest = common::Digest::from(d);
  uint8_t flags = r.u8();
  out->tombstone = flags & kTombstone;
  out->erased = flags & kErased;
  out->generation = r.u16();
  out->void_time = r.u32();
  out->lut = r.u64();
  out->origin_src_id = r.u8();
  out->set = std::string(r.bytes());
  out->key = std::string(r.bytes());
  uint16_t n = r.u16();
  out->bins.clear();
  for (uint16_t i = 0; i < n && !r.bad(); ++i) {
    Bin b;
    b.name = std::string(r.bytes());
    b.particle = r.u8();
    b.value = std::string(r.bytes());
    out->bins.push_back(std::move(b));
  }
  return !r.bad();
}

}  // namespace asd::cluster
