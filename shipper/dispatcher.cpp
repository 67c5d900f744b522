#include "shipper/dispatcher.h"

#include <algorithm>

namespace shipper {

namespace {

// Digest states are swept at most this often; between sweeps finished states without a
// hot-key hold are erased as they finish.
constexpr uint64_t kPurgeEveryMs = 1000;

void erase_one(std::multiset<uint64_t>& set, uint64_t value) {
  auto it = set.find(value);
  if (it != set.end()) set.erase(it);
}

}  // namespace

Dispatcher::Dispatcher(uint32_t hotkey_ms, uint64_t next_seq) : hotkey_ms_(hotkey_ms), next_seq_(next_seq) {}

std::string Dispatcher::key_of(const proto::XdrFrame& frame) {
  // The digest does not cover the namespace, so two namespaces may share one.
  std::string key(frame.digest.view());
  key.append(frame.ns);
  return key;
}

bool Dispatcher::add_entry(uint64_t seq, const proto::XdrFrame& frame, uint64_t now_ms) {
  track(seq, frame);
  return offer(frame, seq, now_ms);
}

void Dispatcher::add_done(uint64_t seq) { next_seq_ = std::max(next_seq_, seq + 1); }

bool Dispatcher::add_recovered(const proto::XdrFrame& frame, uint64_t now_ms) {
  ++recovered_outstanding_;
  return offer(frame, std::nullopt, now_ms);
}

bool Dispatcher::offer(const proto::XdrFrame& frame, std::optional<uint64_t> seq, uint64_t now_ms) {
  DigestState& state = digests_[key_of(frame)];
  if (state.open) {
    ShipItem& item = *state.open;
    if (seq) item.seqs.push_back(*seq);
    else ++item.recovered;
    ++item.coalesced;
    // Only the LUT matters for a delete of a vanished record: keep the newest.
    if (frame.lut >= item.frame.lut) item.frame = frame;
    return false;
  }
  auto item = std::make_shared<ShipItem>();
  item->frame = frame;
  if (seq) item->seqs.push_back(*seq);
  else item->recovered = 1;
  item->not_before_ms = now_ms;
  if (state.has_started && state.last_start_ms + hotkey_ms_ > now_ms) {
    item->not_before_ms = state.last_start_ms + hotkey_ms_;
  }
  state.open = item;
  if (state.shipping) return false;  // parked until the current ship finishes
  enqueue(item);
  return true;
}

void Dispatcher::enqueue(const ItemPtr& item) { ready_.emplace(std::pair{item->not_before_ms, arrivals_++}, item); }

ItemPtr Dispatcher::take_ready(uint64_t now_ms) {
  auto it = ready_.begin();
  if (it == ready_.end() || it->first.first > now_ms) return nullptr;
  ItemPtr item = it->second;
  ready_.erase(it);
  DigestState& state = digests_[key_of(item->frame)];
  if (state.open == item) state.open = nullptr;
  state.shipping = true;
  state.has_started = true;
  state.last_start_ms = now_ms;
  ++in_flight_;
  ++in_flight_by_ns_[item->frame.ns];
  return item;
}

std::optional<uint64_t> Dispatcher::next_ready_ms() const {
  if (ready_.empty()) return std::nullopt;
  return ready_.begin()->first.first;
}

bool Dispatcher::finish(const ItemPtr& item, uint64_t now_ms) {
  for (uint64_t seq : item->seqs) complete(seq);
  recovered_outstanding_ -= std::min<uint64_t>(recovered_outstanding_, item->recovered);
  --in_flight_;
  --in_flight_by_ns_[item->frame.ns];
  bool released = false;
  std::string key = key_of(item->frame);
  DigestState& state = digests_[key];
  state.shipping = false;
  if (state.open) {
    state.open->not_before_ms = std::max(state.open->not_before_ms, state.last_start_ms + hotkey_ms_);
    enqueue(state.open);
    released = true;
  } else if (state.last_start_ms + hotkey_ms_ <= now_ms) {
    digests_.erase(key);
  }
  purge(now_ms);
  return released;
}

void Dispatcher::requeue(const ItemPtr& item, uint64_t not_before_ms) {
  --in_flight_;
  --in_flight_by_ns_[item->frame.ns];
  item->not_before_ms = not_before_ms;
  enqueue(item);
}

void Dispatcher::abandon(const ItemPtr& item) {
  --in_flight_;
  --in_flight_by_ns_[item->frame.ns];
  digests_[key_of(item->frame)].shipping = false;
}

void Dispatcher::track(uint64_t seq, const proto::XdrFrame& frame) {
  pending_[seq] = Pending{frame.ns, frame.lut, common::partition_id(frame.digest).value};
  pending_luts_[""].insert(frame.lut);
  pending_luts_[frame.ns].insert(frame.lut);
  next_seq_ = std::max(next_seq_, seq + 1);
}

void Dispatcher::complete(uint64_t seq) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  erase_one(pending_luts_[""], it->second.lut);
  erase_one(pending_luts_[it->second.ns], it->second.lut);
  pending_.erase(it);
}

void Dispatcher::purge(uint64_t now_ms) {
  if (now_ms < last_purge_ms_ + kPurgeEveryMs) return;
  last_purge_ms_ = now_ms;
  std::erase_if(digests_, [&](const auto& kv) {
    const DigestState& s = kv.second;
    return !s.open && !s.shipping && s.last_start_ms + hotkey_ms_ <= now_ms;
  });
}

uint64_t Dispatcher::committed() const { return pending_.empty() ? next_seq_ : pending_.begin()->first; }

size_t Dispatcher::pending_entries(std::string_view ns) const {
  auto it = pending_luts_.find(std::string(ns));
  return it == pending_luts_.end() ? 0 : it->second.size();
}

size_t Dispatcher::in_flight(std::string_view ns) const {
  auto it = in_flight_by_ns_.find(std::string(ns));
  return it == in_flight_by_ns_.end() ? 0 : it->second;
}

void Dispatcher::lower_to_pending(std::string_view ns, std::vector<uint64_t>& out) const {
  for (const auto& [seq, p] : pending_) {
    if (p.ns == ns && p.lut < out[p.pid]) out[p.pid] = p.lut;
  }
}

std::optional<uint64_t> Dispatcher::oldest_pending_lut(std::string_view ns) const {
  auto it = pending_luts_.find(std::string(ns));
  if (it == pending_luts_.end() || it->second.empty()) return std::nullopt;
  return *it->second.begin();
}

}  // namespace shipper
