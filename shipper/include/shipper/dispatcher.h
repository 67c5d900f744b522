#pragma once
// Dispatcher: the bookkeeping between a DC's log reader and its ship workers, without
// threads or I/O (DcShipper holds it under one mutex), so it is unit-tested alone.
//
// It owns three things:
//   - cursor tracking: every log entry the reader took is pending until done; the
//     committed cursor is the lowest pending seq (or the next seq to read), so the digest
//     log cursor never passes an entry that has not shipped, while later entries may
//     finish first (many requests in flight);
//   - hot-key coalescing: per (namespace, digest) at most one item waits and at most one
//     ships. A repeat of a digest whose item has not started yet joins that item (the
//     ship reads the current record, so the latest version wins); a repeat while one
//     ships parks a follow-up item that becomes ready when the first finishes, and never
//     earlier than xdr-hotkey-time-ms after it started;
//   - the ready queue, ordered by not-before time then arrival.
//
// Lag and per-namespace queue sizes come from the LUTs of the pending entries.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "proto/xdr_frame.h"

namespace shipper {

// One ship: the newest frame seen for a digest and every entry it completes.
struct ShipItem {
  proto::XdrFrame frame;
  std::vector<uint64_t> seqs;    // digest-log entries done when this item is done
  uint32_t recovered = 0;        // synthetic entries from recovery scans
  uint32_t coalesced = 0;        // entries that joined after the first
  uint64_t not_before_ms = 0;
  // The shipper's state of the item across attempts.
  uint32_t tries = 0;            // attempts that ended in a retry
  uint32_t stale_reads = 0;      // of them, local copies older than the entry (local_copy.h)
  uint64_t started_ms = 0;       // first taken (latency statistics)
  uint64_t shipped_lut = 0;      // LUT of the version sent in the current attempt
  bool sent_delete = false;      // the current attempt sent a delete
  size_t request_bytes = 0;      // bytes of the current attempt's request
};
using ItemPtr = std::shared_ptr<ShipItem>;

class Dispatcher {
 public:
  // `next_seq`: where the reader starts (the DC's persisted cursor).
  Dispatcher(uint32_t hotkey_ms, uint64_t next_seq);

  // xdr-hotkey-time-ms at runtime: writes read from now on wait out the new window
  // (items already waiting keep theirs).
  void set_hotkey_ms(uint32_t hotkey_ms) { hotkey_ms_ = hotkey_ms; }

  // Reader side. Entries arrive in seq order; a jump (entries overwritten in the log) is
  // fine. add_entry returns true when a new item became ready (wake a worker).
  bool add_entry(uint64_t seq, const proto::XdrFrame& frame, uint64_t now_ms);
  // An entry that needs no ship (filtered out): tracked and done at once.
  void add_done(uint64_t seq);
  // A record from a recovery scan: shipped like an entry, never holds the cursor.
  bool add_recovered(const proto::XdrFrame& frame, uint64_t now_ms);

  // Worker side. The first ready item (not_before <= now), now shipping; nullptr if none.
  ItemPtr take_ready(uint64_t now_ms);
  // Earliest not_before among queued items, nullopt when the queue is empty.
  std::optional<uint64_t> next_ready_ms() const;
  // The item is finished (shipped or a final outcome). Returns true when a parked
  // follow-up of the same digest became ready.
  bool finish(const ItemPtr& item, uint64_t now_ms);
  // The item is to be tried again, not before `not_before_ms`; its digest stays busy
  // (later entries of the digest wait behind it).
  void requeue(const ItemPtr& item, uint64_t not_before_ms);
  // The item was not finished (stopping): its entries stay pending.
  void abandon(const ItemPtr& item);

  // The cursor to commit: every seq below it is done.
  uint64_t committed() const;
  uint64_t next_seq() const { return next_seq_; }
  size_t pending_entries() const { return pending_.size(); }
  size_t pending_entries(std::string_view ns) const;
  size_t queued_items() const { return ready_.size(); }
  size_t in_flight() const { return in_flight_; }
  size_t in_flight(std::string_view ns) const;
  uint64_t recovered_outstanding() const { return recovered_outstanding_; }
  // LUT of the oldest pending entry (all namespaces when ns is empty).
  std::optional<uint64_t> oldest_pending_lut(std::string_view ns = {}) const;
  // Per partition of `ns`, lowers out[pid] to the LUT of its oldest pending entry.
  // `out` has common::kPartitions slots. O(pending entries).
  void lower_to_pending(std::string_view ns, std::vector<uint64_t>& out) const;

 private:
  struct Pending {
    std::string ns;
    uint64_t lut = 0;
    uint32_t pid = 0;
  };
  struct DigestState {
    ItemPtr open;          // waiting, not started: new entries join it
    bool shipping = false;
    uint64_t last_start_ms = 0;
    bool has_started = false;
  };

  static std::string key_of(const proto::XdrFrame& frame);
  bool offer(const proto::XdrFrame& frame, std::optional<uint64_t> seq, uint64_t now_ms);
  void enqueue(const ItemPtr& item);
  void track(uint64_t seq, const proto::XdrFrame& frame);
  void complete(uint64_t seq);
  void purge(uint64_t now_ms);

  uint32_t hotkey_ms_;
  uint64_t next_seq_;
  std::map<uint64_t, Pending> pending_;
  std::unordered_map<std::string, std::multiset<uint64_t>> pending_luts_;  // "" = all
  std::unordered_map<std::string, size_t> in_flight_by_ns_;
  std::unordered_map<std::string, DigestState> digests_;
  std::map<std::pair<uint64_t, uint64_t>, ItemPtr> ready_;  // (not_before, arrival)
  uint64_t arrivals_ = 0;
  size_t in_flight_ = 0;
  uint64_t recovered_outstanding_ = 0;
  uint64_t last_purge_ms_ = 0;
};

}  // namespace shipper
